"""Test-run summaries for test-history.log, from real runs: exact counts in every pytest style,
failing ids (with spaces in parameters), outcomes of passing, empty and interrupted runs, unittest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from healing_hooks.detect.testruns import summarize_test_run
from healing_hooks.detect.text import clean_output
from tests.corpus import cases_pytest, healthy
from tests.corpus.runner import Case, Recorded, run_case, source
from tests.detect import pyruns

MIXED = [pyruns.mixed_case(variant) for variant in pyruns.MIXED_VARIANTS]
NAMED = {
    name: pyruns.without_hypothesis(case)
    for case in [*cases_pytest.CASES, *healthy.CASES]
    if (name := case.name)
    in {
        "pytest-no-tests-collected",
        "pytest-collection-import-error",
        "pytest-parametrized-failure",
        "pytest-exitfirst",
        "healthy-pytest-verbose-pass-error-names",
        "healthy-pytest-skip-xfail-warnings",
    }
}
EXITFIRST = Case(
    name="mixed-exitfirst", tool="pytest", files=pyruns.MIXED_TESTS,
    command=f"pytest {pyruns.NO_HYPOTHESIS} -x", expect=None,
)  # fmt: skip


@pytest.fixture(scope="module")
def recorded() -> dict[str, Recorded]:
    return pyruns.record_all([*MIXED, *NAMED.values(), EXITFIRST])


def summary(rec: Recorded) -> dict[str, object]:
    result = summarize_test_run(rec.command, clean_output(rec.output), rec.exit_code)
    assert result is not None
    return result


@pytest.mark.parametrize("variant", sorted(pyruns.MIXED_VARIANTS))
def test_counts_are_exact_in_every_style(variant: str, recorded: dict[str, Recorded]) -> None:
    result = summary(recorded[f"mixed-{variant}"])
    counts = {key: result.get(key, 0) for key in pyruns.MIXED_COUNTS}
    assert counts == pyruns.MIXED_COUNTS
    assert set(result["failed_tests"]) == set(pyruns.MIXED_EXPECTED)  # type: ignore[call-overload]
    assert result["outcome"] == "failed"
    assert result["runner"] == "pytest"


def test_exitfirst_counts_what_ran(recorded: dict[str, Recorded]) -> None:
    result = summary(recorded["mixed-exitfirst"])
    assert (result["passed"], result["failed"], result["failed_tests"]) == (
        1,
        1,
        ["tests/test_cart.py::test_total"],
    )


def test_parametrized_id_with_spaces(recorded: dict[str, Recorded]) -> None:
    result = summary(recorded["pytest-parametrized-failure"])
    assert result["failed_tests"] == ["tests/test_slug.py::test_slugify[Caf\\xe9, au lait!-cafe-au-lait]"]
    assert (result["passed"], result["failed"]) == (2, 1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("healthy-pytest-verbose-pass-error-names", {"passed": 3, "failed": 0, "outcome": "passed"}),
        ("healthy-pytest-skip-xfail-warnings",
         {"passed": 1, "skipped": 1, "xfailed": 1, "warnings": 1, "outcome": "passed"}),
        ("pytest-no-tests-collected", {"passed": 0, "deselected": 2, "outcome": "no tests"}),
        ("pytest-collection-import-error",
         {"errors": 1, "outcome": "interrupted", "failed_tests": ["tests/test_cart.py"]}),
    ],
)  # fmt: skip
def test_outcomes(name: str, expected: dict[str, object], recorded: dict[str, Recorded]) -> None:
    result = summary(recorded[name])
    assert {key: result.get(key) for key in expected} == expected


UNITTEST = source("""
    import unittest


    class TestCalc(unittest.TestCase):
        def test_add(self):
            self.assertEqual(1 + 1, 3)

        def test_lookup(self):
            {}["x"]

        @unittest.skip("later")
        def test_later(self):
            pass

        def test_ok(self):
            pass
""")


def test_unittest(tmp_path: Path) -> None:
    case = Case("unittest", "python", {"calc/__init__.py": "", "calc/test_calc.py": UNITTEST},
                "python -m unittest", None)  # fmt: skip
    rec = run_case(case, tmp_path)
    result = summary(rec)
    assert {k: result[k] for k in ("passed", "failed", "errors", "skipped", "outcome")} == {
        "passed": 1, "failed": 1, "errors": 1, "skipped": 1, "outcome": "failed",
    }  # fmt: skip
    assert set(result["failed_tests"]) == {"calc.test_calc.TestCalc.test_add",  # type: ignore[call-overload]
                                           "calc.test_calc.TestCalc.test_lookup"}  # fmt: skip


def test_commands_that_run_no_tests_have_no_summary() -> None:
    assert summarize_test_run("python app.py", "1 passed in 0.01s", 0) is None
    assert summarize_test_run("cat pytest.log", "1 failed in 0.01s", 0) is None


NODE_TESTS = """const test = require('node:test');
const assert = require('node:assert');

test('adds', () => { assert.strictEqual(1 + 1, 2); });
test('subtracts', () => { assert.strictEqual(3 - 1, 1); });
"""


def test_node_builtin_runner(tmp_path: Path) -> None:
    case = Case("node-test", "node", {"math.test.js": NODE_TESTS}, "node --test", None, requires=("node",))
    rec = run_case(case, tmp_path)
    assert rec.exit_code == 1
    result = summary(rec)
    assert {k: result[k] for k in ("passed", "failed", "outcome")} == {
        "passed": 1,
        "failed": 1,
        "outcome": "failed",
    }
    assert result["failed_tests"] == ["subtracts"]
