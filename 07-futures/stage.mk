# Stage 07: the talk's first event loop, tasks and futures (In [19] to In [48]).
MAIN_07 := 07-futures/futures.c
# SOCKETS_07: In [12]'s NonBlockingSocket, In [16]'s yield from and In [18]'s
# make_awaitable, identical in 06, 07 and 08 (tests/test_repo.c checks it).
SOCKETS_07 := 07-futures/nonblocking_socket.c 07-futures/nonblocking_socket.h \
  07-futures/yield_from.c 07-futures/yield_from.h 07-futures/awaitable.c 07-futures/awaitable.h
BINS += $(O)07-futures/futures
$(O)07-futures/futures: 07-futures/futures.c $(SOCKETS_07) \
  07-futures/coro.c 07-futures/coro.h \
  07-futures/talk.c 07-futures/talk.h
run-07: $(O)07-futures/futures $(SERVER)
	$(WITH_SERVER) $(O)07-futures/futures
TESTS += $(O)tests/bin/test_07_futures
$(O)tests/bin/test_07_futures: tests/test_07_futures.c $(SOCKETS_07) \
  07-futures/coro.c 07-futures/talk.c
