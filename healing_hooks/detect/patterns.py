"""The pattern database: built-in patterns shipped as data, refined by the project's own file.

Matching is built for large outputs and hostile pattern files. Each regex is examined once at load
(`regexcheck`): one with an exponential construct is skipped with a reason. At match time a
pattern runs only when its required literal is in the output (one `in` check, cached per literal),
and it is compiled only then. A regex that cannot span lines runs on the lines that hold its literal,
newest first; a project pattern that can span lines runs on windows around its literal (or on the
tail of the output when it has none), under a time limit. A shipped regex that spans lines runs over
the whole output, tail first.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect.builtins import load_builtins
from healing_hooks.detect.factcache import FactCache, cache_path
from healing_hooks.detect.prefilter import LiteralIndex, literal_index
from healing_hooks.detect.regexcheck import RegexFacts
from healing_hooks.detect.timelimit import Overtime, time_limit
from healing_hooks.findings import SEVERITY_RANK, Finding, Severity
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass, field

MAX_MATCHES_PER_PATTERN = 20
MAX_LINE_CHARS = 4_000
"""A longer line is matched only on this many characters around the literal."""
WINDOW_CHARS = 8_000
"""A project pattern that can span lines sees this many characters each side of its literal."""
TAIL_CHARS = 64_000
"""A project pattern with no required literal sees only this much of the end of the output."""
MAX_OCCURRENCES = 1_000
"""Occurrences of a literal examined per pattern, from the end of the output."""
INDEX_FROM_CHARS = 200_000
"""Outputs longer than this are pre-filtered through the literal index (building it costs more
than checking each literal with `in` on the short outputs the host usually sends)."""
PATTERN_SECONDS = 0.25
"""Wall-clock limit for one project pattern on one output."""
UNTRUSTED_SECONDS = 1.0
"""Wall-clock limit for all project patterns together on one output."""
_PLACEHOLDER = lazy(r"\{\{|\}\}|\{(\w+)\}")


@dataclass
class Pattern:
    """One known error: a regex over the output and what it means."""

    id: str
    error_regex: str
    category: str
    severity: Severity
    tool: str = "any"
    message: str = ""
    description: str = ""
    playbook: str | None = None
    auto_fix: dict[str, Any] | None = None
    source: str = "builtin"
    raw: dict[str, Any] = field(default_factory=dict)
    facts: RegexFacts = field(default_factory=lambda: RegexFacts("", False, False, None))
    trusted: bool = False
    """Shipped with the package exactly as written: no time limit, may scan the whole output."""
    _compiled: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled regex (compiled on first use: most patterns never get that far)."""
        if self._compiled is None:
            self._compiled = re.compile(self.error_regex, re.MULTILINE)
        return self._compiled

    def message_for(self, match: re.Match[str]) -> str:
        """The pattern's message with `{group}` placeholders filled from the match."""
        if not self.message:
            return match.group(0).strip()
        groups = {k: v for k, v in match.groupdict().items() if v is not None}

        def fill(placeholder: re.Match[str]) -> str:
            name = placeholder.group(1)
            if name is None:
                return placeholder.group(0)[0]
            return groups.get(name, "?")

        return _PLACEHOLDER.sub(fill, self.message)


@dataclass
class PatternLibrary:
    """Built-in patterns plus the project's; `skipped` names the entries that could not be used.

    `notices` collects what matching had to give up on (a pattern over its time limit).
    """

    patterns: list[Pattern]
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    _spent: float = 0.0
    _index: tuple[frozenset[str], LiteralIndex] | None = field(default=None, repr=False)

    def by_id(self, pattern_id: str | None) -> Pattern | None:
        return next((p for p in self.patterns if p.id == pattern_id), None)

    def matches(self, text: str) -> Iterator[tuple[Pattern, re.Match[str]]]:
        """Every (pattern, match) in the text, a bounded number per pattern, in text order."""
        scan = _Scan(text, self._literal_index() if len(text) > INDEX_FROM_CHARS else None)
        for pattern in list(self.patterns):
            if not scan.may_match(pattern.facts):
                continue
            found = self._run(pattern, scan)
            yield from ((pattern, match) for match in sorted(found, key=lambda m: m.start()))

    def _literal_index(self) -> LiteralIndex:
        """The pre-filter of this library's case-sensitive literals (rebuilt if the set changed)."""
        literals = frozenset(p.facts.literal for p in self.patterns if not p.facts.ignore_case)
        if self._index is None or self._index[0] != literals:
            self._index = (literals, literal_index(literals - {""}))
        return self._index[1]

    def _run(self, pattern: Pattern, scan: _Scan) -> list[re.Match[str]]:
        if pattern.trusted:
            return _matches_of(pattern, scan)
        limit = min(PATTERN_SECONDS, UNTRUSTED_SECONDS - self._spent)
        started = _clock()
        try:
            with time_limit(limit):
                return _matches_of(pattern, scan)
        except Overtime:
            self.patterns.remove(pattern)
            self.notices.append(
                f"pattern {pattern.id!r} skipped: matching took over {limit:.2g}s on this output "
                "(catastrophic backtracking?)"
            )
            return []
        finally:
            self._spent += _clock() - started


