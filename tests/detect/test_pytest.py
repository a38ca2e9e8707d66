"""The pytest detector on real runs: the corpus's suites, one suite in every output style, and
the session-level shapes (thread timeouts, INTERNALERROR, unknown options, many failures).

pytest runs without the hypothesis plugin except where a case uses it (see `pyruns.NO_HYPOTHESIS`).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from healing_hooks.detect import detect
from healing_hooks.detect.pytest import pytest_findings
from healing_hooks.detect.python import python_findings
from healing_hooks.detect.testruns import summarize_test_run
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding
from healing_hooks.observation import Observation, observation_from_payload
from tests.corpus import cases_pytest, healthy
from tests.corpus.runner import Case, Recorded, run_case, source, to_payload
from tests.detect import pyruns
from tests.detect.corpus_check import judge

NOT_PYTEST_OUTPUT = {"pytest-killed-by-timeout-command"}  # empty output, exit 124: the shell's
CASES = [pyruns.without_hypothesis(c) for c in cases_pytest.CASES if c.name not in NOT_PYTEST_OUTPUT]
HEALTHY = [pyruns.without_hypothesis(c) for c in healthy.CASES if c.tool == "pytest"]
MIXED = [pyruns.mixed_case(variant) for variant in pyruns.MIXED_VARIANTS]


@pytest.fixture(scope="module")
def recorded() -> dict[str, Recorded]:
    """Every run this module needs, once, in parallel."""
    return pyruns.record_all([*CASES, *HEALTHY, *MIXED])


def recording(recorded: dict[str, Recorded], name: str) -> Recorded:
    if name not in recorded:
        pytest.skip(f"{name} cannot run here (a requirement is missing)")
    return recorded[name]


def full_output(rec: Recorded) -> Observation:
    """The run's whole output (no host truncation), as the hook would observe it."""
    return Observation(
        event="PostToolUseFailure" if rec.exit_code else "PostToolUse",
        tool_name="Bash",
        command=rec.command,
        output=rec.output,
        exit_code=rec.exit_code,
        interrupted=False,
        cwd=str(rec.root),
        project_root=str(rec.root),
    )


