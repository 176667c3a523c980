# Exercises: a learner writes each stage's key piece and the tests say
# whether it works (tests/exercises/README.md). Kept out of `make all` and
# `make test`:
#
#   make exercise-05            the learner's files of stage 05, one line each
#   make exercises              every stage
#   make exercises ANSWERS=1    the same tests on the answers
#   make exercises-starters-fail   CI: every untouched starter must fail
#
# Exercise NN-stage/exercises/NAME.c is tested by tests/exercises/test_NN_NAME.c,
# which #includes the file under test (EXERCISE) as stage tests include
# their stage's program; -I the stage's folder, so an exercise includes
# "coro.h" or "loop/asyncio.h" from where it is, starter or answer.
# EXERCISE_LINK_NN: what stage NN's tests link too.

EXERCISE_FILES := $(sort $(wildcard 0*/exercises/*.c))
EXERCISE_KIND  := $(if $(ANSWERS),answers,starters)
EXERCISE_BIN   := $(O)tests/bin/exercises/$(EXERCISE_KIND)

EXERCISE_LINK_05 := 05-generators/coro.c
EXERCISE_LINK_06 := 06-executor/coro.c
EXERCISE_LINK_07 := 07-futures/coro.c
EXERCISE_LINK_08 := $(filter %.c,$(LOOP_08))

# 05-generators/exercises/fib.c -> 05_fib
exercise_id = $(firstword $(subst -, ,$(1)))_$(basename $(notdir $(1)))
# the file the tests build: the starter, or with ANSWERS=1 its answer
exercise_src = $(if $(ANSWERS),$(dir $(1))answers/$(notdir $(1)),$(1))

EXERCISE_BINS :=
define exercise_rule
EXERCISE_BINS += $(EXERCISE_BIN)/$(call exercise_id,$(1))
$(EXERCISE_BIN)/$(call exercise_id,$(1)): tests/exercises/test_$(call \
  exercise_id,$(1)).c $(call exercise_src,$(1)) $(wildcard tests/exercises/*.h) \
  $(HARNESS) | criterion
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) -I$(firstword $(subst /, ,$(1))) $$(CFLAGS) $$(TEST_CFLAGS) \
	  -DEXERCISE='"../../$(call exercise_src,$(1))"' -o $$@ \
	  $$< tests/harness.c $$(EXERCISE_LINK_$(firstword $(subst -, ,$(1)))) \
	  $$(LDFLAGS) -lcriterion $$(LDLIBS)
endef
$(foreach f,$(EXERCISE_FILES),$(eval $(call exercise_rule,$(f))))

# -k and || true: an exercise that does not compile yet is one "not yet"
# line among the others, not the end of the run (its errors are above).
exercises_of = $(foreach f,$(filter $(1),$(EXERCISE_FILES)),$(EXERCISE_BIN)/$(call exercise_id,$(f)))
run_exercises = @$(MAKE) --no-print-directory -k $(1) >/dev/null || true; \
  EXPECT='$(EXPECT)' tests/exercises/run-exercises.sh $(1)

.PHONY: exercises exercises-starters-fail

# Not .PHONY, as diff-% in the Makefile: make looks for no pattern rule to
# build a phony target.
exercise-%: ## one stage's exercises, on your files: make exercise-05 (ANSWERS=1)
	@test -n "$(call exercises_of,$*-%)" || { echo "make exercise-$*: no such stage (hint: make exercise-01 ... make exercise-08)" >&2; exit 2; }
	$(call run_exercises,$(call exercises_of,$*-%))

exercises: ## run every stage's exercise tests (ANSWERS=1: on the answers)
	$(call run_exercises,$(EXERCISE_BINS))

exercises-starters-fail: ## CI: every exercise's starter must fail its tests
	@$(MAKE) --no-print-directory exercises ANSWERS= EXPECT=fail
