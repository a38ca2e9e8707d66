"""Playbooks: matched to the finding (its evidence, the output around it) and shown as guided
steps, placeholders filled, when no fixer has an edit."""

from __future__ import annotations

import json
from pathlib import Path

from healing_hooks.data import read_data
from healing_hooks.feedback import render_context
from healing_hooks.findings import Finding
from healing_hooks.remedy.playbooks import load_playbooks, match_playbook, shipped_playbooks, steps_remedy
from tests.remedy.healing import plan, run, write_json


def test_collection_failure_without_a_known_home_gets_the_playbook_steps(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": "",
        "tests/test_user.py": "from app.models import Ghost\n\n\ndef test_x():\n    assert Ghost\n",
    }
    broken = run(tmp_path, "python -m pytest -q -p no:cacheprovider", files)
    result = plan(tmp_path, broken)
    finding = next(f for f in result.findings if "Ghost" in f.message)

    assert finding.playbook == "test-collection-failure"
    assert finding.remedy is not None and finding.remedy.kind == "steps"
    assert any('grep -rn "Ghost"' in step for step in finding.remedy.steps)
    context = render_context(result.observation, [finding])
    assert "next: follow playbook test-collection-failure" in context


def test_a_command_whose_placeholder_cannot_be_filled_is_left_out() -> None:
    playbook = shipped_playbooks()["test-collection-failure"]
    finding = Finding(category="import", severity="high", tool="pytest", message="collection failed")

    steps = steps_remedy(playbook, finding).steps

    assert steps[1] == "Look for the name in the package's __init__.py files"
    assert not [step for step in steps if "{" in step]
    named = steps_remedy(playbook, Finding("import", "high", "pytest", "x", details={"name": "Ghost"})).steps
    assert named[1].endswith('`grep -rn "Ghost" --include=__init__.py .`')


NEVER_AWAITED = """import asyncio


async def fetch():
    return 1


async def main():
    fetch()


asyncio.run(main())
"""


def test_a_project_file_older_than_a_playbook_still_gets_it(tmp_path: Path) -> None:
    """A recovery-playbook.json with only the seed's four: the named playbook comes from the shipped ones."""
    seed = dict(list(json.loads(read_data("playbooks.json"))["playbooks"].items())[:4])
    write_json(tmp_path / ".claude-flow" / "memory" / "recovery-playbook.json", {"playbooks": seed})
    broken = run(tmp_path, "python fetch.py", {"fetch.py": NEVER_AWAITED})
    assert "was never awaited" in broken.output

    finding = next(f for f in plan(tmp_path, broken).findings if "never awaited" in f.message)

    assert finding.playbook == "coroutine-never-awaited"
    assert finding.remedy is not None and "Remove `await`" not in str(finding.remedy.to_dict())


HANDLER_FAILS = """import subprocess


def run():
    try:
        subprocess.run(["sleep", "5"], timeout=0.1)
    except subprocess.TimeoutExpired:
        return {}["retries"]


run()
"""


def test_a_chained_exception_is_matched_on_its_own_line_not_its_causes(tmp_path: Path) -> None:
    """A KeyError raised while handling a timeout is a KeyError: not the command-timeout playbook."""
    broken = run(tmp_path, "python job.py", {"job.py": HANDLER_FAILS})
    assert "During handling of the above exception" in broken.output

    finding = plan(tmp_path, broken).findings[0]

    assert (finding.category, str(finding.location)) == ("key", "job.py:8")
    assert "TimeoutExpired" in finding.message  # the chain is still told
    assert finding.playbook != "command-timeout"


def test_a_bad_trigger_in_the_project_file_is_named_and_the_others_still_match() -> None:
    data = json.loads(read_data("playbooks.json"))
    data["playbooks"]["broken"] = {"trigger": "(unclosed", "steps": []}
    data["playbooks"]["mine"] = {
        "trigger": "^MyAppError: ",
        "steps": [{"action": "read", "description": "x"}],
    }
    playbooks, skipped = load_playbooks(data)
    assert skipped == [
        "playbook 'broken' skipped: bad trigger (missing ), unterminated subpattern at position 0)"
    ]
    assert set(playbooks) == set(data["playbooks"]) - {"broken"}
    finding = Finding(category="runtime", severity="high", tool="python", message="MyAppError: no config")
    matched = match_playbook(finding, "MyAppError: no config\n", playbooks)
    assert matched is not None and matched.name == "mine"
    shipped = shipped_playbooks()
    assert all(playbooks[name].trigger.pattern == shipped[name].trigger.pattern  # type: ignore[union-attr]
               for name in shipped if shipped[name].trigger is not None)  # fmt: skip
