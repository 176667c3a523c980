#!/usr/bin/env bash
# run-bench.sh - `make bench`: runs every measurement, prints the tables with
# ASCII bar charts, and writes them to bench-results.txt at the top
# (git-ignored: your machine's run, beside the reference, never over it).
#
#   QUICK=1      fewer repetitions and shorter windows (about 35 s)
#   REFERENCE=1  write tests/bench/reference.txt instead: the one dated run
#                that every figure in SLIDES.md and the READMEs quotes
#                (tests/test_slides.c checks them against it), so the
#                figures in the text change in the same commit
#   NOTE=text    a line for the header: what else the machine was doing
#   SCALE_SIZES="10000 100000"   the Scale table's N (default 10k 100k 1M)
#   GUARD=1   fail on a gross regression against this run's own figures (CI)
#   O=dir/    where make put the programs (as everywhere in this repository)
#
# Each server runs as its own process, started here on a free port (PORT=0)
# and stopped by its PID; the load generator (loadgen) is another process.
# What cannot be measured here (no libuv, no python3, stage 08 not built,
# not enough descriptors) becomes a "skipped: why" row, never a failure.
set -u
cd "$(dirname "$0")/../.."
O=${O:-}
BIN=${O}tests/bench/bin
RESULTS=bench-results.txt
[ -n "${REFERENCE:-}" ] && RESULTS=tests/bench/reference.txt
if [ -n "${REFERENCE:-}" ] && [ -n "${QUICK:-}" ]; then
    echo "make bench: REFERENCE=1 takes the full run, not QUICK=1" >&2
    echo "  (hint: make bench REFERENCE=1)" >&2
    exit 2
fi
WORK=$(mktemp -d)
SERVER_PID=
COUNTER_PID= # perf or strace, counting a server's system calls

