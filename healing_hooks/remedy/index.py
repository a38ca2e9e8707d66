"""The project index: every Python module's top-level definitions, classes and their methods (with
signatures and whether they are `async`), and its imports. Built lazily, only when a fixer needs it,
and cached under `.claude-flow/cache/` per file by mtime and size, so a warm look-up on a repository
of thousands of modules re-parses only what changed.

Signatures are kept the way Python prints them: `["self", "topic", "payload=", "*", "flag=", "**kw"]`
(`=` marks a default, `/` and `*` are the usual markers).
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterator
from typing import TypedDict

from healing_hooks.atomic import replace_with_text
from healing_hooks.records import dataclass, field

CACHE_FILE = os.path.join(".claude-flow", "cache", "index.json")
INDEX_VERSION = 3
MAX_FILES = 20_000
MAX_FILE_BYTES = 2_000_000
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".claude-flow", ".claude", "node_modules", "__pycache__", ".venv", "venv",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "target",
        "site-packages", ".eggs", ".idea", ".vscode",
    }
)  # fmt: skip
DATACLASS_LIKE = frozenset(
    {"dataclass", "dataclasses.dataclass", "define", "attr.s", "attrs.define", "frozen"}
)
FIELD_BASES = frozenset({"BaseModel", "NamedTuple", "TypedDict", "Struct", "BaseSettings"})


class DefEntry(TypedDict, total=False):
    """One definition: `kind` is class, def or var; `methods` only for classes."""

    kind: str
    line: int
    async_: bool
    params: list[str]
    bases: list[str]
    methods: dict[str, DefEntry]


class ImportEntry(TypedDict):
    """One import statement: `from <level dots><module> import names`, or `import module` (names empty)."""

    module: str
    level: int
    names: list[list[str]]
    line: int
    end_line: int
    is_from: bool


class ModuleEntry(TypedDict, total=False):
    defs: dict[str, DefEntry]
    imports: list[ImportEntry]
    error: str


@dataclass
class Module:
    """One indexed file: its project-relative posix path and, once parsed, what it defines and imports.

    The parsed entry is kept as JSON text (`raw`) and decoded only when a look-up needs this module,
    so loading the cache of a large project stays cheap.
    """

    root: str
    rel: str
    mtime: int
    size: int
    raw: str | None = None
    _entry: ModuleEntry | None = field(default=None, repr=False)

    @property
    def dotted(self) -> str:
        """The module name the path spells from the project root (`src.pkg.mod`, `pkg` for __init__)."""
        return dotted_name(self.rel)

    @property
    def package(self) -> str:
        """The package a relative import in this module starts from."""
        return dotted_name(os.path.dirname(self.rel) + "/__init__.py") if "/" in self.rel else ""

    @property
    def parsed(self) -> bool:
        return self.raw is not None

    @property
    def entry(self) -> ModuleEntry:
        """The definitions and imports, parsing the file on first use."""
        if self._entry is None:
            if self.raw is None:
                self._entry = parse_module(os.path.join(self.root, self.rel), self.size)
                self.raw = json.dumps(self._entry, separators=(",", ":"))
            else:
                self._entry = json.loads(self.raw)
        assert self._entry is not None
        return self._entry

    @property
    def defs(self) -> dict[str, DefEntry]:
        return self.entry.get("defs", {})

    @property
    def imports(self) -> list[ImportEntry]:
        return self.entry.get("imports", [])

    def mentions(self, name: str) -> bool:
        """Cheap pre-filter: could this module define or import `name`? (text probe, no parse)."""
        if self.raw is not None:
            return f'"{name}"' in self.raw
        try:
            with open(os.path.join(self.root, self.rel), "rb") as handle:
                return name.encode() in handle.read(MAX_FILE_BYTES)
        except OSError:
            return False


@dataclass
class ProjectIndex:
    """All Python modules of one project, with the look-ups the fixers need.

    Files are parsed lazily: a look-up by name first probes each unparsed file's text for the name and
    parses only the files that mention it; parsed entries go to the on-disk cache (`save`).
    """

    root: str
    modules: dict[str, Module] = field(default_factory=dict)
    parsed: int = 0
    """How many files this process parsed (0 when everything came from the cache)."""

    def by_path(self, rel: str) -> Module | None:
        return self.modules.get(rel.replace("\\", "/"))

    def named(self, dotted: str) -> list[Module]:
        """Modules whose dotted name is `dotted` or ends with `.dotted` (src layouts, sub-roots)."""
        return [m for m in self.modules.values() if _dotted_matches(m.dotted, dotted)]

    def mentioning(self, name: str) -> Iterator[Module]:
        """The modules that may define or import `name`, parsed."""
        for module in self.modules.values():
            if module.mentions(name):
                self._parse(module)
                yield module

    def definitions(self, name: str) -> list[tuple[Module, DefEntry]]:
        """Where `name` is defined at the top level of a module (not merely imported)."""
        return [(m, m.defs[name]) for m in self.mentioning(name) if name in m.defs]

    def methods(self, name: str) -> list[tuple[Module, str, DefEntry]]:
        """Every method called `name`: (module, class name, method)."""
        found = []
        for module in self.mentioning(name):
            for class_name, definition in module.defs.items():
                method = definition.get("methods", {}).get(name)
                if method is not None:
                    found.append((module, class_name, method))
        return found

    def entry_of(self, module: Module) -> ModuleEntry:
        """A module's entry, counting the parse."""
        return self._parse(module).entry

    def exports(self, module: Module, name: str) -> bool:
        """Whether `from <module> import name` works: defined there, imported there, or a submodule."""
        entry = self.entry_of(module)
        if name in entry.get("defs", {}) or any(_binds(imp, name) for imp in entry.get("imports", [])):
            return True
        if module.rel.endswith("__init__.py"):
            base = module.rel[: -len("__init__.py")]
            return f"{base}{name}.py" in self.modules or f"{base}{name}/__init__.py" in self.modules
        return False

    def build_all(self) -> ProjectIndex:
        """Parse every file now (measurements, warm-up); look-ups never need this."""
        for module in self.modules.values():
            self._parse(module)
        return self

    def save(self) -> None:
        """Write the parsed entries to the cache when this process parsed anything."""
        if self.parsed:
            _write_cache(self.root, self.modules)
            self.parsed = 0

    def _parse(self, module: Module) -> Module:
        if not module.parsed:
            _ = module.entry
            self.parsed += 1
        return module


