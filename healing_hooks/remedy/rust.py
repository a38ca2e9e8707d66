"""rustc / cargo remedies: every code suggestion rustc printed becomes an edit of that line;
`cargo add <crate>` for a crate rustc says is missing (unless cargo compiled it: then the edition
or the package's own `[dependencies]` is the cause); guidance to the module path when an import
fails inside the crate; `cargo fix ... -p <crate>` for fixable warnings (the exact command cargo
printed, else one built from Cargo.toml's package name); otherwise guidance for the error code.
Guidance texts live in `data/rust-guidance.json`."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from healing_hooks.data import read_data
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass
from healing_hooks.remedy.source import Site, insert_line, project_file, read_lines, relative, text_edit

HEADER = lazy(r"^(?P<level>error|warning)(?:\[(?P<code>E\d{4})\])?: (?P<message>.+)$", re.M)
ARROW = lazy(r"^\s*(?:-->|:::) (?P<file>[^\s:][^:\n]*):(?P<line>\d+):(?P<column>\d+)", re.M)
HELP = lazy(r"^help: (?P<message>.+)$")
CODE_LINE = lazy(r"^\s*(?P<line>\d+)\s*(?P<mark>[|+\-~])(?: (?P<code>.*))?$")
MARKERS = lazy(r"^\s*\|\s*[-+~^ ]*$")
CARGO_ADD = lazy(r"use `(?P<command>cargo add (?P<crate>[\w-]+))`")
NOT_FOUND_IN = lazy(
    r"(?:no|could not find) `(?P<item>[\w:]+)` in (?:`(?P<module>[\w:]+)`|the (?:crate )?root)"
)
IMPORT_PATH = lazy(r"unresolved import `(?P<path>[\w:]+)`")
PACKAGE_SECTION = lazy(
    r"^\[(?P<table>package|workspace\.package)\][^\n]*\n(?P<body>(?:[^\[\n][^\n]*\n|\n)*)", re.M
)
EDITION = lazy(r'^edition\s*=\s*"(?P<edition>\d{4})"', re.M)
INHERITED_EDITION = lazy(r"^edition(?:\.workspace\s*=\s*true|\s*=\s*\{\s*workspace\s*=\s*true)", re.M)
PLACEHOLDER = lazy(r"\{(?P<key>[a-z_]+)\}")
RESOLVE_CODES = ("E0432", "E0433")
CARGO_FIX = lazy(r"\(run `(?P<command>cargo fix [^`]+)` to apply")
PACKAGE_NAME = lazy(r'^\[package\][^\[]*?^name\s*=\s*"(?P<name>[^"]+)"', re.M | re.S)
LOCAL_ROOTS = frozenset({"std", "core", "alloc", "crate", "self", "super", "proc_macro", "test"})
SOURCE = "fixer:rust"


@dataclass(frozen=True)
class Diagnostic:
    """One rustc diagnostic as printed: header, primary place, and its text up to the next header."""

    level: str
    code: str | None
    message: str
    file: str | None
    line: int | None
    text: str


@dataclass(frozen=True)
class Suggestion:
    """Lines rustc proposes for one place: `removed` lines replaced by `added` lines at `line`."""

    message: str
    line: int
    removed: int
    added: tuple[str, ...]


def fix_rust(finding: Finding, obs: Observation) -> Remedy | None:
    """The fixer registered in FIXERS."""
    if finding.tool not in ("cargo", "rustc", "rust") and finding.category not in ("rust", "lint"):
        return None
    text = clean_output(obs.output)
    diagnostic = diagnostic_for(finding, text)
    if diagnostic is None:
        return None
    return (
        _compiled_crate(diagnostic, text, obs)
        or _suggestion_edit(diagnostic, finding, obs)
        or _cargo_add(diagnostic, obs)
        or _module_path(diagnostic)
        or _cargo_fix(diagnostic, text, obs)
        or guidance(diagnostic.code)
    )


def diagnostic_for(finding: Finding, text: str) -> Diagnostic | None:
    """The diagnostic the finding stands on: the header at/before its offset, else its location."""
    diagnostics = parse_diagnostics(text)
    offset = finding.details.get("offset")
    if isinstance(offset, int):
        before = [d for start, d in diagnostics if start <= offset]
        if before:
            return before[-1]
    if finding.location is not None:
        file, line = finding.location.file, finding.location.line
        for _, diagnostic in diagnostics:
            if diagnostic.file and file.endswith(diagnostic.file) and diagnostic.line == line:
                return diagnostic
    return None


def parse_diagnostics(text: str) -> list[tuple[int, Diagnostic]]:
    """Every diagnostic in cargo/rustc output with its offset (headers a paste damaged included)."""
    from healing_hooks.detect.rust import loose_headers  # only when a rust finding needs it

    headers = [(m.start(), m["level"], m["code"], m["message"].strip()) for m in HEADER.finditer(text)]
    headers += [(h.start, h.level, h.code, h.message) for h in loose_headers(text)]
    headers.sort()
    found = []
    for number, (start, level, code, message) in enumerate(headers):
        end = headers[number + 1][0] if number + 1 < len(headers) else len(text)
        body = text[start:end]
        arrow = ARROW.search(body)
        file, line = (arrow["file"], int(arrow["line"])) if arrow else (None, None)
        found.append((start, Diagnostic(level, code, message, file, line, body)))
    return found


def suggestions(diagnostic: Diagnostic) -> list[Suggestion]:
    """The code suggestions under the diagnostic's `help:` lines (corrected line, `+`/`-`/`~` diffs)."""
    found: list[Suggestion] = []
    lines = diagnostic.text.splitlines()
    for number, line in enumerate(lines):
        match = HELP.match(line)
        if match is None:
            continue
        suggestion = _read_suggestion(match["message"], lines[number + 1 :])
        if suggestion is not None:
            found.append(suggestion)
    return found


