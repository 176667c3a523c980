#!/bin/sh
# run-exercises.sh BIN... - runs each exercise's test binary and prints one
# line per exercise: "done", or "not yet: " and the first failed test's
# hint (its assertion message). A binary that is missing did not compile:
# the compiler's message is above. Exits 0 when every exercise is done.
#
# EXPECT=fail (CI, on the starters) turns it around: each exercise must be
# "not yet", so a starter that passes untouched is caught, and the exit
# status is 0 only when all of them fail, each by its tests: a starter
# that does not compile is a broken starter.
status=0 done=0
for t in "$@"; do
    name=$(basename "$t")
    if [ ! -x "$t" ]; then
        verdict="not yet: it does not compile (the compiler says why above)"
    else
        out=$(mktemp)
        "$t" --jobs=1 --short-filename >"$out" 2>&1
        code=$?
        if [ $code -eq 0 ]; then
            verdict="done"
        else
            # Criterion prints "[----] file:line: Assertion Failed", then
            # the message on the next "[----]   text" line.
            hint=$(sed -n 's/^\[----\]   *\([^ ].*\)$/\1/p' "$out" | head -n 1)
            # No message: it crashed, or hung until Criterion's timeout
            # (the test's comment says where it waits).
            [ -z "$hint" ] && hint=$(grep -m 1 -E 'CRASH|Timed out|signal' "$out" |
                sed 's/^\[[A-Z-]*\] *//; s/Timed out.*/hung until the timeout (the test says where)/')
            verdict="not yet: ${hint:-its tests failed (run $t to see them)}"
        fi
        rm -f "$out"
    fi
    if [ "$EXPECT" = fail ]; then
        case $verdict in
        done | *compile*) status=1 ;;
        *) verdict="fails, as a starter should" ;;
        esac
    else
        [ "$verdict" = done ] || status=1
    fi
    [ "$verdict" = done ] && done=$((done + 1))
    printf '%-28s %s\n' "$name" "$verdict"
done
[ "$EXPECT" = fail ] || echo "exercises: $done of $# done"
[ "$EXPECT" = fail ] && [ $status -ne 0 ] &&
    echo "exercises: a starter passes its tests untouched, or does not compile"
exit $status
