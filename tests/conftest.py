"""Shared fixtures: every test runs with a temporary HOME and project folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the real HOME and from any CLAUDE_PROJECT_DIR of the caller."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)
    monkeypatch.delenv("CLAUDE_PLUGIN_ROOT", raising=False)
    monkeypatch.delenv("CLAUDE_PLUGIN_DATA", raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty project folder, set as CLAUDE_PROJECT_DIR and as the working directory."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(root))
    monkeypatch.chdir(root)
    yield root


def cli_path() -> str:
    """The installed `healing-hooks` entry point of the interpreter running the tests."""
    beside = Path(sys.executable).parent / "healing-hooks"
    found = str(beside) if beside.exists() else shutil.which("healing-hooks")
    assert found, "healing-hooks is not installed in this environment"
    return found


def run_cli(
    args: list[str], stdin: bytes | str = b"", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as the host would: a separate process, JSON on stdin."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [cli_path(), *args],
        input=data,
        capture_output=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


def hook(
    payload: dict[str, Any] | str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Pipe a payload into `healing-hooks hook`."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return run_cli(["hook"], text, env)
