"""What every fixer needs from a finding: its evidence line, the project file and line it points at,
the source text there, and a safe way to phrase an edit of one line."""

from __future__ import annotations

import ast
import os
import re

from healing_hooks.detect.python import frames_before
from healing_hooks.detect.text import clean_output, line_at
from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass

PYTEST_FRAME = lazy(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+): in (?P<func>\S+)", re.M)
PYTHON_LOCATION = lazy(r"^(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+):", re.M)


@dataclass(frozen=True)
class Site:
    """A line of a project file: absolute real path, project-relative path, 1-based line number."""

    path: str
    rel: str
    line: int

    def text(self) -> str | None:
        """The line's text without its line ending, or None when the file has no such line."""
        lines = read_lines(self.path)
        return lines[self.line - 1].rstrip("\r\n") if 0 < self.line <= len(lines) else None


def evidence(finding: Finding, obs: Observation) -> str:
    """The output line the finding stands on (details' evidence, else the line at its offset)."""
    text = finding.details.get("evidence")
    if isinstance(text, str) and text:
        return text
    offset = finding.details.get("offset")
    if isinstance(offset, int):
        return line_at(clean_output(obs.output), offset)
    return finding.message


def full_line(finding: Finding, obs: Observation) -> str:
    """The whole output line at the finding's offset (the evidence may be only part of it)."""
    offset = finding.details.get("offset")
    if isinstance(offset, int):
        return line_at(clean_output(obs.output), offset)
    return evidence(finding, obs)


def detail(finding: Finding, key: str, pattern: str, obs: Observation, group: int = 1) -> str | None:
    """A fact from `details[key]`, else a group of `pattern` searched in the evidence line."""
    value = finding.details.get(key)
    if isinstance(value, str) and value:
        return value
    match = re.search(pattern, evidence(finding, obs))
    return match.group(group) if match else None


def project_file(obs: Observation, file: str) -> str | None:
    """The real path of `file` (relative to the project root or the cwd, or absolute) inside the root."""
    root = os.path.realpath(obs.project_root)
    for base in (root, obs.cwd or root):
        candidate = os.path.realpath(os.path.join(base, file))
        if os.path.isfile(candidate) and os.path.commonpath([root, candidate]) == root:
            return candidate
    return None


def relative(obs: Observation, path: str) -> str:
    """`path` relative to the project root, posix style."""
    return os.path.relpath(path, os.path.realpath(obs.project_root)).replace(os.sep, "/")


def sites(finding: Finding, obs: Observation) -> list[Site]:
    """Project lines the finding points at, innermost first: its location, then traceback frames."""
    candidates: list[tuple[str, int]] = []
    if finding.location is not None and finding.location.line:
        candidates.append((finding.location.file, finding.location.line))
    frames = finding.details.get("frames")
    if isinstance(frames, list):
        candidates += [
            (str(f.get("file")), int(f.get("line") or 0)) for f in reversed(frames) if isinstance(f, dict)
        ]
    candidates += _frames_in_output(finding, obs)
    found: list[Site] = []
    for file, line in candidates:
        path = project_file(obs, file) if file and line else None
        site = Site(path, relative(obs, path), line) if path else None
        if site is not None and site not in found:
            found.append(site)
    return found


def _frames_in_output(finding: Finding, obs: Observation) -> list[tuple[str, int]]:
    """Frames of the traceback just before the evidence (Python's and pytest's formats), innermost first."""
    text = clean_output(obs.output)
    offset = finding.details.get("offset")
    end = offset if isinstance(offset, int) else len(text)
    python = [(f.file, f.line) for f in reversed(frames_before(text, end))]
    window = text[max(0, end - 6000) : end + 300]
    pytest = [(m["file"], int(m["line"])) for m in PYTEST_FRAME.finditer(window)]
    warning = [(m["file"], int(m["line"])) for m in PYTHON_LOCATION.finditer(window)]
    return python + list(reversed(pytest)) + list(reversed(warning))


def read_lines(path: str) -> list[str]:
    """A source file's lines with their endings; empty when it cannot be read."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read().splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return []


def parse_file(path: str) -> tuple[str, ast.Module] | None:
    """A file's text and syntax tree, or None when it does not parse."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        return text, ast.parse(text, filename=path)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def segment(text: str, node: ast.AST) -> str | None:
    """The exact source text of a node (all its lines)."""
    return ast.get_source_segment(text, node)


def line_edit(site: Site, new_line: str, summary: str, confidence: float, source: str) -> Remedy | None:
    """Replace the whole line at `site` with `new_line`; None when that changes nothing."""
    old = site.text()
    if old is None or old == new_line or not old.strip():
        return None
    return Remedy(
        kind="edit",
        summary=summary,
        file=site.rel,
        search=old,
        replace=new_line,
        line=site.line,
        confidence=confidence,
        source=source,
    )


def text_edit(site: Site, search: str, replace: str, summary: str, confidence: float, source: str) -> Remedy:
    """Replace `search` (which starts on `site.line`) with `replace`."""
    return Remedy(
        kind="edit",
        summary=summary,
        file=site.rel,
        search=search,
        replace=replace,
        line=site.line,
        confidence=confidence,
        source=source,
    )


def insert_line(path: str, before: int, new_text: str) -> tuple[str, str, int] | None:
    """(search, replace, line) that inserts `new_text` as a new line before line `before` (1-based;
    one past the last line appends). The search is a whole existing line, anchored by its number."""
    lines = read_lines(path)
    if not lines or not 1 <= before <= len(lines) + 1:
        return None
    if before <= len(lines):
        old = lines[before - 1]
        return old, f"{new_text}\n{old}", before
    old = lines[-1]
    ending = "" if old.endswith("\n") else "\n"
    return old, f"{old}{ending}{new_text}\n", len(lines)
