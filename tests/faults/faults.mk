# The fault injector (faults.c, an LD_PRELOAD library) and the tests that
# drive every server and stage program through the faults it injects
# (tests/test_faults.c). `make check` builds and runs them, on the plain
# build and on Linux only: the library wraps glibc's calls, and ASan and
# valgrind bring their own malloc, which it cannot sit under.
#
#   FAULT=accept:ENETUNREACH:2 LD_PRELOAD=tests/faults/libfaults.so PROGRAM
FAULTS_LIB  := $(O)tests/faults/libfaults.so
FAULT_TESTS := $(O)tests/bin/test_faults

$(FAULTS_LIB): tests/faults/faults.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

$(FAULT_TESTS): tests/test_faults.c tests/harness.c tests/harness.h $(FAULTS_LIB) | criterion $(BINS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS) -lcriterion $(LDLIBS)

.PHONY: faults
faults: $(FAULT_TESTS) ## build the fault injector and its tests (Linux)
