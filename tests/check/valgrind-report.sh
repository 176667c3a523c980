#!/bin/sh
# valgrind-report.sh LOG_DIR - reads the logs valgrind.sh left and says, for
# each program run, whether valgrind found an error, a leak, or a descriptor
# left open at exit. Exits 1 if any run did.
#
# Why read the log: valgrind 3.19's --track-fds=yes reports descriptors
# still open at exit but does not change the exit status, so a leaked fd is
# only in the log. Descriptors marked "<inherited from parent>" (0, 1, 2,
# make's jobserver pipe, valgrind's own log) are not the program's doing.
set -u
logs=$1
status=0
runs=0 children=0

# Prints the "Open ... descriptor N" blocks of a log whose next line is a
# stack (the program opened it) rather than "<inherited from parent>".
open_fds() {
    awk '
        /Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+/ { block = $0; next }
        block != "" && /<inherited from parent>/ { block = ""; next }
        block != "" { print block; print; block = "" }
    ' "$1"
}

for log in "$logs"/*.log; do
    [ -e "$log" ] || continue
    base=${log##*/}
    pid=${base%.log}
    pid=${pid##*.}
    name=${base%.*.log}
    summary=$(grep 'ERROR SUMMARY:' "$log" | tail -n 1)
    if grep -qx "$pid" "$logs/$name.main" 2>/dev/null; then
        runs=$((runs + 1))
        if [ -z "$summary" ]; then
            echo "FAIL $name (pid $pid): valgrind wrote no summary: killed before it exited? ($log)"
            status=1
            continue
        fi
        fds=$(open_fds "$log")
        if [ -n "$fds" ]; then
            echo "FAIL $name (pid $pid): descriptors left open at exit ($log):"
            echo "$fds" | sed 's/^/    /'
            status=1
        fi
    else
        # A forked child: it may have exec'd another program (no summary
        # then) and holds its parent's descriptors; only errors count.
        children=$((children + 1))
    fi
    case $summary in
    *"ERROR SUMMARY: 0 errors"* | "") ;;
    *)
        echo "FAIL $name (pid $pid): $summary ($log):"
        grep -E '(Invalid|uninitialised|Mismatched|definitely lost|indirectly lost|overlap|Syscall param)' "$log" |
            head -n 5 | sed 's/^/    /'
        status=1
        ;;
    esac
done
echo "valgrind: read the logs of $runs program runs and $children forked children"
exit $status