def dotted_name(rel: str) -> str:
    """`src/pkg/mod.py` → `src.pkg.mod`; `pkg/__init__.py` → `pkg`."""
    path = rel.replace("\\", "/")
    path = path[: -len(".py")] if path.endswith(".py") else path
    if path.endswith("/__init__") or path == "__init__":
        path = path[: -len("__init__")].rstrip("/")
    return path.replace("/", ".")


def _dotted_matches(full: str, wanted: str) -> bool:
    return full == wanted or full.endswith("." + wanted)


def _binds(imp: ImportEntry, name: str) -> bool:
    for imported, alias in imp["names"]:
        bound = alias or (imported if imp["is_from"] else imported.split(".")[0])
        if bound == name or (imp["is_from"] and imported == "*"):
            return True
    return False


# -- building --

_MEMO: dict[str, ProjectIndex] = {}
"""Per process: root → its index, so later look-ups only stat the files again."""


def project_index(root: str, *, use_cache: bool = True) -> ProjectIndex:
    """The index of the project at `root`, matched against the files on disk (stat only; no parse)."""
    root = os.path.realpath(root)
    known = _MEMO.get(root)
    previous = known.modules if known is not None else (_cached_modules(root) if use_cache else {})
    index = ProjectIndex(root, parsed=known.parsed if known is not None else 0)
    for rel, mtime, size in walk_python_files(root):
        old = previous.get(rel)
        if old is not None and (old.mtime, old.size) == (mtime, size):
            index.modules[rel] = old
        else:
            index.modules[rel] = Module(root, rel, mtime, size)
            if old is not None:
                index.parsed += 1  # a changed file: the cache must be rewritten without it
    if use_cache:
        _MEMO[root] = index
    return index


def save_all() -> None:
    """Write every index this process parsed into to its cache file."""
    for index in _MEMO.values():
        index.save()


def forget(root: str | None = None) -> None:
    """Drop the in-process copy (tests measuring a cold start; the mtime check covers edits)."""
    if root is None:
        _MEMO.clear()
    else:
        _MEMO.pop(os.path.realpath(root), None)


def walk_python_files(root: str) -> Iterator[tuple[str, int, int]]:
    """(relative posix path, mtime_ns, size) of every .py file, skipping venvs, VCS and build dirs."""
    count = 0
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, rel_dir) if rel_dir else root))
        except OSError:
            continue
        if rel_dir and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtualenv under a name we do not know
        for entry in sorted(entries, key=lambda e: e.name):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and not entry.name.endswith(".egg-info"):
                        stack.append(rel)
                elif entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    count += 1
                    if count > MAX_FILES:
                        return
                    yield rel, stat.st_mtime_ns, stat.st_size
            except OSError:
                continue


