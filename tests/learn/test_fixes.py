"""Healing edits become fixes: a recorded session (failure → Edit → success) on a real project, the
learned fix, and the same error healed by it in a fresh copy of the project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from healing_hooks.config import Config
from healing_hooks.detect.patterns import build_library
from healing_hooks.findings import Finding, Location, Remedy
from healing_hooks.learn.fixes import (
    edit_record,
    healing_change,
    learned_remedy,
    merge_candidate,
    offer_learned_fixes,
    rename_shape,
)
from tests.corpus.runner import to_payload
from tests.learn.session import cli, edit, fresh_copy, learning, patterns, run, run_and_send

INVOICE = {
    "config.ini": "[invoice]\ncurrency = EURO\nrate = 1.0\n",
    "invoice.py": (
        "import configparser\n"
        "\n"
        "KNOWN = ('EUR', 'USD', 'GBP')\n"
        "\n"
        "\n"
        "class ConfigError(Exception):\n"
        '    """The invoice settings are wrong."""\n'
        "\n"
        "\n"
        "config = configparser.ConfigParser()\n"
        "config.read('config.ini')\n"
        "currency = config['invoice']['currency']\n"
        "if currency not in KNOWN:\n"
        "    raise ConfigError(\n"
        "        f\"unknown currency '{currency}' in config.ini (expected one of {', '.join(KNOWN)})\"\n"
        "    )\n"
        "print(f'total: 42.00 {currency}')\n"
    ),
}
COMMAND = "python invoice.py"
FIX_ID = re.compile(r"healing-hooks fix (hh-[0-9a-f]{8}) --apply")


def record_healing_session(project: Path) -> dict[str, object]:
    """The agent's session: the command fails (twice: it re-ran it), it edits, the command passes."""
    for _ in range(2):
        failed, _ = run_and_send(project, COMMAND, INVOICE)
        assert failed.exit_code == 1 and "ConfigError: unknown currency 'EURO'" in failed.output
    edit(project, "config.ini", "currency = EURO", "currency = EUR")
    passed, said = run_and_send(project, COMMAND)
    assert passed.exit_code == 0 and "total: 42.00 EUR" in passed.output
    assert said == ""
    (learned,) = patterns(project, "learned")
    return learned


def test_a_recorded_session_teaches_the_fix(project: Path) -> None:
    learned = record_healing_session(project)

    assert learned["auto_fix"] == {
        "search": "currency = EURO",
        "replace": "currency = EUR",
        "file": "config.ini",
        "learned": True,
        "successes": 1,
    }
    shown = json.loads(cli(project, "patterns", "show", str(learned["id"])))
    assert shown["auto_fix"]["successes"] == 1 and shown["learned_fixes"][0]["files"] == ["config.ini"]
    assert not (project / ".claude-flow/memory/pending.json").exists()


def test_a_fresh_copy_is_healed_by_the_learned_fix_with_replay_apply(project: Path, tmp_path: Path) -> None:
    record_healing_session(project)
    copy = fresh_copy(INVOICE, tmp_path / "checkout", pattern_file_from=project)

    broken, said = run_and_send(copy, COMMAND)
    assert broken.exit_code == 1
    assert "replace `currency = EURO` with `currency = EUR` in config.ini" in said
    assert "learned: healed this error once" in said
    payload = tmp_path / "failure.json"
    payload.write_text(json.dumps(to_payload(broken)))

    applied = cli(copy, "replay", str(payload), "--apply")

    assert "applied" in applied and "config.ini" in applied
    healed = run(copy, COMMAND)
    assert healed.exit_code == 0 and "total: 42.00 EUR" in healed.output


