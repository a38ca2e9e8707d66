"""Real outputs pasted into public GitHub issues, run through the hook as Claude Code would.

Each file under `tests/data/pasted/` is one output as a user pasted it (sources and what each one
is: `tests/data/pasted/SOURCES.md`; the three `*_ansi.txt` files are pastes with the standard
colours of rustc 1.95, pytest 9.2 and CPython 3.13 put back). Every case states what a correct
first finding says: its category, its place when the output pins one down (for Windows paths the
user's own file, not site-packages), and the key facts. Where the detector gets it wrong today the
correct assertion stays and the case is a strict xfail naming what is wrong, so the fix shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.findings import Finding
from tests.detect.corpus_check import finding_text
from tests.detect.pyruns import analysed
from tests.payloads import failure

PASTED = Path(__file__).resolve().parent.parent / "data" / "pasted"
REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Case:
    """What a correct first finding for one pasted output says."""

    name: str
    categories: tuple[str, ...]
    file: str | None = None
    """Suffix of the location's file (`/`-separated); None: the output pins no place down."""
    line: int | None = None
    facts: tuple[str, ...] = ()
    """Texts the first finding must mention (message, details or remedy)."""
    severity: str | None = None
    wrong: str = ""
    """Why the current detector fails this case (a strict xfail), empty when it is right."""

    @property
    def command(self) -> str:
        if self.name.startswith("rust"):
            return "cargo build"
        if self.name.startswith("pytest"):
            return "python -m pytest"
        return "python main.py"

    @property
    def text(self) -> str:
        return (PASTED / f"{self.name}.txt").read_text(encoding="utf-8")


IMPORT_OR_DEPENDENCY = ("import", "dependency")

