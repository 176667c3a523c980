# Stage 08, the talk's part: In [54]'s loop that parks a task on a future,
# In [56]'s trace where a task vanishes, and the five fixes. (stage.mk
# holds the real event loop; its run-08 runs this first.)
MAIN_08 := 08-event-loop/talk_loop.c
# talk/: the talk's loop in parts. SOCKETS_08: In [12]'s NonBlockingSocket,
# In [16]'s yield from and In [18]'s make_awaitable, identical in 06, 07
# and 08 (tests/test_repo.c checks it). They include coro.h and talk.h by
# name, as in 06 and 07: -I finds 08's copies.
SOCKETS_08 := 08-event-loop/talk/nonblocking_socket.c \
  08-event-loop/talk/nonblocking_socket.h \
  08-event-loop/talk/yield_from.c 08-event-loop/talk/yield_from.h \
  08-event-loop/talk/awaitable.c 08-event-loop/talk/awaitable.h
TALK_LOOP_CPPFLAGS := -I08-event-loop
BINS += $(O)08-event-loop/talk_loop
$(O)08-event-loop/talk_loop: CPPFLAGS += $(TALK_LOOP_CPPFLAGS)
$(O)08-event-loop/talk_loop: 08-event-loop/talk_loop.c $(SOCKETS_08) \
  08-event-loop/coro.c 08-event-loop/coro.h \
  08-event-loop/talk.c 08-event-loop/talk.h
run-08-talk: $(O)08-event-loop/talk_loop $(SERVER)
	$(WITH_SERVER) $(O)08-event-loop/talk_loop
TESTS += $(O)tests/bin/test_08_talk_loop
$(O)tests/bin/test_08_talk_loop: CPPFLAGS += $(TALK_LOOP_CPPFLAGS)
$(O)tests/bin/test_08_talk_loop: tests/test_08_talk_loop.c $(SOCKETS_08) \
  08-event-loop/coro.c 08-event-loop/talk.c
