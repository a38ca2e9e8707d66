"""The shipped patterns' snapshot: the same entries and facts as the JSON files, rebuilt when
they change or the file is damaged, and never needed (only faster)."""

from __future__ import annotations

from pathlib import Path

import pytest

from healing_hooks.detect import builtins
from healing_hooks.detect.regexcheck import examine


def test_the_snapshot_holds_what_the_shipped_files_say(tmp_path: Path) -> None:
    entries, facts = builtins.load_builtins(str(tmp_path))
    assert (tmp_path / builtins.SNAPSHOT_NAME).is_file()
    again, facts_again = builtins.load_builtins(str(tmp_path))
    assert entries == again == builtins.read_shipped()
    assert facts == facts_again
    sample = entries[len(entries) // 2]["error_regex"]
    assert facts[sample] == examine(sample)


def test_a_snapshot_is_read_without_the_shipped_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = builtins.load_builtins(str(tmp_path))

    def no_json() -> tuple[()]:
        raise AssertionError("the snapshot should have been used")

    monkeypatch.setattr(builtins, "read_shipped", no_json)
    assert builtins.load_builtins(str(tmp_path)) == expected


def test_changed_shipped_files_rebuild_the_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builtins.load_builtins(str(tmp_path))
    before = (tmp_path / builtins.SNAPSHOT_NAME).read_bytes()
    monkeypatch.setattr(builtins, "shipped_stamp", lambda: (("python.json", 1, 2),))
    entries, _ = builtins.load_builtins(str(tmp_path))
    assert entries == builtins.read_shipped()
    assert (tmp_path / builtins.SNAPSHOT_NAME).read_bytes() != before


@pytest.mark.parametrize(
    "damage", [b"", b"\x00garbage", b"\xe9\x03\x00\x00\x00"], ids=["empty", "garbage", "int"]
)
def test_a_damaged_snapshot_is_rebuilt(tmp_path: Path, damage: bytes) -> None:
    expected = builtins.load_builtins(None)
    (tmp_path / builtins.SNAPSHOT_NAME).write_bytes(damage)
    assert builtins.load_builtins(str(tmp_path)) == expected
    assert builtins.load_builtins(str(tmp_path)) == expected  # and the rebuilt file reads back


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    entries, facts = builtins.load_builtins(str(blocker))
    assert entries == builtins.read_shipped() and facts
