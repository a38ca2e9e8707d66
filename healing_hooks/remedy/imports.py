"""Import fixers, from the project's own code:

- `cannot import name X from M`: find where X is really defined and rewrite the import statement
  (absolute or relative, keeping its style); a multi-name import is split when only some names moved.
- `No module named M`: a project module that moved or was renamed → the import rewritten to the
  right path; a third-party module → installed with the project's installer (`installers.py`).
- `No module named 'P.x'; 'P' is not a package`: a file named P.py (often the user's own script)
  hides the package P → rename that file; installing P would not help.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from collections.abc import Callable, Iterator

from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.records import dataclass
from healing_hooks.remedy.index import Module, ProjectIndex, dotted_name, project_index
from healing_hooks.remedy.installers import dependency_remedy
from healing_hooks.remedy.source import Site, detail, evidence, full_line, parse_file, relative, sites

CANNOT_IMPORT = r"cannot import name '([\w.]+)' from '([\w.]+)'"
NO_MODULE = r"No module named '([\w.]+)'"
NOT_A_PACKAGE = r"No module named '?[\w.]+'?; '([\w.]+)' is not a package"
MODULE_PATH = lazy(r"\((?P<path>[^()]+\.py)\)")
SOURCE = "fixer:imports"
MAX_LINE = 100


Matcher = Callable[[str, list[str]], bool]
"""Does an import statement (its absolute module, its imported names) match the error?"""


@dataclass(frozen=True)
class ImportSite:
    """An import statement in a project file: its node, its text, and the file's dotted package."""

    site: Site
    node: ast.ImportFrom | ast.Import
    text: str
    package: str

    @property
    def indent(self) -> str:
        return " " * self.node.col_offset


def fix_imports(finding: Finding, obs: Observation) -> Remedy | None:
    """The fixer registered in FIXERS: either import error."""
    line = evidence(finding, obs)
    if "cannot import name" in line or "cannot import name" in finding.message:
        return fix_cannot_import(finding, obs)
    if "is not a package" in line or finding.details.get("kind") == "shadowed-module":
        return fix_shadowed_module(finding, obs)
    if "No module named" in line or finding.details.get("exception") == "ModuleNotFoundError":
        return fix_no_module(finding, obs)
    return None


# -- cannot import name X from M --


def fix_cannot_import(finding: Finding, obs: Observation) -> Remedy | None:
    """Rewrite `from M import X` to the module that really defines X."""
    name = detail(finding, "name", CANNOT_IMPORT, obs)
    module = detail(finding, "module", CANNOT_IMPORT, obs, group=2)
    if not name or not module:
        return None
    index = project_index(obs.project_root)
    found = _find_statement(finding, obs, index, lambda mod, names: _same(mod, module) and name in names)
    if found is None:
        return None
    old_module = _module_of_path(index, obs, full_line(finding, obs)) or _single(index.named(module))
    groups: dict[str, list[ast.alias]] = {_original_module(found): []}
    moved: dict[str, str] = {}
    for alias in _names(found.node):
        stays = old_module is not None and index.exports(old_module, alias.name)
        target = None if stays else _where_defined(index, alias.name, module, old_module)
        key = _module_text(found, target, module, old_module) if target else _original_module(found)
        if target:
            moved[alias.name] = key
        groups.setdefault(key, []).append(alias)
    if name not in moved:
        return _candidates_steps(index, name, module)
    replacement = _render_from(found, {k: v for k, v in groups.items() if v})
    changes = ", ".join(f"`{n}` from `{m}`" for n, m in moved.items())
    confidence = 0.95 if all(len(index.definitions(n)) == 1 for n in moved) else 0.8
    return Remedy(
        kind="edit",
        summary=f"import {changes} (where {'they are' if len(moved) > 1 else 'it is'} defined)",
        file=found.site.rel,
        search=found.text,
        replace=replacement,
        line=found.site.line,
        confidence=confidence,
        source=SOURCE,
    )


