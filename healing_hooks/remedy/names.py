"""NameError and AttributeError: Python's own "Did you mean" plus the project index.

- `name 'X' is not defined` where X is defined elsewhere in the project → add the import line;
  X a standard-library module → `import X`; otherwise Python's suggestion → rename on that line.
- `'T' object has no attribute 'a'. Did you mean: 'b'?` → `.a` → `.b` on that line; without a
  suggestion, the class's methods from the index that look alike.
"""

from __future__ import annotations

import ast
import difflib
import re
import sys

from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.remedy.index import Module, project_index
from healing_hooks.remedy.source import Site, evidence, full_line, insert_line, parse_file, sites, text_edit

NAME_ERROR = lazy(r"name '(?P<name>\w+)' is not defined")
ATTRIBUTE_ERROR = lazy(r"'(?P<type>[\w.]+)' object has no attribute '(?P<attribute>\w+)'")
DID_YOU_MEAN = lazy(r"Did you mean:? '?(?P<suggestion>[\w.]+)'?\??")
SOURCE = "fixer:names"


def fix_names(finding: Finding, obs: Observation) -> Remedy | None:
    """The fixer registered in FIXERS."""
    line = f"{evidence(finding, obs)} {full_line(finding, obs)}"
    suggestion = finding.details.get("did_you_mean") or _suggestion(line)
    name = NAME_ERROR.search(line)
    if name:
        return fix_name_error(finding, obs, name["name"], suggestion)
    attribute = ATTRIBUTE_ERROR.search(line)
    if attribute:
        return fix_attribute_error(finding, obs, attribute["type"], attribute["attribute"], suggestion)
    return None


def fix_name_error(finding: Finding, obs: Observation, name: str, suggestion: str | None) -> Remedy | None:
    """Import the name from where the project defines it, or take Python's suggestion."""
    site = next(iter(sites(finding, obs)), None)
    if site is None:
        return None
    index = project_index(obs.project_root)
    homes = [m for m, d in index.definitions(name) if m.rel != site.rel]
    if len(homes) == 1:
        return _add_import(site, f"from {_importable(homes[0])} import {name}", 0.9)
    if name in sys.stdlib_module_names:
        return _add_import(site, f"import {name}", 0.85)
    if suggestion:
        summary = f"`{name}` is not defined; Python suggests `{suggestion}`"
        return _rename_on_line(site, name, suggestion, summary)
    if homes:
        places = ", ".join(f"{m.rel}" for m in homes[:4])
        return Remedy(
            kind="steps",
            summary=f"`{name}` is defined in several modules ({places}): import the one you mean",
            steps=tuple(f"`from {_importable(m)} import {name}`" for m in homes[:4]),
            confidence=0.5,
            source=SOURCE,
        )
    return None


def fix_attribute_error(
    finding: Finding, obs: Observation, type_name: str, attribute: str, suggestion: str | None
) -> Remedy | None:
    """`.attribute` → `.suggestion` on the failing line; else similar methods of the class."""
    site = next(iter(sites(finding, obs)), None)
    if site is None:
        return None
    if suggestion:
        summary = f"`{type_name}` has no `{attribute}`; Python suggests `{suggestion}`"
        return _rename_on_line(site, f".{attribute}", f".{suggestion}", summary)
    index = project_index(obs.project_root)
    members: list[str] = []
    for _, definition in index.definitions(type_name.rsplit(".", 1)[-1]):
        members += list(definition.get("methods", {}))
    close = difflib.get_close_matches(attribute, members, n=3, cutoff=0.6)
    if not close:
        return None
    return Remedy(
        kind="steps",
        summary=f"`{type_name}` has no attribute `{attribute}`",
        steps=tuple(f"did you mean `.{c}`? (defined on `{type_name}`)" for c in close),
        confidence=0.5,
        source=SOURCE,
    )


def _suggestion(line: str) -> str | None:
    match = DID_YOU_MEAN.search(line)
    return match["suggestion"] if match else None


def _rename_on_line(site: Site, old: str, new: str, summary: str) -> Remedy | None:
    """Replace `old` once on the site's line (whole word), or nothing when it is not there exactly once."""
    text = site.text()
    if text is None:
        return None
    pattern = re.compile(rf"{re.escape(old)}\b" if old[0] == "." else rf"\b{re.escape(old)}\b")
    hits = list(pattern.finditer(text))
    if len(hits) != 1:
        return None
    start, end = hits[0].span()
    return text_edit(site, text, text[:start] + new + text[end:], summary, 0.75, SOURCE)


def _add_import(site: Site, statement: str, confidence: float) -> Remedy | None:
    """Insert `statement` after the file's last top-level import (or its docstring)."""
    parsed = parse_file(site.path)
    if parsed is None:
        return None
    _, tree = parsed
    position = 1
    for node in tree.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if isinstance(node, ast.Import | ast.ImportFrom) or (is_docstring and node is tree.body[0]):
            position = (node.end_lineno or node.lineno) + 1
        elif position > 1 or not is_docstring:
            break
    inserted = insert_line(site.path, position, statement)
    if inserted is None:
        return None
    search, replace, line = inserted
    return text_edit(
        Site(site.path, site.rel, line),
        search,
        replace,
        f"add `{statement}` to {site.rel} (used at line {site.line})",
        confidence,
        SOURCE,
    )


def _importable(module: Module) -> str:
    for prefix in ("src.", "lib."):
        if module.dotted.startswith(prefix):
            return module.dotted[len(prefix) :]
    return module.dotted
