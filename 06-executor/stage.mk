# Stage 06: the executor, async IO, yield from, awaitables (In [9] to In [18]).
# PROGRAM_06: the program's files in reading order, from the bottom layer
# up (make diff-06 and diff-07 follow it). executor.c grows stage 05's
# generators.c; nonblocking_socket, yield_from and awaitable are copied
# unchanged into 07 and 08's talk/ (tests/test_repo.c checks the copies).
PROGRAM_06 := $(addprefix 06-executor/, \
  nonblocking_socket.h nonblocking_socket.c all_the_way_down.h \
  all_the_way_down.c yield_from.h yield_from.c awaitable.h awaitable.c \
  executor.c)
RENAMED_06 := generators.c executor.c
BINS += $(O)06-executor/executor
$(O)06-executor/executor: $(PROGRAM_06) \
  06-executor/coro.c 06-executor/coro.h \
  06-executor/talk.c 06-executor/talk.h
run-06: $(O)06-executor/executor $(SERVER)
	$(WITH_SERVER) $(call c_or_py,$(O)06-executor/executor,$(PYTHON) 06-executor/executor.py)
TESTS += $(O)tests/bin/test_06_executor
# The test #includes executor.c, the program's main file: it links the rest.
$(O)tests/bin/test_06_executor: tests/test_06_executor.c \
  $(filter-out %/executor.c,$(PROGRAM_06)) \
  06-executor/coro.c 06-executor/talk.c