def own(obs: Observation) -> list[Finding]:
    """The pytest parser's findings, without its `quiet` claim."""
    return [f for f in pytest_findings(obs, clean_output(obs.output)) if f.category != "quiet"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_corpus_case_is_found_at_its_place(case: Case, recorded: dict[str, Recorded]) -> None:
    rec = recording(recorded, case.name)
    verdict = judge(case, pyruns.analysed(to_payload(rec), str(rec.root)))
    assert verdict.ok, f"{verdict.outcome}: {verdict.reason}\n{rec.output[-2000:]}"
    assert verdict.findings[0].tool == "pytest"


@pytest.mark.parametrize("case", HEALTHY, ids=lambda case: case.name)
def test_passing_runs_stay_quiet(case: Case, recorded: dict[str, Recorded]) -> None:
    rec = recording(recorded, case.name)
    findings = pyruns.analysed(to_payload(rec), str(rec.root))
    assert not [f for f in findings if f.severity != "low"]
    assert not own(full_output(rec))


PLACES = {"default", "quiet", "very-quiet", "verbose", "tb-short", "tb-native", "all-summary", "colour"}
PLACES |= {"tail"}  # `| tail -40` cuts the ERRORS banner and the setup error's top, not its place


@pytest.mark.parametrize("variant", sorted(pyruns.MIXED_VARIANTS))
def test_every_output_style(variant: str, recorded: dict[str, Recorded]) -> None:
    """-q, -qq, -v, every --tb, -rA, colour, `| tail`: the same tests, categories and places."""
    rec = recording(recorded, f"mixed-{variant}")
    findings = {f.details["test_id"]: f for f in own(full_output(rec))}
    assert set(findings) == set(pyruns.MIXED_EXPECTED), rec.output
    for test_id, (category, file, line) in pyruns.MIXED_EXPECTED.items():
        finding = findings[test_id]
        assert finding.category == category, test_id
        assert finding.location is not None and finding.location.file == file, test_id
        setup_error = "broken" in test_id
        has_line = variant in PLACES or (variant == "tb-line" and not setup_error)
        assert finding.location.line == (line if has_line else None), test_id
    if variant != "tb-no":  # only the summary line, which pytest cuts at "...got an unex..."
        assert findings["tests/test_more.py::test_type"].details["argument"] == "discount"
    assert findings["tests/test_cart.py::test_total"].details.get("assertion", "assert 10 == 30") == (
        "assert 10 == 30"
    )


def test_failures_read_from_the_long_report(recorded: dict[str, Recorded]) -> None:
    rec = recording(recorded, "mixed-default")
    findings = {f.details["test_id"]: f for f in own(full_output(rec))}
    total = findings["tests/test_cart.py::test_total"]
    assert total.message == "tests/test_cart.py::test_total FAILED: assert 10 == 30"
    assert total.details["code"] == "assert cart.total() == 30"
    assert total.details["explanation"][:2] == ["assert 10 == 30", " +  where 10 = total()"]
    assert total.details["counts"] == pyruns.MIXED_COUNTS
    setup = findings["tests/test_more.py::test_uses_broken"]
    assert (setup.details["phase"], setup.details["header"]) == (
        "setup",
        "ERROR at setup of test_uses_broken",
    )
    assert setup.message == "tests/test_more.py::test_uses_broken ERROR at setup: RuntimeError: db down"


def test_the_host_cut_report_still_names_every_test(recorded: dict[str, Recorded]) -> None:
    """--tb=native is long: the host cuts its middle, the summary lines still name every failure."""
    rec = recording(recorded, "mixed-tb-native")
    payload = to_payload(rec)
    assert "characters truncated" in payload["error"]
    obs = observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": str(rec.root)})
    findings = {f.details["test_id"]: f for f in own(obs)}
    assert {k: f.category for k, f in findings.items()} == {k: v[0] for k, v in pyruns.MIXED_EXPECTED.items()}


def test_run_piped_to_tail_reports_failures_though_the_host_saw_success(
    recorded: dict[str, Recorded],
) -> None:
    rec = recording(recorded, "mixed-tail")
    payload = to_payload(rec)
    assert payload["hook_event_name"] == "PostToolUse"
    findings = pyruns.analysed(payload, str(rec.root))
    assert {f.details.get("test_id") for f in findings if f.severity == "high"} == set(pyruns.MIXED_EXPECTED)


def run(tmp_path: Path, files: dict[str, str], command: str) -> tuple[Recorded, Observation]:
    case = pyruns.without_hypothesis(Case(tmp_path.name, "pytest", files, command, None))
    rec = run_case(case, tmp_path / "project")
    return rec, full_output(rec)


def shop(tests: dict[str, str]) -> dict[str, str]:
    return {"pyproject.toml": pyruns.SHOP_PYPROJECT, "shop/__init__.py": "", "shop/cart.py": pyruns.SHOP_CART,
            **tests}  # fmt: skip


def test_collection_error_comes_before_the_failures(tmp_path: Path) -> None:
    broken = "from shop.cart import Cart, Coupon\n\n\ndef test_coupon():\n    assert Coupon\n"
    files = shop(
        {"tests/test_broken.py": broken, "tests/test_fine.py": "def test_fails():\n    assert 1 == 2\n"}
    )
    rec, obs = run(tmp_path, files, "pytest --continue-on-collection-errors")
    findings = detect(obs, pyruns.builtin_library())
    assert [(f.category, str(f.location)) for f in findings] == [
        ("import", "tests/test_broken.py:1"),
        ("test", "tests/test_fine.py:2"),
    ], rec.output
    assert findings[0].details["test_id"] == "tests/test_broken.py"
    assert (findings[0].details["name"], findings[0].details["module"]) == ("Coupon", "shop.cart")


def test_more_than_ten_failures_give_ten_and_a_summary(tmp_path: Path) -> None:
    tests = "".join(f"def test_{n}():\n    assert {n} == -1\n\n\n" for n in range(14))
    _, obs = run(tmp_path, shop({"tests/test_many.py": tests}), "pytest -q")
    findings = own(obs)
    assert len(findings) == 11
    overflow = findings[-1]
    assert overflow.message.startswith("4 more failing tests: tests/test_many.py::test_10")
    assert overflow.details["test_ids"] == [f"tests/test_many.py::test_{n}" for n in range(10, 14)]


def test_thread_timeout_dump(tmp_path: Path) -> None:
    pytest.importorskip("pytest_timeout")
    files = shop({"tests/test_slow.py": "import time\n\n\ndef test_waits():\n    time.sleep(5)\n"})
    rec, obs = run(tmp_path, files, "pytest --timeout=1 --timeout-method=thread")
    assert "+ Timeout +" in rec.output
    (finding,) = own(obs)
    assert (finding.category, str(finding.location)) == ("timeout", "tests/test_slow.py:5")
    assert finding.details["test_id"] == "tests/test_slow.py::test_waits"


def test_internal_error_points_at_the_plugin_code(tmp_path: Path) -> None:
    files = shop({
        "conftest.py": "def pytest_collection_modifyitems(items):\n    raise RuntimeError('boom in hook')\n",
        "tests/test_a.py": "def test_a():\n    pass\n",
    })  # fmt: skip
    _, obs = run(tmp_path, files, "pytest -q")
    (finding,) = own(obs)
    assert (finding.category, str(finding.location)) == ("runtime", "conftest.py:2")
    assert finding.message == "pytest INTERNALERROR: RuntimeError: boom in hook"


def test_option_of_a_missing_plugin_is_a_dependency(tmp_path: Path) -> None:
    _, obs = run(tmp_path, shop({"tests/test_a.py": "def test_a():\n    pass\n"}), "pytest --cov=shop")
    (finding,) = own(obs)
    assert (finding.category, finding.details["module"]) == ("dependency", "pytest-cov")
    _, obs = run(
        tmp_path / "b", shop({"tests/test_a.py": "def test_a():\n    pass\n"}), "pytest --frobnicate"
    )
    (finding,) = own(obs)
    assert finding.category == "command" and "--frobnicate" in finding.message


CONFTEST_SYNTAX = source("""
    import pytest


    @pytest.fixture
    def db()
        return {}
""")


def test_conftest_syntax_error(tmp_path: Path) -> None:
    files = shop({"tests/conftest.py": CONFTEST_SYNTAX, "tests/test_a.py": "def test_a(db):\n    pass\n"})
    rec, obs = run(tmp_path, files, "pytest")
    findings = own(obs)
    assert [(f.category, str(f.location)) for f in findings] == [("syntax", "tests/conftest.py:5")], (
        rec.output
    )


def test_windows_paths_and_crlf(recorded: dict[str, Recorded]) -> None:
    """pytest on Windows prints places with backslashes and ids with slashes, lines end in CRLF."""
    rec = recording(recorded, "mixed-tb-short")
    output = rec.output.replace("tests/test_", "tests\\test_").replace("\n", "\r\n")
    output = output.replace("FAILED tests\\test_", "FAILED tests/test_").replace(
        "ERROR tests\\", "ERROR tests/"
    )
    root = r"C:\Users\dev\shop"
    obs = Observation("PostToolUseFailure", "Bash", "pytest --tb=short", output, 1, False, root, root)
    findings = {f.details["test_id"]: f for f in own(obs)}
    assert {k: (f.category, str(f.location)) for k, f in findings.items()} == {
        k: (category, f"{file}:{line}") for k, (category, file, line) in pyruns.MIXED_EXPECTED.items()
    }


def test_pasted_with_markdown_line_breaks(recorded: dict[str, Recorded]) -> None:
    """An output pasted into an issue, every line ending in two spaces (Markdown line breaks)."""
    rec = recording(recorded, "mixed-default")
    output = "\n".join(f"{line}  " for line in rec.output.split("\n"))
    root = str(rec.root)
    obs = Observation("PostToolUseFailure", "Bash", "pytest", output, 1, False, root, root)
    findings = {f.details["test_id"]: f for f in own(obs)}
    assert {k: (f.category, str(f.location)) for k, f in findings.items()} == {
        k: (category, f"{file}:{line}") for k, (category, file, line) in pyruns.MIXED_EXPECTED.items()
    }


PRINTS_TRACEBACK = source("""
    import traceback


    def test_retries_after_an_error():
        try:
            {}["token"]
        except KeyError:
            traceback.print_exc()


    def test_total():
        assert 1 + 1 == 3
""")


def test_traceback_a_test_prints_is_not_what_failed(tmp_path: Path) -> None:
    _, obs = run(tmp_path, shop({"tests/test_print.py": PRINTS_TRACEBACK}), "pytest -s -q")
    findings = detect(obs, pyruns.builtin_library())
    assert [(f.tool, f.severity, f.category, str(f.location)) for f in findings] == [
        ("pytest", "high", "test", "tests/test_print.py:12"),
        ("python", "medium", "key", "tests/test_print.py:6"),
    ]


def test_a_test_that_crashes_the_interpreter(tmp_path: Path) -> None:
    """pytest turns faulthandler on: a segfault prints the crashing thread, then nothing more."""
    crash = "import ctypes\n\n\ndef test_crash():\n    ctypes.string_at(0)\n"
    rec, obs = run(tmp_path, shop({"tests/test_seg.py": crash}), "pytest -q")
    assert rec.exit_code == 139
    (finding, *_) = detect(obs, pyruns.builtin_library())
    assert (finding.severity, str(finding.location)) == ("critical", "tests/test_seg.py:5")
    assert finding.details["test_id"] == "tests/test_seg.py::test_crash"


DOCTESTS = '''def double(x):
    """
    >>> double(2)
    5
    """
    return x * 2


def boom():
    """
    >>> boom()
    1
    """
    raise KeyError("k")
'''


def test_doctests(tmp_path: Path) -> None:
    _, obs = run(tmp_path, shop({"shop/maths.py": DOCTESTS}), "pytest --doctest-modules shop/maths.py")
    findings = {f.details["test_id"]: f for f in own(obs)}
    assert {k: (f.category, str(f.location)) for k, f in findings.items()} == {
        "shop/maths.py::shop.maths.double": ("test", "shop/maths.py:3"),
        "shop/maths.py::shop.maths.boom": ("test", "shop/maths.py:14"),
    }
    double = findings["shop/maths.py::shop.maths.double"]
    assert (
        double.message
        == "shop/maths.py::shop.maths.double FAILED: DocTestFailure: double(2) gave '4', expected '5'"
    )


N = 5000
ADVERSARIAL = {
    "a run of =": "=" * N + "x",
    "a run of +": "+" * N + " Timeout +",
    "spaces after a frame": 'File "a.py", line 1, in f' + " " * N + "x",
    "spaces after a place": "a.py:1: " + " " * N + "x",
    "a long summary id": "FAILED a.py::b[" + "[" * N,
    "warning-like": "x:1: " * N,
    "a long name": "a" * N + " b",
    "many 4-space groups": "Expected:\n" + "    " * N + "x\nGot:\n    y",
    "a rich box line": "╭─ Traceback (most recent call last) ─╮\n│ a" + " " * N + "x",
    "exception groups": "  | " * N + "x",
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_no_regex_backtracks_on_adversarial_lines(name: str) -> None:
    """Every parser answers fast on lines built to make a careless regex backtrack for hours."""
    line = ADVERSARIAL[name]
    for head in ("", "=== test session starts ===\n", "Traceback (most recent call last):\n"):
        text = f"{head}{line}\n{line}\n"
        obs = Observation("PostToolUseFailure", "Bash", "pytest", text, 1, False, "/r", "/r")
        started = time.perf_counter()
        pytest_findings(obs, text)
        python_findings(obs, text)
        summarize_test_run("pytest", text, 1)
        assert time.perf_counter() - started < 1.0, head


# --- Reports whose FAILURES/ERRORS banner is cut off (`| tail`) --------------------------------

LONG_TEST = "from shop.cart import Cart\n\n\ndef test_sum_of_many():\n    cart = Cart()\n"
LONG_TEST += "".join(f"    cart.add({n})  # item {n}\n" for n in range(24))
LONG_TEST += "    assert cart.total() == 276\n\n\ndef test_empty():\n    assert Cart().total() == 1\n"
"""Two failing tests; the first shows 26 lines of source, so `| tail -n 30` cuts into it."""

CHAIN = {f"shop/layer{n}.py": f"from shop.layer{n + 1} import step\n" for n in range(12)}
CHAIN["shop/layer12.py"] = "from shop.cart import Coupon\n\n\ndef step():\n    return Coupon\n"
"""An import chain through 13 modules to a name that does not exist (shop/layer12.py:1)."""
ORDERS_TEST = "from shop.layer0 import step\n\n\ndef test_step():\n    step()\n"


def hook_findings(rec: Recorded) -> list[Finding]:
    """What the hook finds in the run, as Claude Code sends it (a pipe's success or a failure)."""
    return [f for f in pyruns.analysed(to_payload(rec), str(rec.root)) if f.severity != "low"]


def places(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.category, str(f.location), str(f.details.get("test_id"))) for f in findings]


def test_tail_cut_into_the_first_failure_still_reads_both(tmp_path: Path) -> None:
    """The FAILURES banner and test_sum_of_many's header are cut; its `E` lines and place are not."""
    rec, _ = run(tmp_path, shop({"tests/test_totals.py": LONG_TEST}), "pytest 2>&1 | tail -n 30")
    assert "=== FAILURES ===" not in rec.output and "test_sum_of_many ___" not in rec.output
    assert places(hook_findings(rec)) == [
        ("test", "tests/test_totals.py:30", "tests/test_totals.py::test_sum_of_many"),
        ("test", "tests/test_totals.py:34", "tests/test_totals.py::test_empty"),
    ], rec.output


def test_tail_of_a_collection_error_names_the_broken_import(tmp_path: Path) -> None:
    files = shop({**CHAIN, "tests/test_orders.py": ORDERS_TEST})
    rec, _ = run(tmp_path, files, "pytest 2>&1 | tail -n 30")
    assert "ERROR collecting" not in rec.output and "ImportError while importing" not in rec.output
    (first, *_) = hook_findings(rec)
    assert (first.category, str(first.location)) == ("import", "shop/layer12.py:1"), rec.output
    assert (first.details["test_id"], first.details["name"]) == ("tests/test_orders.py", "Coupon")


def test_collection_error_section_without_its_banner(tmp_path: Path) -> None:
    """`tail` keeps the `ERROR collecting` header but not the ERRORS banner above it."""
    files = shop({**CHAIN, "tests/test_orders.py": ORDERS_TEST})
    full, _ = run(tmp_path / "full", files, "pytest")
    after_header = full.output.split("ERROR collecting tests/test_orders.py", 1)[1].count("\n")
    rec, _ = run(tmp_path / "tail", files, f"pytest 2>&1 | tail -n {after_header}")
    assert rec.output.startswith("_") and "=== ERRORS ===" not in rec.output, rec.output
    (first, *_) = hook_findings(rec)
    assert (first.category, str(first.location)) == ("import", "shop/layer12.py:1"), rec.output
    assert first.details["test_id"] == "tests/test_orders.py"


def test_bare_importerror_is_an_import_problem(tmp_path: Path) -> None:
    """`raise ImportError` prints `E   ImportError` with no message: not an assertion."""
    files = shop({"shop/legacy.py": "raise ImportError\n", "tests/test_legacy.py": "import shop.legacy\n"})
    rec, _ = run(tmp_path, files, "pytest 2>&1 | tail -n 12")
    (first, *_) = hook_findings(rec)
    assert (first.category, str(first.location)) == ("import", "shop/legacy.py:1"), rec.output
    assert first.message.endswith("ImportError"), first.message


def test_tail_of_line_reports_names_the_last_tests(tmp_path: Path) -> None:
    """`--tb=line | tail`: the one `path:line: message` left is the last failing test's."""
    rec, _ = run(tmp_path, shop({"tests/test_totals.py": LONG_TEST}), "pytest --tb=line 2>&1 | tail -n 5")
    assert "FAILURES" not in rec.output and "test_totals.py:30" not in rec.output, rec.output
    assert places(hook_findings(rec)) == [
        ("test", "tests/test_totals.py:34", "tests/test_totals.py::test_empty"),
        ("test", "tests/test_totals.py", "tests/test_totals.py::test_sum_of_many"),
    ], rec.output


def test_head_keeps_the_report_without_the_summary(tmp_path: Path) -> None:
    """`| head` cuts test_empty's place and the summary: its test and file still come."""
    rec, _ = run(tmp_path, shop({"tests/test_totals.py": LONG_TEST}), "pytest 2>&1 | head -n 50")
    assert "short test summary info" not in rec.output and "test_totals.py:34" not in rec.output
    assert places(hook_findings(rec)) == [
        ("test", "tests/test_totals.py:30", "tests/test_totals.py::test_sum_of_many"),
        ("test", "tests/test_totals.py", "tests/test_totals.py::test_empty"),
    ], rec.output


PRINTS_E_LINES = source("""
    def test_prints():
        print("E   this line only looks like pytest's")
        print("tests/test_prints.py:3: AssertionError")
""")


def test_passing_report_cut_by_tail_stays_quiet(tmp_path: Path) -> None:
    """`-rP` sections of passing tests, their PASSES banner cut: captured output, no failure."""
    rec, _ = run(tmp_path, shop({"tests/test_prints.py": PRINTS_E_LINES}), "pytest -rP 2>&1 | tail -n 5")
    assert "PASSES" not in rec.output and "test_prints ___" in rec.output, rec.output
    assert hook_findings(rec) == []
