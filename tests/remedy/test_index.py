"""The project index: definitions, signatures, async flags; lazy parsing; the mtime+size cache."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from healing_hooks.remedy.index import CACHE_FILE, forget, project_index, walk_python_files
from tests.corpus.runner import source, write_files

FILES = {
    "pkg/__init__.py": "from .models import Event\n",
    "pkg/models.py": source("""
        from dataclasses import dataclass, field


        @dataclass
        class Event:
            topic: str
            payload: dict = field(default_factory=dict)


        class Bus:
            def stop(self, force=False, *, reason=None, **extra):
                pass

            async def flush(self, /, timeout):
                pass


        async def publish(bus, *events):
            pass


        LIMIT = 3
    """),
    "broken.py": "def oops(:\n",
    ".venv/lib/site.py": "class Hidden: pass\n",
    "node_modules/x.py": "class Hidden: pass\n",
    ".git/hooks/h.py": "class Hidden: pass\n",
    "other_env/pyvenv.cfg": "home = /usr\n",
    "other_env/lib/mod.py": "class Hidden: pass\n",
    "build/lib/pkg/models.py": "class Hidden: pass\n",
}


def test_definitions_signatures_and_async_flags(tmp_path: Path) -> None:
    write_files(tmp_path, FILES)
    index = project_index(str(tmp_path))

    [(module, event)] = index.definitions("Event")
    assert module.rel == "pkg/models.py" and module.dotted == "pkg.models"
    assert event["methods"]["__init__"]["params"] == ["self", "topic", "payload="]
    bus = index.definitions("Bus")[0][1]
    assert bus["methods"]["stop"]["params"] == ["self", "force=", "*", "reason=", "**extra"]
    assert bus["methods"]["flush"] == {
        "kind": "def",
        "line": 14,
        "async_": True,
        "params": ["self", "/", "timeout"],
    }
    assert index.definitions("publish")[0][1]["params"] == ["bus", "*events"]
    assert index.definitions("LIMIT")[0][1]["kind"] == "var"
    assert [c for _, c, _ in index.methods("stop")] == ["Bus"]
    assert index.exports(index.named("pkg")[0], "Event")  # re-exported by the package
    assert index.by_path("broken.py").entry.get("error", "").startswith("SyntaxError")  # type: ignore[union-attr]
    assert not index.definitions("Hidden")  # venvs, VCS, node_modules, build dirs are skipped
    forget()


def test_lazy_parse_cache_and_invalidation(tmp_path: Path) -> None:
    write_files(tmp_path, {f"m{i}.py": f"def f{i}(a, b=1):\n    return a\n" for i in range(50)})
    forget()
    cold = project_index(str(tmp_path))
    assert cold.definitions("f7")[0][0].rel == "m7.py"
    assert cold.parsed == 1  # only the file that mentions the name was parsed
    cold.save()
    assert json.loads((tmp_path / CACHE_FILE).read_text())["files"].keys() == {"m7.py"}

    cold.build_all().save()
    forget()
    warm = project_index(str(tmp_path))
    assert warm.definitions("f7") and warm.methods("nothing") == []
    assert warm.parsed == 0

    time.sleep(0.01)
    (tmp_path / "m7.py").write_text("async def g7():\n    pass\n")
    forget()
    changed = project_index(str(tmp_path))
    assert changed.definitions("f7") == []
    assert changed.definitions("g7")[0][1]["async_"] is True
    forget()


def test_a_large_project_stays_fast(tmp_path: Path) -> None:
    module = (
        "import os\n\n\nclass C{n}:\n    def method(self, a, b=1):\n        return a\n\n\n"
        "def func{n}(x):\n    return x\n"
    )
    for package in range(30):
        write_files(tmp_path, {f"p{package}/m{i}.py": module.format(n=f"{package}_{i}") for i in range(100)})
    assert sum(1 for _ in walk_python_files(str(tmp_path))) == 3000
    forget()

    started = time.perf_counter()
    found = project_index(str(tmp_path)).definitions("C7_42")
    cold = time.perf_counter() - started
    assert [m.rel for m, _ in found] == ["p7/m42.py"]
    project_index(str(tmp_path)).build_all().save()
    forget()
    started = time.perf_counter()
    index = project_index(str(tmp_path))
    assert index.definitions("func3_3") and index.parsed == 0
    warm = time.perf_counter() - started

    limit = float(os.environ.get("HH_INDEX_SECONDS", "10"))  # generous: CI machines are shared
    assert cold < limit and warm < limit, (cold, warm)
    forget()
