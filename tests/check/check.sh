#!/usr/bin/env bash
# check.sh [asan] [tsan] [valgrind] [faults] [fuzz] - the steps of `make check`
# (all five when none is named). tests/check/check.mk calls it with the Makefile's
# lists: CHECK_BINS (every program), CHECK_TESTS (every test binary),
# CHECK_NUMBERS (the stages), and MAKE. It builds each tool's copy of the
# repository under build/ by running make again with O=build/TOOL/, runs the
# stages and tests from there, and ends on a summary: one line per step.
# Exit status 1 if any step failed. tests/check/README.md says more.
set -u
cd "$(dirname "$0")/../.." || exit 2
root=$PWD

MAKE=${MAKE:-make}
CC=${CC:-cc}
steps=${*:-asan tsan valgrind faults fuzz}
export TIME_SCALE=0.05 # the talk 20 times faster: the 2 s delay is 0.1 s

results=()
failed=0
# record PASS|FAIL|SKIP "what" ["detail"]
record() {
    results+=("$(printf '%-5s %s%s' "$1" "$2" "${3:+  ($3)}")")
    if [ "$1" = FAIL ]; then failed=1; fi
    printf '\n>>> %s %s%s\n\n' "$1" "$2" "${3:+  ($3)}"
}

banner() { printf '\n==================== %s ====================\n\n' "$*"; }

# run_make O OPT [make args...]: make with every output under O. LDFLAGS
# carries the -fsanitize flags to the link of Criterion's test binaries too.
run_make() {
    local o=$1 opt=$2
    shift 2
    local sanitize
    # shellcheck disable=SC2086 # split OPT into its flags
    sanitize=$(printf '%s\n' $opt | grep -- '^-fsanitize' | tr '\n' ' ')
    echo "+ $MAKE O=$o OPT='$opt' $*"
    ${make_prefix[@]+"${make_prefix[@]}"} "$MAKE" --no-print-directory CC="$CC" O="$o" OPT="$opt" LDFLAGS="$sanitize" "$@"
}

# A stage that hangs must not hang make check: run_make runs under
# timeout(1) while this is set (run_stages sets it). timeout signals its
# whole process group (make, with-server.sh, the stage), and SIGKILLs it
# 10 s later. Where timeout is missing, make runs as is.
make_prefix=()
limit_time() {
    make_prefix=()
    if command -v timeout >/dev/null; then make_prefix=(timeout -k 10 "$1"); fi
}

