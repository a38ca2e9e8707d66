"""The code a compiler proposes in its diagnostics, read from rustc's (and ruff's) snippets.

Four shapes: a corrected line underlined with `+`/`~` (or `-` under what goes), diff lines
`N - old` / `N + new`, changed lines `N ~ new`, and inline labels `help: ...: `code``.
"""

from __future__ import annotations

from typing import Any

from healing_hooks.detect.snippet_lines import MARKERS, SOURCE, SPAN, Run, marker_runs
from healing_hooks.lazyre import lazy
from healing_hooks.records import dataclass

INLINE_CODE = lazy(r":\s*`(?P<code>.*)`\s*$")


@dataclass
class Suggestion:
    """Code the tool proposes.

    kind: `replace_line` (code is the corrected line `line`), `replace_lines` (the lines from
    `line` on become `code`; `original` holds the old lines when the tool showed them),
    `insert_lines` (code is inserted as new line `line`), `delete_lines` (`original` goes away),
    `replace_span` (the `length` characters at line:column become `code`).
    """

    message: str
    file: str | None
    line: int
    column: int | None
    code: str
    kind: str
    original: str | None = None
    length: int | None = None
    end_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `details.suggestions` entry: only the fields that say something."""
        data = {
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "kind": self.kind,
            "original": self.original,
            "length": self.length,
            "end_line": self.end_line,
        }
        return {k: v for k, v in data.items() if v is not None}


def inline_suggestion(message: str, file: str | None, line: int, run: Run | None) -> Suggestion | None:
    """`help: prefix it with an underscore: `_x`` → replace the marked span with `_x`."""
    match = INLINE_CODE.search(message)
    if match:
        code, kind = match["code"], "replace_span"
    elif message.startswith("remove"):
        code, kind = "", "replace_span"
    else:
        return None
    return Suggestion(
        message=message[: match.start()].strip() if match else message,
        file=file,
        line=line,
        column=run.start + 1 if run else None,
        code=code,
        kind=kind,
        length=run.end - run.start if run else None,
    )


def help_suggestions(
    message: str, lines: list[str], file: str | None, shown: dict[tuple[str, int], str]
) -> list[Suggestion]:
    """The corrected code a `help:` child shows (`shown`: source lines the diagnostic printed)."""
    rows = [(SOURCE.match(line), line) for line in lines]
    has_span = any(SPAN.match(line) for line in lines)
    found: list[Suggestion] = []
    group: list[tuple[int | None, str, str]] = []
    previous: tuple[int, str] | None = None
    for source, _line in rows:
        if source is None:
            continue
        sep, text = source["sep"], source["text"] or ""
        number = int(source["num"]) if source["num"] else None
        if sep in "+-~" and (number is not None or sep == "-" or not _is_marker_text(text)):
            group.append((number, sep, text))
            continue
        if group:
            found.extend(_diff_suggestion(message, file, group, previous))
            group = []
        if number is not None:
            previous = (number, text)
            continue
        runs = marker_runs(text)
        if previous is not None and runs and not text[runs[-1].end :].strip():
            suggestion = _underlined(message, file, previous, runs, shown, has_span)
            if suggestion is not None:
                found.append(suggestion)
    if group:
        found.extend(_diff_suggestion(message, file, group, previous))
    if not found and not has_span:
        found.extend(_plain_lines(message, lines, file))
    return found


def _is_marker_text(text: str) -> bool:
    return bool(text.strip()) and set(text.strip()) <= MARKERS | {" "}


def _underlined(
    message: str,
    file: str | None,
    previous: tuple[int, str],
    runs: list[Run],
    shown: dict[tuple[str, int], str],
    has_span: bool,
) -> Suggestion | None:
    """A corrected line with `+++`/`~~~` under what changed (or `---` under what goes)."""
    chars = {run.char for run in runs}
    if "^" in chars or (has_span and chars == {"-"}):
        return None  # a span being pointed at, not a proposed change
    number, text = previous
    code = text
    if chars == {"-"}:
        kept = [c for i, c in enumerate(text) if not any(r.start <= i < r.end for r in runs)]
        code = "".join(kept)
    return Suggestion(
        message=message,
        file=file,
        line=number,
        column=runs[0].start + 1,
        code=code,
        kind="replace_line",
        original=shown.get((file, number)) if file else None,
    )


def _diff_suggestion(
    message: str,
    file: str | None,
    group: list[tuple[int | None, str, str]],
    previous: tuple[int, str] | None,
) -> list[Suggestion]:
    """`N - old` / `N + new` / `N ~ new` lines → one suggestion."""
    removed = [(n, t) for n, s, t in group if s == "-"]
    added = [(n, t) for n, s, t in group if s in "+~"]
    numbers = [n for n, _s, _t in group if n is not None]
    first = numbers[0] if numbers else (previous[0] + 1 if previous else 1)
    original = "\n".join(t for _n, t in removed) if removed else None
    code = "\n".join(t for _n, t in added)
    if any(s == "~" for _n, s, _t in group) or (removed and added):
        kind = "replace_lines"
    elif added:
        kind = "insert_lines"
    else:
        kind = "delete_lines"
    if kind == "replace_lines" and len(added) == 1 and len(removed) <= 1:
        kind = "replace_line"
    line = removed[0][0] if removed and removed[0][0] is not None else first
    return [Suggestion(message, file, line, None, code, kind, original=original)]


def _plain_lines(message: str, lines: list[str], file: str | None) -> list[Suggestion]:
    """Old rustc: a multi-line suggestion printed as plain numbered lines, no markers."""
    numbered = [m for m in (SOURCE.match(line) for line in lines) if m and m["num"]]
    if not numbered:
        return []
    code = "\n".join(m["text"] or "" for m in numbered)
    return [Suggestion(message, file, int(numbered[0]["num"]), None, code, "replace_lines")]
