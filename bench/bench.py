"""healing-hooks benchmark (a script, not a test): `python bench/bench.py [--quick]`.

Run it with the interpreter of the venv the hook is installed in (DESIGN.md): every process below
is started with `sys.executable`, and every latency is also shown as a ratio to
`python -c "import json, re, sys; json.load(sys.stdin)"` run by that same interpreter, interleaved
with the hook runs of the same rounds (so machine noise hits both sides alike).

Sections: hook latency (success with nothing to say, failure with a known pattern and a memory
update, failure whose fix needs the project index), their instruction counts (valgrind callgrind,
when installed: the same whatever the machine's load), what the success path imports, detection
throughput on 1 MB and 10 MB outputs, 32 concurrent hooks on one memory, memory-file sizes after
many events, and (with --filelock-versions) the import cost of filelock releases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASELINE_CODE = "import json, re, sys; json.load(sys.stdin)"
TARGETS = {"success": (2.0, 1.2), "failure": (6.0, 4.0)}
"""Ratio to the baseline: (the issue's limit, the project's own aim)."""
MATCH_TARGET_MS = 50.0

MISSING_MODULE = """Traceback (most recent call last):
  File "{root}/worker.py", line 3, in <module>
    import aiohttp
ModuleNotFoundError: No module named 'aiohttp'"""
MOVED_NAME = """Traceback (most recent call last):
  File "{root}/app.py", line 1, in <module>
    from shop.models import Order
