"""Real runs shared by the Python, pytest and test-run tests: run once per session, in parallel.

Every output comes from a real interpreter or a real pytest on a small project written to a
fresh temporary folder, run the way the host runs commands (`tests.corpus.runner.run_case`).
"""

from __future__ import annotations

import atexit
import dataclasses
import re
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from healing_hooks.detect import detect
from healing_hooks.detect.patterns import PatternLibrary, build_library
from healing_hooks.findings import Finding
from healing_hooks.observation import observation_from_payload
from healing_hooks.remedy import plan_remedies
from tests.corpus.runner import Case, Recorded, missing_requirements, run_case, source
from tests.detect.corpus_check import builtin_playbooks

JOBS = 4
_ROOTS: list[Path] = []
_DONE: dict[str, Recorded] = {}
REAL_HOME = Path.home()
NO_HYPOTHESIS = "-p no:hypothesispytest"
"""Loading the hypothesis plugin costs ~2 s per pytest run on this machine; cases that do not use
it run without it (their output differs only in pytest's `plugins:` header line)."""


def record_all(cases: Iterable[Case]) -> dict[str, Recorded]:
    """Run the cases not run yet (JOBS at a time) and return every recording by case name.

    Recordings are kept for the whole session (the test modules share them) and their folders
    removed when the interpreter exits."""
    if not _ROOTS:
        atexit.register(cleanup)
    todo = [c for c in cases if c.name not in _DONE and not missing_requirements(c)]
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        for recording in pool.map(_run, todo):
            _DONE[recording.case.name] = recording
    return _DONE


def _run(case: Case) -> Recorded:
    root = Path(tempfile.mkdtemp(prefix=f"hh-{case.name[:40]}-"))
    _ROOTS.append(root)
    return run_case(case, root)


def cleanup() -> None:
    """Remove the case folders of this session."""
    for root in _ROOTS:
        shutil.rmtree(root, ignore_errors=True)
    _ROOTS.clear()
    _DONE.clear()


def without_hypothesis(case: Case) -> Case:
    """The case with its pytest invocation told not to load the hypothesis plugin."""
    if "hypothesis" in str(case.files):
        return case
    command = re.sub(r"\b(py\.test|pytest)\b", rf"\1 {NO_HYPOTHESIS}", case.command, count=1)
    return dataclasses.replace(case, command=command)


def interpreters() -> dict[str, Path]:
    """Other CPython versions installed with pyenv, by version ("2.7", "3.13"...)."""
    found: dict[str, Path] = {}
    for python in sorted((REAL_HOME / ".pyenv" / "versions").glob("*/bin/python")):
        version = ".".join(python.parent.parent.name.split(".")[:2])
        if re.fullmatch(r"\d\.\d+", version):
            found[version] = python
    return found


SHOP_PYPROJECT = source("""
    [project]
    name = "shop"
    version = "0.1.0"

    [tool.pytest.ini_options]
    pythonpath = ["."]
""")

SHOP_CART = source("""
    from dataclasses import dataclass, field


    @dataclass
    class Cart:
        prices: list[int] = field(default_factory=list)

        def add(self, price: int) -> None:
            self.prices.append(price)

        def total(self) -> int:
            return sum(self.prices[:-1])
""")

MIXED_TESTS = {
    "pyproject.toml": SHOP_PYPROJECT,
    "shop/__init__.py": "",
    "shop/cart.py": SHOP_CART,
    "tests/test_cart.py": source("""
        from shop.cart import Cart


        def test_empty_total():
            assert Cart().total() == 0


        def test_total():
            cart = Cart()
            cart.add(10)
            cart.add(20)
            assert cart.total() == 30
    """),
    "tests/test_more.py": source("""
        import pytest

        from shop.cart import Cart


        @pytest.fixture
        def broken():
            raise RuntimeError("db down")


        def test_uses_broken(broken):
            assert broken


        def test_type():
            Cart(prices=[1], discount=3)


        @pytest.mark.skip(reason="later")
        def test_skip():
            pass


        @pytest.mark.xfail(reason="known")
        def test_xfail():
            assert False


        @pytest.mark.xfail(reason="known")
        def test_xpass():
            assert True


        class TestGroup:
            @pytest.mark.parametrize("n", [1, 2])
            def test_even(self, n):
                assert n % 2 == 0
    """),
}
"""A suite with every outcome: passed, failed (assert, TypeError, a class, a parameter), an error
at setup, skipped, xfailed, xpassed."""

MIXED_EXPECTED = {
    "tests/test_cart.py::test_total": ("test", "tests/test_cart.py", 12),
    "tests/test_more.py::test_uses_broken": ("test", "tests/test_more.py", 8),
    "tests/test_more.py::test_type": ("type", "tests/test_more.py", 16),
    "tests/test_more.py::TestGroup::test_even[1]": ("test", "tests/test_more.py", 37),
}
"""Failing test id → (category, file, line) in every `--tb` style that prints a place."""
MIXED_COUNTS = {"passed": 2, "failed": 3, "errors": 1, "skipped": 1, "xfailed": 1, "xpassed": 1}

MIXED_VARIANTS = {
    "default": "pytest",
    "quiet": "pytest -q",
    "very-quiet": "pytest -qq",
    "verbose": "pytest -v",
    "tb-short": "pytest --tb=short",
    "tb-line": "pytest --tb=line",
    "tb-no": "pytest --tb=no",
    "tb-native": "pytest --tb=native",
    "all-summary": "pytest -rA -p no:cacheprovider",
    "colour": "pytest --color=yes",
    "tail": "pytest 2>&1 | tail -40",
}


def mixed_case(variant: str) -> Case:
    """The mixed suite run with one of MIXED_VARIANTS (without the hypothesis plugin)."""
    command = MIXED_VARIANTS[variant].replace("pytest", f"pytest {NO_HYPOTHESIS}", 1)
    return Case(name=f"mixed-{variant}", tool="pytest", files=MIXED_TESTS, command=command, expect=None)


@cache
def builtin_library() -> PatternLibrary:
    """The built-in pattern library, compiled once for the session (it takes most of a second)."""
    return build_library()


def analysed(payload: dict[str, Any], project_root: str) -> list[Finding]:
    """What the hook finds in a payload (built-in patterns and playbooks, remedies planned):
    `corpus_check.analyse` with the library compiled once."""
    obs = observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": project_root})
    library = builtin_library()
    return plan_remedies(detect(obs, library), obs, library, builtin_playbooks())
