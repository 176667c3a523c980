PROGRAM_02 := 02-threads/threads.c
RENAMED_02 := processes.c threads.c
# A new program written beside 01's, not 01's grown: make diff-02 says so
# (the README shows the side-by-side diff that reads as process -> thread).
NEW_PROGRAM_02 := yes
BINS += $(O)02-threads/threads
$(O)02-threads/threads: 02-threads/threads.c 02-threads/talk.c 02-threads/talk.h
run-02: $(O)02-threads/threads
	$(call c_or_py,$(O)02-threads/threads,$(PYTHON) 02-threads/threads.py)
TESTS += $(O)tests/bin/test_02_threads
$(O)tests/bin/test_02_threads: tests/test_02_threads.c 02-threads/talk.c