def _where_defined(index: ProjectIndex, name: str, wanted: str, old_module: Module | None) -> Module | None:
    """The module that defines `name`, closest to the module it was expected in."""
    candidates = [m for m, _ in index.definitions(name) if m is not old_module]
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda m: _closeness(m, wanted), reverse=True)
    if len(ranked) > 1 and _closeness(ranked[0], wanted) == _closeness(ranked[1], wanted):
        return None  # two equally good homes: guided steps instead of a guess
    return ranked[0]


def _closeness(module: Module, wanted: str) -> tuple[int, int, float]:
    """Shared package depth, test-file penalty, name similarity with the expected module."""
    mine = module.dotted.split(".")
    theirs = wanted.split(".")
    shared = 0
    for a, b in zip(reversed(mine[:-1]), reversed(theirs[:-1]), strict=False):
        if a != b:
            break
        shared += 1
    not_test = 0 if re.search(r"(^|/)(tests?|test_[^/]*|conftest)", module.rel) else 1
    return shared, not_test, difflib.SequenceMatcher(None, mine[-1], theirs[-1]).ratio()


def _candidates_steps(index: ProjectIndex, name: str, module: str) -> Remedy | None:
    places = [f"{m.rel}:{d.get('line', '?')}" for m, d in index.definitions(name)][:5]
    if not places:
        return None
    return Remedy(
        kind="steps",
        summary=f"`{name}` is not in `{module}`; it is defined in {len(places)} places",
        steps=(*(f"defined at {p}" for p in places), "import it from the module you mean"),
        confidence=0.5,
        source=SOURCE,
    )


# -- No module named 'P.x'; 'P' is not a package --


def fix_shadowed_module(finding: Finding, obs: Observation) -> Remedy | None:
    """Rename the project's file that is named like the package it hides."""
    parent = detail(finding, "parent", NOT_A_PACKAGE, obs)
    if not parent:
        return None
    shadow = _shadowing_file(finding, obs, parent)
    probe = f'python -c "import {parent}; print({parent}.__file__)"'
    if shadow is None:
        return Remedy(
            kind="steps",
            summary=f"`{parent}` is a module, not a package: a file named `{_file_name(parent)}` shadows the "
            "package, or the import names a submodule that does not exist",
            steps=(f"find the file Python imports: `{probe}`", "if it is the project's, rename it"),
            confidence=0.5,
            source=SOURCE,
        )
    stem = parent.rsplit(".", 1)[-1]
    return Remedy(
        kind="steps",
        summary=f"`{shadow}` shadows the package `{parent}` ('{parent}' is not a package): rename the file",
        steps=(
            f"rename `{shadow}` to a name no package uses (e.g. `{stem}_demo.py`) and update what imports it",
            f"delete `{stem}.*.pyc` in the `__pycache__` folder beside it, if there is one",
            f"check that `{probe}` now shows the installed package",
        ),
        confidence=0.8,
        source=SOURCE,
    )


def _file_name(module: str) -> str:
    return module.rsplit(".", 1)[-1] + ".py"


def _shadowing_file(finding: Finding, obs: Observation, parent: str) -> str | None:
    """The traceback's file named like the module (the script that imports its namesake), else the
    project's module of that name."""
    name = _file_name(parent)
    frames = finding.details.get("frames")
    for frame in reversed(frames if isinstance(frames, list) else []):
        file = str(frame.get("file", "")) if isinstance(frame, dict) else ""
        if file.replace("\\", "/").rsplit("/", 1)[-1] == name:
            return file
    modules = project_index(obs.project_root).named(parent)
    files = [m.rel for m in modules if m.rel.rsplit("/", 1)[-1] == name]
    return files[0] if len(files) == 1 else None


# -- No module named M --


