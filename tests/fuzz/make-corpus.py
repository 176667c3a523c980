#!/usr/bin/env python3
"""make-corpus.py - writes tests/fuzz/corpus/: small programs of loop
operations, one or two per feature, from which make check's fuzz runs
start. Run it again after changing fuzz_loop.c's operations."""
import os

OPS = ("SLEEP YIELD AWAIT RAISE CANCEL_SELF CANCEL_TASK SET_RESULT "
       "SET_EXCEPTION CANCEL_FUTURE CALL_SOON CANCEL_SOON CALL_LATER CALL_AT "
       "CANCEL_TIMER GATHER WAIT_FOR SHIELD WAIT SEND RECV STOP").split()
END = 0xFF


def program(*ops):
    """('SLEEP', 16), ... -> the bytes of one task's program."""
    return bytes(b for name, arg in ops for b in (OPS.index(name), arg))


# Task i's AWAIT argument a picks a % (4 + tasks from i on): futures 0-3,
# then task i itself, then the tasks after it; SHIELD's, WAIT_FOR's the
# same without task i itself; GATHER and WAIT take a second child from
# a / 7 and a / 5.
def input_(loop, *tasks):
    return bytes([loop]) + bytes([END]).join(tasks)


P = program
SEEDS = {
    "sleeps": input_(0, P(("SLEEP", 16), ("SLEEP", 0), ("YIELD", 0))),
    "sleeps_two_tasks": input_(0, P(("SLEEP", 32)), P(("SLEEP", 16), ("SLEEP", 16))),
    "raise": input_(0, P(("SLEEP", 1), ("RAISE", 0))),
    "cancel_self": input_(0, P(("CANCEL_SELF", 0), ("SLEEP", 8))),
    "cancel_other": input_(0, P(("CANCEL_TASK", 1)), P(("SLEEP", 64))),
    "await_later_task": input_(0, P(("AWAIT", 5)), P(("SLEEP", 5))),
    "await_future_set": input_(0, P(("AWAIT", 0)), P(("SLEEP", 3), ("SET_RESULT", 0))),
    "await_future_error": input_(0, P(("AWAIT", 1), ("SLEEP", 1)), P(("SET_EXCEPTION", 1))),
    "await_future_cancelled": input_(0, P(("AWAIT", 2)), P(("YIELD", 0), ("CANCEL_FUTURE", 2))),
    "await_itself": input_(0, P(("AWAIT", 4), ("SLEEP", 1))),
    "await_never": input_(0, P(("AWAIT", 3))),
    "call_soon_fifo": input_(0, P(("CALL_SOON", 0), ("CALL_SOON", 0), ("CALL_SOON", 0), ("YIELD", 0))),
    "call_soon_cancel": input_(0, P(("CALL_SOON", 0), ("CALL_SOON", 0), ("CANCEL_SOON", 0), ("YIELD", 0), ("CANCEL_SOON", 1))),
    "call_soon_cancels_next": input_(0, P(("CALL_SOON", 1), ("CALL_SOON", 0), ("CALL_SOON", 0), ("YIELD", 0))),
    "timer_cancels_next_in_its_pass": input_(0, P(("CALL_LATER", 0x48), ("CALL_LATER", 8), ("SLEEP", 40))),
    "call_later": input_(0, P(("CALL_LATER", 16), ("CALL_LATER", 8), ("CALL_LATER", 8), ("SLEEP", 40))),
    "call_at_past": input_(0, P(("CALL_AT", 0), ("CALL_AT", 40), ("YIELD", 0))),
    "timer_cancel": input_(0, P(("CALL_LATER", 16), ("CALL_LATER", 4), ("CANCEL_TIMER", 0), ("SLEEP", 40), ("CANCEL_TIMER", 1))),
    "gather": input_(0, P(("GATHER", 40)), P(("SLEEP", 2)), P(("SLEEP", 3))),
    "gather_futures": input_(0, P(("GATHER", 10)), P(("SET_RESULT", 0), ("SET_RESULT", 1))),
    "gather_error": input_(0, P(("GATHER", 10)), P(("SET_EXCEPTION", 1), ("SLEEP", 9), ("SET_RESULT", 0))),
    "gather_return_exceptions": input_(0, P(("GATHER", 140)), P(("SET_EXCEPTION", 0))),
    "gather_cancelled": input_(0, P(("GATHER", 4)), P(("SLEEP", 30)), P(("CANCEL_TASK", 0))),
    "wait_for_timeout": input_(0, P(("WAIT_FOR", 0x13)), P(("SLEEP", 200))),
    "wait_for_in_time": input_(0, P(("WAIT_FOR", 0xF4)), P(("SLEEP", 2))),
    "wait_for_zero": input_(0, P(("WAIT_FOR", 0x00), ("SLEEP", 1))),
    "shield": input_(0, P(("SHIELD", 4)), P(("SLEEP", 20)), P(("YIELD", 0), ("CANCEL_TASK", 0))),
    "shield_done": input_(0, P(("SET_RESULT", 0), ("SHIELD", 0))),
    "wait_first_completed": input_(0, P(("WAIT", 0)), P(("SET_RESULT", 0))),
    "wait_all_timeout": input_(0, P(("WAIT", 38)), P(("SLEEP", 2), ("SET_RESULT", 0))),
    "wait_first_exception": input_(0, P(("WAIT", 1)), P(("SET_EXCEPTION", 0))),
    "send_recv": input_(0, P(("SEND", 0), ("RECV", 0))),
    "recv_before_send": input_(0, P(("RECV", 1)), P(("SLEEP", 4), ("SEND", 1))),
    "send_fills_buffer": input_(0, P(("SEND", 252), ("SEND", 252), ("SEND", 252), ("SEND", 252)), P(("SLEEP", 8), ("RECV", 252), ("RECV", 252))),
    "recv_cancelled": input_(0, P(("RECV", 0)), P(("YIELD", 0), ("CANCEL_TASK", 0))),
    "stop": input_(0, P(("STOP", 0), ("SLEEP", 4), ("STOP", 0), ("SLEEP", 4))),
    "poll_per_wait": input_(3, P(("SEND", 0), ("RECV", 0), ("SLEEP", 3)), P(("RECV", 1)), P(("SEND", 1))),
    "readiness_first": input_(4, P(("RECV", 0)), P(("SEND", 0), ("SLEEP", 1))),
    "all_loops": input_(7, P(("CALL_SOON", 0), ("CALL_LATER", 3), ("SEND", 2), ("RECV", 2)), P(("WAIT_FOR", 0x30)), P(("SHIELD", 0), ("STOP", 0))),
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(here, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} inputs in {here}")
