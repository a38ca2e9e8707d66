"""A missing third-party module → its PyPI distribution, installed the way THIS project installs:
uv.lock → `uv add`, poetry.lock → `poetry add`, pdm.lock → `pdm add`, Pipfile → `pipenv install`,
requirements*.txt → `pip install X` and the line added, pyproject.toml → its dependencies edited."""

from __future__ import annotations

import json
import os
import re
import sys
from functools import cache

from healing_hooks.data import read_data
from healing_hooks.findings import Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.remedy.source import Site, insert_line, read_lines, relative

SOURCE = "fixer:dependency"
LOCK_INSTALLERS = (("uv.lock", "uv add"), ("poetry.lock", "poetry add"), ("pdm.lock", "pdm add"))
ARRAY_START = lazy(r"^(?P<head>\s*dependencies\s*=\s*\[)(?P<rest>.*)$")


@cache
def import_names() -> dict[str, str]:
    """The shipped import name → distribution table (`data/import-names.json`)."""
    try:
        text = read_data("import-names.json")
    except (OSError, ValueError):
        return {}
    data = json.loads(text)
    names = data.get("names", data) if isinstance(data, dict) else {}
    return {k: v for k, v in names.items() if isinstance(k, str) and isinstance(v, str)}


def distribution_for(module: str) -> str | None:
    """The distribution that provides `module` (longest dotted key first); None for the stdlib."""
    table = import_names()
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        found = table.get(".".join(parts[:length]))
        if found:
            return found
    if parts[0] in sys.stdlib_module_names or parts[0] in sys.builtin_module_names:
        return None
    return parts[0]


def dependency_remedy(module: str, obs: Observation, site: Site | None) -> Remedy | None:
    """How to install the distribution of `module` with the project's own installer."""
    dist = distribution_for(module)
    if dist is None:
        return None
    folder = _project_folder(obs)
    fallback = optional_import_step(module, site)
    for lock, installer in LOCK_INSTALLERS:
        if os.path.isfile(os.path.join(folder, lock)):
            return _command(f"{installer} {dist}", f"{lock} is present", fallback)
    if os.path.isfile(os.path.join(folder, "Pipfile")):
        return _command(f"pipenv install {dist}", "Pipfile is present", fallback)
    requirements = _requirements_file(folder)
    if requirements is not None:
        return _add_requirement(requirements, dist, obs, fallback)
    pyproject = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(pyproject):
        text = "".join(read_lines(pyproject))
        if re.search(r"^\[tool\.poetry\]", text, re.M) and not re.search(r"^\[project\]", text, re.M):
            return _command(f"poetry add {dist}", "pyproject.toml is Poetry's", fallback)
        edit = _add_to_pyproject(pyproject, dist, obs, fallback)
        if edit is not None:
            return edit
    return _command(f"pip install {dist}", "no lock file or requirements file found", fallback)


def optional_import_step(module: str, site: Site | None) -> str:
    """The guided alternative: make the import optional."""
    where = f" at {site.rel}:{site.line}" if site else ""
    top = module.split(".")[0]
    return (
        f"alternative, if `{module}` is optional: wrap the import{where} in "
        f"`try: import {module}` / `except ImportError: {top} = None` and guard its uses"
    )


def _project_folder(obs: Observation) -> str:
    """The nearest folder from the cwd up to the project root that has packaging files."""
    root = os.path.realpath(obs.project_root)
    folder = os.path.realpath(obs.cwd or root)
    if os.path.commonpath([root, folder]) != root:
        folder = root
    markers = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile", "pyproject.toml", "setup.py")
    while True:
        names = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        if names & set(markers) or any(n.startswith("requirements") and n.endswith(".txt") for n in names):
            return folder
        if folder == root or os.path.dirname(folder) == folder:
            return root
        folder = os.path.dirname(folder)


