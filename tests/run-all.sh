#!/bin/sh
# run-all.sh TEST... - runs every Criterion test binary given, one after
# another (the end-to-end tests time their traces, so they must not share
# the two cores with each other). A binary that passes is one line: its
# name, its counts and how long it took; one that fails prints all that
# Criterion said, so the failure is on screen. The last line adds them up:
# "tests: N passed, N failed".
passed=0 failed=0 status=0
for t in "$@"; do
    out=$(mktemp)
    started=$(date +%s)
    "$t" --jobs=1 --short-filename >"$out" 2>&1
    code=$?
    took=$(($(date +%s) - started))
    line=$(grep 'Synthesis:' "$out" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\1 \2/p')
    bad=0
    for n in ${f:-1}; do bad=$((bad + n)); done
    name=$(basename "$t")
    if [ $code -ne 0 ] || [ -z "$line" ] || [ $bad -ne 0 ]; then
        status=1
        [ $bad -eq 0 ] && bad=1 # no summary, or a non-zero exit: count it
        echo "---- $t: exit status $code; what it said:"
        cat "$out"
        [ "$(tail -c 1 "$out")" ] && echo
    fi
    # Lines a test prints on purpose (a check skipped off Linux) stay.
    grep '^\[SKIP\]' "$out"
    printf '%-28s %4d passed, %d failed  (%d s)\n' "$name" "${p:-0}" "$bad" "$took"
    passed=$((passed + ${p:-0}))
    failed=$((failed + bad))
    rm -f "$out"
done
echo "tests: $passed passed, $failed failed"
exit $status
