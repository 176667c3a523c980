# SLIDES.md, the talk retold in C, and the test that keeps it true
# (tests/test_slides.c: every C block is real code, every output block real
# output).
SLIDES_TEST := $(O)tests/bin/test_slides
TESTS += $(SLIDES_TEST)
$(SLIDES_TEST): tests/test_slides.c
$(SLIDES_TEST): TEST_CFLAGS += -DSOURCE_DIR='"$(CURDIR)"'

# The first presenter found wins; without one, SLIDES.md is paged.
SLIDES_PRESENTERS := patat lookatme mdp

slides: ## present SLIDES.md in the terminal (patat, lookatme or mdp; else less)
	@for p in $(SLIDES_PRESENTERS); do \
	  if command -v $$p >/dev/null 2>&1; then exec $$p SLIDES.md; fi; \
	done; \
	echo "make slides: no patat, lookatme or mdp here: paging SLIDES.md with less" >&2; \
	echo "  (hint: apt-get install mdp, brew install patat, or pip install lookatme)" >&2; \
	less SLIDES.md
