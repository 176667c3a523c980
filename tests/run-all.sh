#!/bin/sh
# run-all.sh TEST... - runs every Criterion test binary given, one after
# another (the end-to-end tests time their traces, so they must not share
# the two cores with each other). A binary that passes is one line: its
# name, its counts and how long it took; one that fails prints all that
# Criterion said, so the failure is on screen. The last line adds them up:
# "tests: N passed, N failed".
#
# A loop test (its name in LOOP_TESTS) runs once per loop that the program
# LOOPS (tests/loops.c) lists for this build and machine, chosen at run
# time by the environment it gives: "test_08_event_loop [io_uring]". A
# test named in LEVER_TESTS runs again with ASYNCIO_URING=no-multishot:
# the proactor's plain receive path, which its default lever replaces.
passed=0 failed=0 status=0
loops=
if [ -n "$LOOPS" ]; then
    # Its [SKIP] line (no io_uring here) comes first, with the rest.
    said=$(mktemp)
    loops=$("$LOOPS" 2>"$said") || { cat "$said"; echo "run-all.sh: $LOOPS failed" >&2; exit 1; }
    cat "$said"
    rm -f "$said"
fi

# run_one LABEL TEST [NAME=value...]: runs TEST with those variables set.
run_one() {
    label=$1 t=$2
    shift 2
    out=$(mktemp)
    started=$(date +%s)
    env "$@" "$t" --jobs=1 --short-filename >"$out" 2>&1
    code=$?
    took=$(($(date +%s) - started))
    line=$(grep 'Synthesis:' "$out" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\1 \2/p')
    bad=0
    for n in ${f:-1}; do bad=$((bad + n)); done
    if [ $code -ne 0 ] || [ -z "$line" ] || [ $bad -ne 0 ]; then
        status=1
        [ $bad -eq 0 ] && bad=1 # no summary, or a non-zero exit: count it
        echo "---- $label: exit status $code${*:+ ($*)}; what it said:"
        cat "$out"
        [ "$(tail -c 1 "$out")" ] && echo
    fi
    # Lines a test prints on purpose (a check skipped off Linux) stay,
    # each once: every test of a suite may say the same.
    grep '^\[SKIP\]' "$out" | awk '!seen[$0]++'
    printf '%-34s %4d passed, %d failed  (%d s)\n' "$label" "${p:-0}" "$bad" "$took"
    passed=$((passed + ${p:-0}))
    failed=$((failed + bad))
    rm -f "$out"
}

newline='
'
for t in "$@"; do
    name=$(basename "$t")
    case " $LEVER_TESTS " in
    *" $name "*) run_one "$name" "$t"
        run_one "$name [no-multishot]" "$t" ASYNCIO_URING=no-multishot
        continue ;;
    esac
    case " $LOOP_TESTS " in
    *" $name "*) ;;
    *) run_one "$name" "$t"; continue ;;
    esac
    [ -n "$loops" ] || { echo "run-all.sh: $name is a loop test, and LOOPS lists no loop" >&2; exit 1; }
    saved_ifs=$IFS
    IFS=$newline
    for spec in $loops; do
        IFS=$saved_ifs
        # spec: "io_uring ASYNCIO_LOOP=proactor": the name, then its variables.
        # shellcheck disable=SC2086 # split on purpose
        run_one "$name [${spec%% *}]" "$t" ${spec#* }
    done
    IFS=$saved_ifs
done
echo "tests: $passed passed, $failed failed"
exit $status
