"""Real broken projects, healed: run the real command, feed its payload through the pipeline,
apply the remedies, run the command again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from healing_hooks.findings import Finding
from healing_hooks.observation import observation_from_payload
from healing_hooks.pipeline import Result, process
from healing_hooks.remedy.apply import apply_findings
from healing_hooks.remedy.index import forget
from tests.corpus.runner import Case, Recorded, run_case, to_payload


def run(root: Path, command: str, files: dict[str, str] | None = None, timeout: float = 180) -> Recorded:
    """Write `files` under root and run `command` there as the host would."""
    return run_case(Case("remedy", "any", files or {}, command, None, timeout=timeout), root)


def payload(recorded: Recorded) -> dict[str, Any]:
    return to_payload(recorded)


def plan(root: Path, recorded: Recorded, *, record: bool = False) -> Result:
    """The pipeline on the recorded run, the project root being `root`."""
    forget()  # each test starts with a cold index, as a fresh hook process does
    obs = observation_from_payload(to_payload(recorded), {"CLAUDE_PROJECT_DIR": str(root)})
    return process(obs, record=record)


def remedied(result: Result, kind: str | None = None) -> list[Finding]:
    """The findings that got a remedy (of `kind`), most important first."""
    return [f for f in result.findings if f.remedy is not None and (kind is None or f.remedy.kind == kind)]


def heal(root: Path, command: str, files: dict[str, str]) -> tuple[Result, list[str], Recorded]:
    """Break, plan, apply every edit, and run again: (plan, apply lines, the second run)."""
    broken = run(root, command, files)
    assert broken.exit_code != 0, broken.output
    result = plan(root, broken)
    lines = apply_findings(result.findings, str(root))
    return result, lines, run(root, command)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


# The project's own patterns (a supported input: `.claude-flow/memory/error-patterns.json`) for the
# errors whose built-in detectors may not be in this checkout yet; where a detector also reports
# the error, the findings merge or both carry the same remedy.
PROJECT_PATTERNS = [
    {
        "id": "user-name-error",
        "error_regex": r"NameError: name '(?P<name>\w+)' is not defined"
        r"(?:\. Did you mean: '(?P<did_you_mean>\w+)'\?)?",
        "category": "name",
        "severity": "high",
        "tool": "python",
        "source": "user",
    },
    {
        "id": "user-attribute-error",
        "error_regex": r"AttributeError: '(?P<type>[\w.]+)' object has no attribute '(?P<attribute>\w+)'"
        r"(?:\. Did you mean: '(?P<did_you_mean>\w+)'\?)?",
        "category": "attribute",
        "severity": "high",
        "tool": "python",
        "source": "user",
    },
    {
        "id": "user-never-awaited",
        "error_regex": r"RuntimeWarning: coroutine '(?P<name>[\w.<>]+)' was never awaited",
        "category": "async",
        "severity": "high",
        "tool": "python",
        "source": "user",
    },
    {
        "id": "user-rustc",
        "error_regex": r"^(?:error\[(?P<code>E\d{4})\]|warning): .+",
        "category": "rust",
        "severity": "high",
        "tool": "cargo",
        "source": "user",
    },
]


def with_patterns(files: dict[str, str]) -> dict[str, str]:
    """`files` plus the project pattern file holding PROJECT_PATTERNS."""
    return {**files, ".claude-flow/memory/error-patterns.json": json.dumps({"patterns": PROJECT_PATTERNS})}
