# Stage 07: the talk's first event loop, tasks and futures (In [19] to In [48]).
MAIN_07 := 07-futures/futures.c
BINS += $(O)07-futures/futures
$(O)07-futures/futures: 07-futures/futures.c \
  07-futures/coro.c 07-futures/coro.h \
  07-futures/talk.c 07-futures/talk.h
run-07: $(O)07-futures/futures $(SERVER)
	$(WITH_SERVER) $(O)07-futures/futures
TESTS += $(O)tests/bin/test_07_futures
$(O)tests/bin/test_07_futures: tests/test_07_futures.c \
  07-futures/coro.c 07-futures/talk.c
