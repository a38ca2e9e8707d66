"""Error lines → templates: what varies (paths, numbers, ids, quoted names) is masked.

Two outputs that say the same thing about different files, numbers or identifiers give the same
template, so they can be counted together and, once recurring, become one pattern. A template is
a sequence of literal text and typed slots; `to_regex` turns it into an anchored regex whose slots
are bounded character classes that never overlap the text that follows them (linear-time matching,
no nested quantifiers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from healing_hooks.digest import short_sha1
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass

MAX_LINE_CHARS = 500
"""Longer lines are not learned: they are data dumps more often than error messages."""
MAX_TEMPLATES_PER_OUTPUT = 3
SCAN_LAST_LINES = 400
MIN_LITERAL_WORDS = 2
"""A template needs this many literal words of three letters or more, or it would match anything."""

Part = tuple[str, str]
"""(kind, text): kind "" is literal text; otherwise a slot kind with the value it masked."""

# One scanner, alternatives tried in order at each position; each named group is a slot kind.
_MASK = lazy(
    r"""(?P<quoted>(?<![\w\\])(?P<q>['"`])(?P<inner>[^'"`\n]{1,200})(?P=q)(?!\w))"""
    r"|(?P<url>\b[a-z][a-z0-9+.-]{1,20}://[^\s'\"`<>]{1,300})"
    r"|(?P<winpath>\b[A-Za-z]:[\\/][^\s'\"`<>|:*?]{0,300})"
    r"|(?P<path>(?<![\w.@+-])(?:~|\.{1,2})?(?:/[\w.@+-]+)+/?|(?<![\w/.@+-])[\w.@+-]+(?:/[\w.@+-]+)+/?)"
    r"|(?P<file>(?<![\w.-])[\w-]+\.(?:py|pyi|rs|js|mjs|cjs|ts|tsx|jsx|go|rb|java|kt|c|h|cc|cpp|hpp"
    r"|json|toml|yaml|yml|ini|cfg|txt|md|lock|db|sql|csv|sh|log)\b)"
    r"|(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"
    r"|(?P<addr>\b0x[0-9a-fA-F]{1,16}\b)"
    r"|(?P<hex>\b(?=[0-9a-fA-F]{0,63}[a-fA-F])(?=[0-9a-fA-F]{0,63}\d)[0-9a-fA-F]{7,64}\b)"
    r"|(?P<dur>(?<![\w.])\d{1,10}(?:\.\d{1,6})?[ ]?(?:ms|us|µs|ns|s|sec|secs|seconds?|min|mins|minutes?|h)\b)"
    r"|(?P<num>(?<![\w.])\d{1,20}(?:[.,]\d{1,20}){0,4}(?!\w))"
)
_SLOT_OF = {
    "url": "path",
    "winpath": "path",
    "path": "path",
    "file": "path",
    "uuid": "hex",
    "addr": "hex",
    "hex": "hex",
    "dur": "dur",
    "num": "num",
}

ERROR_LINE = lazy(
    r"^(?:E[ \t]+)?[ \t]*(?:"
    r"(?:[A-Za-z_][\w]*\.){0,8}[A-Z]\w{0,80}(?:Error|Exception|Failure|Fault|Exit)(?::|$)"
    r"|(?:error|fatal|panic|Error|Fatal|ERROR|FATAL)(?:\[[\w-]{1,20}\])?:"
    r"|npm ERR!"
    r"|[^\s:]{1,300}:\d{1,9}(?::\d{1,9})?:[ \t]*(?:error|fatal)\b"
    r")"
)
"""Lines shaped like an error message: exceptions, `error:`/`fatal:`, `file:12: error`, npm."""
ERROR_WORD = lazy(
    r"\b(?:error|failed|failure|fatal|cannot|can't|could not|unable to|invalid|denied|not found"
    r"|refused|panicked|aborted|exception)\b",
    re.IGNORECASE,
)
"""An unindented tool message with one of these words counts as an error line too."""
NOT_AN_ERROR_LINE = lazy(
    r"^(?:Traceback \(most recent call last\)|During handling of|The above exception"
    r"|(?:FAILED|ERROR|PASSED|XFAIL|XPASS) \S+::|[=_*#-]{3,}|\s*File \")"
)
_PYTEST_PREFIX = lazy(r"^E[ \t]+")
_WORD = lazy(r"[A-Za-z]{3,}")


@dataclass(frozen=True)
class Template:
    """An error line with its varying parts masked."""

    parts: tuple[Part, ...]
    line: str
    """The line it was made from (pytest's `E` prefix and indentation removed)."""

    @property
    def text(self) -> str:
        """The template as people read it: literal text with `<path>`, `<num>`, … slots."""
        return "".join(text if not kind else f"<{kind}>" for kind, text in self.parts)

    @property
    def key(self) -> str:
        """A short stable id of the template."""
        return "t-" + short_sha1(self.text, 12)

    @property
    def literal_words(self) -> int:
        return sum(len(_WORD.findall(text)) for kind, text in self.parts if not kind)

    @property
    def learnable(self) -> bool:
        """Specific enough to become a pattern: enough literal words that are not masked."""
        return self.literal_words >= MIN_LITERAL_WORDS

    def regex(self) -> str:
        """The anchored, linear-time regex that matches this template's variants."""
        return to_regex(self.parts)


def make_template(line: str) -> Template:
    """Mask what varies in one error line."""
    body = _PYTEST_PREFIX.sub("", line.strip(), count=1).strip()
    parts: list[Part] = []
    position = 0
    for match in _MASK.finditer(body):
        _add(parts, "", body[position : match.start()])
        if match.group("quoted"):
            quote = match.group("q")
            _add(parts, "", quote)
            _add(parts, "str", match.group("inner"))
            _add(parts, "", quote)
        else:
            kind = _SLOT_OF[match.lastgroup or "num"]
            _add(parts, kind, match.group(0))
        position = match.end()
    _add(parts, "", body[position:])
    return Template(tuple(parts), body)


def _add(parts: list[Part], kind: str, text: str) -> None:
    """Append a part, joining literal runs and merging slots that touch (one broad slot)."""
    if not text:
        return
    if parts and parts[-1][0] == kind == "":
        parts[-1] = ("", parts[-1][1] + text)
    elif parts and kind and parts[-1][0] and parts[-1][0] != "str" and kind != "str":
        parts[-1] = ("path", parts[-1][1] + text)
    else:
        parts.append((kind, text))


# -- regex generation --

_SLOT_EXCLUDED = {"str": "\n", "path": " \t\n'\"`"}
"""Negated classes: everything but these (and the character that follows the slot)."""
_SLOT_MEMBERS = {"num": ("0-9", ".", ","), "hex": ("0-9", "A-F", "a-f", "x", "-"), "unit": ("a-z", "µ")}
"""Positive classes, as ranges and single characters."""
_SLOT_BOUNDS = {"str": (0, 200), "path": (1, 300), "num": (0, 30), "hex": (4, 64), "unit": (1, 7)}
_CLASS_SPECIAL = {"\\", "]", "[", "^", "-"}


def to_regex(parts: Iterable[Part]) -> str:
    """Anchored at both ends of a line; literal text escaped; each slot a bounded class.

    A slot's class leaves out the first character of the literal that follows it, so a slot can
    end at one place only: the match is linear in the line's length whatever the input.
    """
    items = list(parts)
    pieces = [r"^(?:E[ \t]{1,10})?[ \t]{0,40}"]
    for index, (kind, text) in enumerate(items):
        following = items[index + 1][1][:1] if index + 1 < len(items) else ""
        pieces.append(_literal_regex(text) if not kind else _slot_regex(kind, following))
    pieces.append(r"[ \t]{0,40}$")
    return "".join(pieces)


def _literal_regex(text: str) -> str:
    """Escaped text; a run of blanks matches any run of blanks (alignment varies)."""
    return r"[ \t]{1,40}".join(re.escape(chunk) for chunk in re.split(r"[ \t]+", text))


def _slot_regex(kind: str, following: str) -> str:
    if kind == "dur":
        return "[0-9][0-9.]{0,15}[ ]?" + _bounded("unit", _positive_class("unit", following))
    if kind == "num":
        return "[0-9]" + _bounded(kind, _positive_class(kind, following))
    if kind == "hex":
        return _bounded(kind, _positive_class(kind, following))
    excluded = _SLOT_EXCLUDED[kind] + (following if following not in " \t" else "")
    drive = "(?:[A-Za-z]:)?" if kind == "path" else ""
    return drive + _bounded(kind, f"[^{_class_escape(excluded)}]")


def _bounded(kind: str, cls: str) -> str:
    low, high = _SLOT_BOUNDS[kind]
    return f"{cls}{{{low},{high}}}"


def _positive_class(kind: str, following: str) -> str:
    """The slot's members without the following character (a range holding it is split)."""
    members: list[str] = []
    for item in _SLOT_MEMBERS[kind]:
        if len(item) == 3 and following and item[0] <= following <= item[2]:
            members.extend(_split_range(item, following))
        elif item != following:
            members.append(item if len(item) == 3 else _class_escape(item))
    return "[" + "".join(members) + "]"


def _split_range(item: str, following: str) -> list[str]:
    low, high = item[0], item[2]
    below, above = chr(ord(following) - 1), chr(ord(following) + 1)
    parts = []
    if low <= below:
        parts.append(low if low == below else f"{low}-{below}")
    if above <= high:
        parts.append(high if above == high else f"{above}-{high}")
    return parts


def _class_escape(chars: str) -> str:
    out = []
    for char in chars:
        if char == "\n":
            out.append(r"\n")
        elif char == "\t":
            out.append(r"\t")
        elif char in _CLASS_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


# -- finding the error lines of an output --


def error_lines(text: str) -> list[str]:
    """The lines of an output that state an error, newest last, at most a few distinct ones."""
    lines = text.splitlines()[-SCAN_LAST_LINES:]
    chosen: list[str] = []
    keys: set[str] = set()
    for line in reversed(lines):
        if len(chosen) >= MAX_TEMPLATES_PER_OUTPUT:
            break
        if not is_error_line(line):
            continue
        key = make_template(line).key
        if key not in keys:
            keys.add(key)
            chosen.append(line)
    return list(reversed(chosen))


def is_error_line(line: str) -> bool:
    """An error message line, not a traceback frame, separator or summary row."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_LINE_CHARS or NOT_AN_ERROR_LINE.match(stripped):
        return False
    if ERROR_LINE.match(line):
        return True
    return not line[:1].isspace() and ERROR_WORD.search(line) is not None
