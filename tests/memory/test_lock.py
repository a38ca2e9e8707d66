"""The memory lock: flock(2) shared with filelock users, a timeout, a fallback, no links."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from healing_hooks.memory import lock as lock_module
from healing_hooks.memory.lock import LockTimeout, exclusive_lock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock(2) is POSIX")

HOLDER = textwrap.dedent(
    """
    import sys, time
    from filelock import FileLock
    with FileLock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _hold_with_filelock(path: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_filelock_holder_excludes_the_hook_until_it_lets_go(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    holder = _hold_with_filelock(path, 0.6)
    started = time.monotonic()
    with exclusive_lock(str(path), timeout=10):
        waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert 0.3 < waited < 5


def test_a_lock_not_had_in_time_raises_lock_timeout(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    holder = _hold_with_filelock(path, 5)
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeout), exclusive_lock(str(path), timeout=0.2):
            pass
        assert time.monotonic() - started < 2
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_is_free_again_after_the_block_even_when_it_raised(tmp_path: Path) -> None:
    path = str(tmp_path / ".lock")
    with pytest.raises(ValueError), exclusive_lock(path, timeout=1):
        raise ValueError("inside")
    with exclusive_lock(path, timeout=0):
        pass


def test_a_linked_lock_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / ".lock"
    link.symlink_to(target)
    with pytest.raises(OSError) as raised, exclusive_lock(str(link), timeout=1):
        pass
    assert raised.value.errno == errno.ELOOP
    assert target.read_text() == "keep me"


def test_a_file_system_without_flock_hands_the_file_to_filelock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def no_flock(fd: int, operation: int) -> None:
        calls.append(operation)
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr("fcntl.flock", no_flock)
    used: list[str] = []
    real = lock_module._filelock

    def recording(path: str, timeout: float) -> AbstractContextManager[None]:
        used.append(path)
        return real(path, timeout)

    monkeypatch.setattr(lock_module, "_filelock", recording)
    # filelock's own flock(2) meets the same (patched) refusal
    with pytest.raises(OSError), exclusive_lock(str(tmp_path / ".lock"), timeout=0.5):
        pass
    assert calls and used == [str(tmp_path / ".lock")]
