"""Applying remedies: the safety rules (refusals leave the disk as it was), backups, the hook's
auto-apply with exact feedback, commands run only when allowed, and verification of remedies."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from healing_hooks.findings import Finding, Remedy
from healing_hooks.remedy.apply import UnsafeEdit, apply_edit, apply_remedy, command_allowed
from tests.conftest import hook
from tests.corpus.runner import source
from tests.remedy.healing import payload, run, write_json


def edit(file: str, search: str, replace: str, line: int | None = None) -> Remedy:
    return Remedy(kind="edit", summary="test", file=file, search=search, replace=replace, line=line)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_edit_outside_the_project_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "project", tmp_path / "outside.py"
    root.mkdir()
    outside.write_text("x = 1\n")
    before = snapshot(tmp_path)

    with pytest.raises(UnsafeEdit, match="outside the project"):
        apply_edit(edit("../outside.py", "x = 1", "x = 2"), str(root))
    with pytest.raises(UnsafeEdit, match="outside the project"):
        apply_edit(edit(str(outside), "x = 1", "x = 2"), str(root))
    assert snapshot(tmp_path) == before


def test_edit_through_a_symlink_leading_out_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "project", tmp_path / "secret"
    root.mkdir()
    outside.mkdir()
    (outside / "conf.py").write_text("token = 1\n")
    (root / "conf.py").symlink_to(outside / "conf.py")
    (root / "linked").symlink_to(outside)
    before = snapshot(outside)

    for file in ("conf.py", "linked/conf.py"):
        with pytest.raises(UnsafeEdit, match="outside the project"):
            apply_edit(edit(file, "token = 1", "token = 2"), str(root))
    assert snapshot(outside) == before
    assert not (root / ".claude-flow").exists()  # no backup either: nothing was touched


def test_ambiguous_match_is_refused_unless_the_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\nx = 1\n")
    before = snapshot(tmp_path)

    with pytest.raises(UnsafeEdit, match="occurs 2 times"):
        apply_edit(edit("a.py", "x = 1", "x = 2"), str(tmp_path))
    assert snapshot(tmp_path) == before

    done = apply_edit(edit("a.py", "x = 1", "x = 2", line=2), str(tmp_path))
    assert (tmp_path / "a.py").read_text() == "x = 1\nx = 2\n"
    assert (done.line, done.before, done.after) == (2, "x = 1", "x = 2")
    assert (tmp_path / done.backup).read_text() == "x = 1\nx = 1\n"


def test_multiline_search_anchored_at_its_first_line(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("f(\n  a=1,\n)\nf(\n  a=1,\n)\n")
    apply_edit(edit("a.py", "f(\n  a=1,\n)", "f(\n  b=1,\n)", line=4), str(tmp_path))
    assert (tmp_path / "a.py").read_text() == "f(\n  a=1,\n)\nf(\n  b=1,\n)\n"


def test_commands_run_only_when_allowed(tmp_path: Path) -> None:
    assert command_allowed("cargo fix --allow-dirty -p demo", ["cargo fix"])
    assert command_allowed("cargo fix", ["cargo fix"])
    assert not command_allowed("cargo fixit", ["cargo fix"])
    assert not command_allowed("cargo fix; rm -rf /", ["cargo fix"])
    assert not command_allowed("pip install x", [])

    marker = tmp_path / "ran"
    finding = Finding(
        "lint", "low", "test", "m", remedy=Remedy(kind="command", summary="s", command=f"touch {marker}")
    )
    refused = apply_remedy(finding, str(tmp_path), allowed_commands=["cargo fix"])
    assert refused.refused and not marker.exists()
    ran = apply_remedy(finding, str(tmp_path), allowed_commands=["touch"])
    assert ran.command_exit == 0 and marker.exists()


BROKEN = {
    "shop/__init__.py": "",
    "shop/pricing.py": "def total(items):\n    return sum(items)\n",
    "shop/promotions.py": "class Discount:\n    rate = 0.5\n",
    "shop/cart.py": "from shop.pricing import Discount, total\n\nprint(total([2, 4]) * Discount.rate)\n",
}


def memory(root: Path) -> Path:
    return root / ".claude-flow" / "memory"


def fix_stats(root: Path, pattern_id: str) -> dict[str, int]:
    patterns = json.loads((memory(root) / "error-patterns.json").read_text())["patterns"]
    stats: dict[str, int] = next(p for p in patterns if p["id"] == pattern_id).get("fix_stats", {})
    return stats


def test_the_hook_auto_applies_tells_exactly_what_changed_and_verifies(project: Path) -> None:
    write_json(project / ".claude-flow/healing.json", {"auto_apply": True, "min_confidence_to_apply": 0.9})
    broken = run(project, "python -m shop.cart", BROKEN)

    answer = hook(payload(broken), env={"CLAUDE_PROJECT_DIR": str(project)})

    assert answer.returncode == 0, answer.stderr
    context = json.loads(answer.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "APPLIED (auto_apply): shop/cart.py:1:" in context
    assert (
        "`from shop.pricing import Discount, total` → "
        "`from shop.pricing import total from shop.promotions import Discount`" in context
    )
    pending = json.loads((memory(project) / "pending.json").read_text())["commands"]["python -m shop.cart"]
    assert pending["remedies"][0]["applied"] is True
    assert fix_stats(project, "import-cannot-import-name") == {"applied": 1}
    assert list((project / ".claude-flow/backups").rglob("cart.py"))

    fixed = run(project, "python -m shop.cart")
    assert fixed.exit_code == 0 and fixed.output.strip() == "3.0"
    assert hook(payload(fixed), env={"CLAUDE_PROJECT_DIR": str(project)}).stdout == ""

    assert fix_stats(project, "import-cannot-import-name") == {"applied": 1, "succeeded": 1}
    assert not (memory(project) / "pending.json").exists()
    log = [json.loads(x) for x in (memory(project) / "fix-log.txt").read_text().splitlines()]
    assert [e["outcome"] for e in log] == ["applied", "succeeded"]


def test_a_remedy_followed_by_the_same_failure_counts_as_failed(project: Path) -> None:
    files = {
        "lib/__init__.py": "",
        "lib/a.py": "",
        "lib/b.py": "VALUE = 1\n",
        "main.py": "from lib.a import VALUE\n",
    }
    broken = run(project, "python main.py", files)
    env = {"CLAUDE_PROJECT_DIR": str(project)}
    hook(payload(broken), env=env)  # suggested, not applied (no auto_apply)
    again = run(project, "python main.py")
    hook(payload(again), env=env)

    assert fix_stats(project, "import-cannot-import-name") == {"failed": 1}


def test_no_auto_apply_without_the_config(project: Path) -> None:
    broken = run(project, "python -m shop.cart", BROKEN)
    answer = hook(payload(broken), env={"CLAUDE_PROJECT_DIR": str(project)})

    context = json.loads(answer.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "APPLIED" not in context and "--apply`" in context
    assert (project / "shop/cart.py").read_text() == BROKEN["shop/cart.py"]
    assert os.path.exists(memory(project) / "pending.json")


def test_replay_apply_heals_through_the_cli(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    files = {
        **BROKEN,
        "main.py": source("""
        from shop.cart import *
    """),
    }
    broken = run(tmp_path, "python main.py", files)
    (tmp_path / "payload.json").write_text(json.dumps(payload(broken)))

    result = run_cli(
        ["replay", str(tmp_path / "payload.json"), "--apply"], env={"CLAUDE_PROJECT_DIR": str(tmp_path)}
    )

    assert result.returncode == 0, result.stderr
    assert "applied hh-" in result.stdout
    assert run(tmp_path, "python main.py").exit_code == 0