CASES = [
    # --- Python tracebacks with Windows paths --------------------------------------------------
    Case("py_win_modulenotfound_tracer", IMPORT_OR_DEPENDENCY, "RAV2X-master/marl_train.py", 6, ("Tracer",)),
    Case(
        "py_win_causalnex_shadowing",
        ("import",),
        "XX/causalnex.py",
        36,
        ("causalnex",),
    ),
    Case(
        "py_win_mailgunlog_site_packages",
        ("dependency",),
        "site-packages/mailgunlog/__main__.py",
        3,
        ("mailgunlog", "main"),
    ),
    Case("py_win_powershell_create_app", ("import",), "TUTORAIL/main.py", 1, ("create_app", "mywebsite")),
    Case("py_win_unknown_location_scripts", ("import",), "OSX/makeinstall.py", 1, ("utils", "Scripts")),
    Case(
        "py_win_subprocess_filenotfound_winerror2",
        ("runtime", "command", "file"),
        "C:/mkvextract-allsubs.py",
        16,
        ("WinError 2",),
        severity="high",
    ),
    Case(
        "py_win_rich_wrapped_site_packages",
        ("runtime", "command", "file"),
        "code_interpreters/subprocess_code_interpreter.py",
        43,
        ("WinError 2",),
        severity="high",
    ),
    Case(
        "py_win_requests_connectionerror_timestamped",
        ("network",),
        "MicrosoftRewards-master/bing.py",
        416,
        ("bing.comhttps",),
    ),
    Case(
        "py_win_chained_asyncio_timeout_discord",
        ("timeout",),
        "Modern GUI/Version 2/darkend.py",
        436,
        ("TimeoutError",),
    ),
    Case(
        "py_win_coroutine_never_awaited_pycharm",
        ("async",),
        "scratches/testtt.py",
        7,
        ("Async_Gofile.get_Account",),
    ),
    # --- Python tracebacks: chains, timeouts, asyncio --------------------------------------------
    Case(
        "py_chained_keyerror_pandas_direct_cause",
        ("key",),
        "scripts/MethylC.py",
        351,
        ("KeyError",),
    ),
    Case(
        "py_chained_keyerror_pandas_direct_cause_ansi",
        ("key",),
        "scripts/MethylC.py",
        351,
        ("KeyError",),
    ),
    Case(
        "py_chained_timeoutexpired_then_nameerror",
        ("name",),
        "Graphvizer/graphvizer.py",
        73,
        ("TimeoutExpired",),
    ),
    Case(
        "py_subprocess_timeoutexpired_installed_pkg",
        ("timeout",),
        "fangfrisch/util.py",
        92,
        ("clamdscan",),
    ),
    Case(
        "py_subprocess_timeoutexpired_uv_python",
        ("timeout",),
        "ownscribe/audio/coreaudio.py",
        122,
        ("ownscribe-audio",),
    ),
    Case(
        "py_coroutine_never_awaited_agent_run",
        ("async",),
        "/src/askademic/main.py",
        50,
        ("Agent.run",),
    ),
    # --- pytest ----------------------------------------------------------------------------------
    Case("pytest_collect_add_path", IMPORT_OR_DEPENDENCY, "tests/team_7/test_food.py", 2, ("add_path",)),
    Case("pytest_collect_add_path_ansi", IMPORT_OR_DEPENDENCY, "tests/team_7/test_food.py", 2, ("add_path",)),
    Case(
        "pytest_collect_util_with_warnings",
        IMPORT_OR_DEPENDENCY,
        "DjangoTest/tests/test_end_point.py",
        13,
        ("util",),
    ),
    Case(
        "pytest_collect_cannot_import_name_chain",
        ("import",),
        "aqua/reader/reader.py",
        17,
        ("get_reader_filenames", "aqua.util"),
    ),
    Case(
        "pytest_collect_modulenotfound_git",
        ("dependency",),
        "shallow_backup.py",
        2,
        ("git",),
    ),
    Case(
        "pytest_collect_raise_importerror_init",
        ("import",),
        "mymodule/__init__.py",
        1,
        ("ImportError",),
    ),
    Case(
        "pytest_win_collect_oserror_tox",
        ("test", "runtime", "file"),
        None,
        None,
        ("authors.rst", "WinError 123"),
        severity="high",
    ),
    Case(
        "pytest_win_failure_backslash_relative",
        ("test",),
        "pytest-2.8.2/testing/test_collection.py",
        508,
        ("x.py",),
    ),
    Case(
        "pytest_win_collect_internal_assert",
        ("test", "dependency"),
        None,
        None,
        ("pyscripts/__init__.py",),
    ),
    # --- rustc / cargo ---------------------------------------------------------------------------
    Case("rust_e0308_cargo_install_bookokrat", ("rust",), "src/clipboard.rs", 55, ("E0308",)),
    Case("rust_e0308_implicit_unit_hexerator", ("rust",), "src/app.rs", 544, ("E0308",)),
    Case("rust_e0308_implicit_unit_hexerator_ansi", ("rust",), "src/app.rs", 544, ("E0308",)),
    Case("rust_e0308_two_crates_rgis", ("rust",), "rgis-renderer/src/systems.rs", 15, ("E0308",)),
    Case(
        "rust_e0308_dependency_no_header",
        ("rust",),
        "src/rgb/contract/amount.rs",
        92,
        ("E0308",),
    ),
    Case("rust_e0382_use_after_move_box", ("rust",), "src/main.rs", 30, ("E0382",)),
    Case(
        "rust_e0382_truncated_first_char",
        ("rust",),
        "src/first.rs",
        36,
        ("E0382",),
    ),
    Case("rust_e0432_missing_crate_edition", ("rust",), "test.rs", 1, ("E0432", "inari")),
    Case("rust_e0432_four_errors", ("rust",), "src/app.rs", 20, ("E0432", "exe_path")),
    Case("rust_e0432_workspace_rmcp", ("rust",), "crates/rmcp/src/transport.rs", 100, ("E0432",)),
    Case("rust_e0433_unresolved_rt", ("rust",), "src/utils.rs", 70, ("E0433",)),
    Case("rust_e0599_method_not_found", ("rust",), "src/main.rs", 10, ("E0599", "this_method_exists")),
]


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.wrong)] if case.wrong else []
    return pytest.param(case, id=case.name, marks=marks)


def findings_of(case: Case, root: Path) -> list[Finding]:
    """What the hook finds in the paste, sent as a PostToolUseFailure with exit code 1."""
    return analysed(failure(case.command, case.text, 1, str(root)), str(root))


