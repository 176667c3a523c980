/*
 * proactor_faults.h - errors injected into the proactor's completions, for
 * the fault tests. Built in only with -DPROACTOR_FAULTS (make check's
 * builds); a normal build has nothing of it but this declaration.
 *
 * tests/faults/libfaults.so (LD_PRELOAD) makes a system call fail. On the
 * proactor the kernel does the IO, and its errors arrive in completion
 * entries, which no preloaded library sees. So proactor.c asks here, for
 * each completion of a socket operation a task waits for, whether the
 * environment wants an error in its place:
 *
 *   PROACTOR_FAULTS=recv:3=ECONNRESET,accept:2-4=EMFILE,send:2+=EPIPE
 *
 * the 3rd receive to complete fails with ECONNRESET, the 2nd to 4th
 * accepts with EMFILE, every send from the 2nd on with EPIPE. Operations:
 * recv, send, accept, connect; each counts its own completions, from 1.
 * What the kernel really gave (a buffer, an accepted descriptor) is given
 * back by proactor.c, as if the operation had failed.
 */
#ifndef LOOP_PROACTOR_FAULTS_H
#define LOOP_PROACTOR_FAULTS_H

/* The errno PROACTOR_FAULTS asks for in place of this completion of
 * `operation` ("recv", "send", "accept", "connect"), or 0: none. A
 * PROACTOR_FAULTS that does not parse is a one-line error and exit 2. */
int proactor_fault(const char *operation);

#endif