cleanup() {
    [ -n "$COUNTER_PID" ] && kill "$COUNTER_PID" 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${QUICK:-}" ]; then
    RUNS=60         # microbenchmark repetitions
    REPEAT=1        # load runs per server and configuration
    LEVER_ROUNDS=0  # the levers table is the full run's only
    SECONDS_BUSY=0.6
    IDLE=10000
    TIME_SCALE=0.1  # design table: the server delay is 2 s x 0.1
else
    RUNS=400
    REPEAT=3
    SECONDS_BUSY=1.2
    LEVER_ROUNDS=5 # a lever moves CPU by a few percent: more rounds
    IDLE=10000
    TIME_SCALE=0.25
fi
BUSY=100
PROCESS_CAP=1000
# Stage 08's O(ready) selector: epoll on Linux, kqueue on macOS and the BSDs.
KERNEL_SELECTOR=epoll
[ "$(uname)" = Linux ] || KERNEL_SELECTOR=kqueue
PROACTOR="stage 08 echo_server, io_uring proactor"

# --- formatting ---------------------------------------------------------

# Reads rows "what<TAB>value<TAB>unit<TAB>how" and prints a table: value
# in readable units, ratio to the smallest, and a bar on a log scale
# (10 characters per factor of 10) since the values span six orders.
log_table() {
    awk -F'\t' '
    function human(v, unit) {
        if (unit == "ns") {
            if (v < 1000) return sprintf("%.1f ns", v)
            if (v < 1e6) return sprintf("%.1f us", v / 1e3)
            return sprintf("%.2f ms", v / 1e6)
        }
        if (v < 1024) return sprintf("%d B", v)
        if (v < 1048576) return sprintf("%.1f KiB", v / 1024)
        return sprintf("%.1f MiB", v / 1048576)
    }
    { what[NR] = $1; val[NR] = $2; unit[NR] = $3; how[NR] = $4
      if (val[NR] ~ /^[0-9.]+$/ && val[NR] > 0 && (min == "" || val[NR] < min)) min = val[NR] }
    END {
        printf "  %-58s %11s %10s  %s\n", "", "value", "x smallest", "log scale: 10 # = 10x"
        for (i = 1; i <= NR; i++) {
            if (val[i] !~ /^[0-9.]+$/) { printf "  %-58s %s\n", what[i], val[i]; continue }
            if (val[i] <= 0) { printf "  %-58s %11s\n", what[i], "n/a"; continue }
            r = val[i] / min
            n = int(log(r) / log(10) * 10 + 1.5)
            bar = ""; for (k = 0; k < n; k++) bar = bar "#"
            printf "  %-58s %11s %10s  %s\n", what[i], human(val[i], unit[i]), \
                   (r < 10 ? sprintf("%.1fx", r) : sprintf("%.0fx", r)), bar
            printf "  %-58s %11s   (%s)\n", "", "", how[i]
        }
    }'
}

section() {
    printf '\n== %s ==\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2"
    return 0
}

# --- servers -------------------------------------------------------------

# On a 2-core machine the scheduler sometimes puts the server and loadgen on
# the same core, which halves msg/s whatever the server (seen: 185k and 90k
# for the same server, run after run). Where taskset exists, the server gets
# core 1 and loadgen core 0, so each has a core of its own; a server's
# threads and children share its core.
SERVER_CPU=()
LOADGEN_CPU=()
if command -v taskset >/dev/null && [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
    SERVER_CPU=(taskset -c 1)
    LOADGEN_CPU=(taskset -c 0)
fi

# start_server ENV... -- CMD ARGS...: starts it on a free port, waits
# for its "listening on 127.0.0.1:N" line; sets SERVER_PID and SERVER_PORT.
start_server() {
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    : >"$WORK/server.err"
    # ${a[@]+"${a[@]}"}: bash 3.2 (macOS) calls an empty "${a[@]}" unbound.
    ${SERVER_CPU[@]+"${SERVER_CPU[@]}"} env PORT=0 ${envs[@]+"${envs[@]}"} "$@" 2>"$WORK/server.err" >/dev/null &
    SERVER_PID=$!
    for _ in $(seq 100); do
        SERVER_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/server.err")
        [ -n "$SERVER_PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    stop_server
    return 1
}

stop_server() {
    [ -z "$SERVER_PID" ] && return
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# --- the sections ---------------------------------------------------------

# The header says where the figures come from: a figure is only as good as
# the machine, the compilers and the load it was measured under.
header() {
    local model
    model=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo 2>/dev/null | head -1)
    [ -z "$model" ] && model=$(sysctl -n machdep.cpu.brand_string 2>/dev/null)
    echo "command: make bench$([ -n "${QUICK:-}" ] && echo " QUICK=1")$([ -n "${REFERENCE:-}" ] && echo " REFERENCE=1")$([ -n "${SCALE_SIZES:-}" ] && echo " SCALE_SIZES='$SCALE_SIZES'")"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(uname -m), ${model:-unknown CPU}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs"
    echo "kernel: $(uname -sr)"
    echo "compiler (CC, builds every program): $(${CC:-cc} --version 2>/dev/null | head -1)"
    command -v clang >/dev/null && echo "clang: $(clang --version | head -1)"
    command -v python3 >/dev/null && echo "python3: $(python3 --version 2>&1)"
    echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')"
    [ -n "${NOTE:-}" ] && echo "note: $NOTE"
    echo "fd limit (hard): $(ulimit -Hn); every program raises its soft limit to it"
}

micro_tables() {
    # Switches are measured with both sides on one core: a round trip is
    # then two context switches, the cost the talk means. Across two cores
    # it is two wake-ups of an idle core instead, which on a VM cost 5 to
    # 20 us each and vary from run to run.
    { RUNS=$RUNS "$BIN/micro" startup &&
      RUNS=$RUNS ${LOADGEN_CPU[@]+"${LOADGEN_CPU[@]}"} "$BIN/micro" switch |
        sed "${LOADGEN_CPU[*]:+s/round trip, /round trip on one core, /}" &&
      RUNS=$RUNS "$BIN/micro" memory; } >"$WORK/micro.tsv" || { echo "micro failed"; return; }
    if [ -x "$BIN/micro_loop" ]; then
        RUNS=$RUNS "$BIN/micro_loop" >>"$WORK/micro.tsv"
    else
        why="skipped: stage 08's event loop (08-event-loop/loop/) is not there yet"
        printf 'startup\ttask (stage 08)\t%s\nswitch\ttask switch through the loop (stage 08)\t%s\nmemory\ttask (stage 08)\t%s\n' \
            "$why" "$why" "$why" >>"$WORK/micro.tsv"
    fi
    section "Start-up: one unit of work created, run, and gone" \
        "  The talk: processes are slow to start, threads faster, coroutines have no boot penalty."
    awk -F'\t' '$1 == "startup" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$WORK/micro.tsv" | log_table
    section "Switch: handing control to another unit and getting it back" \
        "  The talk: processes and threads switch in the kernel; coroutines with no syscall."
    awk -F'\t' '$1 == "switch" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$WORK/micro.tsv" | log_table
    section "Memory per unit" \
        "  The talk: a process is a whole program; a thread a stack; a coroutine a frame."
    awk -F'\t' '$1 == "memory" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$WORK/micro.tsv" | log_table
}

# loadgen against the server running, pinned: BUSY busy connections beside
# IDLE idle ones, then any further options; its stderr in loadgen.err.
run_loadgen() {
    local idle=$1
    shift
    ${LOADGEN_CPU[@]+"${LOADGEN_CPU[@]}"} "$BIN/loadgen" --port "$SERVER_PORT" --pid "$SERVER_PID" \
        --busy "$BUSY" --idle "$idle" --seconds "$SECONDS_BUSY" ${1+"$@"} 2>"$WORK/loadgen.err"
}

# One run of loadgen against a fresh server; appends its result line to
# runs/<n> (n numbers the servers in each_server's order), or a
# "skipped:"/"FAILED:" line that ends that server's measurement.
measure_once() {
    local n=$1 name=$2 idle=$3; shift 3
    local runs=$WORK/runs/$n out status
    grep -q '^[A-Z]*[a-z]*:' "$runs" 2>/dev/null && return # already given up
    echo "$name" >"$WORK/runs/$n.name"
    if ! start_server "$@"; then
        echo "skipped: the server did not start ($(head -c 200 "$WORK/server.err"))" >>"$runs"
        return
    fi
    out=$(run_loadgen "$idle")
    status=$?
    stop_server
    # A proactor refused io_uring says so in one line and runs on the
    # readiness loop: its row says so too.
    grep -m1 io_uring "$WORK/server.err" | tr '|' '/' >"$WORK/runs/$n.server"
    if [ $status -ne 0 ]; then
        echo "FAILED: loadgen exit $status: $(tr '\n' ' ' <"$WORK/loadgen.err" | head -c 200)" >>"$runs"
        C10K_FAILED=1
        return
    fi
    echo "$out" >>"$runs"
}

# The medians of one server's runs, as a row
# "name|idle|held|wanted|rate|p50|p99|cpu|rss|procs|note|x libuv". x libuv
# is the median of the ratios round by round: libuv ran in the same round,
# moments later, so a slow spell of the machine hits both sides of a ratio.
summarize_server() {
    local n=$1 idle=$2 name libuv=$WORK/runs/7 said
    name=$(cat "$WORK/runs/$n.name")
    said=$(head -1 "$WORK/runs/$n.server" 2>/dev/null)
    if grep -q '^[A-Z]*[a-z]*:' "$WORK/runs/$n"; then
        echo "$name|$idle|$(grep '^[A-Z]*[a-z]*:' "$WORK/runs/$n" | head -1)" >>"$WORK/c10k.rows"
        return
    fi
    grep -qs '^[A-Z]*[a-z]*:' "$libuv" || [ ! -e "$libuv" ] && libuv=/dev/null
    awk -v name="$name" -v idle="$idle" -v uvfile="$libuv" -v said="$said" '
    function med(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    BEGIN {
        while ((getline line < uvfile) > 0)
            if (match(line, /rate=[0-9.]+/)) uv[++k] = substr(line, RSTART + 5, RLENGTH - 5)
    }
    {
        for (f = 1; f <= NF; f++) { split($f, kv, "="); v[kv[1], FNR] = kv[2] }
        note = $0; sub(/.*note=/, "", note)
        if (said != "") note = (note == "-" ? "" : note "; ") "server: " said
        if (uv[FNR] > 0) r[++nr] = v["rate", FNR] / uv[FNR]
    }
    END {
        n = FNR
        split("held wanted rate p50_us p99_us cpu_us_per_msg rss_kb procs", keys, " ")
        for (q = 1; q <= 8; q++) { for (i = 1; i <= n; i++) a[i] = v[keys[q], i]; m[keys[q]] = med(a, n) }
        printf "%s|%s|%d|%d|%.0f|%.1f|%.1f|%.2f|%d|%d|%s|%s\n", name, idle, m["held"], m["wanted"], m["rate"],
               m["p50_us"], m["p99_us"], m["cpu_us_per_msg"], m["rss_kb"], m["procs"], note,
               nr ? sprintf("%.2f", med(r, nr)) : "-"
    }' "$WORK/runs/$n" >>"$WORK/c10k.rows"
}

# Calls `$1 N NAME IDLE ENV... -- CMD` for every server, N counting from 1;
# a server that cannot run here gets a "skipped:" line instead. The idle
# connections are capped for the process-per-connection server.
each_server() {
    local fn=$1 idle=$2 proc_idle=$2
    [ $((BUSY + proc_idle)) -gt $PROCESS_CAP ] && proc_idle=$((PROCESS_CAP - BUSY))
    "$fn" 1 "process per connection" "$proc_idle" -- "$BIN/srv_process"
    "$fn" 2 "thread per connection" "$idle" -- "$BIN/srv_thread"
    "$fn" 3 "select() server, 1 thread" "$idle" -- "$BIN/srv_select"
    local loop08=${O}08-event-loop/echo_server
    if [ -x "$loop08" ]; then
        "$fn" 4 "stage 08 echo_server, $KERNEL_SELECTOR" "$idle" ASYNCIO_SELECTOR=$KERNEL_SELECTOR -- "$loop08"
        libuv_server "$fn" "$idle" # just after: the comparison that matters
        proactor_server "$fn" "$idle" "$loop08" # and just after libuv
        "$fn" 5 "stage 08 $KERNEL_SELECTOR, per-wait reg." "$idle" ASYNCIO_SELECTOR=$KERNEL_SELECTOR ASYNCIO_REGISTRATION=per-wait -- "$loop08"
        "$fn" 6 "stage 08 echo_server, poll" "$idle" ASYNCIO_SELECTOR=poll -- "$loop08"
    else
        skip 4 "stage 08 echo_server" "$loop08 is not built yet"
        libuv_server "$fn" "$idle"
    fi
    if command -v python3 >/dev/null; then
        # Stage 08's Python twin: the asyncio code readers see, on asyncio's
        # own loop (no uvloop), one coroutine per connection.
        "$fn" 8 "Python asyncio, echo_server.py" "$idle" PYTHONDONTWRITEBYTECODE=1 -- python3 08-event-loop/echo_server.py
    else
        skip 8 "Python asyncio" "python3 is not installed"
    fi
}

# Issue 19's proactor: the same echo_server, its sockets on io_uring.
proactor_server() {
    if [ "$(uname)" = Linux ]; then
        "$1" 9 "$PROACTOR" "$2" ASYNCIO_LOOP=proactor -- "$3"
    else
        skip 9 "$PROACTOR" "io_uring is Linux's"
    fi
}

libuv_server() {
    if [ -x "$BIN/srv_libuv" ]; then
        "$1" 7 "libuv" "$2" -- "$BIN/srv_libuv"
    else
        skip 7 "libuv" "libuv is not installed (pkg-config libuv): apt-get install libuv1-dev, brew install libuv"
    fi
}

skip() {
    echo "$2" >"$WORK/runs/$1.name"
    echo "skipped: $3" >"$WORK/runs/$1"
}

# REPEAT rounds, each running every server once: a slow spell of the
# machine then hits every server alike, not all the runs of one of them.
measure_all() {
    local idle=$1 round n
    rm -rf "$WORK/runs"
    mkdir -p "$WORK/runs"
    for round in $(seq "$REPEAT"); do
        each_server measure_once "$idle"
    done
    for n in 1 2 3 4 9 5 6 7 8; do # the proactor's row below epoll's
        [ -e "$WORK/runs/$n.name" ] && summarize_server "$n" "$idle"
    done
}

# Prints the rows of c10k.rows as a table and a msg/s bar chart.
c10k_table() {
    awk -F'|' '
    !seen[$1]++ {
        name[++n] = $1; row[n] = $0
        if (NF >= 10 && $5 > max) max = $5
    }
    END {
        printf "  %-40s %13s %9s %6s %8s %8s %9s %9s\n", "server", "held/wanted", "msg/s", "x libuv", \
               "p50 us", "p99 us", "CPU us/msg", "peak RSS"
        for (i = 1; i <= n; i++) {
            split(row[i], f, "|")
            if (length(f) < 10) { printf "  %-40s %s\n", f[1], f[3]; continue }
            ratio = f[12]
            cpu = f[8] < 0 ? "n/a" : sprintf("%.2f", f[8])
            rss = f[9] < 0 ? "n/a" : sprintf("%.1f MB", f[9] / 1024)
            if (f[10] > 1) rss = rss "*"
            printf "  %-40s %6d/%-6d %9d %6s %8.0f %8.0f %9s %9s\n", f[1], f[3], f[4], f[5], ratio, f[6], f[7], cpu, rss
            if (f[11] != "-") printf "  %-40s   note: %s\n", "", f[11]
            if (f[10] > 1) star = 1
        }
        if (star) print "  * sum of Pss over the server and its children (each shared page counted once)"
        print ""
        print "  msg/s (linear, # = " int(max / 50 + 1) " msg/s)"
        for (i = 1; i <= n; i++) {
            split(row[i], f, "|")
            if (length(f) < 10) continue
            bar = ""; for (k = 0; k < f[5] / (max / 50 + 1); k++) bar = bar "#"
            printf "  %-40s %s %d\n", f[1], bar, f[5]
        }
    }' "$WORK/c10k.rows"
}

held_chart() {
    awk -F'|' '
    !seen[$1]++ && NF >= 10 { name[++n] = $1; held[n] = $3; wanted[n] = $4; if ($4 > max) max = $4 }
    END {
        print "  connections held (an echo proves it), # = " int(max / 50) " connections"
        for (i = 1; i <= n; i++) {
            bar = ""; for (k = 0; k < held[i] / (max / 50); k++) bar = bar "#"
            # (...): macOS awk (BWK) reads a bare < in a print list as an error
            printf "  %-40s %s %d of %d%s\n", name[i], bar, held[i], wanted[i], (held[i] < wanted[i] ? "  <- stopped here" : "")
        }
    }' "$WORK/c10k.rows"
}

c10k() {
    : >"$WORK/c10k.rows"
    C10K_FAILED=
    section "C10K: echo servers, ${BUSY} busy connections, 64-byte ping-pong, every byte verified" \
"  loadgen ramps up in batches of 100 (each echoes once before the next: no backlog
  overrun), then measures for ${SECONDS_BUSY} s after a warm-up: msg/s is the median of 5
  slices. Each figure is the median of ${REPEAT} round(s), every server once per round, on a
  fresh server; x libuv is the median of the ratios round by round (libuv runs right
  after stage 08's $KERNEL_SELECTOR server, the io_uring proactor right after libuv).
  ${SERVER_CPU[*]:+The server runs on core 1, loadgen on core 0 (taskset). }CPU us/msg = server
  utime+stime (/proc/PID/stat) over the window / messages: the sharper figure, as msg/s
  also depends on how the two processes meet."
    echo
    echo "  -- ${BUSY} busy, no idle connections --"
    measure_all 0
    c10k_table
    mv "$WORK/c10k.rows" "$WORK/c10k.busy"
    cp -R "$WORK/runs" "$WORK/runs.busy" # for "Where a message's time goes"
    echo
    echo "  -- ${BUSY} busy beside ${IDLE} idle connections (process per connection capped at ${PROCESS_CAP} in all: fork per client) --"
    measure_all "$IDLE"
    c10k_table_idle
    echo
    held_chart
}

# The idle table also shows how much the idle connections slowed each
# server: busy-only msg/s (from the first table) against this one's.
c10k_table_idle() {
    awk -F'|' 'FNR == NR { if (NF >= 10) busy[$1] = $5; next }
    NF >= 10 && busy[$1] > 0 { slow[$1] = sprintf("%.0f%%", 100 * (1 - $5 / busy[$1])) }
    { print }
    NF >= 10 && busy[$1] > 0 { printf "SLOW|%s|%s\n", $1, slow[$1] > "/dev/stderr" }' \
        "$WORK/c10k.busy" "$WORK/c10k.rows" 2>"$WORK/slow" >/dev/null
    c10k_table
    echo
    echo "  busy connections slowed down by the idle ones (msg/s lost vs the table above;"
    echo "  msg/s moves a lot between runs on a shared 2-core machine: a negative figure is that noise):"
    awk -F'|' '{ printf "  %-40s %s\n", $2, $3 }' "$WORK/slow"
}

# --- where a message's time goes (issue 19) ------------------------------

# The three servers of issue 19's comparison, by their numbers in
# each_server: stage 08 on epoll, libuv, stage 08 on io_uring.
COSTED="4 7 9"

# What counts a server's system calls: perf stat on the raw_syscalls
# tracepoint (counted in the kernel, a few ns per call, switched on and off
# with loadgen's window), else strace -c (ptrace stops the server at every
# call and cannot follow the window: it counts the whole run), else nothing.
pick_counter() {
    COUNTER=
    PERF_EVENTS=raw_syscalls:sys_enter
    if command -v perf >/dev/null &&
        perf stat -x, -e "$PERF_EVENTS" -o /dev/null -- true 2>/dev/null; then
        COUNTER=perf
        # io_uring_enter apart: a proactor that makes none ran on epoll.
        perf stat -x, -e syscalls:sys_enter_io_uring_enter -o /dev/null -- true 2>/dev/null &&
            PERF_EVENTS=$PERF_EVENTS,syscalls:sys_enter_io_uring_enter
    elif command -v strace >/dev/null; then
        COUNTER=strace
    fi
}

# Counts, with perf, the server's system calls in loadgen's window; prints
# loadgen's line followed by "calls=C io_uring_enter=I".
count_with_perf() {
    local line status
    rm -f "$WORK/ctl" "$WORK/ack"
    mkfifo "$WORK/ctl" "$WORK/ack"
    ${LOADGEN_CPU[@]+"${LOADGEN_CPU[@]}"} perf stat -x, -e "$PERF_EVENTS" -p "$SERVER_PID" -D -1 \
        --control "fifo:$WORK/ctl,$WORK/ack" -o "$WORK/count" 2>"$WORK/count.err" &
    COUNTER_PID=$!
    line=$(run_loadgen 0 --window-fifos "$WORK/ctl,$WORK/ack")
    status=$?
    stop_counter
    [ $status -ne 0 ] && { echo "not measured: loadgen exit $status"; return; }
    case $line in
    *window=ok*) ;;
    *) echo "not measured: perf stat did not answer ($(head -c 120 "$WORK/count.err"))"; return ;;
    esac
    # -x, lines: "count,,event,...", "<not counted>" when zero.
    printf '%s calls=%s io_uring_enter=%s\n' "$line" \
        "$(awk -F, '$3 == "raw_syscalls:sys_enter" { print $1 + 0 }' "$WORK/count")" \
        "$(awk -F, '$3 ~ /io_uring_enter$/ { print $1 + 0; n++ } END { if (!n) print "unknown" }' "$WORK/count")"
}

# The same with strace -c: the whole run (ramp-up, warm-up and the last
# round included), so it divides by every message (msgs_all).
count_with_strace() {
    local line status
    strace -c -f -p "$SERVER_PID" -o "$WORK/count" 2>"$WORK/count.err" &
    COUNTER_PID=$!
    for _ in $(seq 40); do
        grep -q attached "$WORK/count.err" && break
        kill -0 "$COUNTER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if ! grep -q attached "$WORK/count.err"; then
        stop_counter
        echo "not measured: strace could not attach ($(head -c 120 "$WORK/count.err"))"
        return
    fi
    line=$(run_loadgen 0)
    status=$?
    stop_counter
    [ $status -ne 0 ] && { echo "not measured: loadgen exit $status"; return; }
    # strace -c's rows: % time, seconds, usecs/call, calls, [errors,] name.
    line=$(echo "$line" | sed 's/ msgs=[0-9]*/ /; s/msgs_all=/msgs=/')
    printf '%s calls=%s io_uring_enter=%s\n' "$line" \
        "$(awk '$NF == "total" { print $4 }' "$WORK/count")" \
        "$(awk '$NF == "io_uring_enter" { print $4; n++ } END { if (!n) print 0 }' "$WORK/count")"
}

# SIGINT: perf and strace print their counts as they stop.
stop_counter() {
    kill -INT "$COUNTER_PID" 2>/dev/null
    wait "$COUNTER_PID" 2>/dev/null
    COUNTER_PID=
}

# each_server's callback: one counting run of a server of COSTED on a fresh
# server, appended to sys/<n>. Runs after every timed run, so a counter
# never slows a timed figure.
count_once() {
    local n=$1 out
    case " $COSTED " in *" $n "*) ;; *) return ;; esac
    shift 3
    out=$WORK/sys/$n
    grep -q '^not measured' "$out" 2>/dev/null && return # already given up
    [ -z "$COUNTER" ] && return # the section's caption says so, once
    if ! start_server "$@"; then
        echo "not measured: the server did not start" >>"$out"
        return
    fi
    count_with_$COUNTER >>"$out"
    stop_server
}

