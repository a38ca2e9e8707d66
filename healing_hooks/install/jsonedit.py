"""Rewrite a JSON document's text to hold a new value, keeping the text of everything unchanged.

`install` changes one branch of a settings file (`hooks`); people keep those files in git and in
their own layout, so a member or item whose value did not change keeps its original text byte for
byte, and new text follows the layout around it (the file's indent unit, one line or many).
The input text must be valid JSON without duplicate keys (the caller checked both).
"""

from __future__ import annotations

import json
import re
from typing import Any

from healing_hooks.records import dataclass, field

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass
class Node:
    """A JSON value in the text: its span, its value, and its children's nodes."""

    start: int
    end: int
    value: Any
    members: list[tuple[str, int, Node]] = field(default_factory=list)
    """Objects: (key, where the key's quote starts, value node)."""
    items: list[Node] = field(default_factory=list)
    """Arrays: one node per item."""


def parse(text: str, pos: int = 0) -> Node:
    """The node of the JSON value starting at `pos` (after any whitespace)."""
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    opener = text[pos]
    if opener == "{":
        return _parse_object(text, pos)
    if opener == "[":
        return _parse_array(text, pos)
    value, end = _DECODER.raw_decode(text, pos)
    return Node(pos, end, value)


def _skip(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def _parse_object(text: str, start: int) -> Node:
    node = Node(start, start, {})
    pos = _skip(text, start + 1)
    while text[pos] != "}":
        key, after_key = _DECODER.raw_decode(text, pos)
        child = parse(text, _skip(text, after_key) + 1)
        node.members.append((key, pos, child))
        node.value[key] = child.value
        pos = _skip(text, child.end)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    node.end = pos + 1
    return node


def _parse_array(text: str, start: int) -> Node:
    node = Node(start, start, [])
    pos = _skip(text, start + 1)
    while text[pos] != "]":
        child = parse(text, pos)
        node.items.append(child)
        node.value.append(child.value)
        pos = _skip(text, child.end)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    node.end = pos + 1
    return node


def update(text: str, new: Any, unit: str | int = 2) -> str:
    """`text` changed to hold `new`: unchanged parts keep their text, whitespace around is kept."""
    root = parse(text)
    edited = _edit(text, root, new, _unit(unit), parent_multiline=True)
    return text[: root.start] + edited + text[root.end :]


def _unit(unit: str | int) -> str:
    return unit if isinstance(unit, str) else " " * unit


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (so 1, 1.0 and true are three different values)."""
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def _edit(text: str, node: Node, new: Any, unit: str, parent_multiline: bool) -> str:
    if _same(node.value, new):
        return text[node.start : node.end]
    base = _line_indent(text, node.start)
    if isinstance(node.value, dict) and isinstance(new, dict):
        layout = _layout(text, node, [ks for _, ks, _ in node.members], unit, parent_multiline)
        return _join("{", "}", _object_pieces(text, node, new, unit, layout), layout)
    if isinstance(node.value, list) and isinstance(new, list):
        layout = _layout(text, node, [item.start for item in node.items], unit, parent_multiline)
        return _join("[", "]", _array_pieces(text, node, new, unit, layout), layout)
    return _fresh(new, unit, base, multiline="\n" in text[node.start : node.end] or parent_multiline)


@dataclass(frozen=True)
class _Layout:
    multiline: bool
    item_indent: str
    closing_indent: str


def _layout(text: str, node: Node, firsts: list[int], unit: str, parent_multiline: bool) -> _Layout:
    """How the container is laid out: on one line or many, and the indent of its items."""
    own = text[node.start : node.end]
    multiline = "\n" in own or (not firsts and parent_multiline)
    closing = _line_indent(text, node.end - 1) if "\n" in own else _line_indent(text, node.start)
    item_indent = closing + unit
    if firsts and "\n" in text[node.start : firsts[0]]:
        item_indent = _line_indent(text, firsts[0])
    return _Layout(multiline, item_indent, closing)


def _object_pieces(text: str, node: Node, new: dict[str, Any], unit: str, layout: _Layout) -> list[str]:
    old = {key: (key_start, child) for key, key_start, child in node.members}
    pieces = []
    for key, value in new.items():
        if key in old:
            key_start, child = old[key]
            pieces.append(text[key_start : child.start] + _edit(text, child, value, unit, layout.multiline))
        else:
            rendered = _fresh(value, unit, layout.item_indent, layout.multiline)
            pieces.append(f"{json.dumps(key, ensure_ascii=False)}: {rendered}")
    return pieces


def _array_pieces(text: str, node: Node, new: list[Any], unit: str, layout: _Layout) -> list[str]:
    """Items kept in order reuse their text; a changed item is edited in place; others are new."""
    olds = node.items
    pieces = []
    i = 0
    for value in new:
        match = next((k for k in range(i, len(olds)) if _same(olds[k].value, value)), None)
        if match is not None:
            pieces.append(text[olds[match].start : olds[match].end])
            i = match + 1
        elif i < len(olds):
            pieces.append(_edit(text, olds[i], value, unit, layout.multiline))
            i += 1
        else:
            pieces.append(_fresh(value, unit, layout.item_indent, layout.multiline))
    return pieces


def _join(opener: str, closer: str, pieces: list[str], layout: _Layout) -> str:
    if not pieces:
        return opener + closer
    if not layout.multiline:
        return opener + ", ".join(pieces) + closer
    body = ",\n".join(layout.item_indent + piece for piece in pieces)
    return f"{opener}\n{body}\n{layout.closing_indent}{closer}"


def _fresh(value: Any, unit: str, base: str, multiline: bool) -> str:
    """New text for `value`, starting on a line indented by `base`."""
    if not multiline:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return json.dumps(value, ensure_ascii=False, indent=unit).replace("\n", "\n" + base)


def _line_indent(text: str, pos: int) -> str:
    """The whitespace that starts the line holding `pos`."""
    line_start = text.rfind("\n", 0, pos) + 1
    match = re.match(r"[ \t]*", text[line_start:pos])
    return match.group(0) if match else ""