def fix_no_module(finding: Finding, obs: Observation) -> Remedy | None:
    """A moved project module → the right import path; otherwise install the distribution."""
    module = detail(finding, "module", NO_MODULE, obs)
    if not module:
        return None
    index = project_index(obs.project_root)
    found = _find_statement(
        finding, obs, index, lambda mod, _names: _same(mod, module) or _inside(mod, module)
    )
    site = found.site if found else next(iter(sites(finding, obs)), None)
    if _is_project_module(index, module, found):
        return _moved_module(index, found, module) if found else None
    return dependency_remedy(module, obs, site)


def _is_project_module(index: ProjectIndex, module: str, found: ImportSite | None) -> bool:
    if found is not None and isinstance(found.node, ast.ImportFrom) and found.node.level:
        return True
    top = module.split(".")[0]
    return bool(index.named(top)) and len(module.split(".")) > 1


def _moved_module(index: ProjectIndex, found: ImportSite, module: str) -> Remedy | None:
    """Find the module's new home: the module defining every imported name, else the same file name."""
    names = [a.name for a in _names(found.node)] if isinstance(found.node, ast.ImportFrom) else []
    homes: set[str] | None = None
    for name in names:
        here = {m.rel for m, _ in index.definitions(name)}
        homes = here if homes is None else homes & here
    candidates = sorted(homes or ())
    if not candidates:
        last = module.rsplit(".", 1)[-1]
        by_name = [m.rel for m in index.modules.values() if m.dotted.rsplit(".", 1)[-1] == last]
        candidates = by_name or _similar_modules(index, last)
    if len(candidates) != 1:
        return None
    target = index.modules[candidates[0]]
    if isinstance(found.node, ast.Import):
        return _import_statement_steps(found, module, target)
    new_module = _module_text(found, target, module, None)
    groups = {new_module: list(found.node.names)}
    return Remedy(
        kind="edit",
        summary=f"`{module}` does not exist; import from `{new_module}` ({target.rel})",
        file=found.site.rel,
        search=found.text,
        replace=_render_from(found, groups),
        line=found.site.line,
        confidence=0.9 if names else 0.7,
        source=SOURCE,
    )


def _similar_modules(index: ProjectIndex, last: str) -> list[str]:
    by_last = {m.dotted.rsplit(".", 1)[-1]: m.rel for m in index.modules.values()}
    close = difflib.get_close_matches(last, list(by_last), n=2, cutoff=0.8)
    return [by_last[c] for c in close]


def _import_statement_steps(found: ImportSite, module: str, target: Module) -> Remedy:
    return Remedy(
        kind="steps",
        summary=f"`{module}` does not exist; the module is now {target.rel}",
        steps=(
            f"change `{found.text}` at {found.site.rel}:{found.site.line} to import the new path",
            "update the uses of the old dotted name in that file",
        ),
        confidence=0.6,
        source=SOURCE,
    )


# -- finding and rewriting the statement --


def _find_statement(
    finding: Finding, obs: Observation, index: ProjectIndex, wanted: Matcher
) -> ImportSite | None:
    """The import statement behind the error: at the traceback's project lines, else any in the project."""
    for site in sites(finding, obs):
        for found in _statements_at(site, index):
            if wanted(_resolve(found), _imported_names(found.node)):
                return found
    probe = finding.details.get("name") or finding.details.get("module")
    for module in index.mentioning(str(probe)) if probe else ():
        for entry in module.imports:
            site = Site(os.path.join(index.root, module.rel), module.rel, entry["line"])
            for found in _statements_at(site, index):
                if wanted(_resolve(found), _imported_names(found.node)):
                    return found
    return None


def _statements_at(site: Site, index: ProjectIndex) -> Iterator[ImportSite]:
    parsed = parse_file(site.path)
    if parsed is None:
        return
    text, tree = parsed
    module = index.by_path(site.rel)
    package = module.package if module else dotted_name(os.path.dirname(site.rel) + "/__init__.py")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if node.lineno <= site.line <= (node.end_lineno or 0):
            source = ast.get_source_segment(text, node)
            if source:
                yield ImportSite(Site(site.path, site.rel, node.lineno), node, source, package)