ImportError: cannot import name 'Order' from 'shop.models' ({root}/shop/models.py)"""


# -- processes -----------------------------------------------------------------------------------


@dataclass
class Case:
    """One kind of process run: its command line, stdin and environment."""

    name: str
    argv: list[str]
    stdin: bytes
    env: dict[str, str]
    cwd: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self) -> tuple[float, float, bytes]:
        """One whole-process run: (wall seconds, CPU seconds of the child, its stdout)."""
        started = time.perf_counter()
        child = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
        )
        out, _ = child.communicate(self.stdin)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, usage.ru_utime + usage.ru_stime, out

    def sample(self) -> bytes:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, cpu_after, out = self.run()
        self.wall.append(wall)
        self.cpu.append(cpu_after - (before.ru_utime + before.ru_stime))
        return out


def hook_argv() -> list[str]:
    """The console script beside the interpreter (what the host runs), else `python -m`."""
    script = Path(sys.executable).with_name("healing-hooks")
    if script.exists():
        return [sys.executable, str(script), "hook"]
    return [sys.executable, "-m", "healing_hooks", "hook"]


def payload(event: str, command: str, root: Path, text: str, exit_code: int = 1) -> bytes:
    data: dict[str, Any] = {
        "session_id": "bench",
        "transcript_path": "/dev/null",
        "cwd": str(root),
        "hook_event_name": event,
        "permission_mode": "default",
        "tool_name": "Bash",
        "tool_input": {"command": command, "description": "bench"},
        "tool_use_id": "toolu_bench",
    }
    if event == "PostToolUse":
        data["tool_response"] = {"stdout": text, "stderr": "", "interrupted": False, "isImage": False}
    else:
        data["error"] = f"Exit code {exit_code}\n{text}"
        data["is_interrupt"] = False
    return json.dumps(data).encode()


def index_project(root: Path, modules: int) -> None:
    """A project whose fix needs the index: `Order` moved from shop.models to shop.orders."""
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text("class Customer:\n    pass\n")
    (root / "shop" / "orders.py").write_text("class Order:\n    def total(self) -> int:\n        return 0\n")
    (root / "app.py").write_text("from shop.models import Order\n\nprint(Order())\n")
    filler = root / "pkg"
    filler.mkdir()
    (filler / "__init__.py").write_text("")
    for n in range(modules):
        helpers = (f"def helper_{n}_{k}(a: int, b: str = 'x') -> int:\n    return a\n\n" for k in range(8))
        body = "".join(helpers)
        (filler / f"module_{n}.py").write_text(f"import os\n\nclass Thing{n}:\n    pass\n\n{body}")


def latency(rounds: int, index_modules: int, scratch: Path) -> tuple[dict[str, Case], dict[str, str]]:
    """Median whole-process latencies of the baseline and the three hook cases, interleaved."""
    env = {k: v for k, v in os.environ.items() if k not in ("CLAUDE_PROJECT_DIR", "PYTHONPATH")}
    quiet, failing, indexed = scratch / "quiet", scratch / "failing", scratch / "indexed"
    quiet.mkdir(parents=True)
    failing.mkdir(parents=True)
    index_project(indexed, index_modules)
    cases = {
        "baseline": Case("baseline", [sys.executable, "-c", BASELINE_CODE], b"", env, str(quiet)),
        "success": Case(
            "success",
            hook_argv(),
            payload("PostToolUse", "ls -la", quiet, "total 8\nREADME.md\nsrc\n"),
            {**env, "CLAUDE_PROJECT_DIR": str(quiet)},
            str(quiet),
        ),
        "failure": Case(
            "failure",
            hook_argv(),
            payload("PostToolUseFailure", "python worker.py", failing, MISSING_MODULE.format(root=failing)),
            {**env, "CLAUDE_PROJECT_DIR": str(failing)},
            str(failing),
        ),
        "index": Case(
            "index",
            hook_argv(),
            payload("PostToolUseFailure", "python app.py", indexed, MOVED_NAME.format(root=indexed)),
            {**env, "CLAUDE_PROJECT_DIR": str(indexed)},
            str(indexed),
        ),
    }
    cases["baseline"].stdin = cases["failure"].stdin
    cold = {"index": _timed(cases["index"])}  # the first run builds the index cache
    checks = {name: _check(name, case.run()[2]) for name, case in cases.items()}
    for case in cases.values():  # warm-up: page cache, memory files, validation stamps
        for _ in range(2):
            case.run()
    order = list(cases.values())
    for _ in range(rounds):
        random.shuffle(order)
        for case in order:
            case.sample()
    files = index_modules + 4
    checks["index-cold"] = f"first run {cold['index'] * 1000:.0f} ms (builds the index of {files} files)"
    return cases, checks


def _timed(case: Case) -> float:
    started = time.perf_counter()
    case.run()
    return time.perf_counter() - started


def _check(name: str, out: bytes) -> str:
    """What the process answered, so a fast wrong answer does not pass for a fast right one."""
    if name == "baseline":
        return "-"
    if name == "success":
        return "silent, as it should be" if not out.strip() else f"UNEXPECTED OUTPUT {out[:80]!r}"
    try:
        answer = json.loads(out)
        context = answer["hookSpecificOutput"]["additionalContext"]
    except (ValueError, KeyError, TypeError):
        return f"UNEXPECTED ANSWER {out[:120]!r}"
    saved = "memory NOT saved" if "not saved" in answer.get("systemMessage", "") else "memory saved"
    if name == "index":
        ok = "shop.orders" in context
        return f"{'fix found in shop.orders' if ok else 'NO INDEX FIX'}; {saved}"
    return f"{'aiohttp advice' if 'aiohttp' in context else 'NO ADVICE'}; {saved}"


def print_latency(cases: dict[str, Case], checks: dict[str, str], has_index: bool) -> None:
    base_wall = statistics.median(cases["baseline"].wall)
    base_cpu = statistics.median(cases["baseline"].cpu)
    labels = {
        "baseline": "baseline: python -c 'import json, re, sys; json.load(sys.stdin)'",
        "success": "(a) success, nothing to say",
        "failure": "(b) failure, known pattern + memory update",
        "index": "(c) failure needing the project index",
    }
    print(f"\n## Hook latency ({len(cases['baseline'].wall)} interleaved rounds, whole process, median)\n")
    print("| case | wall ms | ratio | CPU ms | CPU ratio | limit / aim | answer |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name, case in cases.items():
        if name == "index" and not has_index:
            print(f"| {labels[name]} | - | - | - | - | - | remedy/index.py not present: not measured |")
            continue
        wall, cpu = statistics.median(case.wall), statistics.median(case.cpu)
        target = TARGETS["success" if name == "success" else "failure"] if name != "baseline" else None
        goal = f"<= {target[0]:g}x / {target[1]:g}x" if target else "1x"
        verdict = ""
        if target:
            verdict = " ✓" if wall / base_wall <= target[0] else " ✗"
        print(
            f"| {labels[name]} | {wall * 1000:.1f} | {wall / base_wall:.2f}x{verdict} | {cpu * 1000:.1f} "
            f"| {cpu / base_cpu:.2f}x | {goal} | {checks.get(name, '')} |"
        )
    if has_index:
        print(f"\n(c) cold: {checks['index-cold']}")


# -- instructions (callgrind: the same count however busy the machine is) ------------------------


def instructions(cases: dict[str, Case]) -> dict[str, int] | None:
    """Instructions each case executes, counted by valgrind's callgrind; None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    counts = {}
    for name, case in cases.items():
        argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *case.argv]
        done = subprocess.run(
            argv, input=case.stdin, capture_output=True, env=case.env, cwd=case.cwd, check=False
        )
        found = re.search(rb"Collected : (\d+)", done.stderr)
        if found is None:
            return None
        counts[name] = int(found.group(1))
    return counts


