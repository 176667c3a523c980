#!/bin/sh
# with-server.sh SERVER_BIN cmd args... - runs cmd with the demo server
# listening on 127.0.0.1:$PORT (default 8080), and exits with cmd's status.
#
# If a server already answers there (say `make server` in another terminal),
# cmd simply uses it. Otherwise this starts SERVER_BIN in the background,
# waits for its "listening on" line, runs cmd, and stops that server by its
# PID afterwards: also when cmd fails or is interrupted. With PORT=0 the
# server picks a free port and cmd gets it in PORT.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 SERVER_BIN cmd [args...]" >&2
    exit 2
fi
server_bin=$1
shift
PORT=${PORT:-8080}
export PORT

fail() {
    echo "with-server.sh: $*" >&2
    exit 1
}

# Already there? The server's --probe tries to connect: 0 yes, 1 refused,
# 3 accepted no connection within a second (2: bad PORT, already reported).
if [ "$PORT" != 0 ]; then
    "$server_bin" --probe
    case $? in
    0) exec "$@" ;;
    1) ;;
    3) fail "something holds 127.0.0.1:$PORT but accepts no connection (hint: stop it, or choose another port: PORT=$((PORT + 1)) make ...)" ;;
    *) exit 2 ;;
    esac
fi

log=$(mktemp "${TMPDIR:-/tmp}/with-server.XXXXXX") || fail "mktemp failed"
server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=
    fi
    rm -f "$log"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$server_bin" 2>"$log" &
server_pid=$!

# Wait up to 5 s for "listening on 127.0.0.1:N".
tries=0
until grep -q '^listening on 127\.0\.0\.1:' "$log"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        server_pid=
        cat "$log" >&2 # the server's own one-line error, with its hint
        fail "the demo server did not start"
    fi
    tries=$((tries + 1))
    [ $tries -le 50 ] || fail "the demo server did not say it was listening within 5 s"
    sleep 0.1
done
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)

"$@"
status=$?
# Anything the server said besides "listening on" was a problem: show it.
grep -v '^listening on ' "$log" >&2
exit $status
