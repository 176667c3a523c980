# Stage 07: the talk's first event loop, tasks and futures (In [19] to In [48]).
# PROGRAM_07: the program's files in reading order, from the bottom layer
# up (make diff-07 and diff-08 follow it). The first six are stage 06's,
# identical copies (tests/test_repo.c checks them).
PROGRAM_07 := $(addprefix 07-futures/, \
  nonblocking_socket.h nonblocking_socket.c yield_from.h yield_from.c \
  awaitable.h awaitable.c asleep.h asleep.c future.h future.c \
  task.h task.c loop.h timeline.h timeline.c loop.c \
  cells_event_loop.h cells_event_loop.c cells_tasks.h cells_tasks.c \
  cells_futures.h cells_futures.c futures.c)
BINS += $(O)07-futures/futures
$(O)07-futures/futures: $(PROGRAM_07) \
  07-futures/coro.c 07-futures/coro.h \
  07-futures/talk.c 07-futures/talk.h
run-07: $(O)07-futures/futures $(SERVER)
	$(WITH_SERVER) $(call c_or_py,$(O)07-futures/futures,$(PYTHON) 07-futures/futures.py)
# The test #includes futures.c, the program's main file: it links the rest.
TESTS += $(O)tests/bin/test_07_futures
$(O)tests/bin/test_07_futures: tests/test_07_futures.c \
  $(filter-out %/futures.c,$(PROGRAM_07)) \
  07-futures/coro.c 07-futures/talk.c