def _read_suggestion(message: str, lines: list[str]) -> Suggestion | None:
    """One hunk: consecutive numbered lines; more than one hunk is not a one-line edit."""
    removed: list[int] = []
    added: list[tuple[int, str]] = []
    replaced: list[tuple[int, str]] = []
    for line in lines:
        if HELP.match(line) or HEADER.match(line) or line.startswith("note:"):
            break
        if MARKERS.match(line) or not line.strip():
            continue
        code = CODE_LINE.match(line)
        if code is None:
            continue
        number, mark, content = int(code["line"]), code["mark"], code["code"] or ""
        if mark == "-":
            removed.append(number)
        elif mark == "+":
            added.append((number, content))
        else:
            replaced.append((number, content))
    if replaced and not removed and not added and len({n for n, _ in replaced}) == 1:
        return Suggestion(message, replaced[0][0], 1, (replaced[0][1],))
    if added and not replaced:
        start = removed[0] if removed else added[0][0]
        if _consecutive([n for n, _ in added]) and (not removed or _consecutive(removed)):
            return Suggestion(message, start, len(removed), tuple(c for _, c in added))
    return None


def _consecutive(numbers: list[int]) -> bool:
    return numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False


def _suggestion_edit(diagnostic: Diagnostic, finding: Finding, obs: Observation) -> Remedy | None:
    if not diagnostic.file:
        return None
    path = project_file(obs, diagnostic.file) or _from_details(finding, obs)
    found = suggestions(diagnostic)
    if path is None or len(found) != 1:
        return None
    return suggestion_edit(path, relative(obs, path), found[0])


def _from_details(finding: Finding, obs: Observation) -> str | None:
    for item in finding.details.get("suggestions") or []:
        if isinstance(item, dict) and item.get("file"):
            return project_file(obs, str(item["file"]))
    return None


def suggestion_edit(path: str, rel: str, suggestion: Suggestion) -> Remedy | None:
    """The edit that makes the file say what rustc suggested."""
    lines = read_lines(path)
    site = Site(path, rel, suggestion.line)
    new_text = "\n".join(suggestion.added)
    summary = f"{suggestion.message} (rustc): {_short(new_text)}"
    if suggestion.removed == 0:
        present = {x.strip() for x in lines}
        if all(a.strip() in present for a in suggestion.added if a.strip()):
            return None  # already there (another diagnostic's identical suggestion was applied)
        inserted = insert_line(path, suggestion.line, new_text)
        if inserted is None:
            return None
        search, replace, line = inserted
        return text_edit(Site(path, rel, line), search, replace, summary, 0.85, SOURCE)
    old = lines[suggestion.line - 1 : suggestion.line - 1 + suggestion.removed]
    if len(old) != suggestion.removed:
        return None
    search = "".join(old).rstrip("\r\n")
    if search == new_text or not search.strip():
        return None
    return text_edit(site, search, new_text, summary, 0.85, SOURCE)


