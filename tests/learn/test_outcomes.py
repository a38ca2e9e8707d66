"""Outcomes: a remedy that did not heal is counted and listed by `healing-hooks patterns review`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from healing_hooks.learn.outcomes import count_learned_outcomes, review_items
from tests.learn.session import cli, edit, memory, run_and_send

WRONG_IMPORT = {
    "shop/__init__.py": "",
    "shop/pricing.py": "def total(items):\n    return sum(items)\n",
    "app.py": "from shop.prices import total\n\nprint(total([1, 2]))\n",
}


def test_a_remedy_tried_without_healing_goes_to_the_review_list(project: Path) -> None:
    failed, said = run_and_send(project, "python app.py", WRONG_IMPORT)
    assert failed.exit_code == 1 and "fix:" in said
    edit(project, "app.py", "print(total([1, 2]))", "print(total([1, 2, 3]))")  # not the fix
    again, _ = run_and_send(project, "python app.py")
    assert again.exit_code == 1

    listed = cli(project, "patterns", "review")

    assert "`python app.py`" in listed and "→ failed" in listed
    (item,) = [json.loads(line) for line in cli(project, "patterns", "review", "--json").splitlines()]
    assert item["outcome"] == "failed" and item["command"] == "python app.py"
    log = [json.loads(line) for line in (memory(project) / "fix-log.txt").read_text().splitlines()]
    assert [r["outcome"] for r in log] == ["failed"]


def test_nothing_to_review_says_so(project: Path) -> None:
    assert "nothing to review" in cli(project, "patterns", "review")


def test_review_items_filter_failed_outcomes_by_pattern() -> None:
    log = [
        {"outcome": "succeeded", "pattern_id": "a"},
        {"outcome": "failed", "pattern_id": "a"},
        {"outcome": "failed", "pattern_id": "b"},
    ]
    assert review_items(log) == log[1:]
    assert review_items(log, "b") == [log[2]]


def test_an_applied_learned_fix_that_succeeded_heals_once_more() -> None:
    fix = {"search": "EURO", "replace": "EUR", "file": "c.ini", "files": ["c.ini"], "successes": 1}
    entry: dict[str, Any] = {"id": "learned-x", "learned_fixes": [fix], "auto_fix": {**fix, "learned": True}}
    document = {"patterns": [entry]}
    events = [
        {"outcome": "succeeded", "applied": True, "source": "learned:learned-x"},
        {"outcome": "succeeded", "applied": False, "source": "learned:learned-x"},  # only suggested
        {"outcome": "failed", "applied": True, "source": "learned:learned-x"},
    ]
    count_learned_outcomes(document, events, "now")
    assert entry["auto_fix"]["successes"] == 2 and entry["learned_fixes"][0]["last_healed"] == "now"
