#!/bin/sh
# Installs Criterion, the test framework, when the compiler cannot find it.
# Prints each command before running it, as `make test` promises.
set -e
# Homebrew on Apple Silicon puts headers under /opt/homebrew, where Apple's
# compiler does not look: look there too, as tests/tests.mk does.
brew_include=
if [ "$(uname)" = Darwin ] && command -v brew >/dev/null; then
    brew_include="-I$(brew --prefix)/include"
fi
if printf '#include <criterion/criterion.h>\n' | ${CC:-cc} $brew_include -E -x c - >/dev/null 2>&1; then
    exit 0
fi
echo "Criterion is missing: installing it" >&2
run() { echo "+ $*" >&2; "$@"; }
if [ "$(uname)" = Darwin ]; then
    command -v brew >/dev/null || { echo "install Homebrew first (hint: https://brew.sh), then: brew install criterion" >&2; exit 1; }
    run brew install criterion
elif command -v apt-get >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    run $sudo apt-get update -qq
    run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcriterion-dev
else
    echo "cannot install Criterion here (hint: install it with your package manager: libcriterion-dev or criterion)" >&2
    exit 1
fi