def test_a_learned_fix_is_a_suggestion_until_it_healed_twice_then_automatic(
    project: Path, tmp_path: Path
) -> None:
    record_healing_session(project)
    second = fresh_copy(INVOICE, tmp_path / "second", pattern_file_from=project)
    (second / ".claude-flow/healing.json").write_text('{"auto_apply": true}')
    broken, said = run_and_send(second, COMMAND)
    assert broken.exit_code == 1 and "applied" not in said.lower()  # one success: only suggested
    assert (second / "config.ini").read_text() == INVOICE["config.ini"]
    finding_id = FIX_ID.search(said)
    assert finding_id, said

    cli(second, "fix", finding_id.group(1), "--apply")  # the agent takes the suggestion
    passed, _ = run_and_send(second, COMMAND)
    assert passed.exit_code == 0
    (learned,) = patterns(second, "learned")
    assert learned["auto_fix"]["successes"] == 2 and learned["fix_stats"]["succeeded"] == 1

    third = fresh_copy(INVOICE, tmp_path / "third", pattern_file_from=second)
    (third / ".claude-flow/healing.json").write_text('{"auto_apply": true}')
    _, said = run_and_send(third, COMMAND)  # healed twice: applied by the hook itself
    assert (third / "config.ini").read_text().startswith("[invoice]\ncurrency = EUR\n"), said
    assert run(third, COMMAND).exit_code == 0


def test_a_fix_learned_before_the_pattern_exists_comes_with_the_pattern(
    project: Path, tmp_path: Path
) -> None:
    failed, _ = run_and_send(project, COMMAND, INVOICE)
    assert failed.exit_code == 1
    edit(project, "config.ini", "currency = EURO", "currency = EUR")
    assert run_and_send(project, COMMAND)[0].exit_code == 0
    assert patterns(project, "learned") == []  # seen once: no pattern yet, but the fix is kept
    (template,) = learning(project)["templates"].values()
    assert template["learned_fixes"][0]["replace"] == "currency = EUR"

    (project / "config.ini").write_text(INVOICE["config.ini"])  # the same mistake, later
    again, _ = run_and_send(project, COMMAND)
    assert again.exit_code == 1
    (learned,) = patterns(project, "learned")
    assert learned["auto_fix"]["search"] == "currency = EURO"
    payload = tmp_path / "again.json"
    payload.write_text(json.dumps(to_payload(again)))
    assert "applied" in cli(project, "replay", str(payload), "--apply")
    assert run(project, COMMAND).exit_code == 0


def test_edits_that_did_not_heal_teach_nothing(project: Path) -> None:
    for _ in range(2):
        run_and_send(project, COMMAND, INVOICE)
    edit(project, "config.ini", "rate = 1.0", "rate = 1.5")
    still, _ = run_and_send(project, COMMAND)
    assert still.exit_code == 1
    (learned,) = patterns(project, "learned")
    assert "auto_fix" not in learned


# -- the pieces, on their own --


def test_edit_records_keep_small_secret_free_changes_inside_the_project(tmp_path: Path) -> None:
    inside = str(tmp_path / "a.py")
    record = edit_record(
        "Edit", {"file_path": inside, "old_string": "x = 1", "new_string": "x = 2"}, str(tmp_path)
    )
    assert record["file"] == "a.py" and record["changes"] == [{"search": "x = 1", "replace": "x = 2"}]
    multi = {
        "file_path": inside,
        "edits": [{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}],
    }
    assert len(edit_record("MultiEdit", multi, str(tmp_path))["changes"]) == 2


@pytest.mark.parametrize(
    ("tool", "tool_input", "why"),
    [
        ("Edit", {"file_path": "/elsewhere/a.py", "old_string": "a", "new_string": "b"}, "outside"),
        ("Edit", {"file_path": "a.py", "old_string": "k = 1", "new_string": "API_TOKEN=abcdef123"}, "secret"),
        ("Edit", {"file_path": "a.py", "old_string": "a" * 3000, "new_string": "b"}, "small"),
        ("Edit", {"file_path": "a.py", "old_string": "a", "new_string": "b", "replace_all": True}, "single"),
        ("Write", {"file_path": "a.py", "content": "print(1)\n"}, "whole-file"),
    ],
)
def test_edit_records_without_reusable_content(
    tmp_path: Path, tool: str, tool_input: dict[str, object], why: str
) -> None:
    record = edit_record(tool, tool_input, str(tmp_path))
    assert record["changes"] is None and why in record["why"]
    assert "abcdef123" not in json.dumps(record)


def test_successive_edits_of_the_same_text_are_one_change() -> None:
    edits = [
        {"file": "a.py", "changes": [{"search": "colr", "replace": "colour"}]},
        {"file": "a.py", "changes": [{"search": "colour", "replace": "color"}]},
    ]
    assert healing_change(edits) == {"file": "a.py", "search": "colr", "replace": "color"}
    assert healing_change([*edits, {"file": "b.py", "changes": [{"search": "x", "replace": "y"}]}]) is None
    assert healing_change([{"file": "a.py", "changes": None}]) is None


