"""Process helpers for the forked workers of ingest and the threads of a search, in one place.

- `die_with_parent`: a worker asks the kernel to kill it when its parent dies (Linux), so a
  killed `rebuild` leaves no worker behind holding files or locks.
- `malloc_trim`: hand freed heap pages back to the system (glibc keeps them otherwise), so a
  segment writer's memory follows what it holds.
- `allow_open_files`: raise the process's soft limit of open files toward its hard limit: a
  large index holds a file per column and segment open (a million articles: 702), twice while
  a rebuilt generation replaces the live one, past the 1,024 many systems allow by default.
- `thread_pool`: one process-wide pool of threads for NumPy work that runs without the GIL (the
  exact layer's phrase checks), started on first use and forgotten in a forked child, where its
  threads do not exist.
"""
from __future__ import annotations

import os
import signal
import threading

WORKERS = min(os.cpu_count() or 1, 4)
_pool = None  # a concurrent.futures.ThreadPoolExecutor once started
_pool_lock = threading.Lock()


OPEN_FILES = 65536  # the soft limit of open files asked for (never above the hard limit)


def allow_open_files(wanted: int = OPEN_FILES) -> int:
    """Raise the soft limit of open files to `wanted` (or the hard limit, if lower); never
    lowers it. Returns the soft limit now in force (-1 where there is no such limit)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return -1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def die_with_parent() -> None:
    """Ask the kernel to kill this (worker) process when its parent dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def malloc_trim() -> None:
    """Give freed heap pages back to the system (glibc keeps them otherwise, also free pages
    between blocks in use): a segment writer's RSS then follows what it holds."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def thread_pool():
    """The process's pool of WORKERS threads (a ThreadPoolExecutor), started on first use."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                from concurrent.futures import ThreadPoolExecutor  # 10 ms to import: not at start-up

                _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="wensou-pool")
    return _pool


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: a new pool is started there if needed."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)
