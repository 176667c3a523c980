# The loop fuzzer (tests/check/README.md, "The loop fuzzer"): a libFuzzer
# target that runs programs of loop operations on a virtual clock. Needs
# clang's fuzzer runtime (tests/fuzz/install-fuzzer.sh installs it).
#
#   make fuzz FUZZ_S=60        open-ended, FUZZ_S seconds (crashes: build/fuzz/)
#   make check CHECK=fuzz      the committed corpus, -seed=1, a fixed run count

FUZZ_DIR    := build/fuzz/
FUZZ_BIN    := $(FUZZ_DIR)fuzz_loop
FUZZ_CC     ?= clang
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra \
  -Wpedantic -Werror -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_S      ?= 60

.PHONY: fuzz fuzz-build

$(FUZZ_BIN): tests/fuzz/fuzz_loop.c $(LOOP_08)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -pthread

fuzz-build:
	@FUZZ_CC='$(FUZZ_CC)' tests/fuzz/install-fuzzer.sh
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

fuzz: fuzz-build ## fuzz the loop for FUZZ_S seconds (default 60)
	@mkdir -p $(FUZZ_DIR)corpus $(FUZZ_DIR)crashes
	@echo "fuzzing for $(FUZZ_S) s; new inputs in $(FUZZ_DIR)corpus/, crashes in $(FUZZ_DIR)crashes/"
	$(FUZZ_BIN) -max_total_time=$(FUZZ_S) -max_len=256 -timeout=10 \
	  -artifact_prefix=$(FUZZ_DIR)crashes/ $(FUZZ_DIR)corpus tests/fuzz/corpus
