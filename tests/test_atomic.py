"""atomic.py: a file is replaced whole, its temp file never left behind, links never followed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from healing_hooks.atomic import replace_with_text, temp_beside


def test_the_new_text_replaces_the_file_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "error-patterns.json"
    target.write_text("old")
    replace_with_text(str(target), "new ✓", 0o640)
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["error-patterns.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "memory.json"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        replace_with_text(str(target), "half \udc80 written")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory.json"]


def test_temp_files_are_new_private_and_distinct(tmp_path: Path) -> None:
    target = str(tmp_path / "index.json")
    made = [temp_beside(target) for _ in range(50)]
    for handle, _ in made:
        os.close(handle)
    paths = {path for _, path in made}
    assert len(paths) == 50
    assert all(
        os.path.dirname(p) == str(tmp_path) and os.path.basename(p).startswith(".index.json.") for p in paths
    )
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in paths)


def test_a_link_in_the_way_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    folder = tmp_path / "memory"
    folder.mkdir()
    planted = folder / ".x.json.000000000000.tmp"
    planted.symlink_to(outside)
    draws = iter([bytes(6), bytes([1] * 6)])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    handle, temp = temp_beside(str(folder / "x.json"))
    os.close(handle)
    assert temp != str(planted) and outside.read_text() == "keep"