def print_instructions(counts: dict[str, int]) -> None:
    print("\n## Instructions (valgrind callgrind, one run each: independent of machine load)\n")
    print("| case | instructions | ratio | limit / aim |")
    print("|---|---:|---:|---|")
    base = counts["baseline"]
    for name, count in counts.items():
        target = TARGETS["success" if name == "success" else "failure"] if name != "baseline" else None
        goal = f"<= {target[0]:g}x / {target[1]:g}x" if target else "1x"
        print(f"| {name} | {count / 1e6:.0f} M | {count / base:.2f}x | {goal} |")


# -- what the success path imports ---------------------------------------------------------------


def success_imports(case: Case) -> str:
    """Modules the success path imports beyond a bare interpreter, and which are not stdlib."""
    bare = _imported([sys.executable, "-X", "importtime", "-c", "pass"], b"", case)
    argv = [case.argv[0], "-X", "importtime", *case.argv[1:]]
    hook = _imported(argv, case.stdin, case)
    extra = sorted(hook - bare)
    stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
    outside = [m for m in extra if m.split(".")[0] not in stdlib and not m.startswith("healing_hooks")]
    return (
        f"{len(extra)} modules beyond `python -c pass`; outside the standard library: "
        f"{', '.join(outside) or 'none'}\n  ({', '.join(extra)})"
    )


def _imported(argv: list[str], stdin: bytes, case: Case) -> set[str]:
    done = subprocess.run(argv, input=stdin, capture_output=True, env=case.env, cwd=case.cwd, check=False)
    names = set()
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("import time:") and "|" in line and "imported package" not in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


# -- detection throughput -----------------------------------------------------------------------

NOISE = [
    "tests/test_api.py::test_get_item[{n}] PASSED                                  [ {p:2d}%]",
    "   Compiling serde v1.0.{n}",
    "INFO:app.worker:processed batch {n} in 0.0{p}s (ok)",
    "collected {n} items",
    "  Downloading requests-2.{n}.0-py3-none-any.whl (62 kB)",
    "[{n}/900] Building CXX object src/CMakeFiles/core.dir/part_{n}.cpp.o",
    'DEBUG urllib3.connectionpool: https://api.example.com:443 "GET /v1/items/{n} HTTP/1.1" 200 {p}',
]
ERRORS = [
    MISSING_MODULE.format(root="/srv/app"),
    "E       TypeError: Event.__init__() got an unexpected keyword argument 'event_type'",
    "error[E0382]: borrow of moved value: `items`\n --> src/lib.rs:{n}:9",
    "FAILED tests/test_api.py::test_get_item[{n}] - AssertionError: assert 500 == 200",
    "warning: unused import: `std::fmt`\n --> src/main.rs:1:5",
]


def make_output(size: int, dense: bool) -> str:
    """Realistic output of `size` characters: tool noise, errors every ~120 lines when dense,
    and in any case a traceback at the end."""
    rng = random.Random(size)
    lines: list[str] = []
    total = 0
    while total < size:
        n = rng.randrange(10_000)
        if dense and rng.randrange(120) == 0:
            line = rng.choice(ERRORS).replace("{n}", str(n))
        else:
            line = rng.choice(NOISE).format(n=n, p=n % 100)
        lines.append(line)
        total += len(line) + 1
    lines.append(MISSING_MODULE.format(root="/srv/app"))
    return "\n".join(lines)


