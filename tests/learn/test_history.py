"""Flaky tests told apart from broken code, on a real pytest test that fails on alternate runs."""

from __future__ import annotations

import json
from pathlib import Path

from healing_hooks.learn.history import newly_flaky, passed_cleanly
from tests.learn.session import edit, learning, memory, run_and_send

COMMAND = "python -m pytest -q -p no:cacheprovider test_shop.py"
FLAKY = {
    "test_shop.py": (
        "from pathlib import Path\n"
        "\n"
        "\n"
        "def test_total():\n"
        "    assert 2 + 2 == 4\n"
        "\n"
        "\n"
        "def test_inventory_sync():\n"
        "    # Depends on state left by the previous run: fails on every other run.\n"
        "    counter = Path(__file__).with_name('runs.txt')\n"
        "    runs = int(counter.read_text()) if counter.exists() else 0\n"
        "    counter.write_text(str(runs + 1))\n"
        "    assert runs % 2 == 1, f'sync saw a stale snapshot (run {runs})'\n"
    )
}
TEST_ID = "test_shop.py::test_inventory_sync"


def test_a_test_that_fails_on_alternate_runs_is_reported_as_flaky(project: Path) -> None:
    first, said = run_and_send(project, COMMAND, FLAKY)
    assert first.exit_code == 1 and "1 failed, 1 passed" in first.output
    assert "flaky" not in said  # one failure says nothing about flakiness yet

    second, said = run_and_send(project, COMMAND)  # nothing edited in between
    assert second.exit_code == 0 and "2 passed" in second.output
    assert f"flaky test {TEST_ID}" in said
    assert "passed now with no edit in between" in said
    assert learning(project)["flaky"][TEST_ID]["flips"] == 1

    third, said = run_and_send(project, COMMAND)
    assert third.exit_code == 1
    assert f"known flaky test {TEST_ID} failed" in said
    assert "do not change it for this" in said
    assert "fix:" not in said  # no edit of the code under test is proposed for it
    history = [json.loads(line) for line in (memory(project) / "test-history.log").read_text().splitlines()]
    assert [(run["exit_code"], run["failed_tests"]) for run in history] == [
        (1, [TEST_ID]),
        (0, []),
        (1, [TEST_ID]),
    ]


def test_a_test_fixed_by_an_edit_is_not_flaky(project: Path) -> None:
    files = {"test_calc.py": "def test_add():\n    assert 2 + 2 == 5\n"}
    failed, _ = run_and_send(project, "python -m pytest -q -p no:cacheprovider", files)
    assert failed.exit_code == 1
    edit(project, "test_calc.py", "2 + 2 == 5", "2 + 2 == 4")
    passed, said = run_and_send(project, "python -m pytest -q -p no:cacheprovider")
    assert passed.exit_code == 0 and "flaky" not in said
    assert learning(project)["flaky"] == {}


def test_a_command_that_may_change_files_in_between_is_not_flaky(project: Path) -> None:
    files = {"test_calc.py": "def test_add():\n    assert 2 + 2 == 5\n"}
    run_and_send(project, "python -m pytest -q -p no:cacheprovider", files)
    fixer, _ = run_and_send(project, "sed -i 's/== 5/== 4/' test_calc.py")  # not an Edit tool
    assert fixer.exit_code == 0
    passed, said = run_and_send(project, "python -m pytest -q -p no:cacheprovider")
    assert passed.exit_code == 0 and "flaky" not in said


def test_newly_flaky_needs_a_clean_pass_and_nothing_changed() -> None:
    failed = {"failed_tests": ["t.py::a"], "changes_since": 0}
    clean = {"exit_code": 0, "failed": 0, "errors": 0}
    assert newly_flaky(failed, clean) == ["t.py::a"]
    assert newly_flaky({**failed, "changes_since": 1}, clean) == []
    assert newly_flaky(failed, {**clean, "failed": 1}) == []
    assert newly_flaky({**failed, "remedies": [{"applied": True}]}, clean) == []
    assert newly_flaky(None, clean) == []
    assert not passed_cleanly(None)
