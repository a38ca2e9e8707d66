"""What a command line runs: the context that decides whether output is ours to explain."""

from __future__ import annotations

import pytest

from healing_hooks import commandline


@pytest.mark.parametrize(
    ("command", "programs"),
    [
        ("pytest -q 2>&1 | tail -20", ["pytest", "tail"]),
        ("cd api && uv run pytest tests/", ["cd", "pytest"]),
        ("FOO=1 timeout 60 cargo test --offline", ["cargo test"]),
        ("python -m pytest -x", ["python -m pytest"]),
        ('echo "a | b && c" ; grep -r x .', ["echo", "grep"]),
        ("sudo -E npm run build", ["npm run build"]),
        ("/usr/bin/python3.11 app/main.py", ["python"]),
        ("npx tsc --noEmit", ["tsc"]),
        ("cargo build 2>&1 &> out.txt", ["cargo build"]),
        ("(cd x; make test) || true", ["cd", "make test", "true"]),
        ("git -C repo log --oneline", ["git log"]),
        ("make -C build test", ["make test"]),
    ],
)
def test_programs(command: str, programs: list[str]) -> None:
    assert commandline.programs(command) == programs


@pytest.mark.parametrize(
    ("command", "views"),
    [
        ("cat error.log", True),
        ("grep -rn Traceback . | head", True),
        ("git log --oneline -5", True),
        ("less build.log", True),
        ("cat log && pytest", False),
        ("pytest 2>&1 | tail", False),
        ("python script.py | grep Error", False),
        ("", False),
    ],
)
def test_only_views_files(command: str, views: bool) -> None:
    assert commandline.only_views_files(command) is views


@pytest.mark.parametrize(
    ("command", "tests"),
    [
        ("pytest", True),
        ("python3 -m pytest -k slow", True),
        ("uv run pytest", True),
        ("cargo test --offline", True),
        ("npm test", True),
        ("go test ./...", True),
        ("node --test", True),
        ("cd web && node --test test/", True),
        ("node --test-reporter=spec --test", True),
        ("cargo build", False),
        ("python test_helpers.py", False),
        ("node server.js --testing", False),
        ("node --test-reporter=tap app.js", False),
    ],
)
def test_runs_tests(command: str, tests: bool) -> None:
    assert commandline.runs_tests(command) is tests


@pytest.mark.parametrize(
    ("command", "code", "benign"),
    [
        ("grep -r TODO src", 1, True),
        ("rg foo", 1, True),
        ("git diff --exit-code", 1, True),
        ("pytest | grep FAILED", 1, True),
        ("grep -r TODO src", 2, False),
        ("python app.py", 1, False),
        ("grep x f | python parse.py", 1, False),
    ],
)
def test_exit_status_is_benign(command: str, code: int, benign: bool) -> None:
    assert commandline.exit_status_is_benign(command, code) is benign
