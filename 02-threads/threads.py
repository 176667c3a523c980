"""threads.py - the Python twin of threads.c: the talk's slide
"Multitasking #2: Threads", point by point, stage 01's experiments redone
with threading.Thread. Prints the same lines as ./threads.

RUNS (default 200) sets how many times each measurement repeats, how many
increments each counting thread makes (RUNS x 5000), and how many rounds
of CPU-bound work the cores experiment does (WORK overrides that). A
Python round is 100 times shorter than a C one, as in processes.py.

Where Python differs: CPython's GIL lets one thread run Python code at a
time, and switches threads only between bytecodes at a few chosen points,
so the unlocked counter usually loses nothing here (C loses thousands),
and CPU-bound threads take no less time than one thread (C: about 2x
faster on 2 cores). The lines are the same; the figures tell the GIL.

`threads.py race` and `threads.py mutex` run one counter alone.
"""
import os
import resource
import statistics
import sys
import threading
import time

from talk import env_long, talk_init

STEPS_PER_ROUND = 10000
MASK64 = (1 << 64) - 1
COUNTING_THREADS = 4


def runs():
    return env_long("RUNS", 200, 1, 10000)


def work_rounds():
    return env_long("WORK", runs(), 1, 100000)


def burn_cpu(rounds):
    """Pure CPU work: a xorshift chain, each step needing the one before."""
    x = 88172645463325252
    for _ in range(rounds * STEPS_PER_ROUND):
        x ^= (x << 13) & MASK64
        x ^= x >> 7
        x ^= (x << 17) & MASK64
    return x


def run_thread(body, *args):
    """threading.Thread(target=body).start(), then join()."""
    thread = threading.Thread(target=body, args=args)
    thread.start()
    thread.join()


def show_same_program():
    main_pid = os.getpid()
    run_thread(lambda: print("  thread: runs a function of this program, "
                             f"inside pid {os.getpid()} (main's pid: {main_pid})"))
    print(f"  main {main_pid}: thread joined")
    print("  exec from any thread replaces the whole process: a thread is "
          "never another program")


def value_after_thread_writes(new_value):
    """The thread writes into main's variable: the same memory."""
    shared = {"value": 1}
    run_thread(lambda: shared.update(value=new_value))
    return shared["value"]


def send_through_memory(message):
    """No kernel in between: the thread writes into main's buffer."""
    received = bytearray()
    run_thread(lambda: received.extend(message.encode()))
    return received.decode()


counter = 0
counter_lock = threading.Lock()


def increment_without_lock(times):
    global counter
    for _ in range(times):
        counter += 1  # load, add, store: another thread may come between


def increment_with_lock(times):
    global counter
    for _ in range(times):
        with counter_lock:
            counter += 1


def count(body, times):
    """The counter after COUNTING_THREADS threads each added one `times`
    times, all at once."""
    global counter
    counter = 0
    threads = [threading.Thread(target=body, args=(times,))
               for _ in range(COUNTING_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter


def show_race():
    times = runs() * 5000
    total = count(increment_without_lock, times)
    print(f"  {COUNTING_THREADS} threads x {times} unlocked counter++: {total}, "
          f"{COUNTING_THREADS * times - total} increments lost (a data race)")


def show_mutex():
    times = runs() * 5000
    total = count(increment_with_lock, times)
    print(f"  {COUNTING_THREADS} threads x {times} counter++ under a mutex: "
          f"{total}, {COUNTING_THREADS * times - total} increments lost")


def share_of(rounds, workers, index):
    return rounds // workers + (1 if index < rounds % workers else 0)


def run_workers(workers, rounds):
    """The rounds shared out among `workers` threads, all at once."""
    start = time.monotonic()
    threads = [threading.Thread(target=burn_cpu,
                                args=(share_of(rounds, workers, i),))
               for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start


def run_serial(rounds):
    start = time.monotonic()
    burn_cpu(rounds)
    return time.monotonic() - start


def show_cores(cores):
    workers = min(cores, 64)
    rounds = work_rounds()
    serial = run_serial(rounds)
    parallel = run_workers(workers, rounds)
    print(f"  {rounds} rounds of CPU work, one after another: {serial:.3f} s")
    print(f"  the same rounds shared by {workers} threads: {parallel:.3f} s "
          f"({serial / parallel:.1f}x faster, {cores} cores)")


def context_switches(who):
    usage = resource.getrusage(who)
    return usage.ru_nvcsw + usage.ru_nivcsw


def time_one_fork():
    start = time.monotonic()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return time.monotonic() - start


def time_one_thread():
    start = time.monotonic()
    run_thread(lambda: None)
    return time.monotonic() - start


def measure_startup(start_one, count):
    """The median of count timings, in microseconds."""
    return statistics.median(start_one() for _ in range(count)) * 1e6


def thread_stack_kib():
    """What a new thread reserves: threading.stack_size() says 0, "the
    default", which glibc takes from `ulimit -s` (8 MiB when unlimited)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return threading.stack_size() // 1024 or (
        soft // 1024 if soft != resource.RLIM_INFINITY else 8192)


def main():
    talk_init()
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    if len(sys.argv) > 2 or part not in ("all", "race", "mutex"):
        print(f"threads: unknown argument '{sys.argv[1]}' (hint: threads "
              "[all|race|mutex]; race or mutex runs that counter alone)",
              file=sys.stderr)
        sys.exit(2)
    if part == "race":
        return show_race()
    if part == "mutex":
        return show_mutex()
    count_ = runs()
    cores = os.cpu_count() or 1
    print(f"Multitasking #2: Threads (main pid {os.getpid()}, {cores} cores "
          "online)")

    print("\nPROS:\n\n- Same program, shared memory")
    show_same_program()
    print(f"  thread set value = 42; main sees value = "
          f"{value_after_thread_writes(42)}")
    received = send_through_memory("hello through shared memory")
    print(f"  thread wrote into main's buffer; main found {len(received)} "
          f"bytes: \"{received}\"")
    show_race()
    show_mutex()
    print("- faster to boot (not a full process)")
    thread_us = measure_startup(time_one_thread, count_)
    fork_us = measure_startup(time_one_fork, count_)
    print(f"  pthread_create+join: median {thread_us:.0f} us over {count_} runs")
    print(f"  fork+exit+waitpid: median {fork_us:.0f} us over {count_} runs "
          f"({fork_us / thread_us:.1f}x a thread)")

    print("\nCONS:\n\n- kernel land")
    print("  pthread_create, join, a mutex that waits: system calls; the "
          f"kernel took us off a core {context_switches(resource.RUSAGE_SELF)} "
          "times")
    print("- still slow to start")
    print(f"  10000 connections, one thread each: {thread_us * 10000 / 1000:.0f} "
          "ms of start-up alone")
    print(f"  and each thread reserves its own stack: {thread_stack_kib()} KiB")

    print("\nParrallelism\n\n- multiple process\n- multiple threads")
    show_cores(cores)
    print("\nConcurrency\n\n- coroutines: many tasks on one thread, no kernel "
          "in between (stage 05 on)")


if __name__ == "__main__":
    main()
