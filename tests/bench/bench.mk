# make bench: the talk's claims about processes, threads and coroutines,
# measured on this machine (issue 7). tests/bench/README.md says what each
# row measures; run-bench.sh runs everything, prints the tables and writes
# them to bench-results.txt at the top (git-ignored).
#
#   make bench               full run (a few minutes on 2 cores)
#   make bench QUICK=1       the same tables, fewer repetitions (under 30 s)
#   make bench REFERENCE=1   the full run, written over tests/bench/reference.txt:
#                            the figures SLIDES.md and the READMEs quote
#                            (NOTE='...' adds a line to its header)
#   SCALE_SIZES='10000 100000'   the Scale table's task counts (default up to 1M)
#
# Bench programs are not in BINS: `make all` and `make check` never need
# them (nor libuv, a bench-only dependency).

BENCH_BIN    := $(O)tests/bench/bin
BENCH_COMMON := tests/bench/bench.c tests/bench/bench.h

# The load generator and the comparison servers.
BENCH_BINS := $(BENCH_BIN)/loadgen $(BENCH_BIN)/srv_thread \
              $(BENCH_BIN)/srv_process $(BENCH_BIN)/srv_select
$(BENCH_BIN)/loadgen: tests/bench/loadgen.c $(BENCH_COMMON)
$(BENCH_BIN)/srv_thread: tests/bench/srv_thread.c $(BENCH_COMMON)
$(BENCH_BIN)/srv_process: tests/bench/srv_process.c $(BENCH_COMMON)
$(BENCH_BIN)/srv_select: tests/bench/srv_select.c $(BENCH_COMMON)

# libuv only where it is installed (pkg-config libuv); else a skip note.
BENCH_UV := $(shell pkg-config --exists libuv 2>/dev/null && echo yes)
ifeq ($(BENCH_UV),yes)
BENCH_BINS += $(BENCH_BIN)/srv_libuv
$(BENCH_BIN)/srv_libuv: tests/bench/srv_libuv.c $(BENCH_COMMON)
$(BENCH_BIN)/srv_libuv: BENCH_LIBS = $(shell pkg-config --cflags --libs libuv)
endif

# Microbenchmarks: stage 05's coro.h and coro.c, unchanged.
BENCH_BINS += $(BENCH_BIN)/micro
$(BENCH_BIN)/micro: tests/bench/micro.c 05-generators/coro.c \
  05-generators/coro.h $(BENCH_COMMON)

# The task rows, through stage 08's real loop, only once it exists.
ifneq ($(wildcard 08-event-loop/loop/loop.c),)
BENCH_BINS += $(BENCH_BIN)/micro_loop
$(BENCH_BIN)/micro_loop: tests/bench/micro_loop.c $(BENCH_COMMON) $(LOOP_08)
endif

# How the real loop grows with tasks and timers (scale.py: asyncio's row),
# and the timer row on libuv for comparison.
ifneq ($(wildcard 08-event-loop/loop/loop.c),)
BENCH_BINS += $(BENCH_BIN)/scale
$(BENCH_BIN)/scale: tests/bench/scale.c $(BENCH_COMMON) $(LOOP_08)
endif
ifeq ($(BENCH_UV),yes)
BENCH_BINS += $(BENCH_BIN)/timers_libuv
$(BENCH_BIN)/timers_libuv: tests/bench/timers_libuv.c $(BENCH_COMMON)
$(BENCH_BIN)/timers_libuv: BENCH_LIBS = $(shell pkg-config --cflags --libs libuv)
endif

# What each stage's design can do against the demo server: the real loop's
# row needs stage 08; without it the row says skipped.
BENCH_BINS += $(BENCH_BIN)/designs
ifneq ($(wildcard 08-event-loop/loop/loop.c),)
$(BENCH_BIN)/designs: tests/bench/designs.c $(BENCH_COMMON) $(LOOP_08)
$(BENCH_BIN)/designs: CFLAGS += -DWITH_LOOP08
else
$(BENCH_BIN)/designs: tests/bench/designs.c $(BENCH_COMMON) \
  05-generators/coro.c 05-generators/coro.h
endif

$(BENCH_BINS):
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) $(BENCH_LIBS) $(LDLIBS)

.PHONY: bench bench-bins
bench-bins: $(BENCH_BINS) ## build the benchmark's programs only

bench: bench-bins $(SERVER) $(O)01-processes/processes $(O)02-threads/threads ## measure processes, threads, coroutines and C10K servers (QUICK=1: under 30 s)
	@O='$(O)' CC='$(CC)' QUICK='$(QUICK)' GUARD='$(GUARD)' REFERENCE='$(REFERENCE)' \
	  NOTE='$(NOTE)' SCALE_SIZES='$(SCALE_SIZES)' tests/bench/run-bench.sh
