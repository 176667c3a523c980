# Tests: one Criterion binary per test file, declared in each stage's
# stage.mk as
#     TESTS += $(O)tests/bin/test_04
#     $(O)tests/bin/test_04: tests/test_04_select.c 04-select/talk.c
# A test file #includes the stage program it tests (with STAGE_NO_MAIN, so
# the stage's main is left out) and so reaches even its static functions.

# The layout's own promises (identical shared copies, a chapter per stage).
TESTS += $(O)tests/bin/test_repo
$(O)tests/bin/test_repo: tests/test_repo.c
$(O)tests/bin/test_repo: TEST_CFLAGS += -DSOURCE_DIR='"$(CURDIR)"'

# Each stage program beside its Python twin (needs python3; skips without).
TESTS += $(O)tests/bin/test_twins
$(O)tests/bin/test_twins: tests/test_twins.c
$(O)tests/bin/test_twins: TEST_CFLAGS += -DSOURCE_DIR='"$(CURDIR)"'

# The newcomer's path: --help, give-ups, make from a stage folder, PAUSE.
TESTS += $(O)tests/bin/test_newcomer
$(O)tests/bin/test_newcomer: tests/test_newcomer.c
$(O)tests/bin/test_newcomer: TEST_CFLAGS += -DSOURCE_DIR='"$(CURDIR)"'

# Which loops this build and machine have (tests/loops.c), for run-all.sh:
# each test named in LOOP_TESTS (the stage.mk files add them) runs once on
# each of them.
LOOPS_PROGRAM := $(O)tests/bin/loops
$(LOOPS_PROGRAM): tests/loops.c $(LOOP_08)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INCLUDES) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) $(LDLIBS)
print-loop-tests: # for .ci/run, which runs the portable build's tests
	@echo $(LOOP_TESTS)
print-lever-tests: # for make check, which runs them under ASan too
	@echo $(LEVER_TESTS)
RUN_TESTS = env LOOPS=$(LOOPS_PROGRAM) LOOP_TESTS='$(LOOP_TESTS)' \
  LEVER_TESTS='$(LEVER_TESTS)' tests/run-all.sh

HARNESS     := tests/harness.c tests/harness.h
TEST_CFLAGS := -DSTAGE_NO_MAIN -DBIN_DIR='"$(BIN_DIR)"' -Wno-unused-function

# Homebrew on Apple Silicon installs Criterion under /opt/homebrew, where
# Apple's compiler looks neither for headers nor for libraries (-isystem:
# like /usr/include, its headers are not ours to warn about).
ifeq ($(shell uname -s),Darwin)
BREW_PREFIX := $(shell brew --prefix 2>/dev/null)
ifneq ($(BREW_PREFIX),)
TEST_CFLAGS += -isystem $(BREW_PREFIX)/include -L$(BREW_PREFIX)/lib
endif
endif

.PHONY: test tests criterion print-loop-tests print-lever-tests

criterion:
	@CC="$(CC)" tests/install-criterion.sh

$(TESTS): $(HARNESS) | criterion $(BINS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INCLUDES) $(CFLAGS) $(TEST_CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) -lcriterion $(LDLIBS)

tests: $(BINS) $(TESTS) $(LOOPS_PROGRAM)

# LOAD=N runs the tests beside N busy loops, as on a machine that other
# work keeps busy (tests/README.md).
LOAD ?= 0
test: tests ## build and run every test (LOAD=2: beside two busy loops)
	@tests/with-load.sh $(LOAD) $(RUN_TESTS) $(TESTS)
