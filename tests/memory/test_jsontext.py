"""Memory files as text: one record per line, the same JSON, secrets cleaned per record."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from healing_hooks.memory import jsontext
from healing_hooks.redact import MASK, redact_entry

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(st.text(max_size=10), values, max_size=6) | values)
def test_the_text_is_the_same_json(document: Any) -> None:
    assert json.loads(jsontext.dumps(document)) == json.loads(json.dumps(document))


def test_one_record_per_line() -> None:
    text = jsontext.dumps({"patterns": [{"id": "a"}, {"id": "b"}], "playbooks": {"p": {"steps": []}}})
    assert text.splitlines() == [
        "{",
        '  "patterns": [',
        '    {"id": "a"},',
        '    {"id": "b"}',
        "  ],",
        '  "playbooks": {',
        '    "p": {"steps": []}',
        "  }",
        "}",
    ]


def test_records_are_redacted_keys_too() -> None:
    token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    document: dict[str, Any] = {
        "commands": {f"git push https://x:{token}@github.com/o/r": {"command": f"TOKEN={token} make"}},
        "patterns": [{"id": "plain", "message": "no secret here"}, {"id": "p", "example": f"key {token}"}],
    }
    text = jsontext.dumps(document, clean=redact_entry)
    assert token not in text
    data = json.loads(text)
    assert data["patterns"][0] == {"id": "plain", "message": "no secret here"}
    assert data["patterns"][1]["example"] == f"key {MASK}"
    assert list(data["commands"]) == [f"git push https://x:{MASK}@github.com/o/r"]
