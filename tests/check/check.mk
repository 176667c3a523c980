# make check: every stage and test under the tools a C engineer trusts:
# AddressSanitizer + UndefinedBehaviorSanitizer, ThreadSanitizer (stage 02's
# race, and its fix), valgrind memcheck, the fault injector and the loop
# fuzzer (tests/fuzz/fuzz.mk). Each tool gets its own build under
# build/ (O=build/asan/ ...), so nothing clashes with the normal build.
# tests/check/README.md explains the steps; tests/check/check.sh runs them.
#
#   make check                    every step
#   make check CHECK=tsan         some steps only: asan tsan valgrind faults fuzz
#   make check LOAD=2             beside two busy loops (tests/with-load.sh)

check: ## sanitizers (ASan+UBSan, TSan) and valgrind over every stage and test
	@MAKE='$(MAKE)' CC='$(CC)' \
	  CHECK_BINS='$(patsubst $(O)%,%,$(BINS))' \
	  CHECK_TESTS='$(patsubst $(O)%,%,$(TESTS))' \
	  CHECK_NUMBERS='$(NUMBERS)' \
	  tests/with-load.sh $(LOAD) tests/check/check.sh $(CHECK)

# What real networks do to both servers (tests/test_abuse_servers.c): part
# of `make test` as well, since it runs in a few seconds.
ABUSE_TEST := $(O)tests/bin/test_abuse_servers
TESTS += $(ABUSE_TEST)
$(ABUSE_TEST): tests/test_abuse_servers.c