message_costs() {
    section "Where a message's time goes: libuv, stage 08 on $KERNEL_SELECTOR and on io_uring (issue 19)" \
"  The ${BUSY}-connection ping-pong of the C10K table: msg/s and CPU are its own runs (the same
  ${REPEAT} round(s), x libuv round by round). User and kernel: utime and stime of the
  server (/proc/PID/stat, 10 ms ticks) over the window, per message. System calls: a
  separate run per server and round, after every timed run, so the counter never slows a
  timed figure: the counter named below, over the messages loadgen counted meanwhile."
    if [ ! -e "$WORK/runs.busy" ]; then
        echo "  skipped: the C10K table did not run"
        return
    fi
    pick_counter
    local how="not measured: strace/perf not installed" round k
    [ "$COUNTER" = perf ] && how="perf stat -e raw_syscalls:sys_enter, switched on and off with loadgen's window"
    [ "$COUNTER" = strace ] && how="strace -c -f (perf unusable here): the whole run over every message, ramp-up included; ptrace slows the server, which may change how many messages each call serves"
    echo "  System calls counted by: $how"
    rm -rf "$WORK/sys"
    mkdir -p "$WORK/sys"
    for round in $(seq "$REPEAT"); do
        each_server count_once 0 >/dev/null
    done
    echo
    for k in $COSTED; do
        [ -e "$WORK/runs.busy/$k.name" ] || continue
        echo "$k name $(cat "$WORK/runs.busy/$k.name")"
        echo "$k said $(head -1 "$WORK/runs.busy/$k.server" 2>/dev/null)"
        sed "s/^/$k run /" "$WORK/runs.busy/$k"
        sed "s/^/$k sys /" "$WORK/sys/$k" 2>/dev/null
    done | message_costs_table "$(held_and_rss 9)"
}

