"""Faults around the memory: crowds of hooks, dead lock holders, held locks, full and read-only disks.

In every case the hook still answers the agent, and says what it could not save.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.config import Config, LearningConfig
from healing_hooks.memory import appendlog, bounds
from healing_hooks.memory.store import MemoryStore, Update
from tests import payloads
from tests.conftest import cli_path

MISSING = """Traceback (most recent call last):
  File "{root}/job_{n}.py", line 1, in <module>
    import aiohttp
ModuleNotFoundError: No module named 'aiohttp'"""
PYTEST_FAILED = """FAILED tests/test_job_{n}.py::test_it - assert 1 == 2
========================= 1 failed, 3 passed in 0.12s ========================="""


def memory(project: Path) -> Path:
    return project / ".claude-flow" / "memory"


def run_hook(payload: dict[str, Any], root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [cli_path(), "hook"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(root)},
        timeout=120,
        check=False,
    )


def failure(project: Path, n: int = 1) -> dict[str, Any]:
    return payloads.failure(f"python job_{n}.py", MISSING.format(root=project, n=n), 1, str(project))


def answer_of(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The hook answered: exit 0, valid JSON, the advice is there."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    assert "aiohttp" in answer["hookSpecificOutput"]["additionalContext"]
    return answer


def logged_commands(project: Path, name: str = "error-log.txt") -> list[str]:
    lines = (memory(project) / name).read_text().splitlines()
    return [json.loads(line)["command"] for line in lines]


def configure(project: Path, **settings: object) -> None:
    (project / ".claude-flow").mkdir(exist_ok=True)
    (project / ".claude-flow" / "healing.json").write_text(json.dumps(settings))


# -- many hooks at once ---------------------------------------------------------------------


def test_32_concurrent_hooks_lose_no_event(project: Path) -> None:
    events = [
        payloads.failure(f"pytest -q tests/test_job_{n}.py", PYTEST_FAILED.format(n=n), 1, str(project))
        if n % 2
        else failure(project, n)
        for n in range(32)
    ]
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda p: run_hook(p, project), events))

    assert [r.returncode for r in results] == [0] * 32, [r.stderr for r in results if r.returncode]
    assert all("not saved" not in r.stdout and "busy" not in r.stdout for r in results)
    assert sorted(logged_commands(project)) == sorted(p["tool_input"]["command"] for p in events)
    tests = [json.loads(line) for line in (memory(project) / "test-history.log").read_text().splitlines()]
    assert sorted(t["failed_tests"][0] for t in tests) == sorted(
        f"tests/test_job_{n}.py::test_it" for n in range(1, 32, 2)
    )
    pending = json.loads((memory(project) / "pending.json").read_text())["commands"]
    assert len(pending) == 32
    leftovers = [p.name for p in memory(project).iterdir() if p.name.startswith(".error-patterns")]
    assert leftovers == []


# -- locks ------------------------------------------------------------------------------------

HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def lock_holder(project: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the project's memory lock until it is killed."""
    memory(project).mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(memory(project) / ".lock")], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield holder
    if holder.poll() is None:
        holder.kill()
    holder.wait(timeout=10)


def test_lock_timeout_still_answers_and_says_what_was_not_saved(
    project: Path, lock_holder: subprocess.Popen[str]
) -> None:
    configure(project, lock_timeout_seconds=0.5)
    answer = answer_of(run_hook(failure(project), project))
    assert "memory lock busy for 0.5s" in answer["systemMessage"]
    assert "pattern counts not updated" in answer["systemMessage"]
    assert logged_commands(project) == ["python job_1.py"]  # the log line still went out


def test_lock_of_a_killed_process_is_not_stale(project: Path, lock_holder: subprocess.Popen[str]) -> None:
    """filelock uses flock(2) on POSIX: the kernel drops the lock with the process that held it."""
    configure(project, lock_timeout_seconds=0.5)
    busy = answer_of(run_hook(failure(project, 1), project))
    assert "memory lock busy" in busy["systemMessage"]

    os.kill(lock_holder.pid, signal.SIGKILL)
    lock_holder.wait(timeout=10)
    assert (memory(project) / ".lock").exists()  # the file stays; the lock does not

    answer = answer_of(run_hook(failure(project, 2), project))
    assert "busy" not in answer.get("systemMessage", "")
    patterns = json.loads((memory(project) / "error-patterns.json").read_text())["patterns"]
    assert any(p.get("occurrences") for p in patterns)
    assert logged_commands(project) == ["python job_1.py", "python job_2.py"]


# -- disks that refuse writes -----------------------------------------------------------------


