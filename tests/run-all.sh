#!/bin/sh
# Runs every Criterion test binary given, one after another (the end-to-end
# tests time their traces, so they must not share the two cores with each
# other), and ends on one line that adds them all up.
passed=0 failed=0 status=0
for t in "$@"; do
    out=$(mktemp)
    "$t" --jobs=1 --short-filename 2>&1 | tee "$out"
    [ "$(tail -c 1 "$out")" ] && echo
    line=$(grep 'Synthesis:' "$out" | tail -1)
    if [ -z "$line" ] || ! grep -q 'Failing: 0 | Crashing: 0' "$out"; then status=1; fi
    p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\1 \2/p')
    passed=$((passed + ${p:-0}))
    for n in ${f:-1}; do failed=$((failed + n)); done
    rm -f "$out"
done
echo "tests: $passed passed, $failed failed"
exit $status
