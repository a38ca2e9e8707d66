"""Run a real tool on a small project and get what the detector gets: the host's payload.

The detector tests of cargo, go, node, tsc, mypy and ruff build their projects with these helpers
(on top of the corpus runner: same environment, same `bash -c`, same payload as Claude Code).
Tool homes are taken from the real HOME at import time, because the suite's autouse fixture
points HOME at an empty folder and rustup finds no toolchain there.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.detect.text import clean_output
from healing_hooks.observation import Observation, observation_from_payload
from tests.corpus.runner import Case, run_case, to_payload, tool_path

REAL_HOME = Path.home()
TOOL_HOMES = {
    "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(REAL_HOME / ".rustup")),
    "CARGO_HOME": os.environ.get("CARGO_HOME", str(REAL_HOME / ".cargo")),
}


@dataclass
class Run:
    """One real run: the observation the hook builds, its cleaned output, and the project root."""

    obs: Observation
    text: str
    root: Path
    exit_code: int | None
    payload: dict[str, Any]


def require(program: str) -> None:
    """Skip the calling test when `program` is not installed, naming it."""
    if shutil.which(program, path=tool_path()) is None:
        pytest.skip(f"{program} is not installed")


def use_tool_homes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point rustup/cargo at the real toolchain despite the temporary HOME."""
    for key, value in TOOL_HOMES.items():
        if Path(value).exists():
            monkeypatch.setenv(key, value)


def run_tool(root: Path, files: dict[str, str], command: str, timeout: float = 120) -> Run:
    """Write `files` under `root`, run `command` there as the host would, and observe it."""
    case = Case(name=root.name, tool="test", files=files, command=command, expect=None, timeout=timeout)
    recorded = run_case(case, root)
    payload = to_payload(recorded)
    obs = observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": str(root)})
    return Run(obs, clean_output(obs.output), root, recorded.exit_code, payload)


def observe(command: str, output: str, root: str, exit_code: int | None = 1) -> Observation:
    """An observation of given output (for outputs derived from real runs, e.g. Windows paths)."""
    return Observation(
        event="PostToolUseFailure" if exit_code else "PostToolUse",
        tool_name="Bash",
        command=command,
        output=output,
        exit_code=exit_code,
        interrupted=False,
        cwd=root,
        project_root=root,
    )
