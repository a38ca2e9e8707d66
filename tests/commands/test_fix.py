"""`healing-hooks fix ID [--apply] [--json]`: the remedy of a logged finding, applied and recorded."""

from __future__ import annotations

import json
from pathlib import Path

from healing_hooks.commands import dispatch
from tests.conftest import hook, run_cli
from tests.remedy.healing import payload, run

FILES = {
    "core/__init__.py": "",
    "core/autonomy.py": "",
    "core/autonomy_matrix.py": "LEVEL = 2\n",
    "main.py": "from core.autonomy import LEVEL\n\nprint(LEVEL)\n",
}


def logged_finding(project: Path) -> dict[str, object]:
    broken = run(project, "python main.py", FILES)
    hook(payload(broken), env={"CLAUDE_PROJECT_DIR": str(project)})
    log = (project / ".claude-flow/memory/error-log.txt").read_text().splitlines()
    finding: dict[str, object] = json.loads(log[-1])["findings"][0]
    return finding


def test_fix_shows_then_applies_the_remedy(project: Path, capsys: object) -> None:
    finding = logged_finding(project)
    finding_id = str(finding["id"])

    assert dispatch(["fix", finding_id]) == 0
    assert (project / "main.py").read_text() == FILES["main.py"]  # showing changes nothing

    result = run_cli(["fix", finding_id, "--apply", "--json"], env={"CLAUDE_PROJECT_DIR": str(project)})

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)["outcome"]
    assert outcome["outcome"] == "applied" and outcome["file"] == "main.py" and outcome["line"] == 1
    assert (outcome["before"], outcome["after"]) == (
        "from core.autonomy import LEVEL",
        "from core.autonomy_matrix import LEVEL",
    )
    assert run(project, "python main.py").output.strip() == "2"
    memory = project / ".claude-flow/memory"
    pending = json.loads((memory / "pending.json").read_text())["commands"]["python main.py"]
    assert pending["remedies"][0]["applied"] is True
    patterns = json.loads((memory / "error-patterns.json").read_text())["patterns"]
    stats = next(p for p in patterns if p["id"] == finding["pattern_id"])["fix_stats"]
    assert stats == {"applied": 1}

    again = run_cli(["fix", finding_id, "--apply"], env={"CLAUDE_PROJECT_DIR": str(project)})
    assert again.returncode == 1 and "not applied" in again.stdout  # already fixed: refused, unchanged


def test_unknown_id_is_a_clear_error(project: Path) -> None:
    result = run_cli(["fix", "hh-00000000"], env={"CLAUDE_PROJECT_DIR": str(project)})
    assert result.returncode == 1
    assert "no finding hh-00000000" in result.stderr