def _resolve(found: ImportSite) -> str:
    """The absolute dotted module a statement imports from (file-based names for relative ones)."""
    node = found.node
    if isinstance(node, ast.Import):
        return node.names[0].name
    if not node.level:
        return node.module or ""
    parts = found.package.split(".") if found.package else []
    base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
    return ".".join([*base, *([node.module] if node.module else [])])


def _imported_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    return [a.name for a in node.names]


def _names(node: ast.Import | ast.ImportFrom) -> list[ast.alias]:
    return list(node.names)


def _same(found: str, wanted: str) -> bool:
    """Module names equal up to a leading source-root prefix (`src.pkg.mod` ~ `pkg.mod`)."""
    return found == wanted or found.endswith("." + wanted) or wanted.endswith("." + found)


def _inside(found: str, missing: str) -> bool:
    """`import a.b.c` fails with `No module named 'a.b'`."""
    return found.startswith(missing + ".")


def _original_module(found: ImportSite) -> str:
    node = found.node
    assert isinstance(node, ast.ImportFrom)
    return "." * node.level + (node.module or "")


def _module_text(found: ImportSite, target: Module, runtime: str, old: Module | None) -> str:
    """How the statement should name `target`: relative if it was relative, else absolute."""
    node = found.node
    absolute = _importable_name(target, runtime, old)
    if isinstance(node, ast.ImportFrom) and node.level:
        return _relative_name(found.package, target.dotted, node.level)
    return absolute


def _importable_name(target: Module, runtime: str, old: Module | None) -> str:
    """The target's dotted name as the program imports it: drop the source-root prefix M's file had."""
    if old is not None and old.dotted.endswith(runtime):
        prefix = old.dotted[: len(old.dotted) - len(runtime)]
        if target.dotted.startswith(prefix):
            return target.dotted[len(prefix) :]
    for prefix in ("src.", "lib."):
        if target.dotted.startswith(prefix):
            return target.dotted[len(prefix) :]
    return target.dotted


def _relative_name(package: str, target: str, level: int) -> str:
    """`from <dots>name` for `target` seen from `package`, keeping at least the original level."""
    parts = package.split(".") if package else []
    for dots in range(max(level, 1), len(parts) + 2):
        base = parts[: len(parts) - (dots - 1)]
        prefix = ".".join(base)
        if not prefix or target.startswith(prefix + "."):
            return "." * dots + (target[len(prefix) + 1 :] if prefix else target)
    return target


def _render_from(found: ImportSite, groups: dict[str, list[ast.alias]]) -> str:
    """One `from ... import ...` per module, in the statement's indentation and layout."""
    multiline = "\n" in found.text
    statements = []
    for module, aliases in groups.items():
        names = [a.name + (f" as {a.asname}" if a.asname else "") for a in aliases]
        line = f"from {module} import {', '.join(names)}"
        if (multiline and len(names) > 1) or len(found.indent + line) > MAX_LINE:
            body = "".join(f"{found.indent}    {n},\n" for n in names)
            line = f"from {module} import (\n{body}{found.indent})"
        statements.append(line)
    return f"\n{found.indent}".join(statements)


def _module_of_path(index: ProjectIndex, obs: Observation, line: str) -> Module | None:
    """The module file Python named in `cannot import name X from M (path)`."""
    match = MODULE_PATH.search(line)
    if match is None:
        return None
    path = os.path.realpath(match["path"])
    root = os.path.realpath(obs.project_root)
    if os.path.commonpath([root, path]) != root:
        return None
    return index.by_path(relative(obs, path))


def _single(modules: list[Module]) -> Module | None:
    return modules[0] if len(modules) == 1 else None
