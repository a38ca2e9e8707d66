"""`healing-hooks stats`: errors per category, heal rate, top recurring errors, from real events."""

from __future__ import annotations

import json
from pathlib import Path

from healing_hooks.cli import main
from tests.learn.session import cli, edit, run_and_send

BROKEN = {
    "app.py": "from shop.prices import total\n\nprint(total([1, 2]))\n",
    "shop/__init__.py": "",
    "shop/pricing.py": "def total(items):\n    return sum(items)\n",
    "jobs.py": (
        "import sys\n\n\nclass QueueError(Exception):\n    pass\n\n\n"
        "raise QueueError(f'job {sys.argv[1]} stuck in queue')\n"
    ),
}


def test_stats_on_a_fresh_project_say_there_is_nothing_yet(project: Path) -> None:
    text = cli(project, "stats")
    assert "errors logged: 0" in text and "heal rate: n/a" in text
    figures = json.loads(cli(project, "stats", "--json"))
    assert figures["errors"] == 0 and figures["heal_rate"] is None and figures["top_recurring"] == []


def test_stats_count_categories_heal_rate_and_recurring_errors(project: Path) -> None:
    for job in ("17", "42"):
        run_and_send(project, f"python jobs.py {job}", BROKEN)
    broken, said = run_and_send(project, "python app.py")
    assert broken.exit_code == 1 and "shop.pricing" in said
    edit(project, "app.py", "from shop.prices import", "from shop.pricing import")
    assert run_and_send(project, "python app.py")[0].exit_code == 0

    figures = json.loads(cli(project, "stats", "--json"))

    assert figures["errors"] == 3
    assert figures["by_category"]["runtime"] == 2
    assert sum(figures["by_category"].values()) == 3
    assert figures["heal_rate"] == 1.0 and figures["remedies"]["succeeded"] >= 1
    assert figures["learned"]["patterns"] == 1
    top = {row["id"]: row["occurrences"] for row in figures["top_recurring"]}
    learned = next(i for i in top if i.startswith("learned-queueerror-job-stuck-in-queue"))
    assert top[learned] == 2
    text = cli(project, "stats")
    assert "heal rate: 100%" in text and learned in text and "runtime 2" in text


def test_stats_is_a_subcommand_of_main(project: Path, capsys: object) -> None:
    assert main(["stats", "--project", str(project), "--json"]) == 0
