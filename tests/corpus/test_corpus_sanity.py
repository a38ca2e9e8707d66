"""The corpus is what it claims: real outputs show their facts, payloads have the host's shape."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from . import ALL_CASES, FAILURE_CASES, HEALTHY_CASES
from .checks import mentions_location, payload_problems, recording_problems
from .harness import Recordings, skip_if_unavailable
from .runner import (
    CATEGORIES,
    Case,
    Expect,
    Recorded,
    check_unique_names,
    host_counts_as_success,
    missing_requirements,
    to_payload,
    truncate_middle,
)


def _ids(case: Case) -> str:
    return case.name


# --- the cases, run for real --------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("case", FAILURE_CASES, ids=_ids)
def test_failure_output_shows_expected_facts_and_place(case: Case, recordings: Recordings) -> None:
    skip_if_unavailable(case)
    rec = recordings.get(case)
    assert recording_problems(rec) == [], rec.output


@pytest.mark.corpus
@pytest.mark.parametrize("case", HEALTHY_CASES, ids=_ids)
def test_healthy_output_is_a_success_for_the_host(case: Case, recordings: Recordings) -> None:
    skip_if_unavailable(case)
    rec = recordings.get(case)
    assert not rec.interrupted
    assert host_counts_as_success(rec.command, rec.exit_code), rec.output
    assert to_payload(rec)["hook_event_name"] == "PostToolUse"


@pytest.mark.corpus
@pytest.mark.parametrize("case", ALL_CASES, ids=_ids)
def test_payload_has_the_shape_the_host_sends(case: Case, recordings: Recordings) -> None:
    skip_if_unavailable(case)
    rec = recordings.get(case)
    payload = to_payload(rec)
    assert payload_problems(payload, rec) == []
    if payload["hook_event_name"] == "PostToolUse":
        assert payload["tool_response"]["stdout"] == truncate_middle(rec.output)
    else:
        joined = f"Exit code {rec.exit_code}\n{rec.output}".strip()  # the host trims the joined text
        assert payload["error"] == truncate_middle(joined)


# --- the corpus as data --------------------------------------------------------------------------


def test_corpus_is_large_and_varied() -> None:
    assert len(FAILURE_CASES) >= 75
    assert len(HEALTHY_CASES) >= 20
    categories = Counter(case.expect.category for case in FAILURE_CASES if case.expect)
    assert set(categories) >= {"import", "dependency", "async", "rust", "test", "timeout"}


@pytest.mark.parametrize("case", ALL_CASES, ids=_ids)
def test_case_is_well_formed(case: Case) -> None:
    assert case.command.strip()
    assert all(not Path(p).is_absolute() and ".." not in Path(p).parts for p in case.files)
    if case.expect is not None:
        assert case.expect.category in CATEGORIES
        assert case.expect.file is None or not case.expect.file.startswith("/")
        assert case.expect.line is None or case.expect.file is not None


def test_duplicate_names_are_rejected() -> None:
    twin = ALL_CASES[0]
    with pytest.raises(ValueError, match=twin.name):
        check_unique_names([twin, twin])


def test_missing_program_is_named_in_the_skip_reason() -> None:
    case = Case("needs-nothing-real", "shell", {}, "true", None, requires=("no-such-tool-4d1f",))
    assert missing_requirements(case) == ["no-such-tool-4d1f"]
    with pytest.raises(pytest.skip.Exception, match="no-such-tool-4d1f"):
        skip_if_unavailable(case)


def test_missing_python_module_is_a_missing_requirement() -> None:
    case = Case("needs-module", "python", {}, "true", None, requires=("py:no_such_module_4d1f",))
    assert missing_requirements(case) == ["py:no_such_module_4d1f"]


# --- host behaviour: which exits succeed, truncation, payload shapes ------------------------------


@pytest.mark.parametrize(
    ("command", "exit_code", "success"),
    [
        ("pytest", 0, True),
        ("pytest", 1, False),
        ("grep -rn TODO src", 1, True),
        ("grep -rn TODO src", 2, False),
        ("find . -name x", 1, True),
        ("diff a b", 1, True),
        ("test -f x", 1, True),
        ("[ -f x ]", 1, True),
        ("git diff", 1, True),
        ("git grep foo", 1, True),
        ("git status", 1, False),
        ("cargo build", 101, False),
        ("ls /nonexistent", 2, False),
    ],
)
def test_host_success_rule(command: str, exit_code: int, success: bool) -> None:
    assert host_counts_as_success(command, exit_code) is success


def test_truncate_middle_leaves_short_text_alone() -> None:
    assert truncate_middle("x" * 10_000) == "x" * 10_000


def test_truncate_middle_keeps_head_tail_and_marker() -> None:
    text = "HEAD" + "m" * 20_000 + "TAIL"
    cut = truncate_middle(text)
    assert cut.startswith("HEAD")
    assert cut.endswith("TAIL")
    kept = len(text) - 10_000
    assert f"... [{kept} characters truncated] ..." in cut
    assert len(cut.replace(f"\n\n... [{kept} characters truncated] ...\n\n", "")) == 10_000


def _recorded(
    output: str, exit_code: int | None, command: str = "make", interrupted: bool = False
) -> Recorded:
    case = Case("synthetic", "shell", {}, command, Expect("runtime"))
    return Recorded(case, Path("/tmp/proj"), command, exit_code, output, 5, interrupted)


def test_failure_payload_is_truncated_after_the_exit_code_line() -> None:
    payload = to_payload(_recorded("line\n" * 5_000 + "make: *** Error 2\n", 2))
    assert payload["hook_event_name"] == "PostToolUseFailure"
    assert payload["error"].startswith("Exit code 2\nline\n")
    assert payload["error"].endswith("make: *** Error 2")  # the host trims the joined text
    assert "characters truncated] ..." in payload["error"]
    assert "tool_response" not in payload
    assert payload["is_interrupt"] is False


def test_success_payload_has_no_exit_code() -> None:
    payload = to_payload(_recorded("all good\n", 0))
    assert payload["tool_response"] == {
        "stdout": "all good\n",
        "stderr": "",
        "interrupted": False,
        "isImage": False,
    }
    assert "error" not in payload
    assert "Exit code" not in payload["tool_response"]["stdout"]
    assert payload["cwd"] == "/tmp/proj"


def test_interrupted_run_is_a_failure_without_exit_code_line() -> None:
    payload = to_payload(_recorded("partial output", None, interrupted=True))
    assert payload["hook_event_name"] == "PostToolUseFailure"
    assert payload["error"] == "partial output"
    assert payload["is_interrupt"] is True


@pytest.mark.parametrize(
    ("output", "file", "line"),
    [
        ('  File "/tmp/p/app/main.py", line 3, in <module>', "app/main.py", 3),
        (" --> src/lib.rs:12:5", "src/lib.rs", 12),
        ("src/cart.ts(7,9): error TS2322", "src/cart.ts", 7),
        ("scripts/release.sh: line 8: syntax error", "scripts/release.sh", 8),
        ("    calc_test.go:7: Add(2, 2) = 0; want 4", "calc/calc_test.go", 7),
    ],
)
def test_location_forms(output: str, file: str, line: int) -> None:
    assert mentions_location(output, file, line)
    assert not mentions_location(output, file, line + 1)
