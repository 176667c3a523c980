"""talk.py - the Python twin of talk.h: what every stage's twin shares with
the notebook's first cell (In [1]): the Timer that prefixes each trace line
with the time since it started, and the knobs read from the environment:

  TIME_SCALE  multiplies every wait (0.05 runs the talk 20x faster)
  PORT        the demo server's port on 127.0.0.1 (default 8080)
  RUNS        how many repetitions a measurement takes

Identical in every stage, as talk.h is (tests/test_repo.c checks it).
"""
import os
import signal
import socket
import sys
import time

program = os.path.basename(sys.argv[0]) or "asyncio-in-python"


def talk_init():
    """Call first: stdout line by line even into a pipe (traces stay in
    order through forks and beside stderr), Ctrl-C stops us as it stops the
    C programs (no traceback), and a bad TIME_SCALE or PORT stops us now,
    not mid-trace."""
    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    time_scale()
    env_port()


def die(what, hint=None):
    """One line on stderr, "program: what (hint: ...)", and exit 1."""
    print(f"{program}: {what}" + (f" (hint: {hint})" if hint else ""),
          file=sys.stderr)
    sys.exit(1)


def format_delta(seconds):
    """H:MM:SS.ffffff, as str(timedelta) prints it (always six digits)."""
    micros = round(seconds * 1e6) if seconds > 0 else 0
    secs = micros // 1000000
    return f"{secs // 3600}:{secs // 60 % 60:02}:{secs % 60:02}.{micros % 1000000:06}"


class Timer:
    """The talk's Timer, on the monotonic clock: t.log(message) prints
    "[prefix][0:00:02.001454] message"."""

    def __init__(self, prefix=None):
        self.start = time.monotonic()
        self.prefix = prefix

    def prefixfmt(self):
        return f"[{self.prefix}]" if self.prefix else ""

    def log(self, message):
        delta = format_delta(time.monotonic() - self.start)
        print(f"{self.prefixfmt()}[{delta}] {message}")


def env_number(name, fallback, low, high):
    """A number from the environment, or fallback; exits 2 with a hint."""
    text = os.environ.get(name, "")
    if not text:
        return fallback
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        print(f"{program}: {name}={text} is not a number from {low:g} to "
              f"{high:g} (hint: try {name}={fallback:g}, or unset it)",
              file=sys.stderr)
        sys.exit(2)
    return value


def env_long(name, fallback, low, high):
    value = env_number(name, fallback, low, high)
    if value != int(value):
        print(f"{program}: {name} must be a whole number (hint: try "
              f"{name}={fallback})", file=sys.stderr)
        sys.exit(2)
    return int(value)


def time_scale():
    return env_number("TIME_SCALE", 1.0, 0.0, 1000.0)


def env_port():
    return env_long("PORT", 8080, 0, 65535)


def sleep_scaled(seconds):
    """time.sleep(seconds), scaled by TIME_SCALE."""
    time.sleep(seconds * time_scale())


def connect_to_server():
    """socket.socket(); s.connect(('127.0.0.1', PORT)). Blocking."""
    port = env_port()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(("127.0.0.1", port))
    except OSError as e:
        s.close()
        die(f"cannot connect to 127.0.0.1:{port}: {e.strerror}",
            "is the demo server running? start it in another terminal "
            "with `make server`, or set PORT")
    return s
