#!/usr/bin/env python3
# Stand-in for ONE kubectl verb: `kubectl [global flags] port-forward [--address A] TARGET LOCAL:REMOTE`.
#
# Why: the presenter's PortForwardSupervisor runs `kubectl port-forward` processes; a real one
# cannot run in the tests, because the fake Kubernetes API (tests/desktop/sources/fake_kube_api.*)
# has no `pods/portforward` streaming endpoint (kubectl speaks SPDY/WebSocket streams to the
# kubelet through it), so kubectl exits at once. tst_outlive_sources runs this file IN PLACE OF
# kubectl to test what the presenter does when a forward dies under a running session.
#
# What it does, as kubectl does: parses the same arguments the supervisor passes (global flags and
# --namespace are accepted and ignored), listens on 127.0.0.1:LOCAL (SO_REUSEADDR, as Go's
# listeners set it), prints "Forwarding from 127.0.0.1:LOCAL -> REMOTE", then
# "Handling connection for LOCAL" per connection, and carries TCP both ways. Where kubectl reaches
# TARGET's REMOTE port inside the cluster, this connects to a real local port instead, named per
# target by the environment variable KUBECTL_STANDIN_TARGETS="svc/sampleapp=PORT,svc/x=PORT".
# A port it cannot listen on ends it with kubectl's "Unable to listen on port" and exit code 1.
# Killing it (SIGKILL) closes the listener and every carried connection, as a dying kubectl does.
import os
import socket
import sys
import threading


def fail(message):
    sys.stdout.write(f"error: {message}\n")
    sys.stdout.flush()
    sys.exit(1)


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main(argv):
    if "port-forward" not in argv:
        fail("this stand-in only implements `kubectl port-forward`")
    rest = argv[argv.index("port-forward") + 1:]
    address = "127.0.0.1"
    positional = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--address":
            address = rest[i + 1]
            i += 2
            continue
        if arg.startswith("--address="):
            address = arg.split("=", 1)[1]
        elif not arg.startswith("-"):
            positional.append(arg)
        i += 1
    if len(positional) != 2 or ":" not in positional[1]:
        fail("expected TARGET LOCAL:REMOTE")
    target, ports = positional
    local, remote = (int(p) for p in ports.split(":", 1))
    targets = {}
    for item in os.environ.get("KUBECTL_STANDIN_TARGETS", "").split(","):
        if "=" in item:
            name, port = item.split("=", 1)
            targets[name.strip()] = int(port)
    if target not in targets:
        fail(f"no KUBECTL_STANDIN_TARGETS entry for {target}")
    destination = targets[target]

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((address, local))
        listener.listen(64)
    except OSError as e:
        fail(f"Unable to listen on port {local}: {e}")
    sys.stdout.write(f"Forwarding from {address}:{local} -> {remote}\n")
    sys.stdout.flush()
    while True:
        client, _ = listener.accept()
        sys.stdout.write(f"Handling connection for {local}\n")
        sys.stdout.flush()
        try:
            upstream = socket.create_connection(("127.0.0.1", destination), timeout=5)
            upstream.settimeout(None)
        except OSError as e:
            # kubectl logs the failed stream and closes the connection; the forward stays up.
            sys.stdout.write(f"E: an error occurred forwarding {local} -> {remote}: {e}\n")
            sys.stdout.flush()
            client.close()
            continue
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1:])