def _clock() -> float:
    import time

    return time.monotonic()


class _Scan:
    """One output being matched: which literals it holds, found once for the whole library."""

    def __init__(self, text: str, index: LiteralIndex | None) -> None:
        self.text = text
        self._index = index
        self._lower: str | None = None
        self._present: set[str] | None = None
        self._present_lower: dict[str, bool] = {}

    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def may_match(self, facts: RegexFacts) -> bool:
        """False only when the output cannot hold a match (its required literal is absent)."""
        if not facts.literal:
            return True
        if facts.ignore_case:
            if facts.literal not in self._present_lower:
                self._present_lower[facts.literal] = facts.literal in self.lower()
            return self._present_lower[facts.literal]
        if self._index is None:
            return facts.literal in self.text
        if self._present is None:
            self._present = self._index.present(self.text)
        return facts.literal in self._present

    def haystack(self, facts: RegexFacts) -> str | None:
        """Text to find the literal's positions in; None when lower-casing moved the positions."""
        if not facts.ignore_case:
            return self.text
        lowered = self.lower()
        return lowered if len(lowered) == len(self.text) else None


def _matches_of(pattern: Pattern, scan: _Scan) -> list[re.Match[str]]:
    """The pattern's matches, on input bounded the way its facts allow."""
    facts = pattern.facts
    haystack = scan.haystack(facts) if facts.literal else None
    spans: Iterable[tuple[int, int]]
    if haystack is not None and facts.single_line:
        spans = _literal_spans(scan.text, haystack, facts.literal, _line_around)
    elif haystack is not None and not pattern.trusted:
        spans = _literal_spans(scan.text, haystack, facts.literal, _window_around)
    elif not pattern.trusted:
        spans = [(_line_start(scan.text, len(scan.text) - TAIL_CHARS), len(scan.text))]
    else:
        cut = _line_start(scan.text, len(scan.text) - TAIL_CHARS)
        spans = [(cut, len(scan.text)), (0, cut)]  # the tail first: errors sit near the end
    found: list[re.Match[str]] = []
    for start, end in spans:
        if start >= end:
            continue
        for match in pattern.regex.finditer(scan.text, start, end):
            found.append(match)
            if len(found) >= MAX_MATCHES_PER_PATTERN:
                return found
    return found


