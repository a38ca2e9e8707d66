"""Playbooks: matched to the finding (its evidence, the output around it) and shown as guided
steps, placeholders filled, when no fixer has an edit."""

from __future__ import annotations

from pathlib import Path

from healing_hooks.feedback import render_context
from tests.remedy.healing import plan, run


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