# "held wanted rss_kb" of server n in the C10K idle table, or nothing.
held_and_rss() {
    awk -F'|' -v want="$(cat "$WORK/runs/$1.name" 2>/dev/null)" \
        '$1 == want && NF >= 10 { print $3, $4, $9 }' "$WORK/c10k.rows" 2>/dev/null
}

# Reads "N name|said|run|sys REST" lines (libuv is N=7, the proactor 9)
# and prints the medians, then the proactor against issue 19's goals.
message_costs_table() {
    awk -v idle="$1" '
    function med(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    function val(line, key,   m) {
        if (!match(line, "(^| )" key "=[-0-9.]+")) return ""
        m = substr(line, RSTART, RLENGTH); sub(/.*=/, "", m); return m
    }
    # median of f(k, round) over the rounds where it is known
    function med_of(k, what,   r, a, n) {
        n = 0
        for (r = 1; r <= rounds[k]; r++) if ((k, what, r) in v) a[++n] = v[k, what, r]
        return n ? med(a, n) : ""
    }
    function fmt(x, f) { return x == "" || x < 0 ? "n/a" : sprintf(f, x) }
    {
        k = $1; kind = $2; rest = $0; sub(/^[^ ]* [^ ]* ?/, "", rest)
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
        if (kind == "name") name[k] = rest
        else if (kind == "said") said[k] = rest
        else if (kind == "run") {
            if (rest ~ /^[A-Za-z]+:/) { gone[k] = rest; next }
            r = ++rounds[k]
            v[k, "rate", r] = val(rest, "rate")
            v[k, "user", r] = val(rest, "user_us_per_msg")
            v[k, "kernel", r] = val(rest, "kernel_us_per_msg")
            v[k, "cpu", r] = val(rest, "cpu_us_per_msg")
        } else if (kind == "sys") {
            if (rest ~ /^not measured/) { sysnote[k] = rest; next }
            r = ++srounds[k]
            calls = val(rest, "calls"); msgs = val(rest, "msgs")
            if (msgs > 0) v[k, "sys", r] = calls / msgs
            io = val(rest, "io_uring_enter")
            if (io != "" && msgs > 0) v[k, "io", r] = io / msgs
            if (srounds[k] > rounds[k]) rounds[k] = srounds[k]
        }
    }
    END {
        for (i = 1; i <= n; i++) {
            k = order[i]
            for (r = 1; r <= rounds[k]; r++) {
                if (v["7", "rate", r] > 0 && (k, "rate", r) in v) v[k, "xrate", r] = v[k, "rate", r] / v["7", "rate", r]
                if (v["7", "cpu", r] > 0 && v[k, "cpu", r] >= 0 && (k, "cpu", r) in v) v[k, "xcpu", r] = v[k, "cpu", r] / v["7", "cpu", r]
            }
        }
        printf "  %-40s %9s %7s %8s %9s %10s %7s %12s\n", "server", "msg/s", "x libuv", "user us", "kernel us", \
               "CPU us/msg", "x libuv", "syscalls/msg"
        for (i = 1; i <= n; i++) {
            k = order[i]
            if (k in gone) { printf "  %-40s %s\n", name[k], gone[k]; continue }
            printf "  %-40s %9s %7s %8s %9s %10s %7s %12s\n", name[k], fmt(med_of(k, "rate"), "%.0f"), \
                   fmt(med_of(k, "xrate"), "%.2f"), fmt(med_of(k, "user"), "%.2f"), fmt(med_of(k, "kernel"), "%.2f"), \
                   fmt(med_of(k, "cpu"), "%.2f"), fmt(med_of(k, "xcpu"), "%.2f"), fmt(med_of(k, "sys"), "%.2f")
            if (k in sysnote) printf "  %-40s   system calls %s\n", "", sysnote[k]
            if (said[k] != "") printf "  %-40s   note: server: %s\n", "", said[k]
            io = med_of(k, "io")
            if (k == "9" && io != "" && io == 0 && said[k] == "")
                printf "  %-40s   note: no io_uring_enter at all: this build ignores ASYNCIO_LOOP=proactor,\n  %-40s   so the row shows the readiness loop\n", "", ""
        }
        print ""
        print "  user us and kernel us: server CPU per message in user space and in the kernel, in"
        print "  10 ms ticks (a small share can read 0.00 over a short window); each column is its"
        print "  own median, so they need not add up to CPU us/msg. x libuv: the same-round ratio"
        print "  to libuv (msg/s, then CPU us/msg)."
        if (!("9" in seen) || ("9" in gone)) { print "  goals of issue 19: not judged, the proactor row did not run"; exit }
        split(idle, c, " ")
        print ""
        printf "  %-48s %10s %10s  %s\n", "the proactor against issue 19'"'"'s goals", "measured", "goal", "(reported, never failing)"
        if (said["9"] != "" || med_of("9", "io") == "0")
            print "  (the proactor row ran on the readiness loop, see its note: these are that loop'"'"'s figures)"
        goal("system calls per message (libuv: about 2.0)", med_of("9", "sys"), "%.2f", "<=", 0.2, "%.2f")
        goal("msg/s, x libuv (same round)", med_of("9", "xrate"), "%.2f", ">=", 1.0, "%.2f")
        goal("server CPU per message, x libuv (same round)", med_of("9", "xcpu"), "%.2f", "<=", 0.9, "%.2f")
        if (c[1] != "") {
            printf "  %-48s %10s %10s  %s\n", "connections held beside 10,000 idle (C10K)", c[1] "/" c[2], "all", \
                   (c[1] == c[2] ? "met" : "not met")
            goal("peak RSS meanwhile, MB (C10K table)", c[3] >= 0 ? c[3] / 1024 : "", "%.1f", "<=", 32, "%d")
        } else
            printf "  %-48s %10s\n", "10,000 idle connections (C10K table)", "not measured"
    }
    function goal(what, x, f, op, target, tf,   ok) {
        if (x == "" || x < 0) { printf "  %-48s %10s %10s\n", what, "n/a", op " " sprintf(tf, target); return }
        ok = op == "<=" ? x <= target + 1e-9 : x >= target - 1e-9
        printf "  %-48s %10s %10s  %s\n", what, sprintf(f, x), op " " sprintf(tf, target), ok ? "met" : "not met"
    }'
}