def missing_crate(diagnostic: Diagnostic) -> str | None:
    """The crate rustc says is missing: the `cargo add` it printed, or its label (`unlinked crate`,
    `maybe a missing crate`, `use of undeclared crate`, ...); None for a path inside the crate."""
    from healing_hooks.detect.rust import UNLINKED  # only when a rust finding needs it

    printed = CARGO_ADD.search(diagnostic.text)
    if printed:
        return printed["crate"]
    said = UNLINKED.search(diagnostic.text) if diagnostic.code in RESOLVE_CODES else None
    return said["crate"] if said else None


def _cargo_add(diagnostic: Diagnostic, obs: Observation) -> Remedy | None:
    name = missing_crate(diagnostic)
    if name is None:
        return None
    if name in LOCAL_ROOTS or _local_module(obs, diagnostic, name):
        return guidance(diagnostic.code)
    printed = CARGO_ADD.search(diagnostic.text)
    command = printed["command"] if printed else f"cargo add {name}"
    return Remedy(
        kind="command",
        summary=f"add the crate to Cargo.toml: `{command}` (or, for a module of this crate, `mod` it)",
        command=command,
        confidence=0.75,
        source=SOURCE,
    )


def _compiled_crate(diagnostic: Diagnostic, text: str, obs: Observation) -> Remedy | None:
    """A crate rustc calls missing that cargo compiled: the edition (2015 needs `extern crate`) or
    this package's own `[dependencies]` is the cause, not the registry."""
    from healing_hooks.detect.rust import compiled_crates, failed_packages  # only when needed here

    name = missing_crate(diagnostic)
    if name is None or name.replace("-", "_") not in compiled_crates(text):
        return None
    if name.replace("-", "_") in failed_packages(text):
        return situation("own-package", diagnostic.code, crate=name)
    manifest = nearest_manifest(obs, diagnostic.file)
    edition = manifest_edition(manifest) if manifest else "unknown"
    where = relative(obs, manifest) if manifest else ""
    values = {"crate": name, "manifest": where, "edition": edition or ""}
    if edition is None:
        return situation("compiled-crate-no-edition", diagnostic.code, **values)
    if edition == "2015":
        return situation("compiled-crate-old-edition", diagnostic.code, **values)
    if edition.isdigit():
        return situation("compiled-crate-not-declared", diagnostic.code, **values)
    return situation("compiled-crate-no-manifest", diagnostic.code, **values)  # absent, or not found


def _module_path(diagnostic: Diagnostic) -> Remedy | None:
    """An import that fails inside the crate (`no `X` in `a::b``): guidance to the module path."""
    if diagnostic.code not in RESOLVE_CODES:
        return None
    found = NOT_FOUND_IN.search(diagnostic.text)
    if found is None:
        return None
    path = IMPORT_PATH.search(diagnostic.message)
    module = found["module"] or "crate"
    item = found["item"]
    values = {"item": item, "module": module, "path": path["path"] if path else f"{module}::{item}"}
    if item.islower() and item.isidentifier():
        values["module_item"] = item  # a module's name (a type's is CamelCase)
    return situation("module-item-missing", diagnostic.code, **values)


def _local_module(obs: Observation, diagnostic: Diagnostic, name: str) -> bool:
    """A module file of this crate (`src/name.rs`, `src/name/mod.rs`) that is just not declared."""
    source = project_file(obs, diagnostic.file) if diagnostic.file else None
    folder = os.path.dirname(source) if source else os.path.join(obs.project_root, "src")
    return os.path.isfile(os.path.join(folder, f"{name}.rs")) or os.path.isfile(
        os.path.join(folder, name, "mod.rs")
    )


def _cargo_fix(diagnostic: Diagnostic, text: str, obs: Observation) -> Remedy | None:
    if diagnostic.level != "warning":
        return None
    printed = CARGO_FIX.search(text)
    command = printed["command"] if printed else None
    if command is None:
        package = package_name(obs, diagnostic.file)
        command = f"cargo fix --allow-dirty -p {package}" if package else None
    if command is None:
        return None
    return Remedy(
        kind="command",
        summary=f"let cargo apply the compiler's fixes: `{command}`",
        command=command,
        steps=("add `--allow-dirty` if the working tree has uncommitted changes",),
        confidence=0.8,
        source=SOURCE,
    )


