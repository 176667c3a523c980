#!/usr/bin/env bash
# install-fuzzer.sh - makes sure $FUZZ_CC (default clang) can link a
# libFuzzer target; as make test does for Criterion, installs what is
# missing with apt-get (sudo when not root), printing each command first.
# Exit 1 with a hint when it still cannot: make check then skips its step.
set -u
cc=${FUZZ_CC:-clang}
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/t.c"
can_fuzz() { "$cc" -fsanitize=fuzzer,address,undefined "$probe/t.c" -o "$probe/t" 2>/dev/null; }
can_fuzz && exit 0
if command -v apt-get >/dev/null; then
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "$cc cannot link a libFuzzer target: installing clang and its runtime"
    echo "+ $sudo apt-get update -qq"
    $sudo apt-get update -qq
    # The runtime is its own package, only recommended by clang's:
    # libclang-rt-N-dev for clang N (Debian 12: 14).
    pkgs=clang
    version=$("$cc" -dumpversion 2>/dev/null | cut -d. -f1)
    if apt-cache show "libclang-rt-${version:-14}-dev" >/dev/null 2>&1; then
        pkgs="clang libclang-rt-${version:-14}-dev"
    fi
    echo "+ $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs"
    # shellcheck disable=SC2086 # one word per package
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs
    can_fuzz && exit 0
fi
echo "fuzz: $cc cannot link -fsanitize=fuzzer (hint: install clang with its compiler-rt, e.g. apt-get install clang libclang-rt-14-dev)" >&2
exit 1
