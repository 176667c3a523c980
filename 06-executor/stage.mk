# Stage 06: the executor, async IO, yield from, awaitables (In [9] to In [18]).
MAIN_06 := 06-executor/executor.c
# SOCKETS_06: In [12]'s NonBlockingSocket, In [16]'s yield from and In [18]'s
# make_awaitable, identical in 06, 07 and 08 (tests/test_repo.c checks it).
SOCKETS_06 := 06-executor/nonblocking_socket.c 06-executor/nonblocking_socket.h \
  06-executor/yield_from.c 06-executor/yield_from.h 06-executor/awaitable.c 06-executor/awaitable.h
BINS += $(O)06-executor/executor
$(O)06-executor/executor: 06-executor/executor.c $(SOCKETS_06) \
  06-executor/coro.c 06-executor/coro.h \
  06-executor/talk.c 06-executor/talk.h
run-06: $(O)06-executor/executor $(SERVER)
	$(WITH_SERVER) $(O)06-executor/executor
TESTS += $(O)tests/bin/test_06_executor
$(O)tests/bin/test_06_executor: tests/test_06_executor.c $(SOCKETS_06) \
  06-executor/coro.c 06-executor/talk.c
