#!/bin/sh
# echo-round-trip.sh ECHO_SERVER EVENT_LOOP - make 08's last act: start the
# echo_server on a free port, send it one message (event_loop --echo), then
# stop it with SIGTERM, by its PID, and show that it exited 0.
set -u
server=$1
client=$2
log=$(mktemp "${TMPDIR:-/tmp}/echo-server.XXXXXX") || exit 1
"$server" --port 0 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$log"' EXIT
tries=0
until grep -q '^listening on 127\.0\.0\.1:' "$log"; do
    tries=$((tries + 1))
    if [ $tries -gt 50 ] || ! kill -0 "$pid" 2>/dev/null; then
        cat "$log" >&2
        echo "echo-round-trip.sh: the echo_server did not start" >&2
        exit 1
    fi
    sleep 0.1
done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
echo "== echo_server: one coroutine per connection =="
echo "echo_server listening on 127.0.0.1:$port"
# Untraced: with TRACE=1, its timeline would be demo 1's one-client run
# again (make 08 keeps under 300 lines that way).
PORT=$port TRACE= "$client" --echo || exit 1
kill -TERM "$pid"
wait "$pid"
status=$?
echo "echo_server stopped by SIGTERM, exit status $status"
exit $status
