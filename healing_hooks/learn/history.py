"""Test history: flaky tests, told apart from broken code.

pipeline.py writes one test-history.log line per test run (detect/testruns.py). A test is flaky
when a run of a command failed on it and the next run of the same command passed with nothing
changed in between (no edit, no command that could change files): the code did not change, so
the failure was not the code's. Such tests are remembered in learning.json, and when one fails
again the feedback says so instead of sending the agent to fix code that is not broken.
"""

from __future__ import annotations

from typing import Any

from healing_hooks.findings import Finding, Remedy

MAX_FLAKY = 200
MAX_FAILED_TESTS = 50


def passed_cleanly(test_run: dict[str, Any] | None) -> bool:
    """The run passed: exit 0 and no failed or erroring test."""
    if test_run is None:
        return False
    return (
        test_run.get("exit_code") in (0, None) and not test_run.get("failed") and not test_run.get("errors")
    )


def newly_flaky(previous: dict[str, Any] | None, test_run: dict[str, Any] | None) -> list[str]:
    """Tests that failed in the previous run of this command and pass now, with nothing changed."""
    if not previous or not passed_cleanly(test_run):
        return []
    if int(previous.get("changes_since") or 0) > 0 or any(
        r.get("applied") for r in previous.get("remedies") or []
    ):
        return []
    return [str(t) for t in previous.get("failed_tests") or []]


def record_flaky(state: dict[str, Any], tests: list[str], command: str, now: str) -> None:
    """Remember flips (failed, then passed untouched) per test. Call under the memory lock."""
    if not tests:
        return
    flaky = state.setdefault("flaky", {})
    for test in tests:
        entry = flaky.setdefault(test, {"flips": 0, "first_seen": now})
        entry.update({"flips": int(entry.get("flips") or 0) + 1, "last_seen": now, "command": command})
    if len(flaky) > MAX_FLAKY:
        newest = sorted(flaky, key=lambda t: str(flaky[t].get("last_seen")), reverse=True)
        state["flaky"] = {t: flaky[t] for t in newest[:MAX_FLAKY]}


def flaky_findings(
    findings: list[Finding],
    test_run: dict[str, Any] | None,
    known: dict[str, Any],
    newly: list[str],
    command: str,
) -> list[Finding]:
    """The findings with flakiness said: new flips reported, failures of known flaky tests explained."""
    if test_run is None:
        return findings
    runner = str(test_run.get("runner") or "tests")
    result = list(findings)
    for test in newly:
        result.append(_finding(test, runner, command, _flip_message(test, known.get(test))))
    failing = [t for t in test_run.get("failed_tests") or [] if t in known]
    for test in failing:
        message = f"known flaky test {test} failed: {_history(known[test])}"
        matched = [f for f in result if f.details.get("test_id") == test]
        for finding in matched:
            finding.message = f"{message} ({finding.message})"
            finding.remedy = _rerun_remedy(test, command)
        if not matched:
            result.append(_finding(test, runner, command, message))
    return result


def _flip_message(test: str, known: dict[str, Any] | None) -> str:
    again = f"; {_history(known)}" if known else ""
    return (
        f"flaky test {test}: it failed on the previous run of this command and passed now with no "
        f"edit in between{again}"
    )


def _history(entry: dict[str, Any]) -> str:
    flips = int(entry.get("flips") or 0)
    times = "once" if flips == 1 else f"{flips} times"
    return f"it has passed with no code change after failing {times} (last {entry.get('last_seen', '?')})"


def _finding(test: str, runner: str, command: str, message: str) -> Finding:
    return Finding(
        category="test",
        severity="medium",
        tool=runner,
        message=message,
        remedy=_rerun_remedy(test, command),
        confidence=0.8,
        details={"test_id": test, "flaky": True},
    )


def _rerun_remedy(test: str, command: str) -> Remedy:
    return Remedy(
        kind="steps",
        summary="the test is flaky, the code under test is not shown to be broken: do not change it for this",
        steps=(
            f"re-run `{command}` to confirm it passes",
            f"look in {test} for state shared between runs (files, counters, caches), test order, "
            "time, randomness or network",
            "make the test deterministic, or mark it flaky, rather than editing the code it tests",
        ),
        confidence=0.8,
        source="history:flaky",
    )
