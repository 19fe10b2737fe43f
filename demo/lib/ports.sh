# Sourced by demo scripts: say which process holds a port before starting something on it, instead
# of the server's own failure ("pg_ctl: could not start server. Examine the log output.").
#   port_holder PORT                 prints "NAME (pid N)" of the listener on PORT, nothing if free
#   require_free_port PORT WHAT [OK_PID]  exits 1 naming the holder, unless free or held by OK_PID

port_holder() {
    local port=$1 line
    if command -v ss >/dev/null 2>&1; then
        line=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -1)
        [ -n "$line" ] || return 0
        if [[ $line =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
            echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"
        else
            echo "a process of another user (run as root, or 'sudo ss -ltnp', to see which)"
        fi
    elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "an unknown process (install iproute2 for its name)"
    fi
}

require_free_port() {
    local port=$1 what=$2 ok_pid=${3:-} holder
    holder=$(port_holder "$port")
    [ -n "$holder" ] || return 0
    if [ -n "$ok_pid" ] && [[ $holder == *"(pid $ok_pid)"* ]]; then return 0; fi
    echo "local-stack: port $port ($what) is taken by $holder; stop it or free the port, then run again" >&2
    exit 1
}
