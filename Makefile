# asyncio, rebuilt from the ground up in C, stage by stage.
#
#   make run        run the whole talk, stage after stage (PAUSE=1: wait for Enter)
#   make 04         build and run one stage (also: make 04-select, or
#                   make -C 04-select run from its folder)
#   make test       build and run every test (installs Criterion if missing)
#   make test-04    one stage's tests
#   make help       every target, one line each
#
# Each stage folder has a stage.mk (08 has two, one per loop) that says what
# it builds and how it runs; this file holds what they share. Build outputs
# go next to their sources, or under O=dir/ (make check builds its sanitizer
# copies under build/).

CC       ?= cc
O        ?=
OPT      ?= -O2 -g
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) -Wall -Wextra -Wpedantic -Werror
# A program's own -I flags, set per target: not in CPPFLAGS, which a
# command line (CI's CPPFLAGS=-U__linux__) replaces, per target too.
INCLUDES :=
LDLIBS   += -pthread
BIN_DIR  := $(abspath $(or $(O),.))

STAGES := 01-processes 02-threads 03-blocking-io 04-select \
          05-generators 06-executor 07-futures 08-event-loop
NUMBERS := $(foreach s,$(STAGES),$(firstword $(subst -, ,$(s))))

# Filled in by each stage.mk:
BINS  :=  # every program a stage builds
TESTS :=  # every Criterion test binary
LOOP_TESTS := # of them, the names of those run once per loop (tests.mk)

# Runs a command with the demo server listening on PORT: the one already
# there at the same TIME_SCALE, or a private one started on a free port for
# the occasion and stopped by its PID afterwards.
SERVER      := $(O)03-blocking-io/server
WITH_SERVER := 03-blocking-io/with-server.sh $(SERVER)

# PY=1: `make 04 PY=1` runs the stage's Python twins (select_demo.py ...)
# instead of its C programs, with the same knobs and the same demo server.
# $(call c_or_py,C command,Python command) is the one a run recipe runs.
PYTHON ?= python3
export PYTHONDONTWRITEBYTECODE := 1
c_or_py = $(if $(PY),$2,$1)

.DEFAULT_GOAL := all
# tests.mk last: its rules cover every test the others add to TESTS.
include $(wildcard 0*/*.mk) $(wildcard tests/*/*.mk)
include tests/tests.mk

# Every program is its sources compiled and linked in one step: they are small.
$(BINS):
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(INCLUDES) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) $(LDLIBS)

.PHONY: all help run server clean format check bench slides \
        $(NUMBERS) $(STAGES) $(addprefix run-,$(NUMBERS)) \
        $(addprefix build-,$(NUMBERS)) $(addprefix test-,$(NUMBERS))

all: $(BINS) ## build every stage

# awk alone splits "target: ... ## what": macOS's sed writes \t as a t.
help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_./%-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'
	@echo "  make NN | make NN-name      build and run one stage (01 ... 08)"
	@echo "  make NN PY=1                the same stage's Python twins (python3)"
	@echo "  make build-NN               build one stage's programs"
	@echo "  make test-NN                build and run one stage's tests"
	@echo "  make diff-NN                what stage NN changed since the previous one"
	@echo "  make -C NN-name [run|test]  the same from a stage's folder"
	@echo "stages: $(STAGES)"

# make 04 and make 04-select both run stage 04.
$(foreach n,$(NUMBERS),$(eval $(n): run-$(n)))
$(foreach s,$(STAGES),$(eval $(s): run-$(firstword $(subst -, ,$(s)))))

# Error messages of the programs name what the user typed (talk.h).
run server $(addprefix run-,$(NUMBERS)) run-08-talk: export INVOKED_AS ?= make $(MAKECMDGOALS)

# make build-05: stage 05's programs; from 03 on, the demo server too.
stage_bins = $(filter $(O)$1-%,$(BINS)) $(if $(filter 01 02,$1),,$(SERVER))
$(foreach n,$(NUMBERS),$(eval build-$(n): $$(call stage_bins,$(n))))

# make test-05: stage 05's test binaries (tests/bin/test_05_*), run as
# make test runs them all.
stage_tests = $(filter $(O)tests/bin/test_$1_%,$(TESTS))
$(foreach n,$(NUMBERS),$(eval test-$(n): $$(BINS) $$(LOOPS_PROGRAM) $$(call stage_tests,$(n)) ; \
  @tests/with-load.sh $$(LOAD) $$(RUN_TESTS) $$(call stage_tests,$(n))))

