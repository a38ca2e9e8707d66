"""records.py behaves like the dataclasses it stands in for, in everything this code base uses."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from healing_hooks.records import FrozenInstanceError, asdict, dataclass, field, fields, replace


@dataclass(frozen=True)
class Place:
    file: str
    line: int | None = None


@dataclass
class Note:
    name: str
    place: Place | None = None
    tags: list[str] = field(default_factory=list)
    cache: int = field(default=0, repr=False, compare=False)


@dataclasses.dataclass
class StdNote:
    name: str
    place: Place | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    cache: int = dataclasses.field(default=0, repr=False, compare=False)


def test_construction_positional_keyword_and_defaults_as_a_dataclass() -> None:
    note = Note("a", tags=["x"])
    assert (note.name, note.place, note.tags, note.cache) == ("a", None, ["x"], 0)
    assert Note("a").tags is not Note("a").tags  # a fresh list each time
    assert repr(Note("a", Place("m.py", 3))) == repr(StdNote("a", Place("m.py", 3))).replace(
        "StdNote", "Note"
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing argument 'name'"),
        (("a",), {"name": "b"}, "two values for 'name'"),
        (("a",), {"colour": 1}, "unexpected keyword argument 'colour'"),
        (("a", None, [], 0, "extra"), {}, "takes 4 arguments, 5 given"),
    ],
)
def test_wrong_arguments_are_a_type_error(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Note(*args, **kwargs)  # type: ignore[arg-type]


def test_equality_skips_uncompared_fields_and_mutable_records_are_unhashable() -> None:
    assert Note("a", cache=1) == Note("a", cache=2)
    assert Note("a") != Note("b")
    assert Note("a") != StdNote("a")  # type: ignore[comparison-overlap]
    with pytest.raises(TypeError):
        hash(Note("a"))


def test_frozen_records_refuse_changes_and_hash_by_value() -> None:
    place = Place("m.py", 3)
    with pytest.raises(FrozenInstanceError):
        place.line = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del place.file
    assert {place: 1}[Place("m.py", 3)] == 1


def test_replace_asdict_fields_and_pickle() -> None:
    note = Note("a", Place("m.py", 3), ["x"])
    assert replace(note, name="b") == Note("b", Place("m.py", 3), ["x"])
    assert asdict(note) == dataclasses.asdict(StdNote("a", Place("m.py", 3), ["x"])) | {
        "place": {"file": "m.py", "line": 3}
    }
    assert [f.name for f in fields(Note)] == ["name", "place", "tags", "cache"]
    assert pickle.loads(pickle.dumps(note)) == note
