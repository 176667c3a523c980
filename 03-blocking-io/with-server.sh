#!/bin/sh
# with-server.sh SERVER_BIN cmd args... - runs cmd with the demo server
# listening on 127.0.0.1:$PORT, and exits with cmd's status.
#
# If the demo server already answers on PORT (default 8080: say `make
# server` in another terminal) at this run's TIME_SCALE, cmd uses it.
# Otherwise this starts a private SERVER_BIN on a free port, hands that
# port to cmd in PORT, and stops the server by its PID afterwards, also
# when cmd fails or is interrupted. Private, so that two runs at once never
# stop each other's server. When the port is held by something else, or
# by the demo server at another TIME_SCALE, the first line says so.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 SERVER_BIN cmd [args...]" >&2
    exit 2
fi
server_bin=$1
shift
PORT=${PORT:-8080}
me=${INVOKED_AS:-with-server.sh}

fail() {
    echo "$me: $*" >&2
    exit 1
}

# Already there? The server's --probe asks whatever listens on PORT which
# server it is: 0 the demo server at our TIME_SCALE, 4 at another one
# (printed), 1 nothing listens, 3 something else; 2: a bad PORT or
# TIME_SCALE, already reported.
why=
if [ "$PORT" != 0 ]; then
    theirs=$("$server_bin" --probe)
    case $? in
    0) export PORT && exec "$@" ;;
    1) ;;
    3) why="127.0.0.1:$PORT is held by a program that is not the demo server" ;;
    4) why="the demo server on 127.0.0.1:$PORT runs at TIME_SCALE=$theirs, this run at TIME_SCALE=${TIME_SCALE:-1}" ;;
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

PORT=0 "$server_bin" 2>"$log" &
server_pid=$!

# Wait for "listening on 127.0.0.1:N": 5 s, times SLOWDOWN (whole).
case ${SLOWDOWN:-1} in *[!0-9]* | '') slower=1 ;; *) slower=${SLOWDOWN:-1} ;; esac
tries=0
until grep -q '^listening on 127\.0\.0\.1:' "$log"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        server_pid=
        cat "$log" >&2 # the server's own one-line error, with its hint
        fail "the demo server did not start"
    fi
    tries=$((tries + 1))
    [ $tries -le $((50 * slower)) ] || fail "the demo server did not say it was listening within $((5 * slower)) s"
    sleep 0.1
done
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
export PORT
[ -z "$why" ] || echo "$me: $why: started a demo server for this run on 127.0.0.1:$PORT" >&2

"$@"
status=$?
# Anything the server said besides "listening on" was a problem: show it.
grep -v '^listening on ' "$log" >&2
exit $status
