#!/bin/sh
# valgrind.sh PROGRAM [ARGS...] - runs PROGRAM under valgrind memcheck with
# the options of `make check`, logging to build/valgrind/logs/NAME.PID.log
# (NAME: PROGRAM's path below build/valgrind/real/, with / turned into _).
#
# make check puts a two-line script in place of every stage program under
# build/valgrind/ that execs this one, so `make O=build/valgrind/ run-04`
# runs stage 04 exactly as usual, only under valgrind.
#
# exec keeps our PID, so the program's own log is NAME.$$.log; any other
# NAME.*.log belongs to a child it forked (valgrind follows fork, and %p
# gives each child its own log). The report (valgrind-report.sh) checks
# descriptors left open only in the program's own log: a forked child that
# calls _exit() holds its parent's descriptors, and that is no leak.
set -u
real=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
logs=${VALGRIND_LOGS:-$root/build/valgrind/logs}
name=$(echo "${real#"$root"/build/valgrind/real/}" | tr / _)
mkdir -p "$logs"
echo "$$" >>"$logs/$name.main"
# --max-threads: valgrind allows 500 threads unless told more, and the demo
# server runs one thread per client (stage 08 sends it 1,000 at once).
exec valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --track-fds=yes --error-exitcode=1 --max-threads=5000 \
    --log-file="$logs/$name.%p.log" "$real" "$@"
