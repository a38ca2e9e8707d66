"""jsonedit: the edited text always parses to the new value, and untouched parts keep their text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healing_hooks.install.jsonedit import update

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-1000, 1000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
documents = st.dictionaries(st.text(max_size=6), values, max_size=5)


@st.composite
def edited(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A document and a changed copy: members and items removed, replaced, added."""
    old = draw(documents)
    return old, _change(draw, old)


def _change(draw: st.DrawFn, value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: v if draw(st.booleans()) else _change(draw, v) for k, v in value.items()}
        dropped = draw(st.sets(st.sampled_from(sorted(kept)), max_size=2)) if kept else set()
        added = draw(st.dictionaries(st.text(max_size=6), values, max_size=2))
        return {**{k: v for k, v in kept.items() if k not in dropped}, **added}
    if isinstance(value, list):
        keep = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
        kept_items = [
            v if draw(st.booleans()) else _change(draw, v) for v, k in zip(value, keep, strict=True) if k
        ]
        return kept_items + draw(st.lists(values, max_size=2))
    return draw(values)


@settings(max_examples=150, deadline=None)
@given(edited(), st.sampled_from([None, 2, 4, "\t"]))
def test_edited_text_parses_to_the_new_value(
    pair: tuple[dict[str, Any], dict[str, Any]], indent: Any
) -> None:
    old, new = pair
    text = json.dumps(old, indent=indent, ensure_ascii=False) + "\n"
    result = update(text, new, indent if indent is not None else 2)
    assert json.loads(result) == new
    assert result.endswith("\n")


@settings(max_examples=100, deadline=None)
@given(documents, st.sampled_from([None, 2, 4, "\t"]))
def test_an_unchanged_document_keeps_its_exact_text(doc: dict[str, Any], indent: Any) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    assert update(text, doc) == text


@pytest.mark.parametrize(
    ("before", "new", "after"),
    [
        ('{"a": 1, "b": [1,2]}', {"a": 1, "b": [1, 2], "c": True}, '{"a": 1, "b": [1,2], "c": true}'),
        ('{\n\t"a": {"x":1}\n}', {"a": {"x": 1}, "b": {}}, '{\n\t"a": {"x":1},\n\t"b": {}\n}'),
        ('{\n  "a" : 1 ,\n  "b": 2\n}', {"b": 2}, '{\n  "b": 2\n}'),
        ("{}", {"k": [1]}, '{\n  "k": [\n    1\n  ]\n}'),
        ("[1, 1.0, true]", [1, 1.0, True, 1], "[1, 1.0, true, 1]"),
        ('{"u": "\\u00e9"}', {"u": "é", "v": "é"}, '{"u": "\\u00e9", "v": "é"}'),
    ],
)
def test_layout_of_the_text_is_followed(before: str, new: Any, after: str) -> None:
    assert update(before, new) == after
