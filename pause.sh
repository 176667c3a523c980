#!/bin/sh
# pause.sh WHAT - make run's pause between two stages (PAUSE=1): forgets
# the keys typed while the stage ran, then waits for Enter. Exits 0 to go
# on, 1 when the user typed q (or the terminal is gone).
#
# The keys typed ahead sit in the terminal's input queue: with canonical
# mode off and no minimum (min 0 time 0), each dd returns at once with what
# is queued, until nothing is left. stty and dd are POSIX: macOS's do this.
set -u
tty=/dev/tty
# A failed `exec 3<` would end this shell (dash): try it in a subshell.
if ! (exec 3<"$tty") 2>/dev/null; then
    exit 0 # no terminal (a pipe, CI): nobody to wait for
fi
exec 3<"$tty"
saved=$(stty -g <&3)
stty -icanon min 0 time 0 <&3
while [ "$(dd bs=256 count=1 <&3 2>/dev/null | wc -c)" -gt 0 ]; do :; done
stty "$saved" <&3
printf '\n[%s: Enter for the next stage, q then Enter to quit] ' "$1"
read -r answer <&3 || exit 1
case $answer in
q | Q | quit) echo "stopped here (make NN runs any stage on its own)" && exit 1 ;;
esac
exit 0