def package_name(obs: Observation, file: str | None) -> str | None:
    """The `[package] name` of the Cargo.toml nearest to `file` (else the project root's)."""
    manifest = nearest_manifest(obs, file)
    match = PACKAGE_NAME.search("".join(read_lines(manifest))) if manifest else None
    return match["name"] if match else None


def nearest_manifest(obs: Observation, file: str | None) -> str | None:
    """The Cargo.toml with a `[package]` nearest to `file` (else to the project root), in the project."""
    root = os.path.realpath(obs.project_root)
    start = project_file(obs, file) if file else None
    folder = os.path.dirname(start) if start else root
    while True:
        manifest = os.path.join(folder, "Cargo.toml")
        if os.path.isfile(manifest) and _table(manifest, "package") is not None:
            return manifest
        if folder == root or os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def manifest_edition(manifest: str) -> str | None:
    """The package's edition year; None when unset (2015); "unknown" when inherited from a
    workspace manifest that cannot be read."""
    package = _table(manifest, "package") or ""
    own = EDITION.search(package)
    if own:
        return own["edition"]
    if not INHERITED_EDITION.search(package):
        return None
    folder = os.path.dirname(os.path.dirname(manifest))
    while os.path.dirname(folder) != folder:
        candidate = os.path.join(folder, "Cargo.toml")
        shared = _table(candidate, "workspace.package") if os.path.isfile(candidate) else None
        if shared is not None:
            found = EDITION.search(shared)
            return found["edition"] if found else "unknown"
        folder = os.path.dirname(folder)
    return "unknown"


def _table(manifest: str, name: str) -> str | None:
    """The body of the `[package]` or `[workspace.package]` table of a Cargo.toml; None without one."""
    text = "".join(read_lines(manifest)) + "\n"
    return next((m["body"] for m in PACKAGE_SECTION.finditer(text) if m["table"] == name), None)


@cache
def _guidance_table() -> dict[str, Any]:
    text = read_data("rust-guidance.json")
    codes: dict[str, Any] = json.loads(text).get("codes", {})
    return codes


@cache
def _situations() -> dict[str, Any]:
    situations: dict[str, Any] = json.loads(read_data("rust-guidance.json")).get("situations", {})
    return situations


def guidance(code: str | None) -> Remedy | None:
    """Guided steps for a rustc error code (with `rustc --explain`)."""
    if code is None:
        return None
    entry = _guidance_table().get(code)
    steps = _filled(entry.get("steps", []) if entry else [], {"code": code})
    title = fill(entry.get("title", ""), {"code": code}) if entry else None
    return Remedy(
        kind="steps",
        summary=f"{code}: {title or 'see the explanation'}",
        steps=(*steps, f"read the long explanation: `rustc --explain {code}`"),
        confidence=0.5 if entry else 0.3,
        source=SOURCE,
    )


def situation(name: str, code: str | None, **values: str) -> Remedy | None:
    """The guided steps of one situation of rust-guidance.json, its placeholders filled."""
    entry = _situations().get(name)
    values = {**values, "code": code} if code else values
    title = fill(entry.get("title", ""), values) if entry else None
    if entry is None or title is None:
        return guidance(code)
    explain = (f"read the long explanation: `rustc --explain {code}`",) if code else ()
    return Remedy(
        kind="steps",
        summary=f"{code}: {title}" if code else title,
        steps=(*_filled(entry.get("steps", []), values), *explain),
        confidence=0.6,
        source=SOURCE,
    )


def _filled(steps: list[str], values: Mapping[str, str]) -> tuple[str, ...]:
    """The steps with their placeholders filled; a step with a placeholder lacking a value goes."""
    return tuple(text for text in (fill(step, values) for step in steps) if text)


def fill(text: str, values: Mapping[str, str]) -> str | None:
    """`text` with its `{name}` placeholders filled; None when one has no value (never shown raw)."""
    keys = {match["key"] for match in PLACEHOLDER.finditer(text)}
    if not keys <= {key for key, value in values.items() if value}:
        return None
    return PLACEHOLDER.sub(lambda match: values[match["key"]], text)


def _short(text: str, limit: int = 100) -> str:
    flat = " ⏎ ".join(x.strip() for x in text.splitlines())
    return f"`{flat}`" if len(flat) <= limit else f"`{flat[: limit - 1]}…`"
