"""A recorded agent session, for real: commands run in a real project, each event piped through
the installed `healing-hooks hook` as the host would send it, edits made on disk and reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import hook, run_cli
from tests.corpus.runner import Case, Recorded, run_case, to_payload
from tests.payloads import edit as edit_payload


def run(root: Path, command: str, files: dict[str, str] | None = None) -> Recorded:
    """Run `command` in `root` the way the host's Bash tool does (after writing `files`)."""
    return run_case(Case("learn", "python", files or {}, command, None), root)


def send(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Pipe one payload through `healing-hooks hook`; its JSON answer, or None when silent."""
    answer = hook(payload, {"CLAUDE_PROJECT_DIR": payload["cwd"]})
    assert answer.returncode == 0, answer.stderr
    assert "Traceback" not in answer.stderr, answer.stderr
    return json.loads(answer.stdout) if answer.stdout.strip() else None


def run_and_send(root: Path, command: str, files: dict[str, str] | None = None) -> tuple[Recorded, str]:
    """Run a command for real, send its event; (the recording, the context the agent reads)."""
    recorded = run(root, command, files)
    return recorded, context_of(send(to_payload(recorded)))


def context_of(answer: dict[str, Any] | None) -> str:
    if not answer:
        return ""
    return str(answer.get("hookSpecificOutput", {}).get("additionalContext", ""))


def edit(root: Path, relative: str, old: str, new: str) -> None:
    """The agent's Edit tool: change the file on disk, then the PostToolUse the host sends."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    send(edit_payload(str(path), old, new, str(root)))


def memory(root: Path) -> Path:
    return root / ".claude-flow" / "memory"


def patterns(root: Path, source: str | None = None) -> list[dict[str, Any]]:
    """The project's pattern file entries (of one source)."""
    entries = json.loads((memory(root) / "error-patterns.json").read_text())["patterns"]
    return [e for e in entries if source is None or e.get("source") == source]


def learning(root: Path) -> dict[str, Any]:
    """learning.json (written once there is something to learn)."""
    path = memory(root) / "learning.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return {"templates": {}, "flaky": {}, **data}


def cli(root: Path, *args: str, stdin: str = "") -> str:
    """Run a healing-hooks subcommand for this project; its stdout (exit 0 asserted)."""
    done = run_cli(list(args), stdin, {"CLAUDE_PROJECT_DIR": str(root)}, cwd=root)
    assert done.returncode == 0, done.stderr
    return done.stdout


def fresh_copy(files: dict[str, str], destination: Path, pattern_file_from: Path | None = None) -> Path:
    """A new checkout of the project: its files as committed, with the project's pattern file."""
    destination.mkdir(parents=True)
    for relative, text in files.items():
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        (destination / relative).write_text(text, encoding="utf-8")
    if pattern_file_from is not None:
        memory(destination).mkdir(parents=True)
        shutil.copy(memory(pattern_file_from) / "error-patterns.json", memory(destination))
    return destination