def throughput(sizes: Sequence[int], repeats: int) -> list[tuple[str, float, float, float, int]]:
    """(label, library load ms, matching ms, whole detect ms, findings) per output."""
    from healing_hooks.detect import detect
    from healing_hooks.detect.patterns import build_library, pattern_findings
    from healing_hooks.observation import Observation

    rows = []
    for size in sizes:
        for dense in (False, True):
            text = make_output(size, dense)
            load = _median_ms(build_library, repeats)
            matched = _median_ms(lambda t=text: pattern_findings(build_library(), t), repeats) - load  # type: ignore[misc]
            root = "/srv/app"
            obs = Observation("PostToolUseFailure", "Bash", "pytest -q", text, 1, False, root, root)
            whole = _median_ms(lambda o=obs: detect(o, build_library()), max(1, repeats // 2))  # type: ignore[misc]
            found = len(pattern_findings(build_library(), text))
            label = f"{size / 1e6:g} MB, {'errors every ~120 lines' if dense else 'one error at the end'}"
            rows.append((label, load, matched, whole, found))
    return rows


def scaled_library_ms(size: int, extra_patterns: int, repeats: int) -> tuple[int, float]:
    """Matching time with `extra_patterns` project patterns on top of the built-ins."""
    from healing_hooks.detect.patterns import build_library, pattern_findings

    entries = [
        {
            "id": f"learned-{n}",
            "error_regex": rf"^FooError{n}: widget (?P<name>\w+) failed at step \d+$",
            "category": "test",
            "severity": "medium",
            "source": "learned",
        }
        for n in range(extra_patterns)
    ]
    text = make_output(size, dense=True)
    library = build_library(entries)
    count = len(library.patterns)
    return count, _median_ms(lambda: pattern_findings(build_library(entries), text), repeats) - _median_ms(
        lambda: build_library(entries), repeats
    )


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


# -- 32 concurrent hooks ------------------------------------------------------------------------


def contention(hooks: int, scratch: Path) -> dict[str, Any]:
    """`hooks` failure hooks started at once on one project: latencies, lost events, busy notices."""
    root = scratch / "crowd"
    root.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"CLAUDE_PROJECT_DIR": str(root)}
    warm = payload("PostToolUseFailure", "python warm.py", root, MISSING_MODULE.format(root=root))
    subprocess.run(hook_argv(), input=warm, capture_output=True, env=env, check=False)
    log = root / ".claude-flow" / "memory" / "error-log.txt"
    before = len(log.read_text().splitlines())
    stdins = [
        payload("PostToolUseFailure", f"python worker_{n}.py", root, MISSING_MODULE.format(root=root))
        for n in range(hooks)
    ]
    started = time.perf_counter()
    children = [(_start(hook_argv(), env), time.perf_counter()) for _ in stdins]
    for (child, _), data in zip(children, stdins, strict=True):
        assert child.stdin is not None
        child.stdin.write(data)
        child.stdin.close()
    latencies, outputs = [], []
    for child, begun in children:
        assert child.stdout is not None
        outputs.append(child.stdout.read().decode("utf-8", "replace"))
        child.wait()
        latencies.append(time.perf_counter() - begun)
    total = time.perf_counter() - started
    logged = len(log.read_text().splitlines()) - before
    return {
        "hooks": hooks,
        "total_ms": total * 1000,
        "median_ms": statistics.median(latencies) * 1000,
        "max_ms": max(latencies) * 1000,
        "lost": hooks - logged,
        "busy": sum("lock busy" in out for out in outputs),
        "not_saved": sum("not saved" in out for out in outputs),
        "answered": sum('"additionalContext"' in out for out in outputs),
    }


# -- memory growth ------------------------------------------------------------------------------


def memory_growth(events: int, scratch: Path) -> tuple[dict[str, int], float]:
    """Sizes of the memory files after `events` recorded failures (in-process, through the store),
    with a test run every 3rd event and a new learned pattern every 50th."""
    from healing_hooks.config import load_config
    from healing_hooks.memory.store import PATTERNS_FILE, MemoryStore, Update, utc_now

    root = scratch / "growth"
    root.mkdir()
    store = MemoryStore(str(root), load_config(str(root)))
    started = time.perf_counter()
    for n in range(events):
        update = Update(
            pattern_ids=["dependency-missing-module"],
            log_lines=[_log_record(n, utc_now())],
            test_lines=[_test_record(n, utc_now())] if n % 3 == 0 else [],
        )
        store.apply(update)
        if n % 50 == 0:
            with store.locked():
                document = store.read_patterns().data
                document["patterns"].append(
                    {
                        "id": f"learned-{n}",
                        "error_regex": rf"^WidgetError{n}: (?P<x>\w+)$",
                        "source": "learned",
                        "occurrences": 2,
                        "last_seen": utc_now(),
                    }
                )
                store.write_json(PATTERNS_FILE, document)
    seconds = time.perf_counter() - started
    folder = root / ".claude-flow" / "memory"
    sizes = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
    return sizes, seconds


def _log_record(n: int, stamp: str) -> dict[str, Any]:
    return {
        "ts": stamp,
        "session_id": f"session-{n // 500}",
        "tool_use_id": f"toolu_{n:08d}",
        "event": "PostToolUseFailure",
        "command": f"python worker_{n % 97}.py --batch {n}",
        "exit_code": 1,
        "interrupted": False,
        "findings": [
            {
                "id": f"hh-{n % 4096:04x}",
                "pattern_id": "dependency-missing-module",
                "category": "dependency",
                "severity": "high",
                "tool": "python",
                "message": "module `aiohttp` cannot be imported",
                "location": {"file": f"worker_{n % 97}.py", "line": 3, "column": None},
                "confidence": 0.9,
            }
        ],
        "excerpt": MISSING_MODULE.format(root="/srv/app"),
    }


def _test_record(n: int, stamp: str) -> dict[str, Any]:
    return {
        "ts": stamp,
        "session_id": f"session-{n // 500}",
        "command": "pytest -q",
        "runner": "pytest",
        "passed": 120,
        "failed": n % 3,
        "errors": 0,
        "skipped": 2,
        "failed_tests": [f"tests/test_api.py::test_case_{n % 11}"] * (n % 3),
        "duration_ms": 4200,
    }


# -- filelock releases --------------------------------------------------------------------------


def filelock_matrix(versions: Sequence[str], rounds: int, scratch: Path) -> list[tuple[str, float, float]]:
    """Import cost of each filelock release (installed with pip into scratch folders): alone, over
    the baseline; and on the failure path, over `import healing_hooks.pipeline` (which already
    brings dataclasses, typing and the like that filelock would otherwise pay for)."""
    before_pipeline = "import healing_hooks.pipeline"
    cases = [
        Case("baseline", [sys.executable, "-c", BASELINE_CODE], b"{}", dict(os.environ), str(scratch)),
        Case("pipeline", [sys.executable, "-c", before_pipeline], b"{}", dict(os.environ), str(scratch)),
    ]
    for version in versions:
        target = scratch / f"filelock-{version}"
        install = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        subprocess.run([*install, f"filelock=={version}"], check=True, capture_output=True)
        compile_all = [sys.executable, "-m", "compileall", "-q", str(target)]
        subprocess.run(compile_all, check=False, capture_output=True)
        env = {**os.environ, "PYTHONPATH": str(target)}
        alone = [sys.executable, "-c", BASELINE_CODE + "; import filelock"]
        after = [sys.executable, "-c", before_pipeline + "; import filelock"]
        cases.append(Case(f"{version} alone", alone, b"{}", env, str(scratch)))
        cases.append(Case(f"{version} pipeline", after, b"{}", env, str(scratch)))
    for _ in range(rounds):
        random.shuffle(cases)
        for case in cases:
            case.sample()
    median = {c.name: statistics.median(c.wall) * 1000 for c in cases}
    rows = [
        (v, median[f"{v} alone"] - median["baseline"], median[f"{v} pipeline"] - median["pipeline"])
        for v in versions
    ]
    return sorted(rows, key=lambda row: [int(p) for p in row[0].split(".")])


# -- the report ---------------------------------------------------------------------------------


def environment() -> str:
    import platform

    try:
        from importlib.metadata import version

        filelock = version("filelock")
    except Exception:  # noqa: BLE001 - only for the report
        filelock = "?"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"python {platform.python_version()} ({sys.executable}), {platform.platform()}, "
        f"{os.cpu_count()} CPUs, load average {load}, filelock {filelock}, "
        f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds per latency case")
    parser.add_argument("--events", type=int, default=100_000, help="events for the memory-size run")
    parser.add_argument("--index-modules", type=int, default=300, help="filler modules in case (c)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and events (a smoke run)")
    parser.add_argument("--filelock-versions", default="", help="comma-separated releases to time")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated sections to skip: latency,instructions,throughput,contention,memory",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.events = min(args.rounds, 8), min(args.events, 5_000)
    skip = set(filter(None, args.skip.split(",")))
    print("# healing-hooks benchmark\n")
    print(environment())
    has_index = _has_module("healing_hooks.remedy.index")
    with tempfile.TemporaryDirectory(prefix="hh-bench-") as folder:
        scratch = Path(folder)
        if "latency" not in skip:
            cases, checks = latency(args.rounds, args.index_modules, scratch / "latency")
            print_latency(cases, checks, has_index)
            counts = instructions(cases) if "instructions" not in skip else None
            if counts:
                print_instructions(counts)
            print(f"\nSuccess path imports: {success_imports(cases['success'])}")
        if "throughput" not in skip:
            print_throughput(max(3, args.rounds // 6))
        if "contention" not in skip:
            crowd = contention(32, scratch)
            print("\n## 32 concurrent hooks on one project (failures, memory writes under one lock)\n")
            print_contention(crowd)
        if "memory" not in skip:
            sizes, seconds = memory_growth(args.events, scratch)
            print(f"\n## Memory files after {args.events:,} events ({seconds:.0f} s in-process)\n")
            print("| file | bytes |")
            print("|---|---:|")
            for name, size in sizes.items():
                print(f"| {name} | {size:,} |")
            print(f"| **total** | **{sum(sizes.values()):,}** |")
        if args.filelock_versions:
            print_filelock(filelock_matrix(args.filelock_versions.split(","), args.rounds, scratch))
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def print_throughput(repeats: int) -> None:
    print(f"\n## Detection throughput (in-process, median of {repeats})\n")
    print("| output | library load ms | pattern matching ms | whole detect ms | pattern findings | target |")
    print("|---|---:|---:|---:|---:|---|")
    for label, load, matched, whole, found in throughput([1_000_000, 10_000_000], repeats):
        verdict = "✓" if matched <= MATCH_TARGET_MS else "✗"
        target = f"<= {MATCH_TARGET_MS:g} ms {verdict}" if "1 MB" in label else "-"
        print(f"| {label} | {load:.1f} | {matched:.1f} | {whole:.0f} | {found} | {target} |")
    count, ms = scaled_library_ms(1_000_000, 500, repeats)
    print(f"\nWith 500 learned patterns on top ({count} patterns): 1 MB dense output matched in {ms:.1f} ms.")


def print_filelock(rows: list[tuple[str, float, float]]) -> None:
    print("\n## `import filelock` cost by release (median wall ms added)\n")
    print("| filelock | alone, over the baseline | failure path: over the pipeline's own imports |")
    print("|---|---:|---:|")
    for name, alone, marginal in rows:
        print(f"| {name} | {alone:+.1f} | {marginal:+.1f} |")


def print_contention(crowd: dict[str, Any]) -> None:
    print("| hooks | all done ms | median ms | max ms | events lost | lock busy | not saved | answered |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {crowd['hooks']} | {crowd['total_ms']:.0f} | {crowd['median_ms']:.0f} | {crowd['max_ms']:.0f} "
        f"| {crowd['lost']} | {crowd['busy']} | {crowd['not_saved']} | {crowd['answered']} |"
    )


def _start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)


def _has_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


if __name__ == "__main__":
    sys.exit(main())
