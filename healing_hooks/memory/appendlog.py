"""Appending JSON lines to a log so that a failure never leaves a broken line behind.

One `write` with O_APPEND per batch (whole lines land together even with concurrent writers), no
following of a symbolic link planted in the memory folder, and — when the caller holds the memory
lock, so no one else is appending — a torn last line is ended before new lines go after it, and a
write that fails halfway (a full disk) is cut back off.
"""

from __future__ import annotations

import errno
import os

_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def append_lines(path: str, data: bytes, *, exclusive: bool) -> None:
    """Append `data` (whole lines) to `path`; `exclusive` when the caller holds the memory lock."""
    try:
        fd = os.open(path, _FLAGS, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "refusing to write through a symbolic link", path) from None
        raise
    try:
        size = os.fstat(fd).st_size if exclusive else 0
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # a torn line from an earlier failure stays on its own line
        try:
            _write_all(fd, data)
        except OSError:
            if exclusive:
                os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