def _requirements_file(folder: str) -> str | None:
    preferred = os.path.join(folder, "requirements.txt")
    if os.path.isfile(preferred):
        return preferred
    found = sorted(n for n in os.listdir(folder) if n.startswith("requirements") and n.endswith(".txt"))
    runtime = [n for n in found if not re.search(r"dev|test|lint|doc", n)]
    chosen = runtime or found
    return os.path.join(folder, chosen[0]) if chosen else None


def _command(command: str, why: str, fallback: str) -> Remedy:
    return Remedy(
        kind="command",
        summary=f"install it: `{command}` ({why})",
        command=command,
        steps=(fallback,),
        confidence=0.8,
        source=SOURCE,
    )


def _add_requirement(path: str, dist: str, obs: Observation, fallback: str) -> Remedy:
    rel = relative(obs, path)
    command = f"pip install {dist}"
    lines = read_lines(path)
    listed = any(re.match(rf"\s*{re.escape(dist)}\s*([<>=!~;\[]|$)", x, re.I) for x in lines)
    if listed:
        return _command(command, f"{rel} lists it already", fallback)
    inserted = insert_line(path, len(lines) + 1, dist) if lines else None
    if inserted is None:
        return _command(command, f"and add `{dist}` to {rel}", fallback)
    search, replace, line = inserted
    return Remedy(
        kind="edit",
        summary=f"add `{dist}` to {rel} and run `{command}`",
        file=rel,
        search=search,
        replace=replace,
        line=line,
        command=command,
        steps=(fallback,),
        confidence=0.75,
        source=SOURCE,
    )


def _add_to_pyproject(path: str, dist: str, obs: Observation, fallback: str) -> Remedy | None:
    """An edit adding `dist` to `[project] dependencies` (one-line or multi-line array)."""
    lines = read_lines(path)
    rel = relative(obs, path)
    start = next((i for i, x in enumerate(lines) if x.strip() == "[project]"), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    command = f"pip install {dist}"
    summary = f"add `{dist}` to [project] dependencies in {rel} and run `{command}`"
    for number in range(start + 1, end):
        match = ARRAY_START.match(lines[number].rstrip("\r\n"))
        if match is None:
            continue
        old = lines[number].rstrip("\r\n")
        rest = match["rest"]
        if rest.strip().startswith("]"):
            new = f'{match["head"]}"{dist}"{rest.strip()}'
        elif "]" in rest:
            body, _, tail = rest.rpartition("]")
            body = body.rstrip().rstrip(",")
            new = f'{match["head"]}{body}, "{dist}"]{tail}'
        else:
            inserted = _insert_in_array(path, lines, number, dist)
            if inserted is None:
                return None
            search, replace, line = inserted
            return _edit(rel, search, replace, line, summary, command, fallback)
        return _edit(rel, old, new, number + 1, summary, command, fallback)
    header = lines[start].rstrip("\r\n")
    return _edit(rel, header, f'{header}\ndependencies = ["{dist}"]', start + 1, summary, command, fallback)


def _insert_in_array(path: str, lines: list[str], opening: int, dist: str) -> tuple[str, str, int] | None:
    """Insert `"dist",` before the closing bracket of a multi-line array, indented like its items."""
    closing = next((i for i in range(opening + 1, len(lines)) if lines[i].strip().startswith("]")), None)
    if closing is None:
        return None
    sample = lines[opening + 1] if opening + 1 < closing else "    "
    indent = sample[: len(sample) - len(sample.lstrip())] or "    "
    last = lines[closing - 1]
    if closing - 1 > opening and last.strip() and not last.rstrip().endswith(",") and "#" not in last:
        search = last + lines[closing]
        return search, f'{last.rstrip()},\n{indent}"{dist}",\n{lines[closing]}', closing
    return insert_line(path, closing + 1, f'{indent}"{dist}",')


def _edit(
    rel: str, search: str, replace: str, line: int, summary: str, command: str, fallback: str
) -> Remedy:
    return Remedy(
        kind="edit",
        summary=summary,
        file=rel,
        search=search,
        replace=replace,
        line=line,
        command=command,
        steps=(fallback,),
        confidence=0.75,
        source=SOURCE,
    )
