#!/bin/sh
# with-load.sh N COMMAND... - runs COMMAND beside N busy loops, as on a
# machine that other work keeps busy (`make test LOAD=2`, `make check
# LOAD=2`). The loops are stopped by their PIDs when COMMAND ends, however
# it ends; its exit status is kept. N=0 (or empty) runs COMMAND alone.
n=${1:-0}
shift
pids=
stop_load() {
    [ -n "$pids" ] && kill $pids 2>/dev/null
    pids=
}
trap 'stop_load; exit 130' INT
trap 'stop_load; exit 143' TERM
i=0
while [ "$i" -lt "$n" ]; do
    sh -c 'while :; do :; done' &
    pids="$pids $!"
    i=$((i + 1))
done
[ "$n" -gt 0 ] && echo "with-load: $n busy loops beside the run (pids$pids)"
"$@"
status=$?
stop_load
wait 2>/dev/null
exit $status