# The proactor's levers (issue 19: "measure which of them pays here"):
# each flipped alone from the defaults (proactor.c's levers_from_env), in
# rounds beside libuv, on the busy ping-pong; then the memory lever at
# 10,000 idle connections. Full runs only: QUICK's one short round could
# not tell a few percent from noise.
LEVERS="default no-batch no-wait-batch no-provided-buffers no-fixed-files no-multishot poll-first"
lever_run() { # lever|libuv idle: appends loadgen's line to levers/<name>
    local name=$1 idle=$2 out
    if [ "$name" = libuv ]; then
        start_server -- "$BIN/srv_libuv" || return
    else
        start_server ASYNCIO_LOOP=proactor "ASYNCIO_URING=${name#default}" -- "${O}08-event-loop/echo_server" || return
    fi
    out=$(run_loadgen "$idle") && echo "$out" >>"$WORK/levers/$name.$idle"
    stop_server
}

levers() {
    section "The proactor's levers: each flipped alone (ASYNCIO_URING), ${BUSY}-connection ping-pong" \
"  levers by default: $(lever_defaults)
  Each row flips one lever from the default (no-provided-buffers turns multishot off too: it
  receives into provided buffers). ${LEVER_ROUNDS} rounds, every row and libuv once per round;
  x libuv and x default are medians of same-round ratios."
    if [ -n "${QUICK:-}" ]; then
        echo "  skipped with QUICK=1 (a few percent needs the full run's rounds)"
        return
    fi
    if [ "$(uname)" != Linux ] || [ ! -x "${O}08-event-loop/echo_server" ] || [ ! -x "$BIN/srv_libuv" ]; then
        echo "  skipped: needs Linux (io_uring), stage 08's echo_server and libuv"
        return
    fi
    rm -rf "$WORK/levers"
    mkdir -p "$WORK/levers"
    local round lever
    for round in $(seq "$LEVER_ROUNDS"); do
        lever_run libuv 0
        for lever in $LEVERS; do lever_run "$lever" 0; done
    done
    for lever in default no-provided-buffers; do lever_run "$lever" "$IDLE"; done
    lever_table
}