stage_has_run() { grep -qs "^run-$1:" [0-9][0-9]-*/*.mk; }

# start_server PROGRAM LOG: starts PROGRAM on a free port (PORT=0) and sets
# server_pid and server_port from its "listening on 127.0.0.1:N" line.
start_server() {
    local program=$1 log=$2
    PORT=0 "$program" </dev/null >/dev/null 2>"$log" &
    server_pid=$!
    server_port=
    for _ in $(seq 600); do # up to 60 s: valgrind starts slowly
        server_port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        if [ -n "$server_port" ]; then return 0; fi
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$program did not start: $(cat "$log")" >&2
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    return 1
}

# stop_server: SIGTERM, as a user's Ctrl-C would; the server must exit 0.
stop_server() {
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid"
}

# run_stages LABEL O OPT [make args]: runs every stage's `make run-NN` with the programs
# built under O, against one demo server from that build on a free port
# (with-server.sh finds it listening on PORT and uses it).
run_stages() {
    local label=$1 o=$2 opt=$3
    shift 3
    local log=${o}server.log
    if [ ! -x "${o}03-blocking-io/server" ]; then
        record SKIP "$label: the stages" "no demo server built yet"
        return
    fi
    if ! start_server "${o}03-blocking-io/server" "$log"; then
        record FAIL "$label: start the demo server" "$log"
        return
    fi
    echo "demo server ($label build) on port $server_port, pid $server_pid"
    local n
    for n in $CHECK_NUMBERS; do
        if ! stage_has_run "$n"; then
            record SKIP "$label: make run-$n" "stage $n has no run-$n yet"
            continue
        fi
        banner "$label: stage $n"
        local status=0
        limit_time "$RUN_TIMEOUT"
        PORT=$server_port run_make "$o" "$opt" "$@" "run-$n" || status=$?
        make_prefix=()
        if [ $status -eq 0 ]; then
            record PASS "$label: make run-$n"
        elif [ $status -eq 124 ] || [ $status -eq 137 ]; then
            record FAIL "$label: make run-$n" "still running after $RUN_TIMEOUT s: stopped"
        else
            record FAIL "$label: make run-$n" "exit status $status"
        fi
    done
    if stop_server; then
        record PASS "$label: demo server stopped by SIGTERM, exit 0"
    else
        record FAIL "$label: demo server stopped by SIGTERM" "exit status $?, see $log"
    fi
}

# --- AddressSanitizer + UndefinedBehaviorSanitizer --------------------------

ASAN_O=build/asan/
# -DPROACTOR_FAULTS: the proactor's fault tests run on this build too, where
# LeakSanitizer sees what their error paths leave. Without PROACTOR_FAULTS
# in the environment it injects nothing.
ASAN_OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DPROACTOR_FAULTS'

# Reports go to files, not stderr: a report from a forked child, a server
# or a program a test runs is caught even when nobody reads its stderr or
# its exit status. Any file there means a failure.
asan_reports_found() {
    local reports
    reports=$(ls "$ASAN_LOGS"/report.* 2>/dev/null)
    [ -z "$reports" ] && return 1
    echo "sanitizer reports ($ASAN_LOGS):"
    for r in $reports; do
        echo "--- $r"
        head -n 30 "$r"
    done
    return 0
}

# The stage-08 tests that run once per loop the build has (make test's
# LOOP_TESTS, tests/loops.c): under ASan too, every one on every loop.
LOOP_TESTS=$("$MAKE" -s --no-print-directory print-loop-tests)
LEVER_TESTS=$("$MAKE" -s --no-print-directory print-lever-tests)

# asan_tests WHAT TEST...: runs the test binaries (tests/run-all.sh, the
# loop tests on every loop) and records WHAT: a PASS when they pass and
# left no sanitizer report. Then clears the reports, for the next step.
asan_tests() {
    local what=$1 status=0
    shift
    LOOPS=${ASAN_O}tests/bin/loops LOOP_TESTS=$LOOP_TESTS LEVER_TESTS=$LEVER_TESTS \
        tests/run-all.sh "$@" || status=1
    if asan_reports_found; then status=1; fi
    if [ $status -eq 0 ]; then
        record PASS "$what" "$# test binaries"
    else
        record FAIL "$what"
    fi
    rm -f "$ASAN_LOGS"/report.*
}

check_asan() {
    banner "ASan+UBSan: build every stage and test into $ASAN_O"
    ASAN_LOGS=$root/${ASAN_O}logs
    rm -rf "$ASAN_LOGS"
    mkdir -p "$ASAN_LOGS"
    # detect_stack_use_after_return: a callback left in a loop's queue with
    # a pointer into a frame that has returned is this repository's most
    # likely memory bug; ASan checks for it only when asked.
    # detect_leaks: LeakSanitizer, on Linux (Apple's ASan refuses the option).
    local leaks=
    [ "$(uname)" = Linux ] && leaks=detect_leaks=1:
    export ASAN_OPTIONS="${leaks}detect_stack_use_after_return=1:log_path=$ASAN_LOGS/report"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$ASAN_LOGS/report"
    # -k: build all that builds; what did not is a failure below too.
    if run_make "$ASAN_O" "$ASAN_OPT" -k tests "${ASAN_O}tests/bin/test_faults"; then
        record PASS "asan: build"
    else
        record FAIL "asan: build"
    fi

    banner "ASan+UBSan: the whole test suite"
    local tests=() t
    for t in $CHECK_TESTS; do tests+=("$ASAN_O$t"); done
    asan_tests "asan: make test" "${tests[@]}"

    # SLOWDOWN: the clients wait as much longer for an answer (talk.h).
    RUN_TIMEOUT=${CHECK_RUN_TIMEOUT:-300} RUNS=20 SLOWDOWN=4 run_stages asan "$ASAN_O" "$ASAN_OPT"
    if asan_reports_found; then
        record FAIL "asan: sanitizer reports from the stages" "$ASAN_LOGS"
    fi
    rm -f "$ASAN_LOGS"/report.*
    check_asan_proactor
    unset ASAN_OPTIONS UBSAN_OPTIONS
}

# proactor_missing COMMAND...: what stage 08's loop says when it cannot
# have io_uring here ("no io_uring proactor here (...)") and falls back to
# the readiness loop; nothing when the proactor works. COMMAND runs
# event_loop, whose clients give up at once on port 1.
proactor_missing() {
    PORT=1 ASYNCIO_LOOP=proactor "$@" 2>&1 >/dev/null |
        sed -n 's/^event loop: \(no io_uring proactor here[^:]*\):.*/\1/p' | head -n 1
}

