# The real loop against CPython's asyncio (tests/compare/README.md). Each
# scenario is a pair: NAME.py, plain asyncio, and NAME.c, the same on
# stage 08's real loop; both print one line per event, and
# tests/test_08_vs_asyncio.c holds the C's lines to Python's. Adding a
# scenario is adding its two files: nothing here lists them.
COMPARE_08 := $(patsubst tests/compare/%.c,$(O)tests/bin/compare/%,\
  $(sort $(wildcard tests/compare/*.c)))

$(COMPARE_08): $(O)tests/bin/compare/%: tests/compare/%.c tests/compare/scenario.h $(LOOP_08)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) $(LDLIBS)

TESTS += $(O)tests/bin/test_08_vs_asyncio
LOOP_TESTS += test_08_vs_asyncio
$(O)tests/bin/test_08_vs_asyncio: tests/test_08_vs_asyncio.c $(LOOP_08) $(COMPARE_08)
$(O)tests/bin/test_08_vs_asyncio: TEST_CFLAGS += -DSOURCE_DIR='"$(CURDIR)"'

.PHONY: compare-expected
compare-expected: ## write tests/compare/*.expected from python3's asyncio
	@command -v python3 >/dev/null || { echo "make compare-expected: python3 is missing (hint: apt-get install python3)" >&2; exit 1; }
	@for py in tests/compare/*.py; do \
	  python3 "$$py" > "$${py%.py}.expected" || exit 1; \
	  echo "wrote $${py%.py}.expected"; \
	done