# make 09, make 9-x: a stage that does not exist gets the list of those
# that do, not make's bare "No rule to make target". A goal is taken for a
# stage when its first word (up to a -) is a number and it is no path
# (03-blocking-io/server is a file to build).
digits_removed = $(subst 0,,$(subst 1,,$(subst 2,,$(subst 3,,$(subst 4,,$(subst \
  5,,$(subst 6,,$(subst 7,,$(subst 8,,$(subst 9,,$1))))))))))
is_number = $(if $1,$(if $(call digits_removed,$1),,yes))
first_word = $(firstword $(subst -, ,$1))
UNKNOWN_STAGES := $(foreach g,$(filter-out $(NUMBERS) $(STAGES),$(MAKECMDGOALS)),$(if \
  $(findstring /,$g),,$(if $(call is_number,$(call first_word,$g)),$g)))
$(foreach g,$(UNKNOWN_STAGES),$(eval $g: ; @echo "make $g: no such stage \
  (hint: make 01 ... make 08, or by name: $(STAGES))" >&2; exit 2))

run: $(BINS) ## run every stage in order, as in the talk (PAUSE=1: Enter between stages, q quits)
	@for n in $(NUMBERS); do \
	  printf '\n==================== stage %s ====================\n\n' "$$n"; \
	  $(MAKE) --no-print-directory run-$$n || exit 1; \
	  if [ -n "$(PAUSE)" ] && [ "$$n" != 08 ]; then \
	    ./pause.sh "stage $$n done" || exit 0; \
	  fi; \
	done

server: $(SERVER) ## run the demo server in the foreground (PORT=8080)
	$(SERVER)

# make diff-07: what stage 07 changed in stage 06's program. Each stage.mk
# lists its program's files as PROGRAM_NN, in reading order. A file is
# compared with the previous stage's file of the same name (RENAMED_NN,
# "old new", pairs a main file that changed its name), a new file is shown
# whole, a file the stage drops is named in one line. NEW_PROGRAM_NN: the
# stage starts a program of its own, which diff-NN says instead of a diff.
# Not .PHONY: make never looks for a pattern rule to build a phony target,
# so diff-06 would do nothing.
PREV_02 := 01
PREV_03 := 02
PREV_04 := 03
PREV_05 := 04
PREV_06 := 05
PREV_07 := 06
PREV_08 := 07
# $(call counterpart,file,NN,PREV): file's counterpart in stage PREV, if any.
counterpart = $(or $(filter %/$(notdir $1),$(PROGRAM_$3)),$(if $(filter \
  $(notdir $1),$(word 2,$(RENAMED_$2))),$(filter %/$(word 1,$(RENAMED_$2)),$(PROGRAM_$3))))
# $(call successor,file,NN): non-empty if stage NN keeps file of its PREV.
successor = $(or $(filter %/$(notdir $1),$(PROGRAM_$2)),$(filter $(notdir \
  $1),$(word 1,$(RENAMED_$2))))
# diff exits 1 when the files differ: that is its answer, not a failure.
diff_file = { diff -u $(or $1,/dev/null) $2 || test $$? = 1; } &&
new_program = echo "make diff-$1: $(PROGRAM_$1) is a new program, not a \
  growth of $(PROGRAM_$2) (its README says why)"
diff_program = $(foreach f,$(PROGRAM_$1),$(call diff_file,$(call \
  counterpart,$f,$1,$2),$f)) $(foreach f,$(PROGRAM_$2),$(if $(call \
  successor,$f,$1),,echo "Only in stage $2: $f" &&)) true
diff-%:
	@test -n "$(PREV_$*)" || { echo "make diff-$*: no such stage (hint: make diff-02 ... make diff-08)" >&2; exit 2; }
	@$(if $(NEW_PROGRAM_$*),$(call new_program,$*,$(PREV_$*)),$(call diff_program,$*,$(PREV_$*)))

# *.dSYM: the debug info Apple's clang writes beside each program (-g).
clean: ## remove every build output
	rm -f $(BINS) $(TESTS) compile_commands.json
	rm -rf build tests/bin $(addsuffix .dSYM,$(BINS))

format: ## reformat every C file with clang-format (.clang-format)
	clang-format -i $$(git ls-files '*.c' '*.h')

compile_commands.json: ## compile commands for editors and clangd (needs bear)
	@command -v bear >/dev/null || { echo "bear is missing (hint: apt-get install bear, or brew install bear)" >&2; exit 1; }
	$(MAKE) clean
	bear -- $(MAKE) all tests

.NOTPARALLEL: run