def test_every_pasted_file_has_a_case() -> None:
    assert sorted(c.name for c in CASES) == sorted(p.stem for p in PASTED.glob("*.txt"))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_first_finding_is_the_root_cause(case: Case, tmp_path: Path) -> None:
    found = findings_of(case, tmp_path)
    assert found, "no finding at all"
    first = found[0]
    summary = f"{first.category}/{first.severity} {first.message!r} at {first.location}"
    assert first.category in case.categories, summary
    if case.severity:
        assert first.severity == case.severity, summary
    if case.file is not None:
        assert first.location is not None, summary
        assert first.location.file.replace("\\", "/").endswith(case.file), summary
        assert first.location.line == case.line, summary
    text = finding_text(first)
    for fact in case.facts:
        assert fact in text, f"{fact!r} not mentioned: {summary}"


ADVICE: list[tuple[str, str, bool, str]] = [
    # (file, regex the advice must (True) or must not (False) match, expected, what is wrong)
    (
        "py_win_coroutine_never_awaited_pycharm",
        r"(?i)add(?:ing)? (?:an? )?`?await|`await` (?:it|the call)|asyncio\.run",
        True,
        "",
    ),
    (
        "py_coroutine_never_awaited_agent_run",
        r"(?i)add(?:ing)? (?:an? )?`?await|`await` (?:it|the call)|asyncio\.run",
        True,
        "",
    ),
    (
        "py_win_causalnex_shadowing",
        r"(?i)rename|shadow",
        True,
        "",
    ),
    (
        "py_win_causalnex_shadowing",
        r"pip install",
        False,
        "",
    ),
    (
        "rust_e0432_missing_crate_edition",
        r"cargo add inari",
        False,
        "",
    ),
    (
        "rust_e0432_workspace_rmcp",
        r"cargo add common",
        False,
        "",
    ),
    (
        "py_chained_timeoutexpired_then_nameerror",
        r"from subprocess import|import (?:subprocess\.)?TimeoutExpired",
        True,
        "",
    ),
    (
        "py_chained_timeoutexpired_then_nameerror",
        r"command-timeout",
        False,
        "",
    ),
    ("rust_e0432_four_errors", r"cargo add \w", False, ""),
    ("py_win_powershell_create_app", r"pip install", False, ""),
]


@pytest.mark.parametrize(
    ("name", "regex", "expected"),
    [
        pytest.param(
            name,
            regex,
            expected,
            id=f"{name}-{'says' if expected else 'not'}-{i}",
            marks=[pytest.mark.xfail(strict=True, reason=wrong)] if wrong else [],
        )
        for i, (name, regex, expected, wrong) in enumerate(ADVICE)
    ],
)
def test_advice_is_right(name: str, regex: str, expected: bool, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    first = findings_of(case, tmp_path)[0]
    advice = str(first.remedy.to_dict()) if first.remedy is not None else ""
    assert (re.search(regex, advice) is not None) == expected, advice


UNFILLED: dict[str, str] = {}
"""Case name → what leaves a placeholder unfilled today (a strict xfail)."""


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.name,
            marks=[pytest.mark.xfail(strict=True, reason=UNFILLED[c.name])] if c.name in UNFILLED else [],
        )
        for c in CASES
    ],
)
def test_advice_has_no_unfilled_placeholder(case: Case, tmp_path: Path) -> None:
    steps = [s for f in findings_of(case, tmp_path) if f.remedy is not None for s in f.remedy.steps]
    assert not [s for s in steps if PLACEHOLDER.search(s)], steps


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hook_answers_quickly_without_crashing(case: Case, tmp_path: Path) -> None:
    """The hook process itself, fed the payload on stdin as Claude Code does."""
    payload = failure(case.command, case.text, 1, str(tmp_path))
    payload["session_id"] = "3f0c2a9e-1d7b-4c55-9a8e-5b1f0e6d2c11"
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "healing_hooks", "hook"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    answer = json.loads(done.stdout)
    context = answer["hookSpecificOutput"]["additionalContext"]
    assert answer["hookSpecificOutput"]["hookEventName"] == "PostToolUseFailure"
    assert context.startswith("healing-hooks:"), context
    assert elapsed < 5.0, f"{elapsed:.2f}s"  # measured 0.25-0.45 s each; generous for loaded machines
