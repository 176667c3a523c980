PROGRAM_01 := 01-processes/processes.c
BINS += $(O)01-processes/processes
$(O)01-processes/processes: 01-processes/processes.c 01-processes/talk.c 01-processes/talk.h
run-01: $(O)01-processes/processes
	$(call c_or_py,$(O)01-processes/processes,$(PYTHON) 01-processes/processes.py)
TESTS += $(O)tests/bin/test_01_processes
$(O)tests/bin/test_01_processes: tests/test_01_processes.c 01-processes/talk.c
