# Stage 03: blocking IO. The demo server the whole talk talks to ($(SERVER),
# defined in the Makefile: `make server` runs it) and the talk's blocking
# client, MAIN_03.
MAIN_03 := 03-blocking-io/blocking_io.c
BINS += $(O)03-blocking-io/server $(O)03-blocking-io/blocking_io
$(O)03-blocking-io/server: 03-blocking-io/server.c 03-blocking-io/talk.c 03-blocking-io/talk.h
$(O)03-blocking-io/blocking_io: 03-blocking-io/blocking_io.c 03-blocking-io/talk.c 03-blocking-io/talk.h
run-03: $(O)03-blocking-io/blocking_io $(SERVER)
	$(WITH_SERVER) $(O)03-blocking-io/blocking_io
