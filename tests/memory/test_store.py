"""The memory store: concurrent writers lose nothing; broken files are moved aside, never lost."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from healing_hooks.memory.store import MemoryStore, Update
from tests import payloads
from tests.conftest import cli_path, hook

TRACEBACK = """Traceback (most recent call last):
  File "{root}/worker_{n}.py", line 3, in <module>
    import aiohttp
ModuleNotFoundError: No module named 'aiohttp'"""


def memory(project: Path) -> Path:
    return project / ".claude-flow" / "memory"


def run_hook_process(payload: dict[str, object], root: Path) -> tuple[int, str, str]:
    completed = subprocess.run(
        [cli_path(), "hook"],
        input=json.dumps(payload).encode(),
        capture_output=True,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(root)},
        timeout=120,
        check=False,
    )
    return completed.returncode, completed.stdout.decode(), completed.stderr.decode()


@pytest.mark.parametrize("writers", [24])
def test_concurrent_hooks_lose_no_event(project: Path, writers: int) -> None:
    events = [
        payloads.failure(f"python worker_{n}.py", TRACEBACK.format(root=project, n=n), 1, str(project))
        for n in range(writers)
    ]
    with ThreadPoolExecutor(max_workers=writers) as pool:
        results = list(pool.map(lambda p: run_hook_process(p, project), events))

    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    log = (memory(project) / "error-log.txt").read_text().splitlines()
    assert sorted(json.loads(line)["command"] for line in log) == sorted(
        f"python worker_{n}.py" for n in range(writers)
    )
    patterns = json.loads((memory(project) / "error-patterns.json").read_text())["patterns"]
    missing = next(p for p in patterns if p["id"] == "dependency-missing-module")
    assert missing["occurrences"] == writers
    pending = json.loads((memory(project) / "pending.json").read_text())["commands"]
    assert len(pending) == writers
    leftovers = [p.name for p in memory(project).iterdir() if p.name.startswith(".error-patterns")]
    assert leftovers == []


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("error-patterns.json", '{"patterns": [ {"id": "x", ', "not readable JSON"),
        ("error-patterns.json", '{"patterns": [{"id": "x"}]}', "does not match its schema"),
        ("error-patterns.json", '{"patterns": {"id": "x"}}', "does not match its schema"),
        ("recovery-playbook.json", "\x00\x01binary", "not readable JSON"),
        ("recovery-playbook.json", '{"playbooks": {"p": {"steps": []}}}', "does not match its schema"),
    ],
)
def test_broken_memory_file_is_quarantined_and_rebuilt(
    project: Path, name: str, content: str, problem: str
) -> None:
    memory(project).mkdir(parents=True)
    (memory(project) / name).write_text(content)
    output = TRACEBACK.format(root=project, n=1)

    result = hook(payloads.failure("python worker_1.py", output, 1, str(project)))

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert problem in answer["systemMessage"] and "moved it to" in answer["systemMessage"]
    moved = [p for p in memory(project).iterdir() if p.name.startswith(f"{name}.corrupt-")]
    assert len(moved) == 1 and moved[0].read_text() == content
    rebuilt = json.loads((memory(project) / name).read_text())
    assert rebuilt.get("patterns") or rebuilt.get("playbooks")
    assert "aiohttp" in answer["hookSpecificOutput"]["additionalContext"]


def test_hand_written_seed_file_is_kept_with_unknown_keys(project: Path) -> None:
    memory(project).mkdir(parents=True)
    seed_style = {
        "patterns": [
            {
                "id": "missing-aiohttp",
                "error_regex": "ModuleNotFoundError: No module named 'aiohttp'",
                "category": "dependency",
                "severity": "high",
                "auto_fix": {"search": "import aiohttp", "replace": "import httpx"},
                "occurrences": 1,
                "last_seen": "2026-02-04",
                "team_note": "ours",
            }
        ],
        "owner": "platform-team",
    }
    (memory(project) / "error-patterns.json").write_text(json.dumps(seed_style))

    hook(payloads.failure("python worker_1.py", TRACEBACK.format(root=project, n=1), 1, str(project)))

    kept = json.loads((memory(project) / "error-patterns.json").read_text())
    assert kept["owner"] == "platform-team"
    mine = next(p for p in kept["patterns"] if p["id"] == "missing-aiohttp")
    assert (mine["occurrences"], mine["team_note"]) == (2, "ours")
    assert mine["last_seen"] != "2026-02-04"


def test_store_writes_atomically_and_keeps_file_mode(tmp_path: Path) -> None:
    store = MemoryStore(str(tmp_path))
    store.apply(Update(log_lines=[{"n": 1}]))
    target = tmp_path / ".claude-flow" / "memory" / "error-patterns.json"
    target.chmod(0o640)
    store.apply(Update(pattern_ids=["rust-unused-import"]))
    assert target.stat().st_mode & 0o777 == 0o640
    assert [r["n"] for r in store.read_lines("error-log.txt")] == [1]
