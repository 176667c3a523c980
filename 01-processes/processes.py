"""processes.py - the Python twin of processes.c: the talk's slide
"Multitasking #1: Processes", point by point, each point proved by a small
experiment with os.fork(). Prints the same lines as ./processes.

RUNS (default 200) sets how many times each measurement repeats, and how
many rounds of CPU-bound work the cores experiment does (WORK overrides
that). A Python round is 100 times shorter than a C one: CPython takes
about that much longer per step, and the point is the ratio, not the time.

Every child leaves with os._exit(), never sys.exit(): the stdio buffers and
the atexit handlers it inherited belong to the parent.
"""
import os
import resource
import statistics
import sys
import time

from talk import env_long, talk_init

STEPS_PER_ROUND = 10000
MASK64 = (1 << 64) - 1


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


def fork():
    """os.fork(), stdout flushed first: the child would print it again."""
    sys.stdout.flush()
    return os.fork()


def wait_for(pid):
    """Waits for a child; returns its exit status (128 + signal if killed)."""
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status)


def show_fork():
    pid = fork()
    if pid == 0:
        print(f"  child {os.getpid()}: a copy of parent {os.getppid()}, "
              "running on from fork()", flush=True)
        os._exit(0)
    status = wait_for(pid)
    print(f"  parent {os.getpid()}: child {pid} exited with status {status}")


def show_exec():
    pid = fork()
    if pid == 0:
        try:
            os.execl("/bin/echo", "echo",
                     "  /bin/echo: exec turned the child into a whole other program")
        finally:
            os._exit(127)
    status = wait_for(pid)
    print(f"  parent {os.getpid()}: child {pid} ran /bin/echo, exited with "
          f"status {status}")


def value_after_child_writes(new_value):
    """The child writes new_value into its copy of `value`; the parent
    still sees its own."""
    value = 1
    pid = fork()
    if pid == 0:
        value = new_value
        os._exit(0 if value == new_value else 1)
    wait_for(pid)
    return value


def send_through_pipe(message):
    """IPC: the child writes into a pipe, the kernel copies, we read."""
    read_end, write_end = os.pipe()
    pid = fork()
    if pid == 0:
        os.close(read_end)
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)  # or read() never sees end-of-file
    received = b""
    while chunk := os.read(read_end, 64):
        received += chunk
    os.close(read_end)
    wait_for(pid)
    return received.decode()


def share_of(rounds, workers, index):
    return rounds // workers + (1 if index < rounds % workers else 0)


def run_workers(workers, rounds):
    """The rounds shared out among `workers` processes, all at once."""
    start = time.monotonic()
    pids = []
    for i in range(workers):
        pid = fork()
        if pid == 0:
            burn_cpu(share_of(rounds, workers, i))
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        wait_for(pid)
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
    print(f"  the same rounds shared by {workers} processes: {parallel:.3f} s "
          f"({serial / parallel:.1f}x faster, {cores} cores)")


def context_switches(who):
    usage = resource.getrusage(who)
    return usage.ru_nvcsw + usage.ru_nivcsw


def time_one_fork():
    start = time.monotonic()
    pid = fork()
    if pid == 0:
        os._exit(0)
    wait_for(pid)
    return time.monotonic() - start


def measure_startup(start_one, count):
    """The median of count timings, in microseconds."""
    return statistics.median(start_one() for _ in range(count)) * 1e6


def largest_child_kib():
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return maxrss // 1024 if sys.platform == "darwin" else maxrss


def main():
    talk_init()
    count = runs()
    cores = os.cpu_count() or 1
    print(f"Multitasking #1: Processes (parent pid {os.getpid()}, {cores} "
          "cores online)")

    print("\nPROS:\n\n- Whole other program")
    show_fork()
    show_exec()
    print("- Simple")
    print("  each child above is plain sequential code: it shares nothing, "
          "so it needs no lock")
    print("- can use more than one cpu core")
    show_cores(cores)

    print("\nCONS:\n\n- kernel land")
    print("  fork, exec, waitpid, pipe: system calls; the kernel took our "
          f"children off a core {context_switches(resource.RUSAGE_CHILDREN)} "
          "times")
    print("- slow to start")
    print(f"  fork+exit+waitpid: median {measure_startup(time_one_fork, count):.0f} "
          f"us over {count} runs")
    print("- no shared memory without IPC")
    print("  child set value = 42; parent still sees value = "
          f"{value_after_child_writes(42)}")
    received = send_through_pipe("hello through the kernel")
    print(f"  child wrote into a pipe; parent read {len(received)} bytes: "
          f"\"{received}\"")
    print("- lots of overhead (program memory)")
    print("  each child is a whole process: the largest had "
          f"{largest_child_kib()} KiB resident")


if __name__ == "__main__":
    main()
