"""Error lines → templates → regexes: what varies is masked, what stays is matched exactly."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healing_hooks.learn.templates import error_lines, is_error_line, make_template

try:
    from healing_hooks.detect import regexcheck
except ImportError:  # pragma: no cover - older detect package
    regexcheck = None  # type: ignore[assignment]

# (line, its template): every kind of varying part.
TEMPLATES = [
    (
        "StockError: order 1042: item 'widget-42' short by 7 units (checked /tmp/p/stock.db in 0.25s)",
        "StockError: order <num>: item '<str>' short by <num> units (checked <path> in <dur>)",
    ),
    ("E   KeyError: 'user_id'", "KeyError: '<str>'"),
    ('  File "/srv/app/main.py", line 12, in <module>', 'File "<str>", line <num>, in <module>'),
    ("src/app.py:12:5: error: Name 'x' is not defined  [name-defined]",
     "<path>:<num>:<num>: error: Name '<str>' is not defined  [name-defined]"),
    (r"OSError: cannot open C:\Users\dev\proj\data.bin: locked", "OSError: cannot open <path>: locked"),
    ("Segmentation fault at 0x7ffd5e8a1b20", "Segmentation fault at <hex>"),
    ("commit 3f9a2c1d4e not found in cache", "commit <hex> not found in cache"),
    ("job 6f1e0c3a-9b2d-4e8f-a1c7-0d9e8f7a6b5c timed out after 30s", "job <hex> timed out after <dur>"),
    ("error[E0432]: unresolved import `crate::net`", "error[E0432]: unresolved import `<str>`"),
    ("fetch https://example.com/a/b?x=1 failed: 503", "fetch <path> failed: <num>"),
    ("TypeError: object NoneType can't be used in 'await' expression",
     "TypeError: object NoneType can't be used in '<str>' expression"),
    ("utf8 decoding of v1.2.3 failed", "utf8 decoding of v1.2.3 failed"),  # digits inside words stay
]  # fmt: skip


@pytest.mark.parametrize(("line", "template"), TEMPLATES)
def test_templates_mask_what_varies(line: str, template: str) -> None:
    assert make_template(line).text == template


# Pairs that say the same thing with other paths, numbers, names: one template, and its regex
# (made from the first) matches the second.
VARIANTS = [
    ("LedgerError: account 'acme-7' is 1203.50 EUR over its limit (ledger /var/db/l1.db)",
     "LedgerError: account 'zeta_co' is 9.99 EUR over its limit (ledger ./data/ledger.db)"),
    ("worker 12 lost lease 0x1fa3 after 150ms on node-3", "worker 7 lost lease 0xbeef after 2.5s on node-11"),
    ("mytool: cannot read /home/a/.config/x.toml: permission denied",
     r"mytool: cannot read C:\Users\b\x.toml: permission denied"),
    ("E   StockError: order 3: item 'x' short by 1 units",
     "StockError: order 99: item 'y-2' short by 45 units"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), VARIANTS)
def test_variants_share_a_template_and_the_regex_matches_both(first: str, second: str) -> None:
    template = make_template(first)
    assert make_template(second).key == template.key
    regex = re.compile(template.regex(), re.MULTILINE)
    assert regex.search(first) and regex.search(second)


UNRELATED = [
    "StockError: order 3: item 'x' short by 1 crates",  # another literal word
    "StockError: order 3: item 'x' short by 1 units (and more)",  # more text after: anchored
    "ValueError: order 3: item 'x' short by 1 units",  # another exception
    "log: StockError: order 3: item 'x' short by 1 units",  # something before: anchored
    "StockError: order x3: item 'x' short by 1 units",  # a word where a number was
    "",
]


@pytest.mark.parametrize("other", UNRELATED)
def test_the_regex_does_not_match_other_lines(other: str) -> None:
    regex = re.compile(make_template("StockError: order 3: item 'x' short by 1 units").regex(), re.M)
    assert regex.search(other) is None


def test_a_template_needs_literal_words_to_be_learnable() -> None:
    assert not make_template("KeyError: 'user_id'").learnable
    assert not make_template("/srv/a.py:12: 0x1f").learnable
    assert make_template("KeyError: missing column 'price' in sheet 3").learnable


TRACEBACK = """\
Traceback (most recent call last):
  File "/srv/app/main.py", line 12, in <module>
    raise StockError("order failed")
StockError: order 3: item 'x' short by 1 units
"""
PYTEST = """\
___________________________ test_sync ___________________________
    def test_sync():
>       sync()
E       RuntimeError: sync failed after 3 retries
test_x.py:4: RuntimeError
=========================== short test summary info ===========================
FAILED test_x.py::test_sync - RuntimeError: sync failed after 3 retries
"""


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (TRACEBACK, ["StockError: order 3: item 'x' short by 1 units"]),
        (PYTEST, ["E       RuntimeError: sync failed after 3 retries"]),
        ("error: could not compile `app`\nwarning: 2 warnings emitted\n", ["error: could not compile `app`"]),
        ("all good\n3 passed in 0.2s\n", []),
    ],
)
def test_error_lines_are_the_messages_not_the_frames(output: str, expected: list[str]) -> None:
    assert error_lines(output) == expected


def test_error_lines_are_few_and_distinct() -> None:
    output = "\n".join(f"error: cannot open file{i}.txt" for i in range(50))
    assert error_lines(output) == ["error: cannot open file49.txt"]
    many = "\n".join(f"error: problem number {i} of kind {'abcdefgh'[i]}" for i in range(8))
    assert len(error_lines(many)) == 3


@pytest.mark.parametrize(
    "line",
    [
        "Traceback (most recent call last):",
        "=== 1 failed ===",
        "FAILED t.py::a - x",
        "    not an error: indented",
    ],
)
def test_frames_separators_and_summaries_are_not_error_lines(line: str) -> None:
    assert not is_error_line(line)


_TOKENS = st.one_of(
    st.sampled_from(["error:", "failed", "item", "units", "(", ")", ":", ",", "-", ".", "=", "[x]"]),
    st.from_regex(r"[A-Za-z]{2,8}", fullmatch=True),
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"'[a-z0-9_-]{1,8}'", fullmatch=True),
    st.from_regex(r"/[a-z]{1,5}(/[a-z0-9.]{1,6}){1,3}", fullmatch=True),
    st.from_regex(r"0x[0-9a-f]{4,8}", fullmatch=True),
)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(_TOKENS, min_size=1, max_size=14), filler=st.sampled_from(["a", "9", "/", "'", " ", ":"])
)
def test_generated_regexes_match_their_line_are_safe_and_linear(words: list[str], filler: str) -> None:
    line = " ".join(words)
    template = make_template(line)
    regex = re.compile(template.regex(), re.MULTILINE)
    assert regex.search(line), (line, template.regex())
    if regexcheck is not None:  # the pattern loader's own safety check, where it exists
        assert regexcheck.examine(template.regex()).problem is None
    hostile = (line + " " + filler * 5_000 + "\n") * 20
    started = time.perf_counter()
    regex.search(hostile)
    assert time.perf_counter() - started < 0.5
