"""A pattern file's regex, read before it runs.

Pattern files come from the repository, so their regexes are untrusted input to a program that runs
after every command. This module reads a regex's parse tree (the standard library's own parser)
and reports three facts the matching engine needs:

- the literal text every match must contain, so the engine can skip a regex with one `in` check;
- whether a match can span lines, so the engine can run the regex line by line on bounded input;
- the constructs that make Python's backtracking engine take exponential time (a quantifier inside
  a quantified group, alternatives that match the same text inside a repeat, a backreference inside
  a repeat), so an unsafe regex is refused at load with a reason instead of hanging the hook.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

from healing_hooks.records import dataclass

# The parser is private API, stable in practice (`sre_parse` before 3.11, `re._parser` since).
try:
    _sre: Any = importlib.import_module("re._parser")
except ImportError:  # Python 3.10
    _sre = importlib.import_module("sre_parse")

FACTS_VERSION = 1
"""Bumped whenever what `examine` concludes changes: cached facts of another version are not read."""
MIN_LITERAL = 3
"""A shorter required literal is not worth a pre-check."""
MAX_REPEAT_COUNT = 1_000
"""Explicit repeat counts above this are refused (`a{100000}` makes a huge program)."""
OPEN_REPEAT = 10
"""A repeat allowing more than this many iterations counts as open-ended."""
_LATIN1 = range(256)
_CASE_SAFE = frozenset(chr(c) for c in range(128)) - set("iksIKS")
"""Characters whose lower-case form finds every case-insensitive match (a few non-ASCII letters
- dotless i, dotted capital I, long s, the Kelvin sign - fold to i, s and k, so a literal holding
those letters is cut there)."""


@dataclass(frozen=True)
class RegexFacts:
    """What the matching engine needs to know about one regex."""

    literal: str
    """Text every match contains (lower-cased when `ignore_case`); empty when none is known."""
    ignore_case: bool
    single_line: bool
    """No match can contain a newline (nor depends on string anchors): safe to run per line."""
    problem: str | None
    """Why running this regex on untrusted text could take exponential time, or None."""


def examine(source: str, flags: int = re.MULTILINE) -> RegexFacts:
    """The facts of `source`; raises re.error when it does not parse."""
    tree = _sre.parse(source, flags)
    all_flags = tree.state.flags | _local_flags(tree)
    ignore_case = bool(all_flags & re.IGNORECASE)
    dotall = bool(tree.state.flags & re.DOTALL)
    return RegexFacts(
        literal=_best_literal(tree, ignore_case),
        ignore_case=ignore_case,
        single_line=not _can_span_lines(tree, dotall),
        problem=_problem(tree),
    )


# -- the walk ----------------------------------------------------------------------------------


def _children(op: Any, av: Any) -> Iterator[Any]:
    """The sub-sequences directly below one node."""
    name = str(op)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        yield av[2]
    elif name == "SUBPATTERN":
        yield av[3]
    elif name == "BRANCH":
        yield from av[1]
    elif name in ("ASSERT", "ASSERT_NOT"):
        yield av[1]
    elif name == "ATOMIC_GROUP":
        yield av
    elif name == "GROUPREF_EXISTS":
        yield av[1]
        if av[2] is not None:
            yield av[2]


def _nodes(tree: Sequence[Any]) -> Iterator[tuple[Any, Any]]:
    """Every node of the tree, depth first."""
    for op, av in tree:
        yield op, av
        for child in _children(op, av):
            yield from _nodes(child)


def _local_flags(tree: Sequence[Any]) -> int:
    flags = 0
    for op, av in _nodes(tree):
        if str(op) == "SUBPATTERN":
            flags |= av[1]
    return int(flags)


# -- exponential constructs ----------------------------------------------------------------------


def _problem(tree: Sequence[Any]) -> str | None:
    """The first construct that can backtrack exponentially, described for the user."""
    for op, av in _nodes(tree):
        name = str(op)
        if name not in ("MAX_REPEAT", "MIN_REPEAT"):
            continue
        _low, high, body = av
        if high != _sre.MAXREPEAT and high > MAX_REPEAT_COUNT:
            return f"repeat count {high} is over {MAX_REPEAT_COUNT}"
        if high != _sre.MAXREPEAT and high <= OPEN_REPEAT:
            continue
        if _has_variable_repeat(body):
            return (
                "nested quantifier (a quantified group that itself contains a quantifier, "
                "like (a+)+) can take exponential time; make the inner part possessive (a++) "
                "or atomic ((?>...)), or rewrite it"
            )
        if _has_ambiguous_branch(body):
            return (
                "alternatives that can match the same text inside a repeat (like (a|a)* or "
                "(a|ab)*) can take exponential time"
            )
        if any(str(o) in ("GROUPREF", "GROUPREF_EXISTS") for o, _ in _nodes(body)):
            return "a backreference inside a repeat can take exponential time"
    return None


def _has_variable_repeat(tree: Sequence[Any]) -> bool:
    """A backtracking repeat of variable count inside `tree` (atomic parts excluded)."""
    return _below(tree, lambda name, av: name in ("MAX_REPEAT", "MIN_REPEAT") and av[1] > av[0])


def _has_ambiguous_branch(tree: Sequence[Any]) -> bool:
    """A branch below `tree` with two alternatives that can start the same way."""
    return _below(tree, lambda name, av: name == "BRANCH" and _alternatives_overlap(av[1]))


def _below(tree: Sequence[Any], test: Callable[[str, Any], bool]) -> bool:
    """Whether `test(op name, argument)` holds for a node of `tree`, not looking into the parts
    that cannot be backtracked into (possessive repeats, atomic groups)."""
    for op, av in tree:
        name = str(op)
        if name in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
            continue
        if test(name, av) or any(_below(child, test) for child in _children(op, av)):
            return True
    return False


def _alternatives_overlap(alternatives: Sequence[Any]) -> bool:
    for i, first in enumerate(alternatives):
        for second in alternatives[i + 1 :]:
            if _prefixes_differ(_literal_prefix(first), _literal_prefix(second)):
                continue
            if _nullable(first) or _nullable(second):
                return True
            if _overlap(_first_chars(first), _first_chars(second)):
                return True
    return False


def _literal_prefix(tree: Sequence[Any]) -> str:
    chars = []
    for op, av in tree:
        if str(op) != "LITERAL":
            break
        chars.append(chr(av))
    return "".join(chars)


def _prefixes_differ(first: str, second: str) -> bool:
    """Two literal prefixes that part ways: the alternatives cannot match the same text."""
    return any(a != b for a, b in zip(first, second, strict=False))


CharSet = tuple[frozenset[int], bool]
"""Latin-1 code points a position can hold, and whether it can hold anything beyond them."""
_ANYTHING: CharSet = (frozenset(_LATIN1), True)


def _overlap(first: CharSet, second: CharSet) -> bool:
    return bool(first[0] & second[0]) or (first[1] and second[1])


def _first_chars(tree: Sequence[Any]) -> CharSet:
    """The characters a non-empty match of `tree` can start with."""
    chars: set[int] = set()
    beyond = False
    for op, av in tree:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width
        if name == "BRANCH":
            parts = [_first_chars(alternative) for alternative in av[1]]
        elif name in ("SUBPATTERN", "ATOMIC_GROUP") or name.endswith("REPEAT"):
            parts = [_first_chars(next(_children(op, av)))]
        else:
            parts = [_char_set(name, av)]
        for part in parts:
            chars |= part[0]
            beyond = beyond or part[1]
        if not _nullable([(op, av)]):
            break
    return frozenset(chars), beyond


def _nullable(tree: Sequence[Any]) -> bool:
    """`tree` can match the empty string."""
    for op, av in tree:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        if name.endswith("REPEAT"):
            if av[0] == 0 or _nullable(av[2]):
                continue
            return False
        if name in ("SUBPATTERN", "ATOMIC_GROUP"):
            if _nullable(next(_children(op, av))):
                continue
            return False
        if name == "BRANCH":
            if any(_nullable(alt) for alt in av[1]):
                continue
            return False
        if name == "GROUPREF":
            continue
        return False
    return True


def _class_holds(items: Sequence[Any], code: int) -> bool:
    """Whether a character class matches the character `code` (without building its set)."""
    held = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            return not _class_holds(items[1:], code)
        if name == "LITERAL":
            held = held or av == code
        elif name == "RANGE":
            held = held or av[0] <= code <= av[1]
        elif name == "CATEGORY":
            held = held or code in _category(str(av))
        else:
            return True
    return held


def _char_set(name: str, av: Any) -> CharSet:
    """The characters one single-character node can match."""
    if name == "LITERAL":
        return _literal_set(av)
    if name == "IN":
        return _class_set(av)
    return _ANYTHING  # ANY, NOT_LITERAL, GROUPREF, anything unusual


def _literal_set(code: int) -> CharSet:
    char = chr(code)
    codes = {code, *(ord(c) for c in (char.lower(), char.upper()) if len(c) == 1)}
    return frozenset(c for c in codes if c < 256), any(c >= 256 for c in codes)


def _class_set(items: Sequence[Any]) -> CharSet:
    chars: set[int] = set()
    beyond = False
    negate = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            found = _literal_set(av)
            chars |= found[0]
            beyond = beyond or found[1]
        elif name == "RANGE":
            chars |= {c for c in range(av[0], av[1] + 1) if c < 256}
            beyond = beyond or av[1] >= 256
        elif name == "CATEGORY":
            chars |= _category(str(av))
            beyond = True
        else:
            return _ANYTHING
    if negate:
        return frozenset(_LATIN1) - chars, True
    return frozenset(chars), beyond


@cache
def _category(name: str) -> frozenset[int]:
    test: dict[str, Callable[[str], bool]] = {
        "DIGIT": str.isdecimal,
        "SPACE": str.isspace,
        "WORD": lambda c: c.isalnum() or c == "_",
        "LINEBREAK": lambda c: c == "\n",
    }
    for key, member in test.items():
        if name.endswith(f"_{key}"):
            found = frozenset(c for c in _LATIN1 if member(chr(c)))
            return frozenset(_LATIN1) - found if "_NOT_" in name else found
    return frozenset(_LATIN1)


# -- the literal every match contains ---------------------------------------------------------


def _tokens(tree: Sequence[Any]) -> Iterator[str | None]:
    """The characters of `tree` in order; None where the text between them can vary."""
    for op, av in tree:
        name = str(op)
        if name == "LITERAL":
            yield chr(av)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width: the text around it stays contiguous
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            yield from _tokens(next(_children(op, av)))
        elif name.endswith("REPEAT") and av[0] >= 1:
            yield None
            yield from _tokens(av[2])  # the first iteration is required
            yield None
        else:
            yield None


def _best_literal(tree: Sequence[Any], ignore_case: bool) -> str:
    runs: list[str] = []
    current: list[str] = []
    for token in _tokens(tree):
        usable = token is not None and (not ignore_case or token in _CASE_SAFE)
        if usable and token is not None:
            current.append(token)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    best = max(runs, key=len, default="")
    if len(best) < MIN_LITERAL:
        return ""
    return best.lower() if ignore_case else best


# -- line safety ----------------------------------------------------------------------------


def _can_span_lines(tree: Sequence[Any], dotall: bool) -> bool:
    """A match could hold a newline, or its meaning depends on being run on the whole text."""
    for op, av in tree:
        name = str(op)
        if name == "SUBPATTERN":
            add, remove = av[1], av[2]
            inner_dotall = (dotall or bool(add & re.DOTALL)) and not remove & re.DOTALL
            if _can_span_lines(av[3], inner_dotall):
                return True
            continue
        if name == "AT" and str(av) in ("AT_BEGINNING_STRING", "AT_END_STRING"):
            return True
        if name in ("GROUPREF", "GROUPREF_EXISTS") or (name == "ANY" and dotall):
            return True
        if name == "NOT_LITERAL" and av != 10:
            return True
        if name == "LITERAL" and av == 10:
            return True
        if name == "IN" and _class_holds(av, 10):
            return True
        if any(_can_span_lines(child, dotall) for child in _children(op, av)):
            return True
    return False