@pytest.mark.parametrize(
    ("search", "replace", "shape"),
    [
        ("print(colour)", "print(color)", ("colour", "color")),
        ("colour = colour + 1", "color = color + 1", ("colour", "color")),
        (
            "from .autonomy import Level",
            "from .autonomy_matrix import Level",
            ("autonomy", "autonomy_matrix"),
        ),
        ("x = 1", "x = 2", None),  # a number, not an identifier
        ("a(b)", "c(d)", None),  # two renames
        ("await bus.stop()", "bus.stop()", None),  # a removal
    ],
)
def test_rename_shapes(search: str, replace: str, shape: tuple[str, str] | None) -> None:
    assert rename_shape(search, replace) == shape


def test_the_same_edit_in_another_file_generalises_the_file_away() -> None:
    fixes = merge_candidate([], {"file": "a.ini", "search": "EURO", "replace": "EUR"}, "t1")
    fixes = merge_candidate(fixes, {"file": "b.ini", "search": "EURO", "replace": "EUR"}, "t2")
    assert len(fixes) == 1
    assert fixes[0]["file"] is None and fixes[0]["files"] == ["a.ini", "b.ini"] and fixes[0]["successes"] == 2


def test_the_same_identifier_rename_in_different_places_generalises_to_the_rename() -> None:
    fixes = merge_candidate([], {"file": "a.py", "search": "print(colour)", "replace": "print(color)"}, "t1")
    fixes = merge_candidate(fixes, {"file": "b.py", "search": "x = colour", "replace": "x = color"}, "t2")
    (fix,) = fixes
    assert (fix["search"], fix["replace"], fix["shape"], fix["successes"]) == ("colour", "color", "rename", 2)
    assert fix["file"] is None


def test_different_healings_stay_separate_candidates_best_first() -> None:
    fixes = merge_candidate([], {"file": "a.py", "search": "x = 1", "replace": "x = 2"}, "t1")
    fixes = merge_candidate(fixes, {"file": "a.py", "search": "y()", "replace": "z()"}, "t2")
    fixes = merge_candidate(fixes, {"file": "a.py", "search": "y()", "replace": "z()"}, "t3")
    assert [(f["search"], f["successes"]) for f in fixes] == [("y()", 2), ("x = 1", 1)]


def _finding(pattern_id: str, file: str, line: int) -> Finding:
    return Finding("name", "high", "python", "name 'colour' is not defined", pattern_id, Location(file, line))


def test_a_generalised_fix_targets_the_finding_s_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "paint.py").write_text("colour = 1\nprint(colour)\n")
    fix = {"search": "colour", "replace": "color", "learned": True, "successes": 1}

    remedy = learned_remedy(_finding("learned-x", "paint.py", 2), fix, Config(), str(tmp_path))

    assert remedy is not None
    assert (remedy.file, remedy.line, remedy.search, remedy.replace) == ("paint.py", 2, "colour", "color")
    assert remedy.confidence < Config().min_confidence_to_apply  # healed once: a suggestion
    assert learned_remedy(_finding("learned-x", "other.py", 1), fix, Config(), str(tmp_path)) is None


def test_a_proven_learned_fix_wins_over_a_fixer_and_a_new_one_does_not(tmp_path: Path) -> None:
    (tmp_path / "paint.py").write_text("print(colour)\n")
    entry = {"id": "learned-x", "error_regex": "^NameError: x$", "source": "learned"}
    fixer = Remedy("steps", "look at the name", source="fixer:names")
    for successes, wins in ((1, False), (2, True)):
        library = build_library(
            [
                {
                    **entry,
                    "auto_fix": {
                        "search": "colour",
                        "replace": "color",
                        "learned": True,
                        "successes": successes,
                    },
                }
            ]
        )
        finding = _finding("learned-x", "paint.py", 1)
        finding.remedy = fixer
        offer_learned_fixes([finding], library, Config(), str(tmp_path))
        assert (finding.remedy is not fixer) is wins
        if wins:
            assert finding.remedy.confidence >= Config().min_confidence_to_apply
