# Stage 03: blocking IO. The demo server the whole talk talks to ($(SERVER),
# defined in the Makefile: `make server` runs it) and the talk's blocking
# client, PROGRAM_03.
PROGRAM_03 := 03-blocking-io/blocking_io.c
# The talk turns from multitasking to IO: a new program, not a growth of
# stage 02's, so make diff-03 says so instead of printing a whole file.
NEW_PROGRAM_03 := yes
BINS += $(O)03-blocking-io/server $(O)03-blocking-io/blocking_io
$(O)03-blocking-io/server: 03-blocking-io/server.c 03-blocking-io/talk.c 03-blocking-io/talk.h
$(O)03-blocking-io/blocking_io: 03-blocking-io/blocking_io.c 03-blocking-io/talk.c 03-blocking-io/talk.h
run-03: $(O)03-blocking-io/blocking_io $(SERVER)
	$(call c_or_py,$(WITH_SERVER) $(O)03-blocking-io/blocking_io,03-blocking-io/with-server.sh 03-blocking-io/server.py $(PYTHON) 03-blocking-io/blocking_io.py)
TESTS += $(O)tests/bin/test_03_server $(O)tests/bin/test_03_blocking_io
$(O)tests/bin/test_03_server: tests/test_03_server.c 03-blocking-io/talk.c
$(O)tests/bin/test_03_server: TEST_CFLAGS += -DSOURCE_DIR='"$(CURDIR)"'
$(O)tests/bin/test_03_blocking_io: tests/test_03_blocking_io.c 03-blocking-io/talk.c
