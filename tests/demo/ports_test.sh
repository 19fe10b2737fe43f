#!/usr/bin/env bash
# demo/lib/ports.sh against a real listener: a taken port is refused naming the process and its pid,
# a free one passes, and the holder named as "ours" passes.
set -euo pipefail
cd "$(dirname "$0")/../.."
. demo/lib/ports.sh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.listen(); time.sleep(60)" &
holder=$!
trap 'kill $holder 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -n "$(port_holder "$port")" ] && break; sleep 0.1; done

said=$( (require_free_port "$port" "the sample app") 2>&1) && { echo "FAIL: a taken port passed"; exit 1; }
echo "taken: $said"
[[ $said == *"port $port (the sample app) is taken by python3 (pid $holder)"* ]] || { echo "FAIL: the holder is not named"; exit 1; }
( require_free_port "$port" "PostgreSQL" "$holder" ) || { echo "FAIL: our own holder was refused"; exit 1; }

kill $holder; wait $holder 2>/dev/null || true
for _ in $(seq 50); do [ -z "$(port_holder "$port")" ] && break; sleep 0.1; done
( require_free_port "$port" "the sample app" ) || { echo "FAIL: a free port was refused"; exit 1; }
echo "free: passes"