# The loop tests already ran on every loop (asan_tests); the abuse tests
# are not loop tests in make test (they would triple its time), so here
# they run again with echo_server on the proactor.
PROACTOR_TESTS="tests/bin/test_abuse_servers"

# The same build, the io_uring proactor: the tests above, the proactor's
# fault tests (tests/test_faults.c, suite proactor_faults) and make run-08.
check_asan_proactor() {
    banner "ASan+UBSan: the proactor (ASYNCIO_LOOP=proactor)"
    local missing
    missing=$(proactor_missing "${ASAN_O}08-event-loop/event_loop")
    rm -f "$ASAN_LOGS"/report.* # event_loop's give-up is not under test
    if [ -n "$missing" ]; then
        record SKIP "asan: the proactor" "$missing"
        return
    fi
    local tests=() t
    for t in $PROACTOR_TESTS; do
        case " $CHECK_TESTS " in *" $t "*) tests+=("$ASAN_O$t") ;; esac
    done
    ASYNCIO_LOOP=proactor \
        asan_tests "asan: the abuse tests, echo_server on the proactor" "${tests[@]}"
    # Criterion's --filter, for the one suite: the others need the injector.
    CRITERION_TEST_PATTERN='proactor_faults/*' \
        asan_tests "asan: the proactor's fault tests" "${ASAN_O}tests/bin/test_faults"

    ASYNCIO_LOOP=proactor CHECK_NUMBERS=08 RUN_TIMEOUT=${CHECK_RUN_TIMEOUT:-300} \
        RUNS=20 SLOWDOWN=4 run_stages "asan, proactor" "$ASAN_O" "$ASAN_OPT"
    if asan_reports_found; then
        record FAIL "asan, proactor: sanitizer reports from make run-08" "$ASAN_LOGS"
    fi
}

# --- ThreadSanitizer: stage 02's race, and its fix ----------------------------

TSAN_O=build/tsan/
TSAN_OPT='-O1 -g -fsanitize=thread'