def _literal_spans(
    text: str, haystack: str, literal: str, around: Callable[[str, int, int], tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """Spans of text around the literal's occurrences, from the end, none overlapping."""
    end = len(haystack)
    for _ in range(MAX_OCCURRENCES):
        position = haystack.rfind(literal, 0, end)
        if position < 0:
            return
        start, stop = around(text, position, len(literal))
        yield start, min(stop, end)
        end = start


def _line_around(text: str, position: int, length: int) -> tuple[int, int]:
    """The line holding text[position:position+length], at most MAX_LINE_CHARS of it."""
    start = text.rfind("\n", 0, position) + 1
    stop = text.find("\n", position + length)
    stop = len(text) if stop < 0 else stop
    if stop - start > MAX_LINE_CHARS:
        half = (MAX_LINE_CHARS - length) // 2
        start, stop = max(start, position - half), min(stop, position + length + half)
    return start, stop


def _window_around(text: str, position: int, length: int) -> tuple[int, int]:
    """Whole lines within WINDOW_CHARS each side of text[position:position+length]."""
    start = _line_start(text, position - WINDOW_CHARS)
    stop = text.find("\n", position + length + WINDOW_CHARS)
    return start, len(text) if stop < 0 else stop


def _line_start(text: str, position: int) -> int:
    if position <= 0:
        return 0
    return text.rfind("\n", 0, position) + 1


def builtin_entries() -> tuple[dict[str, Any], ...]:
    """Every pattern entry shipped in `healing_hooks/data/patterns/*.json`, in file order."""
    return _builtins(_cache_folder())[0]


@cache
def _builtins(folder: str | None) -> tuple[tuple[dict[str, Any], ...], dict[str, RegexFacts]]:
    return load_builtins(folder)


def _cache_folder() -> str | None:
    path = cache_path(os.environ)
    return os.path.dirname(path) if path else None


def seed_entries() -> list[dict[str, Any]]:
    """The entries a new project's error-patterns.json starts with."""
    data = json.loads(read_data("patterns/seed.json"))
    return [{"source": "builtin", **p, "occurrences": 0, "last_seen": None} for p in data["patterns"]]


def build_library(project_entries: Iterable[dict[str, Any]] = ()) -> PatternLibrary:
    """Merge: a project entry with a built-in's id refines it, unless it only carries stats."""
    shipped_entries, shipped_facts = _builtins(_cache_folder())
    merged: dict[str, dict[str, Any]] = {e["id"]: dict(e) for e in shipped_entries}
    for entry in project_entries:
        pattern_id = entry.get("id")
        if not isinstance(pattern_id, str):
            continue
        if entry.get("source") == "builtin" and pattern_id in merged:
            continue  # a stats record of a built-in: the shipped definition stays current
        merged[pattern_id] = {**merged.get(pattern_id, {}), **entry}
    shipped = {e["id"]: e.get("error_regex") for e in shipped_entries}
    facts = fact_cache()
    facts.facts.update(shipped_facts)  # the snapshot's: the facts file is read only for others
    library = PatternLibrary([])
    for entry in merged.values():
        regex = entry.get("error_regex")
        trusted = regex is not None and shipped.get(entry["id"]) == regex
        pattern = compile_entry(entry, trusted=trusted, facts=facts)
        if isinstance(pattern, str):
            library.skipped.append(pattern)
            continue
        library.patterns.append(pattern)
        fix_problem = _fix_problem(entry)
        if fix_problem:
            library.skipped.append(f"pattern {pattern.id!r}: auto_fix ignored ({fix_problem})")
    facts.save()
    return library


_FACTS = FactCache(None)


def fact_cache() -> FactCache:
    """The process's regex facts, backed by the cache file of the current environment."""
    global _FACTS  # one cache per process, re-pointed when HOME changes (tests do that)
    path = cache_path(os.environ)
    if _FACTS.path != path:
        known = _FACTS.facts
        _FACTS = FactCache(path)
        _FACTS.facts.update(known)
    return _FACTS


def compile_entry(
    entry: dict[str, Any], *, trusted: bool = False, facts: FactCache | None = None
) -> Pattern | str:
    """A Pattern, or a message saying why the entry was skipped.

    The regex is examined, not compiled: compiling waits until an output holds its literal. An
    untrusted regex with a construct that can backtrack exponentially is refused here.
    """
    pattern_id = str(entry.get("id"))
    source = entry.get("error_regex")
    if not isinstance(source, str) or not source:
        return f"pattern {pattern_id!r} skipped: no error_regex string"
    try:
        found = (facts or FactCache(None)).examine(source)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"pattern {pattern_id!r} skipped: bad error_regex ({exc})"
    if found.problem and not trusted:
        return f"pattern {pattern_id!r} skipped: unsafe error_regex: {found.problem}"
    severity = entry.get("severity", "medium")
    if severity not in SEVERITY_RANK:
        severity = "medium"
    return Pattern(
        id=pattern_id,
        error_regex=source,
        category=str(entry.get("category") or "unknown"),
        severity=severity,
        tool=str(entry.get("tool") or "any"),
        message=str(entry.get("message") or ""),
        description=str(entry.get("description") or ""),
        playbook=entry.get("playbook") if isinstance(entry.get("playbook"), str) else None,
        auto_fix=None if _fix_problem(entry) else entry.get("auto_fix"),
        source=str(entry.get("source") or "user"),
        raw=entry,
        facts=found,
        trusted=trusted,
    )


def _fix_problem(entry: dict[str, Any]) -> str | None:
    """Why an entry's auto_fix cannot be used, or None when it can (or there is none)."""
    fix = entry.get("auto_fix")
    if fix is None:
        return None
    if not isinstance(fix, dict):
        return "not an object"
    target = fix.get("file")
    if target is None:
        return None
    if not isinstance(target, str) or not target.strip():
        return "its file is not a path"
    if names_outside_project(target):
        return f"its file {target!r} is outside the project"
    return None


def names_outside_project(path: str) -> bool:
    """A path that leaves the project on its face: absolute, home-relative, or climbing out with ..

    (Links are resolved when an edit is applied; this is the check for text read from a file.)
    """
    normal = path.replace("\\", "/")
    if normal.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", normal) or "\0" in normal:
        return True
    return posixpath.normpath(normal).split("/")[0] == ".."


def pattern_findings(library: PatternLibrary, text: str) -> list[Finding]:
    """One finding per pattern match, with the match's groups as details.

    The project's own patterns (user, learned) are a little more confident than built-ins, so
    where both match the same line the project's refinement wins the merge.
    """
    findings = []
    for pattern, match in library.matches(text):
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        findings.append(
            Finding(
                category=pattern.category,
                severity=pattern.severity,
                tool=pattern.tool,
                message=pattern.message_for(match),
                pattern_id=pattern.id,
                confidence=0.7 if pattern.source == "builtin" else 0.75,
                playbook=pattern.playbook,
                details={**groups, "evidence": match.group(0).strip()[:500], "offset": match.start()},
            )
        )
    return findings
