# Stage 03: blocking IO. The demo server the whole talk talks to ($(SERVER),
# defined in the Makefile) and the talk's blocking client, MAIN_03.
BINS += $(O)03-blocking-io/server
$(O)03-blocking-io/server: 03-blocking-io/server.c 03-blocking-io/talk.c 03-blocking-io/talk.h
