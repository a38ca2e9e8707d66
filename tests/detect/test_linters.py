"""mypy, ruff (and flake8/pylint/pyright line shapes) on real output from the venv's tools."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from healing_hooks.detect.linters import parse_linters
from healing_hooks.findings import Finding
from tests.detect.realrun import Run, observe, require, run_tool


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


PROJECT = {
    "pyproject.toml": "[tool.mypy]\nstrict = true\n",
    "app/__init__.py": "",
    "app/users.py": src("""
        from dataclasses import dataclass


        @dataclass
        class User:
            name: str
            email: str
    """),
    "app/service.py": src("""
        import yaml

        import app.missing
        from app.users import User


        def greeting(user: User) -> str:
            return len(user.name)


        def mail(user: User) -> str:
            return user.emial + str(yaml) + str(app.missing)


        def shout(text: str) -> str:
            return text.upper() + undefined_thing


        shout(42)
    """),
}


@pytest.fixture(scope="module")
def mypy_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """One project checked by mypy three ways: plain, with columns, and --pretty."""
    require("mypy")
    root = tmp_path_factory.mktemp("mypy") / "proj"
    commands = {
        "plain": "mypy app",
        "columns": "mypy --show-column-numbers app",
        "pretty": "mypy --pretty --show-column-numbers app",
    }
    return {name: run_tool(root, PROJECT, command) for name, command in commands.items()}


def by_code(findings: list[Finding]) -> dict[str, Finding]:
    return {str(f.details.get("code")): f for f in findings}


def place(finding: Finding) -> str:
    return str(finding.location)


def test_mypy_errors_with_codes_places_and_categories(mypy_runs: dict[str, Run]) -> None:
    run = mypy_runs["plain"]
    findings = parse_linters(run.obs, run.text)
    found = by_code(findings)
    assert (found["return-value"].category, place(found["return-value"])) == ("type", "app/service.py:8")
    assert found["return-value"].severity == "high"
    assert found["attr-defined"].message.startswith('"User" has no attribute "emial"')
    assert (found["name-defined"].category, place(found["name-defined"])) == ("name", "app/service.py:16")
    assert place(found["arg-type"]) == "app/service.py:19"
    untyped = found["import-untyped"]
    assert (untyped.category, untyped.details["module"]) == ("dependency", "yaml")
    assert untyped.details["command"] == "python3 -m pip install types-PyYAML"
    local = found["import-not-found"]
    assert (local.category, local.details["module"]) == ("import", "app.missing")
    assert all(f.details["summary"].startswith("Found ") for f in found.values())
    assert len(found["arg-type"].details["related"]) == len(findings) - 1


def test_mypy_pretty_and_columns_read_the_same(mypy_runs: dict[str, Run]) -> None:
    plain = parse_linters(mypy_runs["plain"].obs, mypy_runs["plain"].text)
    columns = parse_linters(mypy_runs["columns"].obs, mypy_runs["columns"].text)
    pretty = parse_linters(mypy_runs["pretty"].obs, mypy_runs["pretty"].text)
    assert [f.details["code"] for f in pretty] == [f.details["code"] for f in plain]
    assert [f.message for f in pretty] == [f.message for f in columns]
    assert [place(f) for f in pretty] == [place(f) for f in columns]
    assert place(by_code(columns)["return-value"]) == "app/service.py:8:12"


def test_mypy_clean_run_says_nothing(tmp_path: Path) -> None:
    require("mypy")
    run = run_tool(tmp_path / "p", {"ok.py": "def f(x: int) -> int:\n    return x\n"}, "mypy ok.py")
    assert "Success: no issues found" in run.text
    assert parse_linters(run.obs, run.text) == []


RUFF_PROJECT = {
    "pyproject.toml": '[tool.ruff.lint]\nselect = ["E", "F"]\n',
    "app.py": src("""
        import os
        import sys


        def main() -> int:
            result = 42
            print(sys.argv, footer)
            return 0
    """),
}


@pytest.fixture(scope="module")
def ruff_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    require("ruff")
    root = tmp_path_factory.mktemp("ruff") / "proj"
    commands = {
        "full": "ruff check .",
        "concise": "ruff check --output-format=concise .",
        "pylint": "ruff check --output-format=pylint .",
    }
    return {name: run_tool(root, RUFF_PROJECT, command) for name, command in commands.items()}


def test_ruff_full_output_with_fixes(ruff_runs: dict[str, Run]) -> None:
    run = ruff_runs["full"]
    found = by_code(parse_linters(run.obs, run.text))
    assert set(found) == {"F401", "F841", "F821"}
    unused = found["F401"]
    assert (unused.category, unused.severity, place(unused)) == ("lint", "low", "app.py:1:8")
    assert unused.details["command"] == "ruff check --fix ."
    [removal] = unused.details["suggestions"]
    assert removal == {
        "message": "Remove unused import: `os`",
        "file": "app.py",
        "line": 1,
        "code": "",
        "kind": "delete_lines",
        "original": "import os",
    }
    assert "command" not in found["F841"].details  # only an unsafe fix: not offered
    assert (found["F821"].severity, place(found["F821"])) == ("medium", "app.py:7:21")
    assert found["F821"].details["summary"] == "Found 3 errors."


def test_ruff_concise_and_pylint_formats(ruff_runs: dict[str, Run]) -> None:
    full = parse_linters(ruff_runs["full"].obs, ruff_runs["full"].text)
    concise = parse_linters(ruff_runs["concise"].obs, ruff_runs["concise"].text)
    assert [(f.details["code"], place(f)) for f in concise] == [(f.details["code"], place(f)) for f in full]
    assert by_code(concise)["F401"].details["command"] == "ruff check --fix --output-format=concise ."
    pylint = parse_linters(ruff_runs["pylint"].obs, ruff_runs["pylint"].text)
    assert [(f.details["code"], f.location.line if f.location else None) for f in pylint] == [
        ("F401", 1),
        ("F841", 6),
        ("F821", 7),
    ]


def test_ruff_syntax_error_and_missing_file(tmp_path: Path) -> None:
    require("ruff")
    run = run_tool(tmp_path / "p", {"broken.py": "def f(:\n    pass\n"}, "ruff check broken.py nothere.py")
    findings = parse_linters(run.obs, run.text)
    syntax = [f for f in findings if f.category == "syntax"]
    assert syntax and place(syntax[0]) == "broken.py:1:7"
    missing = [f for f in findings if f.category == "command"]
    assert missing and missing[0].location is not None and missing[0].location.file == "nothere.py"


def test_ruff_format_check(tmp_path: Path) -> None:
    require("ruff")
    run = run_tool(tmp_path / "p", {"messy.py": "x = {  'a':1 }\n"}, "ruff format --check .")
    [finding] = parse_linters(run.obs, run.text)
    assert (finding.category, finding.severity, finding.details["command"]) == (
        "lint",
        "low",
        "ruff format messy.py",
    )


def test_ruff_clean_says_nothing(tmp_path: Path) -> None:
    require("ruff")
    run = run_tool(tmp_path / "p", {"ok.py": "x = 1\n"}, "ruff check . && ruff format --check .")
    assert parse_linters(run.obs, run.text) == []


# --- shapes of tools not installed here (lines as those tools print them) ------------------------


def test_flake8_and_pylint_lines() -> None:
    text = (
        "app.py:1:1: F401 'os' imported but unused\n"
        "app.py:3:80: E501 line too long (88 > 79 characters)\n"
        "pkg/mod.py:10:0: C0114: Missing module docstring (missing-module-docstring)\n"
        "pkg/mod.py:12:4: E0602: Undefined variable 'x' (undefined-variable)\n"
    )
    findings = parse_linters(observe("flake8 .", text, "/p"), text)
    assert [(f.tool, f.details["code"], f.severity, place(f)) for f in findings] == [
        ("flake8", "F401", "low", "app.py:1:1"),
        ("flake8", "E501", "low", "app.py:3:80"),
        ("flake8", "C0114", "low", "pkg/mod.py:10:0"),
        ("flake8", "E0602", "medium", "pkg/mod.py:12:4"),
    ]


def test_pyright_lines(tmp_path: Path) -> None:
    text = (
        f"{tmp_path}/app.py\n"
        f'  {tmp_path}/app.py:5:12 - error: Type "int" is not assignable to return type "str"\n'
        '    "int" is not assignable to "str" (reportReturnType)\n'
        f'  {tmp_path}/app.py:7:7 - error: "footer" is not defined (reportUndefinedVariable)\n'
        "2 errors, 0 warnings, 0 informations \n"
    )
    findings = parse_linters(observe("pyright", text, str(tmp_path)), text)
    assert [(f.category, f.details["code"], place(f)) for f in findings] == [
        ("type", "reportReturnType", "app.py:5:12"),
        ("name", "reportUndefinedVariable", "app.py:7:7"),
    ]


def test_other_python_output_is_not_a_linter_finding() -> None:
    text = (
        'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
        "    main()\nTypeError: main() takes 0 positional arguments but 1 was given\n"
        "/usr/lib/python3/x.py:12: DeprecationWarning: old\n"
        "tests/test_a.py:12: AssertionError\n"
    )
    assert parse_linters(observe("python app.py", text, "/p"), text) == []