# The defaults, as proactor.c has them (its Levers initializer).
lever_defaults() {
    sed -n '/Levers l = {/,/};/p' 08-event-loop/loop/proactor.c |
        sed -n 's/.*\.\([a-z_]*\) = \(true\|false\).*/\1=\2/p' | tr '_' '-' | tr '\n' ' ' | sed 's/ $//'
}

lever_table() {
    (
        cd "$WORK/levers" || exit
        for f in *.*; do sed "s/^/${f%.*} ${f##*.} /" "$f"; done
    ) | awk -v order="libuv $LEVERS" -v idle="$IDLE" '
    function med(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    function val(line, key) {
        if (!match(line, "(^| )" key "=[-0-9.]+")) return ""
        line = substr(line, RSTART, RLENGTH); sub(/.*=/, "", line); return line
    }
    {
        r = ++runs[$1, $2]
        v[$1, $2, "rate", r] = val($0, "rate"); v[$1, $2, "cpu", r] = val($0, "cpu_us_per_msg")
        v[$1, $2, "rss", r] = val($0, "rss_kb"); v[$1, $2, "held", r] = val($0, "held")
        v[$1, $2, "wanted", r] = val($0, "wanted")
    }
    function ratio_med(a, b, what,   r, x, n) {
        n = 0
        for (r = 1; r <= runs[a, 0]; r++)
            if (v[b, 0, what, r] > 0 && v[a, 0, what, r] > 0) x[++n] = v[a, 0, what, r] / v[b, 0, what, r]
        return n ? sprintf("%.2f", med(x, n)) : "n/a"
    }
    function plain_med(a, i, what,   r, x) {
        for (r = 1; r <= runs[a, i]; r++) x[r] = v[a, i, what, r]
        return runs[a, i] ? med(x, runs[a, i]) : -1
    }
    END {
        n = split(order, name, " ")
        printf "  %-22s %9s %7s %10s %7s %9s\n", "lever", "msg/s", "x libuv", "CPU us/msg", "x libuv", "x default"
        for (i = 1; i <= n; i++) {
            k = name[i]
            if (!runs[k, 0]) { printf "  %-22s %s\n", k, "did not run"; continue }
            printf "  %-22s %9.0f %7s %10.2f %7s %9s\n", k, plain_med(k, 0, "rate"), \
                   k == "libuv" ? "1.00" : ratio_med(k, "libuv", "rate"), plain_med(k, 0, "cpu"), \
                   k == "libuv" ? "1.00" : ratio_med(k, "libuv", "cpu"), \
                   k == "libuv" ? "" : ratio_med(k, "default", "cpu")
        }
        print ""
        printf "  the memory lever, beside %d idle connections (one run each):\n", idle
        split("default no-provided-buffers", m, " ")
        for (i = 1; i <= 2; i++) {
            k = m[i]
            if (!runs[k, idle]) { printf "  %-22s did not run\n", k; continue }
            printf "  %-22s held %d/%d, peak RSS %.1f MB\n", k, plain_med(k, idle, "held"), \
                   plain_med(k, idle, "wanted"), plain_med(k, idle, "rss") / 1024
        }
    }'
}

designs_table() {
    section "What each stage's design can do, against the demo server (one delay = 2 s x TIME_SCALE=$TIME_SCALE)" \
"  Each design is one stage's way of waiting, run in its own process. '2 requests' are sent at
  once: 2 delays means one stalls the other. CPU = user+system time of the process while one
  request waits (polling intervals scale with TIME_SCALE like the delay, so the number of
  polls, and the CPU, is that of a real 2 s wait). Then 10 and 1,000 requests at once: how
  many are answered within 1.5 delays. One run each."
    if ! start_server TIME_SCALE="$TIME_SCALE" -- "${O}03-blocking-io/server"; then
        echo "  skipped: the demo server ${O}03-blocking-io/server did not start"
        return
    fi
    PORT=$SERVER_PORT TIME_SCALE=$TIME_SCALE "$BIN/designs" >"$WORK/designs.tsv" 2>"$WORK/designs.err"
    local status=$?
    stop_server
    [ $status -ne 0 ] && echo "  designs failed: $(head -c 300 "$WORK/designs.err")"
    awk -F'\t' '
    BEGIN { printf "  %-42s %9s %8s %10s %11s %8s\n", "design", "2 requests", "stalls?", "CPU, 1 req", "done of 10", "of 1,000" }
    $2 == "-" { printf "  %-42s %s\n", $1, $6; next }
    { printf "  %-42s %6.2f dl %8s %7.0f us %11d %8d\n", $1, $2, ($2 > 1.7 ? "yes" : "no"), $3, $4, $5
      name[++n] = $1; cpu[n] = $3; if ($3 > max) max = $3 }
    END {
        print ""; print "  CPU burnt while one request waits (linear, # = " int(max / 40 + 1) " us)"
        for (i = 1; i <= n; i++) {
            bar = ""; for (k = 0; k < cpu[i] / (max / 40 + 1); k++) bar = bar "#"
            printf "  %-42s %s %d us\n", name[i], bar, cpu[i]
        }
    }' "$WORK/designs.tsv"
}

# One run of scale (C) or scale.py (asyncio): "seconds<TAB>bytes", or
# nothing if it failed (its stderr goes to the results).
scale_run() {
    "$@" 2>&1 | awk -F'\t' 'NF == 4 { print $3 "\t" $4; next } { print "  " $0 > "/dev/stderr" }'
}

scale_table() {
    local sizes="10000 100000 1000000" n c py
    [ -n "${QUICK:-}" ] && sizes="10000 100000"
    [ -n "${SCALE_SIZES:-}" ] && sizes=$SCALE_SIZES
    section "Scale: N tasks that each sleep 10 ms, gathered; N call_later timers" \
"  asyncio.gather(*(sleeper() for _ in range(N))) with sleeper() awaiting asyncio.sleep(0.01),
  in stage 08's loop and in asyncio. Time from the first create_task to gather's result (the
  10 ms sleep included); bytes = the run's peak RSS over its start, divided by N: the task,
  its coroutine frame, its timer and gather's share. One process per run, one run each."
    if [ ! -x "$BIN/scale" ]; then
        echo "  skipped: stage 08's event loop is not built yet"
        return
    fi
    : >"$WORK/scale.tsv"
    for n in $sizes; do
        c=$(scale_run "$BIN/scale" tasks "$n")
        py="-"
        if command -v python3 >/dev/null; then
            py=$(scale_run python3 tests/bench/scale.py tasks "$n")
        fi
        printf '%s\t%s\t%s\n' "$n" "${c:-failed}" "${py:--}" >>"$WORK/scale.tsv"
    done
    awk -F'\t' '
    BEGIN { printf "  %9s %12s %10s %12s %10s %10s %9s\n", "N", "stage 08", "B/task", "asyncio", "B/task", "x asyncio", "growth" }
    {
        n[NR] = $1; t[NR] = $2; b[NR] = $3; pt[NR] = $4; pb[NR] = $5
        growth = NR > 1 && t[NR-1] > 0 ? sprintf("%.1fx", t[NR] / t[NR-1]) : ""
        r = $4 > 0 && $2 > 0 ? $4 / $2 : 0
        faster = r == 0 ? "-" : (r < 10 ? sprintf("%.1fx", r) : sprintf("%.0fx", r))
        printf "  %9d %10.3f s %10s %10s %10s %10s %9s\n", $1, $2, $3, \
               ($4 > 0 ? sprintf("%.3f s", $4) : "-"), ($5 > 0 ? $5 : "-"), faster, growth
    }
    END { print "  growth: this N against the N above (10x the tasks: about 10x the time when linear)" }' "$WORK/scale.tsv"
    awk -F'\t' 'NR == 2 && $2 > 0 && prev > 0 { printf "%.2f\n", $2 / prev } NR == 1 { prev = $2 }' \
        "$WORK/scale.tsv" >"$WORK/growth"

    local timers=1000000 uv="-"
    c=$(scale_run "$BIN/scale" timers "$timers")
    if [ -x "$BIN/timers_libuv" ]; then
        uv=$(scale_run "$BIN/timers_libuv" "$timers")
    fi
    echo
    printf '%s\t%s\n' "${c:-failed}" "${uv:--}" | awk -F'\t' -v n="$timers" '{
        printf "  %d call_later timers, deadlines over 10 ms, run until the last fired:\n", n
        printf "  %-30s %8.3f s %6s B/timer\n", "stage 08 (4-ary heap)", $1, $2
        if ($3 > 0) printf "  %-30s %8.3f s %6s B/timer   stage 08 takes %.2fx libuv'"'"'s time\n", "libuv (uv_timer_t)", $3, $4, $1 / $3
        else print "  libuv: skipped, not installed (pkg-config libuv): apt-get install libuv1-dev, brew install libuv"
    }'
}