def parse_module(path: str, size: int | None = None) -> ModuleEntry:
    """The definitions and imports of one file; a file that does not parse records why."""
    if size is not None and size > MAX_FILE_BYTES:
        return {"defs": {}, "imports": [], "error": "too large to index"}
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError) as exc:
        return {"defs": {}, "imports": [], "error": f"{type(exc).__name__}: {exc}"}
    defs: dict[str, DefEntry] = {}
    imports: list[ImportEntry] = []
    for node in _module_level(tree.body):
        _record(node, defs, imports)
    return {"defs": defs, "imports": imports}


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements at module level, including inside `if`/`try` blocks (guarded imports)."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_level(node.body)
            for handler in node.handlers:
                yield from _module_level(handler.body)
            yield from _module_level(node.orelse)


def _record(node: ast.stmt, defs: dict[str, DefEntry], imports: list[ImportEntry]) -> None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        defs.setdefault(node.name, function_entry(node))
    elif isinstance(node, ast.ClassDef):
        defs.setdefault(node.name, class_entry(node))
    elif isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                defs.setdefault(target.id, {"kind": "var", "line": node.lineno})
    elif isinstance(node, ast.Import | ast.ImportFrom):
        imports.append(import_entry(node))


def import_entry(node: ast.Import | ast.ImportFrom) -> ImportEntry:
    """The index's record of one import statement."""
    is_from = isinstance(node, ast.ImportFrom)
    return {
        "module": (node.module or "") if isinstance(node, ast.ImportFrom) else "",
        "level": node.level if isinstance(node, ast.ImportFrom) else 0,
        "names": [[a.name, a.asname or ""] for a in node.names],
        "line": node.lineno,
        "end_line": node.end_lineno or node.lineno,
        "is_from": is_from,
    }


def function_entry(node: ast.FunctionDef | ast.AsyncFunctionDef) -> DefEntry:
    """A function's entry: line, async flag, signature."""
    return {
        "kind": "def",
        "line": node.lineno,
        "async_": isinstance(node, ast.AsyncFunctionDef),
        "params": signature_of(node.args),
    }


def class_entry(node: ast.ClassDef) -> DefEntry:
    """A class's entry: its methods, and an `__init__` synthesised for dataclass-like classes."""
    methods: dict[str, DefEntry] = {}
    fields: list[str] = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            methods[item.name] = function_entry(item)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and _is_field(item):
            fields.append(item.target.id + ("=" if item.value is not None else ""))
    bases = [ast.unparse(b) for b in node.bases]
    if "__init__" not in methods and fields and _has_fields(node, bases):
        init: DefEntry = {"kind": "def", "line": node.lineno, "async_": False, "params": ["self", *fields]}
        methods["__init__"] = init
    return {"kind": "class", "line": node.lineno, "bases": bases, "methods": methods}


def _is_field(item: ast.AnnAssign) -> bool:
    return "ClassVar" not in ast.unparse(item.annotation)


def _has_fields(node: ast.ClassDef, bases: list[str]) -> bool:
    decorators = {ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
    return bool(decorators & DATACLASS_LIKE) or any(b.rsplit(".", 1)[-1] in FIELD_BASES for b in bases)


def signature_of(args: ast.arguments) -> list[str]:
    """A signature in Python's own notation, one string per parameter or marker."""
    params: list[str] = []
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    for number, arg in enumerate(positional):
        params.append(arg.arg + ("=" if number >= first_default else ""))
        if args.posonlyargs and number == len(args.posonlyargs) - 1:
            params.append("/")
    if args.vararg is not None:
        params.append("*" + args.vararg.arg)
    elif args.kwonlyargs:
        params.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(arg.arg + ("=" if default is not None else ""))
    if args.kwarg is not None:
        params.append("**" + args.kwarg.arg)
    return params


# -- the cache file --


def _cached_modules(root: str) -> dict[str, Module]:
    """The cache file's modules: `{"version", "files": {rel: [mtime_ns, size, entry JSON text]}}`."""
    try:
        with open(os.path.join(root, CACHE_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    modules = {}
    for rel, item in files.items():
        if isinstance(item, list) and len(item) == 3 and isinstance(item[2], str):
            modules[rel] = Module(root, rel, item[0], item[1], item[2])
    return modules


def _write_cache(root: str, modules: dict[str, Module]) -> None:
    """Atomic replace; a cache that cannot be written only costs speed next time."""
    path = os.path.join(root, CACHE_FILE)
    files = {rel: [m.mtime, m.size, m.raw] for rel, m in modules.items() if m.raw is not None}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        replace_with_text(path, json.dumps({"version": INDEX_VERSION, "files": files}, separators=(",", ":")))
    except OSError:
        return
