"""Regexes from pattern files, read before they run: unsafe constructs, required literals, line safety."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from healing_hooks.detect.patterns import builtin_entries
from healing_hooks.detect.regexcheck import examine


@pytest.mark.parametrize(
    ("regex", "problem"),
    [
        (r"(a+)+$", "nested quantifier"),
        (r"^(\w+\s?)+$", "nested quantifier"),
        (r"(\d+,)+x", "nested quantifier"),
        (r"(.*?,){11}P", "nested quantifier"),
        (r"(a?){20}", "nested quantifier"),
        (r"(?:x?y|z)+", "nested quantifier"),
        (r"(a|a)*b", "alternatives that can match the same text"),
        (r"(a|ab)*c", "alternatives that can match the same text"),
        (r"(?:(a)\1)+", "backreference inside a repeat"),
        (r"a{2000}", "repeat count 2000"),
    ],
)
def test_exponential_constructs_are_named(regex: str, problem: str) -> None:
    found = examine(regex).problem
    assert found is not None and problem in found


@pytest.mark.parametrize(
    "regex",
    [
        r"ModuleNotFoundError: No module named '(?P<module>[\w.]+)'",
        r"(?:foo|far)*x",  # alternatives that part ways after their shared prefix
        r"(?:[a-c]|[d-f])+",
        r"(?:\s|\w)+",
        r"a++b",  # possessive: no backtracking into it
        r"(?>a+)+b",  # atomic inner part
        r"(\d{1,3}\.){3}\d{1,3}",  # a small fixed outer count
        r"^\s*File \"(?P<file>[^\"]+)\", line (?P<line>\d+)",
    ],
)
def test_linear_regexes_pass(regex: str) -> None:
    assert examine(regex).problem is None


@pytest.mark.parametrize(
    ("regex", "literal", "ignore_case"),
    [
        (
            r"ModuleNotFoundError: No module named '(?P<m>[\w.]+)'",
            "ModuleNotFoundError: No module named '",
            False,
        ),
        (r"^(?P<x>\w+Error): ", "Error: ", False),  # a group's text joins its neighbours
        (r"TypeError: (?:object (?P<t>\w+) can't|'(?P<u>\w+)' object)", "TypeError: ", False),
        (r"(?:error|warning): x", ": x", False),
        (r"^(?:error|warning)\b", "", False),  # nothing every match must hold
        (r"(?i)Permission denied", "on den", True),  # cut where Unicode case folding is special
        (r"a(?=bcdef)", "", False),  # lookahead text is not part of the match
        (r"\d+ failed", " failed", False),
    ],
)
def test_required_literal(regex: str, literal: str, ignore_case: bool) -> None:
    facts = examine(regex)
    assert (facts.literal, facts.ignore_case) == (literal, ignore_case)


@pytest.mark.parametrize(
    ("regex", "single_line"),
    [
        (r"error: (?P<m>.+)$", True),
        (r"[^\n]+", True),
        (r"[^\"]+", False),  # a negated class matches newlines
        (r"error:\s+(?P<m>\S+)", False),
        (r"(?s)a.b", False),
        (r"\Aerror", False),  # string anchors mean something else on one line
        (r"(?P<q>['\"])x(?P=q)", False),
    ],
)
def test_single_line(regex: str, single_line: bool) -> None:
    assert examine(regex).single_line is single_line


def test_every_shipped_pattern_passes_the_check_for_project_files() -> None:
    """The built-ins obey the rule a project's file must obey."""
    problems = {e["id"]: examine(e["error_regex"]).problem for e in builtin_entries()}
    assert {k: v for k, v in problems.items() if v} == {}


def test_a_bad_regex_raises_re_error() -> None:
    with pytest.raises(re.error):
        examine("(unclosed")


def test_facts_survive_the_cache_file_and_bad_entries_are_recomputed(tmp_path: Path) -> None:
    from healing_hooks.detect.factcache import FactCache

    path = str(tmp_path / "facts.json")
    first = FactCache(path)
    facts = first.examine(r"error: (?P<m>.+)$")
    first.save()
    assert FactCache(path).examine(r"error: (?P<m>.+)$") == facts

    data = json.loads((tmp_path / "facts.json").read_text())
    data[r"(a+)+$"] = ["", False, True, None]  # a hand-made entry that hides a problem...
    data["x"] = "not facts"
    (tmp_path / "facts.json").write_text(json.dumps(data))
    cache = FactCache(path)
    assert cache.examine("x").literal == ""  # the malformed entry is recomputed
    assert cache.examine(r"(a+)+$").problem is None  # ...is believed: the file lives in the user's folder


def test_the_cache_lives_outside_the_project() -> None:
    from healing_hooks.detect.factcache import cache_path

    assert str(cache_path({"HOME": "/home/u"})).startswith("/home/u/.cache/healing-hooks/regex-facts-")
    assert str(cache_path({"CLAUDE_PLUGIN_DATA": "/data", "HOME": "/h"})).startswith("/data/cache/")
    assert cache_path({}) is None