# GUARD=1 (CI): fail only on a gross regression, judged against what this
# run measured beside it: stage 08's echo below 0.7x libuv's msg/s, or 100k
# tasks costing more than 20x what 10k cost. A figure that could not be
# measured is said, not failed.
guard() {
    section "Guard: gross regressions (GUARD=1)"
    local bad=0 ratio growth
    ratio=$(awk -F'|' -v want="stage 08 echo_server, $KERNEL_SELECTOR" \
        '$1 == want && $12 ~ /^[0-9.]+$/ { print $12 }' "$WORK/c10k.busy" 2>/dev/null)
    if [ -z "$ratio" ]; then
        echo "  echo vs libuv: not judged (libuv is not installed, or a server did not run)"
    elif awk -v r="$ratio" 'BEGIN { exit !(r < 0.7) }'; then
        echo "  FAIL echo: stage 08 at ${ratio}x libuv's msg/s, below 0.7x"
        bad=1
    else
        echo "  ok   echo: stage 08 at ${ratio}x libuv's msg/s (at least 0.7x)"
    fi
    growth=$(cat "$WORK/growth" 2>/dev/null)
    if [ -z "$growth" ]; then
        echo "  tasks 10k -> 100k: not judged (the scale runs did not finish)"
    elif awk -v g="$growth" 'BEGIN { exit !(g > 20) }'; then
        echo "  FAIL tasks: 100k cost ${growth}x what 10k cost, over 20x (not linear)"
        bad=1
    else
        echo "  ok   tasks: 100k cost ${growth}x what 10k cost (at most 20x)"
    fi
    return $bad
}

# make 01 and make 02 measure too (fork, threads, the data race): their
# whole output goes into the run, so the READMEs quote one run of each.
stage_programs() {
    section "The stage programs' own figures: make 01, make 02 (one run each, TIME_SCALE=1)"
    local p
    for p in 01-processes/processes 02-threads/threads; do
        echo "--- $p ---"
        if [ -x "${O}$p" ]; then
            TIME_SCALE=1 "${O}$p" || echo "  ($p exited with status $?)"
        else
            echo "  skipped: ${O}$p is not built (make all)"
        fi
        echo "--- end of $p ---"
    done
}

main() {
    header
    micro_tables
    stage_programs
    designs_table
    scale_table
    c10k
    message_costs
    levers
    local status=0
    [ -n "${C10K_FAILED:-}" ] && status=1
    if [ -n "${GUARD:-}" ]; then guard || status=1; fi
    return $status
}

# Written beside the results, then moved over them: an interrupted run
# leaves the last complete one in place.
main 2>&1 | tee "$WORK/results"
status=${PIPESTATUS[0]}
mv "$WORK/results" "$RESULTS"
echo "make bench: results in $RESULTS"
exit $status
