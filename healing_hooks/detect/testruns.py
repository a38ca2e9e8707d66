"""Test-run summaries (counts, failing test ids, outcome) for test-history.log.

pytest in every form (`-q`, `-qq` without a final line, `-v`, `--tb=...`, `-x`, `-r...`, a run
cut by `| tail`), `python -m unittest`, `cargo test`, `go test` and node's test runner (`npm test`).
Passing runs are summarised too.

The readers import their tool's module only when the command runs tests (this module is on
every failure's path).
"""

from __future__ import annotations

import re
from typing import Any

from healing_hooks import commandline
from healing_hooks.lazyre import lazy

UNITTEST_RAN = lazy(r"^Ran (\d+) tests? in [\d.]+s$", re.M)
UNITTEST_RESULT = lazy(r"^(?P<word>OK|FAILED)(?: \((?P<detail>[^)]*)\))?\s*$", re.M)
UNITTEST_FAILED_ID = lazy(r"^(?:FAIL|ERROR): (\w+) \(([\w.]+)\)", re.M)
_UNITTEST_KEYS = {"failures": "failed", "errors": "errors", "skipped": "skipped",
                  "expected failures": "xfailed", "unexpected successes": "xpassed"}  # fmt: skip
MAIN_COUNTS = ("passed", "failed", "errors", "skipped")
EXTRA_COUNTS = ("xfailed", "xpassed", "deselected", "warnings", "rerun")
MAX_FAILED_IDS = 200


def summarize_test_run(command: str, text: str, exit_code: int | None) -> dict[str, Any] | None:
    """Counts, failing ids and outcome of a test run, or None when the command runs no tests."""
    if not commandline.runs_tests(command):
        return None
    counts: dict[str, int] = {}
    failed: list[str] = []
    for reader in (_cargo, _go, _node, _pytest, _unittest):
        reader(text, counts, failed)
    summary: dict[str, Any] = {"runner": _runner(command), "exit_code": exit_code}
    summary.update({key: counts.get(key, 0) for key in MAIN_COUNTS})
    summary.update({key: counts[key] for key in EXTRA_COUNTS if counts.get(key)})
    summary["outcome"] = _outcome(counts, text, exit_code)
    summary["failed_tests"] = list(dict.fromkeys(failed))[:MAX_FAILED_IDS]
    return summary


def _add(counts: dict[str, int], key: str, value: int) -> None:
    counts[key] = counts.get(key, 0) + value


def _cargo(text: str, counts: dict[str, int], failed: list[str]) -> None:
    """cargo test: the `test result:` line of every test binary; names from the failures lists."""
    if "test result: " not in text and "\nfailures:\n" not in text:
        return
    from healing_hooks.detect import cargo_test

    found = cargo_test.cargo_test_counts(text)
    for key, ours in (("passed", "passed"), ("failed", "failed"), ("ignored", "skipped")):
        _add(counts, ours, found.get(key, 0))
    failed.extend(cargo_test.failed_test_names(text))


def _go(text: str, counts: dict[str, int], failed: list[str]) -> None:
    """go test: `--- PASS/FAIL/SKIP` lines (PASS only with -v), failing leaf tests."""
    if "--- FAIL: " not in text and "--- PASS: " not in text and "--- SKIP: " not in text:
        return
    from healing_hooks.detect import go

    found = go.go_test_counts(text)
    for key in ("passed", "failed", "skipped"):
        _add(counts, key, found.get(key, 0))
    failed.extend(go.go_failed_tests(text))


def _node(text: str, counts: dict[str, int], failed: list[str]) -> None:
    """node --test (TAP `# pass 1` or spec summary lines), also under `npm test`."""
    from healing_hooks.detect import node_test

    found = node_test.node_test_counts(text)
    if "pass" not in found and "fail" not in found:
        return
    _add(counts, "passed", found.get("pass", 0))
    _add(counts, "failed", found.get("fail", 0))
    _add(counts, "skipped", found.get("skipped", 0) + found.get("todo", 0))
    _add(counts, "errors", found.get("cancelled", 0))
    failed.extend(node_test.failed_test_names(text))


def _pytest(text: str, counts: dict[str, int], failed: list[str]) -> None:
    from healing_hooks.detect import pytest_report

    markers = (pytest_report.MARKERS, pytest_report.FINAL_LINE, pytest_report.PROGRESS)
    if not any(marker.search(text) for marker in markers):
        return
    found = pytest_report.layout(text)
    for key, value in (pytest_report.counts(text, found) or {}).items():
        _add(counts, key, value)
    entries = [e.test_id for e in found.failing_entries()]
    if not entries:
        entries = [
            m.group("id")
            for m in pytest_report.VERBOSE.finditer(text)
            if m.group("word") in ("FAILED", "ERROR")
        ]
        entries += [
            s.title[len("ERROR collecting ") :]
            for s in found.sections
            if s.title.startswith("ERROR collecting ")
        ]
    failed.extend(entries)


def _unittest(text: str, counts: dict[str, int], failed: list[str]) -> None:
    ran = UNITTEST_RAN.search(text)
    if ran is None:
        return
    results = list(UNITTEST_RESULT.finditer(text, ran.end()))
    parsed: dict[str, int] = {}
    if results and results[0].group("detail"):
        for part in results[0].group("detail").split(", "):
            name, _, number = part.partition("=")
            if name in _UNITTEST_KEYS and number.isdigit():
                parsed[_UNITTEST_KEYS[name]] = int(number)
    not_passed = sum(parsed.values())
    for key, value in parsed.items():
        _add(counts, key, value)
    _add(counts, "passed", max(int(ran.group(1)) - not_passed, 0))
    failed.extend(f"{where}.{name}" if not where.endswith(name) else where
                  for name, where in UNITTEST_FAILED_ID.findall(text))  # fmt: skip


def _outcome(counts: dict[str, int], text: str, exit_code: int | None) -> str:
    """passed, failed, no tests, interrupted (a collection error or a signal), or unknown."""
    if re.search(r"^!+ Interrupted: ", text, re.M) or exit_code in (2, 130, 137, 143, 124):
        return "interrupted"
    if counts.get("failed") or counts.get("errors"):
        return "failed"
    ran = sum(counts.get(key, 0) for key in ("passed", "xfailed", "xpassed"))
    if ran:
        return "failed" if exit_code not in (0, None) else "passed"
    if counts or exit_code == 5 or re.search(r"^=+ no tests ran", text, re.M):
        return "no tests"
    return "unknown"


def _runner(command: str) -> str:
    for program in commandline.programs(command):
        if program in commandline.TEST_RUNNERS or program.endswith("pytest"):
            return program
    return "tests"
