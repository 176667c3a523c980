"""fd_limit.py - raise_fd_limit(), as sock_ops.c's: demo.py's 1,000
clients and echo_server.py's 10,000 connections each need a descriptor."""
import resource
import sys


def raise_fd_limit():
    """Raises the soft descriptor limit to the hard one (macOS: at most
    OPEN_MAX, 10,240, which it refuses to go past); returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 10240) if sys.platform == 'darwin' else hard
    if soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            pass  # best effort: the callers say what they could not do
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft
