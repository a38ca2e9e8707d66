"""The project's memory lock: one exclusive lock on `.claude-flow/memory/.lock`.

On POSIX it is `flock(2)` on that file, tried without blocking and retried until the timeout:
the very call filelock's `UnixFileLock` makes, so a process holding the file with filelock and a
hook holding it here exclude each other, and the kernel drops the lock of a process that dies.
Where `flock` is missing or refused (Windows, some network file systems) the lock is
`filelock.FileLock`. The direct call is there for speed: `import filelock` (4.x) pulls in logging,
platform, pathlib and decimal, ~30 ms on every failure the hook records.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

if sys.platform != "win32":
    import fcntl

FIRST_WAIT = 0.002
"""Seconds before the first retry; doubled up to `LONGEST_WAIT` (a hook holds the lock ~10 ms)."""
LONGEST_WAIT = 0.05
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOLCK})


class LockTimeout(TimeoutError):
    """The lock was not had within the timeout."""


@contextmanager
def exclusive_lock(path: str, timeout: float) -> Iterator[None]:
    """Hold the lock file `path` (a symbolic link is refused) for the `with` block.

    Raises `LockTimeout` after `timeout` seconds (a negative timeout waits for ever), OSError when
    the file cannot be opened."""
    if sys.platform == "win32":
        with _filelock(path, timeout):
            yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        if not _flock(fd, path, timeout):
            with _filelock(path, timeout):
                yield
            return
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _flock(fd: int, path: str, timeout: float) -> bool:
    """Take the lock on `fd`; False when this file system does not do `flock`."""
    if sys.platform == "win32":
        return False
    deadline = time.monotonic() + timeout
    wait = FIRST_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        except OSError as exc:
            if exc.errno in _UNSUPPORTED:
                return False
            raise
        left = deadline - time.monotonic()
        if timeout >= 0 and left <= 0:
            raise LockTimeout(errno.EAGAIN, f"lock not had in {timeout:g}s", path)
        time.sleep(wait if timeout < 0 else min(wait, left))
        wait = min(wait * 2, LONGEST_WAIT)


@contextmanager
def _filelock(path: str, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    try:
        with FileLock(path, timeout=timeout):
            yield
    except Timeout as exc:
        raise LockTimeout(errno.EAGAIN, f"lock not had in {timeout:g}s", path) from exc
