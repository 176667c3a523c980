# Stage 04: select() with a zero timeout, polled every 0.5 s. PROGRAM_04.
PROGRAM_04 := 04-select/select.c
RENAMED_04 := blocking_io.c select.c
BINS += $(O)04-select/select
$(O)04-select/select: 04-select/select.c 04-select/talk.c 04-select/talk.h
run-04: $(O)04-select/select $(SERVER)
	$(WITH_SERVER) $(call c_or_py,$(O)04-select/select,$(PYTHON) 04-select/select_demo.py)
TESTS += $(O)tests/bin/test_04_select
$(O)tests/bin/test_04_select: tests/test_04_select.c 04-select/talk.c
