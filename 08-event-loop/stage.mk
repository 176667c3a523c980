# Stage 08, second part: the loop asyncio really is (README.md: the real loop).
# talk_loop.mk holds the talk's part of the stage (run-08-talk, MAIN_08).
#
#   event_loop    demo 1: N concurrent clients against the demo server
#   echo_server   demo 2: one coroutine per connection, 10,000 connections
#
# The loop is chosen when it starts: ASYNCIO_LOOP=readiness|proactor
# (default readiness; proactor: io_uring, Linux, its levers in
# ASYNCIO_URING), the readiness loop's selector ASYNCIO_SELECTOR=epoll|
# kqueue|poll (default: epoll on Linux, kqueue on macOS/BSD, else poll), and
# ASYNCIO_REGISTRATION=per-wait|persistent (default persistent).
# The real loop's library: loop/, one concept per file (README.md's table).
LOOP_08 := $(sort $(wildcard 08-event-loop/loop/*.c 08-event-loop/loop/*.h)) \
  08-event-loop/coro.c 08-event-loop/coro.h \
  08-event-loop/talk.c 08-event-loop/talk.h

BINS += $(O)08-event-loop/event_loop $(O)08-event-loop/echo_server
$(O)08-event-loop/event_loop: 08-event-loop/demo.c $(LOOP_08)
$(O)08-event-loop/echo_server: 08-event-loop/echo_server.c $(LOOP_08)

# `make 08`: the talk's loops (talk_loop.mk), demo 1 against the demo
# server, then an echo round trip: start echo_server on a free port, one
# client, stop it by its PID.
run-08: run-08-talk $(O)08-event-loop/event_loop $(O)08-event-loop/echo_server $(SERVER)
	$(WITH_SERVER) $(call c_or_py,$(O)08-event-loop/event_loop,$(PYTHON) 08-event-loop/demo.py)
	@08-event-loop/echo-round-trip.sh $(call c_or_py,$(O)08-event-loop/echo_server $(O)08-event-loop/event_loop,08-event-loop/echo_server.py 08-event-loop/demo.py)

# Loop tests (LOOP_TESTS, tests.mk) run once per loop this machine has:
# epoll, poll, the io_uring proactor, chosen at run time.
TESTS += $(O)tests/bin/test_08_event_loop $(O)tests/bin/test_08_echo_server
LOOP_TESTS += test_08_event_loop test_08_echo_server test_08_echo_shutdown \
  test_08_trace test_08_asyncio_api
$(O)tests/bin/test_08_event_loop: tests/test_08_event_loop.c $(LOOP_08)
$(O)tests/bin/test_08_echo_server: tests/test_08_echo_server.c $(LOOP_08)
# What only the proactor does (it asks for io_uring itself): run with the
# default levers, and again with one receive SQE per sock_recv, the path
# the multishot lever (on by default) replaces (LEVER_TESTS, run-all.sh).
TESTS += $(O)tests/bin/test_08_proactor
LEVER_TESTS += test_08_proactor
$(O)tests/bin/test_08_proactor: tests/test_08_proactor.c $(LOOP_08) | \
  $(O)tests/bin/no_io_uring
$(O)tests/bin/no_io_uring: tests/no_io_uring.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)
# echo_server's own functions, in process: its orderly shutdown.
TESTS += $(O)tests/bin/test_08_echo_shutdown
$(O)tests/bin/test_08_echo_shutdown: tests/test_08_echo_shutdown.c $(LOOP_08)
# TRACE=1 on the real loop: legend, one clock, 16 columns, summary, length.
TESTS += $(O)tests/bin/test_08_trace
$(O)tests/bin/test_08_trace: tests/test_08_trace.c $(LOOP_08)
# What asyncio users reach for next: handles, names, shield, wait, Event ...
TESTS += $(O)tests/bin/test_08_asyncio_api
$(O)tests/bin/test_08_asyncio_api: tests/test_08_asyncio_api.c $(LOOP_08)
