"""Writing a file whole or not at all: a new file beside it, then `os.replace`.

`tempfile.mkstemp` would make the new file; importing `tempfile` costs ~16 M instructions (a
quarter of bare Python's start-up) on every failure the hook records, for one `os.open`.
"""

from __future__ import annotations

import errno
import os

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def temp_beside(path: str) -> tuple[int, str]:
    """A new, empty, private file in `path`'s folder (named after it): its descriptor and path."""
    folder, name = os.path.split(path)
    for _ in range(100):
        temp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, _NEW_FILE, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary name", path)


def existing_mode(path: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual rw-r--r-- less the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def replace_with_text(path: str, text: str, mode: int | None = None) -> None:
    """Make `text` the content of `path` (UTF-8) at once: readers see the old file or the new one."""
    replace_with_bytes(path, text.encode("utf-8"), mode)


def replace_with_bytes(path: str, data: bytes, mode: int | None = None) -> None:
    """Make `data` the content of `path` at once: readers see the old file or the new one."""
    handle, temp = temp_beside(path)
    try:
        if mode is not None:
            os.chmod(temp, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
