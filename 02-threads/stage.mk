PROGRAM_02 := 02-threads/threads.c
RENAMED_02 := processes.c threads.c
BINS += $(O)02-threads/threads
$(O)02-threads/threads: 02-threads/threads.c 02-threads/talk.c 02-threads/talk.h
run-02: $(O)02-threads/threads
	$(call c_or_py,$(O)02-threads/threads,$(PYTHON) 02-threads/threads.py)
TESTS += $(O)tests/bin/test_02_threads
$(O)tests/bin/test_02_threads: tests/test_02_threads.c 02-threads/talk.c
