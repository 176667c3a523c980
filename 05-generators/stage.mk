# Stage 05: generators are coroutines (the talk's In [6] to In [8]).
PROGRAM_05 := 05-generators/generators.c
RENAMED_05 := select.c generators.c
BINS += $(O)05-generators/generators
$(O)05-generators/generators: 05-generators/generators.c \
  05-generators/coro.c 05-generators/coro.h \
  05-generators/talk.c 05-generators/talk.h
run-05: $(O)05-generators/generators $(SERVER)
	$(WITH_SERVER) $(call c_or_py,$(O)05-generators/generators,$(PYTHON) 05-generators/generators.py)
TESTS += $(O)tests/bin/test_05_generators
$(O)tests/bin/test_05_generators: tests/test_05_generators.c \
  05-generators/coro.c 05-generators/talk.c
