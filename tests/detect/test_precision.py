"""Precision: text a command merely shows, and a success nothing masks, say nothing above `low`."""

from __future__ import annotations

import pytest

from healing_hooks import commandline
from healing_hooks.detect import detect
from healing_hooks.detect.patterns import build_library
from tests.detect.test_shell import observe

LIBRARY = build_library()
TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/home/dev/shop/app/main.py", line 3, in <module>\n'
    "    import yaml\n"
    "ModuleNotFoundError: No module named 'yaml'\n"
)
PASSING_RUN_WITH_LOGS = (
    "============================= test session starts ==============================\n"
    "collected 2 items\n\n"
    "tests/test_retry.py ..                                                   [100%]\n\n"
    "---------------------------- Captured log call -----------------------------\n"
    "ERROR    retry:retry.py:12 attempt 1 failed\n"
    + TRACEBACK
    + "============================== 2 passed in 0.12s "
    "===============================\n"
)


def loud(command: str, output: str, exit_code: int) -> list[str]:
    return [f.message for f in detect(observe(command, output, exit_code), LIBRARY) if f.severity != "low"]


@pytest.mark.parametrize(
    ("command", "masked"),
    [
        ("pytest -q 2>&1 | tail -20", True),
        ("pytest || true", True),
        ("pytest; echo $?", True),
        ("cargo test 2>&1 | tee test.log", True),
        ("(cd api; make test) || true", True),
        ("pytest && echo ok", False),
        ("set -o pipefail; pytest | tail", False),
        ("cd api && pytest", False),
        ("cat input.txt | python clean.py", False),
        ("pytest", False),
        ("cat log.txt", False),
    ],
)
def test_exit_status_is_masked(command: str, masked: bool) -> None:
    assert commandline.exit_status_is_masked(command) is masked


@pytest.mark.parametrize(
    ("simple", "program"),
    [
        ("./deploy.sh --prod", "./deploy.sh"),
        ("FOO=1 sudo -E carg build", "carg"),
        ("timeout 60 /usr/bin/python3 x.py", "/usr/bin/python3"),
        ("'my tool' --x", "my tool"),
        ("", ""),
    ],
)
def test_typed_program(simple: str, program: str) -> None:
    assert commandline.typed_program(simple) == program


def test_a_passing_test_run_that_prints_errors_is_silent() -> None:
    assert loud("pytest -q", PASSING_RUN_WITH_LOGS, 0) == []


def test_a_masked_status_keeps_the_severity() -> None:
    assert loud("python app/main.py 2>&1 | tail -5", TRACEBACK, 0)


def test_the_same_traceback_from_a_failed_run_is_reported() -> None:
    assert loud("python app/main.py", TRACEBACK, 1)


@pytest.mark.parametrize(
    "command", ["cat NOTES.md", "head -50 build.log", "git log -p", "grep -rn Error src", "less x"]
)
def test_shown_text_is_not_the_commands_error(command: str) -> None:
    assert loud(command, TRACEBACK + "bash: line 1: carg: command not found\n", 0) == []


def test_a_viewer_that_fails_reports_only_its_own_failure() -> None:
    output = TRACEBACK + "cat: missing.txt: No such file or directory\n"
    assert loud("cat NOTES.md missing.txt", output, 1) == [
        "`cat`: `missing.txt` does not exist (cwd: /home/dev/shop)"
    ]


def test_grep_finding_nothing_is_no_failure() -> None:
    assert loud("grep -rn TODO src", "", 1) == []