def _can_mount() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs (root only): a disk that really fills up and really turns read-only."""
    if not _can_mount():
        pytest.skip("mounting a tmpfs needs root on Linux")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def _memory_is_intact(project: Path) -> None:
    for path in memory(project).iterdir():
        if path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix in (".txt", ".log"):
            for line in path.read_text().splitlines():
                json.loads(line)


def test_full_disk_still_answers_and_leaves_the_memory_intact(small_disk: Path) -> None:
    project = small_disk
    answer_of(run_hook(failure(project, 1), project))
    _fill(small_disk)

    answer = answer_of(run_hook(failure(project, 2), project))

    assert "memory not saved: No space left on device" in answer["systemMessage"]
    (small_disk / "filler").unlink()
    _memory_is_intact(project)
    assert logged_commands(project) == ["python job_1.py"]


def test_read_only_memory_folder_still_answers(small_disk: Path) -> None:
    project = small_disk
    answer_of(run_hook(failure(project, 1), project))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    answer = answer_of(run_hook(failure(project, 2), project))

    assert "memory not saved: Read-only file system" in answer["systemMessage"]
    assert logged_commands(project) == ["python job_1.py"]


def test_read_only_memory_folder_without_root(project: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root ignores file modes (the tmpfs test covers root)")
    answer_of(run_hook(failure(project, 1), project))
    memory(project).chmod(0o555)
    try:
        answer = answer_of(run_hook(failure(project, 2), project))
    finally:
        memory(project).chmod(0o755)
    assert "memory not saved" in answer["systemMessage"]


# -- the same faults in-process (any platform, any user) ------------------------------------


def test_enospc_mid_append_cuts_the_torn_line_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(str(tmp_path))
    store.apply(Update(log_lines=[{"n": 1}]))
    log = tmp_path / ".claude-flow" / "memory" / "error-log.txt"
    before = log.read_bytes()

    def half_then_full(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(appendlog, "_write_all", half_then_full)
    notices = store.apply(Update(log_lines=[{"n": 2, "text": "x" * 100}]))

    assert notices == [f"memory not saved: No space left on device ({store.dir})"]
    assert log.read_bytes() == before


def test_enospc_on_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(str(tmp_path))
    store.apply(Update(pattern_ids=["dependency-missing-module"]))
    patterns = tmp_path / ".claude-flow" / "memory" / "error-patterns.json"
    before = patterns.read_text()

    def full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    notices = store.apply(Update(pattern_ids=["dependency-missing-module"]))
    monkeypatch.undo()

    assert notices and "No space left on device" in notices[0]
    assert patterns.read_text() == before
    assert [p.name for p in patterns.parent.iterdir() if p.name.startswith(".error-patterns")] == []


def test_a_torn_last_line_does_not_swallow_the_next_record(tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path))
    store.apply(Update(log_lines=[{"n": 1}]))
    log = tmp_path / ".claude-flow" / "memory" / "error-log.txt"
    with open(log, "a") as handle:
        handle.write('{"n": 2, "tru')  # a writer that died mid-line
    store.apply(Update(log_lines=[{"n": 3}]))
    assert [r["n"] for r in store.read_lines("error-log.txt")] == [1, 3]


# -- bounded memory ---------------------------------------------------------------------------


def test_logs_rotate_at_their_limit_and_keep_a_summary(tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path), Config(max_log_bytes=20_000))
    for n in range(600):
        finding = {"category": "dependency" if n % 3 else "import", "pattern_id": "p1"}
        stamp = f"2026-01-01T00:{n % 60:02d}:00Z"
        store.apply(
            Update(
                log_lines=[{"ts": stamp, "command": f"c{n}", "findings": [finding]}],
                test_lines=[{"runner": "pytest", "passed": 3, "failed": 1, "failed_tests": [f"t{n % 7}"]}],
            )
        )
    folder = tmp_path / ".claude-flow" / "memory"
    sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert sizes["error-log.txt"] <= 20_000 + 1_000 and sizes["error-log.1.txt"] <= 20_000 + 1_000
    assert sizes["test-history.log"] <= 20_000 + 1_000
    summary = json.loads((folder / bounds.SUMMARY_FILE).read_text())
    kept = len(store.read_lines("error-log.txt")) + len(store.read_lines("error-log.1.txt"))
    rotated = summary["error-log.txt"]["records"]
    assert kept < 600 <= rotated + kept  # every event is still a line or a count in the summary
    assert summary["error-log.txt"]["by_category"]["dependency"] > 0
    assert summary["error-log.txt"]["by_pattern"]["p1"] == rotated
    assert summary["test-history.log"]["by_tests"]["failed"] == summary["test-history.log"]["records"]


def test_learned_patterns_that_never_recur_expire(tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path), Config(learning=LearningConfig(expire_after_days=30)))
    old, recent = "2020-01-01T00:00:00Z", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    entries = [
        {"id": "old-rare", "source": "learned", "occurrences": 2, "last_seen": old},
        {"id": "old-common", "source": "learned", "occurrences": 9, "last_seen": old},
        {"id": "new-rare", "source": "learned", "occurrences": 2, "last_seen": recent},
        {"id": "user-old", "source": "user", "occurrences": 0, "last_seen": old},
    ]
    for entry in entries:
        entry["error_regex"] = str(entry["id"])
    store.write_json("error-patterns.json", {"patterns": entries})

    kept = [p["id"] for p in store.read_patterns().data["patterns"]]
    assert kept == ["old-common", "new-rare", "user-old"]
    expired = store.read_summary()["expired_patterns"]
    assert [e["id"] for e in expired] == ["old-rare"]


def test_the_number_of_learned_patterns_is_capped() -> None:
    now = time.time()
    entries = [
        {"id": f"l{n}", "source": "learned", "occurrences": 50, "last_seen": f"2026-01-{1 + n % 28:02d}"}
        for n in range(bounds.MAX_LEARNED_PATTERNS + 20)
    ]
    kept, expired = bounds.expire_learned(entries, now, after_days=10_000, below_occurrences=1)
    assert len(kept) == bounds.MAX_LEARNED_PATTERNS and len(expired) == 20