check_tsan() {
    banner "TSan: stage 02, the racy counter and the mutex"
    local threads=${TSAN_O}02-threads/threads
    if ! grep -qs "02-threads/threads" 02-threads/*.mk; then
        record SKIP "tsan: stage 02" "not there yet"
        return
    fi
    if ! run_make "$TSAN_O" "$TSAN_OPT" "$threads"; then
        record FAIL "tsan: build stage 02"
        return
    fi
    local out=${TSAN_O}race.log status
    # The racy half: TSan must see the race, and then exits 66.
    echo "+ $threads race"
    RUNS=20 "$threads" race >"$out" 2>&1
    status=$?
    cat "$out"
    if [ $status -eq 66 ] && grep -q 'WARNING: ThreadSanitizer: data race' "$out"; then
        record PASS "tsan: the racy counter is reported" "exit 66, as expected"
    else
        record FAIL "tsan: the racy counter is reported" "exit $status, expected 66 and a data race report"
    fi
    # The mutex half: clean.
    out=${TSAN_O}mutex.log
    echo "+ $threads mutex"
    RUNS=20 "$threads" mutex >"$out" 2>&1
    status=$?
    cat "$out"
    if [ $status -eq 0 ] && ! grep -q 'ThreadSanitizer' "$out"; then
        record PASS "tsan: the mutex version is clean"
    else
        record FAIL "tsan: the mutex version is clean" "exit $status"
    fi
}

# Both servers, built with TSan, under the abuse tests: a race in the demo
# server's threads, or anywhere, makes a server exit 66, which the tests
# see (they expect exit 0 at each stop). The test binary itself is built
# without TSan (Criterion's runner crashes under it), hence two makes: the
# servers with TSan first, then the test with plain flags; make, going by
# dates, keeps the TSan servers.
check_tsan_servers() {
    banner "TSan: both servers under the abuse tests"
    local servers=() b
    for b in $CHECK_BINS; do
        case $b in 03-blocking-io/server | 08-event-loop/echo_server) servers+=("$TSAN_O$b") ;; esac
    done
    if ((${#servers[@]} == 0)); then
        record SKIP "tsan: servers under the abuse tests" "no server built yet"
        return
    fi
    if ! run_make "$TSAN_O" "$TSAN_OPT" "${servers[@]}" ||
        ! run_make "$TSAN_O" "-O1 -g" -k "${TSAN_O}tests/bin/test_abuse_servers"; then
        record FAIL "tsan: build the servers and the abuse tests"
        return
    fi
    # Reports go to files: nobody drains a server's stderr during the tests.
    local logs=$root/${TSAN_O}logs
    rm -rf "$logs"
    mkdir -p "$logs"
    # TEST_SLOWDOWN: the test binary is plain, so it cannot see that the
    # servers it drives run 10 times slower; its waits must know.
    if TSAN_OPTIONS="log_path=$logs/report" ABUSE_NO_RSS=1 TEST_SLOWDOWN=10 \
        tests/run-all.sh "${TSAN_O}tests/bin/test_abuse_servers" &&
        [ -z "$(ls "$logs")" ]; then
        record PASS "tsan: servers under the abuse tests" "${servers[*]#"$TSAN_O"}"
    else
        head -n 40 "$logs"/report.* 2>/dev/null
        record FAIL "tsan: servers under the abuse tests" "reports, if any, in $logs"
    fi
}

# --- valgrind memcheck ------------------------------------------------------

VG_O=build/valgrind/
VG_REAL=build/valgrind/real/
# DWARF 4: valgrind 3.19 cannot read the DWARF 5 that clang 14+ writes by
# default, and would print no file:line in its reports. PROACTOR_VALGRIND:
# the proactor tells memcheck that the kernel filled a receive's buffer
# (valgrind/memcheck.h, from the valgrind package).
VG_OPT='-O1 -g -gdwarf-4 -DPROACTOR_VALGRIND'

# Puts a script in place of each program under build/valgrind/ that runs the
# real one (built under build/valgrind/real/) through valgrind.sh.
make_valgrind_wrappers() {
    local b w
    for b in $CHECK_BINS; do
        w=$VG_O$b
        mkdir -p "$(dirname "$w")"
        printf '#!/bin/sh\n# made by tests/check/check.sh: %s under valgrind\nexec "%s" "%s" "$@"\n' \
            "$b" "$root/tests/check/valgrind.sh" "$root/$VG_REAL$b" >"$w"
        chmod +x "$w"
    done
}

# As `make test` does for Criterion: install what is missing, printing the
# command first (apt-get, with sudo when not root).
install_valgrind() {
    command -v valgrind >/dev/null && return
    command -v apt-get >/dev/null || return
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "valgrind is missing: installing it"
    echo "+ $sudo apt-get update -qq"
    $sudo apt-get update -qq
    echo "+ $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
}

# The proactor under memcheck: event_loop (demo 1: 1,000 clients, connect,
# send and receive) on io_uring, against the valgrind demo server; its log
# joins the others for the report. Not echo_server: valgrind 3.19 runs
# io_uring_enter as a system call that does not block, with every signal
# blocked, so the SIGTERM that stops the server stays pending for as long
# as the loop waits (measured: /proc/PID/status ShdPnd bit 15, forever).
valgrind_proactor() {
    banner "valgrind: the proactor (event_loop, ASYNCIO_LOOP=proactor)"
    local event_loop=${VG_O}08-event-loop/event_loop missing
    if [ ! -x "$event_loop" ]; then
        record SKIP "valgrind: the proactor" "no event_loop built yet"
        return
    fi
    missing=$(proactor_missing valgrind -q --log-file=/dev/null "$VG_REAL${event_loop#"$VG_O"}")
    if [ -n "$missing" ]; then
        record SKIP "valgrind: the proactor" "$missing"
        return
    fi
    if ! start_server "${VG_O}03-blocking-io/server" "${VG_O}server.log"; then
        record FAIL "valgrind: the proactor: start the demo server" "${VG_O}server.log"
        return
    fi
    local status=0
    echo "+ ASYNCIO_LOOP=proactor PORT=$server_port $event_loop"
    limit_time "${CHECK_RUN_TIMEOUT:-600}"
    ASYNCIO_LOOP=proactor PORT=$server_port RUNS=3 SLOWDOWN=20 \
        ${make_prefix[@]+"${make_prefix[@]}"} "$event_loop" || status=$?
    make_prefix=()
    stop_server || status=1
    if [ $status -eq 0 ]; then
        record PASS "valgrind: event_loop on the proactor" "not echo_server: SIGTERM cannot reach it under valgrind"
    else
        record FAIL "valgrind: event_loop on the proactor" "exit status $status"
    fi
}

check_valgrind() {
    banner "valgrind memcheck: every stage program"
    if [ "$(uname)" != Linux ]; then
        record SKIP "valgrind" "valgrind checks run on Linux (CI); not on $(uname)"
        return
    fi
    install_valgrind
    if ! command -v valgrind >/dev/null; then
        record FAIL "valgrind" "not installed (hint: apt-get install valgrind)"
        return
    fi
    if ! run_make "$VG_REAL" "$VG_OPT" -k all; then
        record FAIL "valgrind: build"
    fi
    make_valgrind_wrappers
    export VALGRIND_LOGS=$root/${VG_O}logs
    rm -rf "$VALGRIND_LOGS"
    echo "Stage 02 runs its racy counter too, but valgrind runs one thread at a"
    echo "time, so no increment is lost here: the race is TSan's to show."
    # -o: the wrappers are up to date whatever their sources say.
    local keep=() b
    for b in $CHECK_BINS; do keep+=(-o "$VG_O$b"); done
    RUN_TIMEOUT=${CHECK_RUN_TIMEOUT:-600} RUNS=3 SLOWDOWN=20 run_stages valgrind "$VG_O" "$VG_OPT" "${keep[@]}"
    valgrind_proactor


    banner "valgrind: errors, leaks and descriptors left open"
    if tests/check/valgrind-report.sh "$VALGRIND_LOGS"; then
        record PASS "valgrind: no errors, no leaks, no descriptor left open"
    else
        record FAIL "valgrind: errors, leaks or descriptors left open" "logs in $VALGRIND_LOGS"
    fi
    local missing=()
    for b in $CHECK_BINS; do
        [ -s "$VALGRIND_LOGS/$(echo "$b" | tr / _).main" ] || missing+=("$b")
    done
    if ((${#missing[@]})); then
        record FAIL "valgrind: every program ran" "no make run-NN ran ${missing[*]}"
    else
        record PASS "valgrind: every program ran" "$(printf '%s\n' $CHECK_BINS | wc -l | tr -d ' ') programs"
    fi
    unset VALGRIND_LOGS
}

# --- faults injected -----------------------------------------------------------

FAULTS_O=build/faults/

# The plain build, with tests/faults/libfaults.so preloaded into each program
# a test runs: ASan and valgrind bring their own malloc, and the injector
# cannot sit under them. It wraps glibc's calls, so it runs on Linux only.
check_faults() {
    banner "Faults injected: both servers and the stage programs"
    if [ "$(uname)" != Linux ]; then
        record SKIP "faults" "the injector wraps glibc's calls: Linux only, not $(uname)"
        return
    fi
    # -DPROACTOR_FAULTS: errors in the proactor's completions, which the
    # injector cannot reach (08-event-loop/loop/proactor_faults.h).
    if ! run_make "$FAULTS_O" "-O2 -g -DPROACTOR_FAULTS" -k all "${FAULTS_O}tests/bin/test_faults"; then
        record FAIL "faults: build"
        return
    fi
    if tests/run-all.sh "${FAULTS_O}tests/bin/test_faults"; then
        record PASS "faults: both servers and the stages under injected faults"
    else
        record FAIL "faults: both servers and the stages under injected faults"
    fi
}

# --- the loop fuzzer -------------------------------------------------------------

FUZZ_RUNS=5000 # about 5 s: a count, not a time, so any machine runs the same inputs

# tests/fuzz/fuzz_loop from the committed corpus, with a fixed seed and a
# fixed number of runs: the same inputs on any machine, however fast. New
# inputs go to a scratch folder, never into the committed corpus. Then each
# crash found before, kept in tests/fuzz/regressions/, is replayed.
check_fuzz() {
    banner "The loop fuzzer: $FUZZ_RUNS runs from tests/fuzz/corpus, seed 1"
    if ! FUZZ_CC=${FUZZ_CC:-clang} tests/fuzz/install-fuzzer.sh; then
        record SKIP "fuzz" "no clang with libFuzzer here; CI (Debian) has it"
        return
    fi
    if ! "$MAKE" --no-print-directory build/fuzz/fuzz_loop; then
        record FAIL "fuzz: build"
        return
    fi
    local scratch=build/fuzz/check-corpus
    rm -rf "$scratch"
    mkdir -p "$scratch"
    local status=0
    echo "+ build/fuzz/fuzz_loop -seed=1 -runs=$FUZZ_RUNS -max_len=256 $scratch tests/fuzz/corpus"
    build/fuzz/fuzz_loop -seed=1 -runs=$FUZZ_RUNS -max_len=256 -timeout=60 \
        -artifact_prefix=build/fuzz/ "$scratch" tests/fuzz/corpus 2>&1 | tail -n 30
    status=${PIPESTATUS[0]}
    local regressions
    regressions=$(ls tests/fuzz/regressions/* 2>/dev/null)
    if [ $status -eq 0 ] && [ -n "$regressions" ]; then
        echo "+ build/fuzz/fuzz_loop tests/fuzz/regressions/*"
        # shellcheck disable=SC2086 # one word per file
        build/fuzz/fuzz_loop $regressions 2>&1 | grep -v '^Executed\|^Running\|^\*\*\*' | tail -n 30
        status=${PIPESTATUS[0]}
    fi
    if [ $status -eq 0 ]; then
        record PASS "fuzz: the loop's invariants" "$FUZZ_RUNS runs, $(echo "$regressions" | grep -c .) regressions replayed"
    else
        record FAIL "fuzz: the loop's invariants" "the input is in build/fuzz/crash-*; replay: build/fuzz/fuzz_loop FILE"
    fi
}

started=$(date +%s)
for step in $steps; do
    case $step in
    asan | valgrind | faults | fuzz) "check_$step" ;;
    tsan)
        check_tsan
        check_tsan_servers
        ;;
    *)
        echo "make check: no step \"$step\" (hint: CHECK='asan tsan valgrind faults fuzz', or leave CHECK unset for all)" >&2
        exit 2
        ;;
    esac
done

banner "make check: summary ($(($(date +%s) - started)) s)"
printf '%s\n' "${results[@]}"
count() { printf '%s\n' "${results[@]}" | grep -c "^$1 "; }
echo "check: $(count PASS) passed, $(count FAIL) failed, $(count SKIP) skipped"
exit $failed
