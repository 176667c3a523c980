# Stage 08, the talk's part: In [54]'s loop that parks a task on a future,
# In [56]'s trace where a task vanishes, and the five fixes. (stage.mk
# holds the real event loop; its run-08 runs this first.)
#
# PROGRAM_08: the program's files in reading order, from the bottom layer
# up (make diff-08 follows it): talk_loop.c and its pieces in talk/. The
# first six are stage 06's and asleep stage 07's, identical copies
# (tests/test_repo.c checks them). They include coro.h and talk.h by name,
# as in 06 and 07: -I finds 08's copies.
PROGRAM_08 := $(addprefix 08-event-loop/talk/, \
  nonblocking_socket.h nonblocking_socket.c yield_from.h yield_from.c \
  awaitable.h awaitable.c asleep.h asleep.c bugs.h bugs.c \
  future.h future.c task.h task.c loop.h timeline.h timeline.c loop.c \
  cells_event_loop.h cells_event_loop.c \
  cells_what_we_learned.h cells_what_we_learned.c) \
  08-event-loop/talk_loop.c
RENAMED_08 := futures.c talk_loop.c
TALK_LOOP_CPPFLAGS := -I08-event-loop
BINS += $(O)08-event-loop/talk_loop
$(O)08-event-loop/talk_loop: INCLUDES += $(TALK_LOOP_CPPFLAGS)
$(O)08-event-loop/talk_loop: $(PROGRAM_08) \
  08-event-loop/coro.c 08-event-loop/coro.h \
  08-event-loop/talk.c 08-event-loop/talk.h
run-08-talk: $(O)08-event-loop/talk_loop $(SERVER) ## run only the talk's loops of stage 08
	$(WITH_SERVER) $(call c_or_py,$(O)08-event-loop/talk_loop,$(PYTHON) 08-event-loop/talk_loop.py)
# The test #includes talk_loop.c, the program's main file: it links the rest.
TESTS += $(O)tests/bin/test_08_talk_loop
$(O)tests/bin/test_08_talk_loop: INCLUDES += $(TALK_LOOP_CPPFLAGS)
$(O)tests/bin/test_08_talk_loop: tests/test_08_talk_loop.c \
  $(filter-out %/talk_loop.c,$(PROGRAM_08)) \
  08-event-loop/coro.c 08-event-loop/talk.c
