"""Async mismatches, settled by the callee's definition in the project index:

- `object X can't be used in 'await' expression` / `'X' object can't be awaited`: the awaited call
  is a plain `def` → remove the `await`.
- `coroutine 'C.m' was never awaited`: the call is an `async def` → add `await` (only inside an
  `async def`; elsewhere the steps say to run it with `asyncio.run`).
"""

from __future__ import annotations

import ast

from healing_hooks.findings import Finding, Remedy
from healing_hooks.lazyre import lazy
from healing_hooks.observation import Observation
from healing_hooks.remedy.index import ProjectIndex, project_index
from healing_hooks.remedy.source import Site, evidence, full_line, parse_file, sites, text_edit

NOT_AWAITABLE = lazy(r"can't be used in 'await' expression|object can't be awaited")
NEVER_AWAITED = lazy(r"coroutine '(?P<name>[\w.<>]+)' was never awaited")
SOURCE = "fixer:awaits"


def fix_awaits(finding: Finding, obs: Observation) -> Remedy | None:
    """The fixer registered in FIXERS."""
    line = f"{evidence(finding, obs)}\n{full_line(finding, obs)}\n{finding.message}"
    if NOT_AWAITABLE.search(line):
        return remove_await(finding, obs)
    match = NEVER_AWAITED.search(line)
    if match:
        return add_await(finding, obs, match["name"])
    return None


def remove_await(finding: Finding, obs: Observation) -> Remedy | None:
    """`await x.stop()` where `stop` is a plain def → `x.stop()`."""
    index = project_index(obs.project_root)
    for site in sites(finding, obs):
        parsed = parse_file(site.path)
        if parsed is None:
            continue
        text, tree = parsed
        for node in ast.walk(tree):
            if not isinstance(node, ast.Await) or node.lineno != site.line:
                continue
            name = _called_name(node.value)
            is_async = _is_async(index, name) if name else None
            if is_async is not False:
                continue
            segment = ast.get_source_segment(text, node)
            inner = ast.get_source_segment(text, node.value)
            if not segment or not inner:
                continue
            return text_edit(
                Site(site.path, site.rel, node.lineno),
                segment,
                inner,
                f"`{name}` is a plain `def`, not `async def`: remove the `await`",
                0.9,
                SOURCE,
            )
    return None


def add_await(finding: Finding, obs: Observation, coroutine: str) -> Remedy | None:
    """`x.stop()` inside `async def`, where `stop` is `async def` → `await x.stop()`."""
    name = coroutine.rsplit(".", 1)[-1]
    for site in sites(finding, obs):
        parsed = parse_file(site.path)
        if parsed is None:
            continue
        text, tree = parsed
        for function, call in _bare_calls(tree, site.line, name):
            segment = ast.get_source_segment(text, call)
            if not segment:
                continue
            call_site = Site(site.path, site.rel, call.lineno)
            if function is None:
                return _outside_async(call_site, segment)
            return text_edit(
                call_site,
                segment,
                f"await {segment}",
                f"`{coroutine}` is `async def`: await it",
                0.9,
                SOURCE,
            )
    return None


def _bare_calls(tree: ast.Module, line: int, name: str) -> list[tuple[ast.AsyncFunctionDef | None, ast.Call]]:
    """Calls of `name` on `line` that nobody awaits, with the enclosing async def (None if not async)."""
    found: list[tuple[ast.AsyncFunctionDef | None, ast.Call]] = []

    def visit(node: ast.AST, function: ast.AsyncFunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Await):
                continue  # already awaited
            scope: ast.AsyncFunctionDef | None = function
            if isinstance(child, ast.AsyncFunctionDef):
                scope = child
            elif isinstance(child, ast.FunctionDef | ast.Lambda):
                scope = None
            if isinstance(child, ast.Call) and child.lineno == line and _called_name(child) == name:
                found.append((scope, child))
            visit(child, scope)

    visit(tree, None)
    return found


def _outside_async(site: Site, segment: str) -> Remedy:
    return Remedy(
        kind="steps",
        summary=f"`{segment}` returns a coroutine that is never awaited",
        steps=(
            f"{site.rel}:{site.line} is not inside an `async def`",
            f"run it with `asyncio.run({segment})`, or make the caller `async def` and `await` it",
        ),
        confidence=0.6,
        source=SOURCE,
    )


def _called_name(node: ast.expr) -> str | None:
    """`stop` for `event_bus.stop()` and `stop()`; None for anything that is not a call by name."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _is_async(index: ProjectIndex, name: str) -> bool | None:
    """True/False when every project definition of `name` (function or method) agrees; else None."""
    flags = {bool(d.get("async_")) for _, d in index.definitions(name) if d.get("kind") == "def"}
    flags |= {bool(m.get("async_")) for _, _, m in index.methods(name)}
    return flags.pop() if len(flags) == 1 else None
