# Stage 06: the executor, async IO, yield from, awaitables (In [9] to In [18]).
MAIN_06 := 06-executor/executor.c
BINS += $(O)06-executor/executor
$(O)06-executor/executor: 06-executor/executor.c \
  06-executor/coro.c 06-executor/coro.h \
  06-executor/talk.c 06-executor/talk.h
run-06: $(O)06-executor/executor $(SERVER)
	$(WITH_SERVER) $(O)06-executor/executor
TESTS += $(O)tests/bin/test_06_executor
$(O)tests/bin/test_06_executor: tests/test_06_executor.c \
  06-executor/coro.c 06-executor/talk.c
