"""Test-run summaries (counts and failing test ids) for test-history.log."""

from __future__ import annotations

import re
from typing import Any

from healing_hooks import commandline

PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)\b")
PYTEST_SUMMARY = re.compile(
    r"^=*\s*((?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)"
    r"(?:, )?)+)(?: in [\d.]+s.*)?\s*=*\s*$|^=+ no tests ran in [\d.]+s",
    re.M,
)
PYTEST_FAILED_ID = re.compile(r"^(?:FAILED|ERROR) (\S+?)(?: - .*)?$", re.M)
CARGO_RESULT = re.compile(r"^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored", re.M)
CARGO_FAILED_ID = re.compile(r"^test (\S+) \.\.\. FAILED$", re.M)
_NORMAL = {"error": "errors", "warning": "warnings"}


def summarize_test_run(command: str, text: str, exit_code: int | None) -> dict[str, Any] | None:
    """Counts and failing ids of a test run, or None when the command runs no tests."""
    if not commandline.runs_tests(command):
        return None
    summary: dict[str, Any] = {"runner": _runner(command), "exit_code": exit_code}
    counts: dict[str, int] = {}
    failed: list[str] = []
    for match in CARGO_RESULT.finditer(text):
        for key, value in zip(("passed", "failed", "skipped"), match.groups(), strict=True):
            counts[key] = counts.get(key, 0) + int(value)
    failed.extend(CARGO_FAILED_ID.findall(text))
    summaries = list(PYTEST_SUMMARY.finditer(text))
    last = summaries[-1] if summaries else None
    if last is not None and last.group(1):
        for number, word in PYTEST_COUNT.findall(last.group(1)):
            counts[_NORMAL.get(word, word)] = int(number)
    failed.extend(PYTEST_FAILED_ID.findall(text))
    summary.update({k: counts.get(k, 0) for k in ("passed", "failed", "errors", "skipped")})
    summary["failed_tests"] = list(dict.fromkeys(failed))[:200]
    return summary


def _runner(command: str) -> str:
    for program in commandline.programs(command):
        if program in commandline.TEST_RUNNERS or program.endswith("pytest"):
            return program
    return "tests"
