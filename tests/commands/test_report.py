"""`report`: figures from real hook events, the heal computation as a table, and the page in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.cli import main
from healing_hooks.memory.store import MemoryStore
from healing_hooks.report.heal import episodes
from healing_hooks.report.page import render_page
from healing_hooks.report.records import Memory, read_memory
from healing_hooks.report.summary import summarize
from tests import payloads
from tests.conftest import hook
from tests.corpus.runner import Case, run_case, to_payload

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def memory_dir(project: Path) -> Path:
    return project / ".claude-flow" / "memory"


def run_through_hook(project: Path, command: str, files: dict[str, str] | None = None) -> int | None:
    """Run `command` in the project for real and give the host's payload to the installed hook."""
    recorded = run_case(Case("report", "python", files or {}, command, None), project)
    answered = hook(to_payload(recorded))
    assert answered.returncode == 0, answered.stderr
    return recorded.exit_code


def edit_through_hook(project: Path, name: str, old: str, new: str) -> None:
    """What the agent's Edit tool does: change the file, then the host tells the hook."""
    path = project / name
    path.write_text(path.read_text().replace(old, new))
    answered = hook(payloads.edit(str(path), old, new, str(project)))
    assert answered.returncode == 0, answered.stderr


def test_report_on_a_real_session(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a wrong import, fixed: healed (the success clears it from pending.json)
    app = {"shop/__init__.py": "", "shop/pricing.py": "def total(xs):\n    return sum(xs)\n"}
    app["app.py"] = "from shop.prices import total\nprint(total([1]))\n"
    assert run_through_hook(project, "python app.py", app) == 1
    edit_through_hook(project, "app.py", "shop.prices", "shop.pricing")
    assert run_through_hook(project, "python app.py") == 0
    # a failing test, fixed: healed (the passing run is in test-history.log)
    test = {
        "test_cart.py": "from shop.pricing import total\n\ndef test_total():\n    assert total([1, 2]) == 4\n"
    }
    pytest_command = "python -m pytest -q -p no:cacheprovider"
    assert run_through_hook(project, pytest_command, test) == 1
    edit_through_hook(project, "test_cart.py", "== 4", "== 3")
    assert run_through_hook(project, pytest_command) == 0
    # a missing module, left broken: not healed
    assert run_through_hook(project, "python worker.py", {"worker.py": "import aiohttp_not_here\n"}) == 1

    assert main(["report", "--html", str(project / "out" / "report.html")]) == 0

    out = capsys.readouterr().out
    assert "error events: 3" in out
    assert "commands healed: 67% — 2 of 3 failing commands later ran without failing" in out
    assert "test runs: 2 (1 passed)  F." in out
    page = (project / "out" / "report.html").read_text()
    assert "python worker.py" in page.split("Not healed yet")[1].split("</table>")[0]
    assert "aiohttp_not_here" in page


def failure(at: datetime, command: str, category: str = "import", **extra: Any) -> dict[str, Any]:
    finding = {"category": category, "severity": "high", "message": f"{category} problem", "pattern_id": None}
    return {
        "ts": at,
        "_at": at,
        "event": "PostToolUseFailure",
        "command": command,
        "findings": [finding],
        **extra,
    }


def run_record(at: datetime, command: str, failed: list[str]) -> dict[str, Any]:
    return {
        "ts": at, "_at": at, "command": command, "exit_code": 1 if failed else 0,
        "passed": 3, "failed": len(failed), "errors": 0, "failed_tests": failed,
    }  # fmt: skip


def outcome(at: datetime, command: str, result: str) -> dict[str, Any]:
    return {"ts": at, "_at": at, "command": command, "outcome": result}


H = timedelta(hours=1)
OLD = NOW - timedelta(days=3)


PASSED_PYTEST = [run_record(OLD + H, "pytest", [])]
STILL_PENDING = {"make": {"command": "make"}}


@pytest.mark.parametrize(
    ("errors", "tests", "fixes", "pending", "expected"),
    [
        pytest.param(
            [failure(OLD, "pytest")], PASSED_PYTEST, [], {}, [(1, "its test run")],
            id="a later passing test run heals",
        ),
        pytest.param(
            [failure(OLD, "make"), failure(OLD + H, "make")], [],
            [outcome(OLD + 2 * H, "make", "succeeded")], {}, [(2, "the remedy was verified")],
            id="repeated failures are one episode",
        ),
        pytest.param(
            [failure(OLD, "make")], [], [outcome(OLD + H, "make", "failed")], {}, [(1, "")],
            id="a failed remedy does not heal",
        ),
        pytest.param([failure(OLD, "make")], [], [], {}, [(1, "")], id="an old failure without evidence"),
        pytest.param(
            [failure(NOW - H, "make")], [], [], {}, [(1, "it ran again without failing")],
            id="a recent failure gone from pending.json",
        ),
        pytest.param(
            [failure(NOW - H, "make")], [], [], STILL_PENDING, [(1, "")], id="a recent failure still pending"
        ),
        pytest.param([failure(NOW - H, "make")], [], [], None, [(1, "")], id="pending.json unreadable"),
        pytest.param(
            [failure(OLD, "pytest"), failure(OLD + 2 * H, "pytest")], PASSED_PYTEST, [], {},
            [(1, "its test run"), (1, "")],
            id="a success between failures splits episodes",
        ),
        pytest.param(
            [failure(OLD, "pytest  -q"), failure(OLD, "ls", event="PostToolUse")],
            [run_record(OLD + H, "pytest -q", [])], [], {}, [(1, "its test run")],
            id="spacing does not matter; successes with warnings are no failures",
        ),
    ],
)  # fmt: skip
def test_heal_episodes(
    errors: list[dict[str, Any]],
    tests: list[dict[str, Any]],
    fixes: list[dict[str, Any]],
    pending: dict[str, Any] | None,
    expected: list[tuple[int, str]],
) -> None:
    memory = Memory("/p", errors, tests, fixes, [], pending)
    found = episodes(memory, NOW)
    assert len(found) == len(expected)
    for episode, (failures, evidence) in zip(found, expected, strict=True):
        assert episode.failures == failures
        assert episode.evidence.startswith(evidence) if evidence else episode.evidence == ""


def write_lines(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


KINDS = [
    (
        "import",
        "import-cannot-import-name",
        "`Widget` is not defined in `shop.prices`",
        "python -m pytest tests/",
    ),
    ("dependency", "dependency-missing-module", "module `aiohttp` cannot be imported", "python app.py"),
    ("rust", None, "borrow of moved value: `s` (E0382)", "cargo build"),
    ("test", None, "test_total failed: assert 3 == 4", "python -m pytest -q"),
    ("async", "async-await-non-awaitable", "a synchronous call is awaited", "python -m svc"),
]


def two_weeks_of_memory(project: Path) -> None:
    """Memory files as two weeks of work leave them: every file the report reads, in the store's formats."""
    errors, tests, fixes = [], [], []
    for day in range(14):
        for slot in range(day % 4 + 1):
            at = NOW - timedelta(days=13 - day, hours=9 - 2 * slot)
            category, pattern_id, message, command = KINDS[(day + slot) % len(KINDS)]
            finding = {"category": category, "severity": "high", "message": message, "pattern_id": pattern_id}
            errors.append({"ts": stamp(at), "event": "PostToolUseFailure", "command": command, "exit_code": 1,
                           "findings": [finding]})  # fmt: skip
            if "pytest" in command:
                tests.append({"ts": stamp(at), "command": command, "exit_code": 1, "passed": 40, "failed": 1,
                              "failed_tests": ["tests/test_cart.py::test_total"]})  # fmt: skip
                tests.append(
                    {"ts": stamp(at + H), "command": command, "exit_code": 0, "passed": 41, "failed": 0}
                )
            else:
                fixes.append({"ts": stamp(at + H), "command": command, "pattern_id": pattern_id,
                              "outcome": "succeeded" if slot % 3 else "failed"})  # fmt: skip
    hostile = {"category": "command", "message": "<b>not bold</b>"}
    errors.append({"ts": stamp(NOW), "event": "PostToolUseFailure", "exit_code": 1,
                   "command": "echo '<script>alert(1)</script>'", "findings": [hostile]})  # fmt: skip
    memory = memory_dir(project)
    write_lines(memory / "error-log.txt", errors)
    write_lines(memory / "test-history.log", tests)
    write_lines(memory / "fix-log.txt", fixes)
    learned = {"id": "learned-5e1f", "error_regex": "^RuntimeError: loop closed in (?P<p1>\\w{1,80})$",
               "category": "async", "severity": "high", "source": "learned", "occurrences": 4,
               "last_seen": stamp(NOW), "auto_fix": {"search": "await bus.stop()", "replace": "bus.stop()"},
               "fix_stats": {"applied": 2, "succeeded": 2, "failed": 0}}  # fmt: skip
    (memory / "error-patterns.json").write_text(json.dumps({"patterns": [learned]}, indent=2))
    flaky = {"tests/test_clock.py::test_deadline": {"flips": 2, "last_seen": stamp(NOW), "command": "pytest"}}
    (memory / "learning.json").write_text(json.dumps({"flaky": flaky}))


def test_summary_of_two_weeks(project: Path) -> None:
    two_weeks_of_memory(project)
    summary = summarize(read_memory(MemoryStore(str(project))), NOW)
    assert summary.unit == "day" and len(summary.timeline) == 14
    assert sum(sum(b.counts.values()) for b in summary.timeline) == summary.events
    assert summary.events == sum(day % 4 + 1 for day in range(14)) + 1
    assert summary.categories[0][1] >= summary.categories[-1][1]
    assert [p["id"] for p in summary.learned] == ["learned-5e1f"]
    assert [f.test for f in summary.flaky] == ["tests/test_clock.py::test_deadline"]
    assert summary.remedy_rate == 1.0  # fix_stats of the patterns win over fix-log.txt
    assert summary.recurring[0].count >= summary.recurring[-1].count


def test_flaky_tests_from_the_test_log_when_the_learning_loop_has_none(project: Path) -> None:
    runs = []
    for index, failing in enumerate([["t::a"], [], ["t::a", "t::b"], [], ["t::a"], [], ["t::b"]]):
        runs.append(run_record(NOW + index * H, "pytest", failing))
    lines = [{**{k: v for k, v in r.items() if k != "_at"}, "ts": stamp(r["_at"])} for r in runs]
    write_lines(memory_dir(project) / "test-history.log", lines)
    summary = summarize(read_memory(MemoryStore(str(project))), NOW)
    assert [(f.test, f.flips) for f in summary.flaky] == [("t::a", 2)]
    assert summary.flaky_source == "test-history.log"


def test_page_is_self_contained_and_escapes_the_logs(project: Path) -> None:
    two_weeks_of_memory(project)
    summary = summarize(read_memory(MemoryStore(str(project))), NOW)
    page = render_page(summary)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>not bold</b>" not in page
    assert not re.search(r"""(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org)""", page)
    assert "default-src 'none'" in page
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        ET.fromstring(svg)  # well-formed
    assert page.count('class="run ') == len(summary.test_runs) > 0


def test_empty_memory_reports_nothing_yet(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--html", "r.html"]) == 0
    out = capsys.readouterr().out
    assert "no errors and no test runs recorded yet" in out
    assert "No errors recorded yet." in (project / "r.html").read_text()


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render_in_chromium(page: Path, shot: Path, profile: Path) -> str:
    """Screenshot `page` headless; returns Chromium's log (console messages appear as CONSOLE lines)."""
    browser = chromium()
    assert browser is not None
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
        "--window-size=1280,2400", f"--screenshot={shot}",
    ]  # fmt: skip
    result = subprocess.run(
        [browser, *flags, page.as_uri()], capture_output=True, text=True, timeout=180, check=False
    )
    return result.stdout + result.stderr


def console_messages(log: str) -> list[str]:
    return [line for line in log.splitlines() if re.search(r":CONSOLE[:(]", line)]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.skipif(
    chromium() is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it",
)
def test_the_page_in_headless_chromium(project: Path, tmp_path: Path) -> None:
    two_weeks_of_memory(project)
    assert main(["report", "--html", str(tmp_path / "report.html")]) == 0
    control = tmp_path / "control.html"  # the check itself must see a console error when there is one
    control.write_text(
        '<!DOCTYPE html><html><body><script>console.error("control error")</script></body></html>'
    )

    log = render_in_chromium(tmp_path / "report.html", tmp_path / "report.png", tmp_path / "profile")
    control_log = render_in_chromium(control, tmp_path / "control.png", tmp_path / "profile2")

    assert any("control error" in line for line in console_messages(control_log)), control_log
    assert console_messages(log) == [], log
    assert png_size(tmp_path / "report.png") == (1280, 2400)
    assert (tmp_path / "report.png").stat().st_size > 50_000  # charts and tables, not a blank page
