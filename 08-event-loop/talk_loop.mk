# Stage 08, the talk's part: In [54]'s loop that parks a task on a future,
# In [56]'s trace where a task vanishes, and the five fixes. (stage.mk
# holds the real event loop; its run-08 runs this first.)
MAIN_08 := 08-event-loop/talk_loop.c
BINS += $(O)08-event-loop/talk_loop
$(O)08-event-loop/talk_loop: 08-event-loop/talk_loop.c \
  08-event-loop/coro.c 08-event-loop/coro.h \
  08-event-loop/talk.c 08-event-loop/talk.h
run-08-talk: $(O)08-event-loop/talk_loop $(SERVER)
	$(WITH_SERVER) $(O)08-event-loop/talk_loop
TESTS += $(O)tests/bin/test_08_talk_loop
$(O)tests/bin/test_08_talk_loop: tests/test_08_talk_loop.c \
  08-event-loop/coro.c 08-event-loop/talk.c
