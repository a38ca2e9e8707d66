"""The Python detector on real output: the corpus's scripts, and the shapes the corpus lacks.

Every output comes from a real interpreter run on a small project in a fresh folder. Windows
paths, container prefixes and the host's truncation are real outputs transformed the way those
environments print them; colour codes come from a real Python 3.13 with PYTHON_COLORS=1.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.detect import detect
from healing_hooks.detect.python import python_findings
from healing_hooks.detect.python_errors import classify_exception, is_project_module
from healing_hooks.detect.text import clean_output
from healing_hooks.detect.tracebacks import Frame, innermost_project_frame, project_rank
from healing_hooks.findings import Finding
from healing_hooks.observation import Observation, observation_from_payload
from tests.corpus import cases_python
from tests.corpus.runner import Case, Recorded, run_case, source, to_payload
from tests.detect import pyruns
from tests.detect.corpus_check import finding_text, judge

NOT_TRACEBACKS = {
    "python-sys-exit-with-code-and-message",  # a message and an exit status: the shell detector's
    "python-sys-exit-string",
    "python-timeout-exit-124",
    "python-script-path-not-found",
}
CASES = [case for case in cases_python.CASES if case.name not in NOT_TRACEBACKS]


@pytest.fixture(scope="module")
def recorded() -> dict[str, Recorded]:
    """Every corpus case of this file, run once (in parallel) for the whole module."""
    return pyruns.record_all(CASES)


def recording(recorded: dict[str, Recorded], name: str) -> Recorded:
    if name not in recorded:
        pytest.skip(f"{name} cannot run here (a requirement is missing)")
    return recorded[name]


def observed(rec: Recorded) -> Observation:
    """The observation the hook builds from this recording's payload."""
    return observation_from_payload(to_payload(rec), {"CLAUDE_PROJECT_DIR": str(rec.root)})


def own(rec: Recorded) -> list[Finding]:
    """The Python parser's own findings (no patterns, no merge)."""
    obs = observed(rec)
    return python_findings(obs, clean_output(obs.output))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_corpus_case_is_found_at_its_place(case: Case, recorded: dict[str, Recorded]) -> None:
    rec = recording(recorded, case.name)
    verdict = judge(case, pyruns.analysed(to_payload(rec), str(rec.root)))
    assert verdict.ok, f"{verdict.outcome}: {verdict.reason}\n{rec.output[-1500:]}"
    assert verdict.findings[0].category == case.expect.category  # type: ignore[union-attr]
    assert verdict.findings[0].tool == "python"


FACTS: list[tuple[str, dict[str, Any]]] = [
    ("python-unexpected-keyword-argument", {"callee": "create_user", "argument": "emial"}),
    ("python-missing-positional-argument", {"callee": "Mailer.send", "argument": "recipient", "count": "1"}),
    ("python-too-many-positional-arguments", {"callee": "add", "expected": "2", "given": "3"}),
    ("python-unsupported-operand-in-package", {"operator": "+=", "left": "int", "right": "str"}),
    ("python-name-error-did-you-mean", {"name": "totl", "did_you_mean": "total"}),
    ("python-name-error-missing-import", {"name": "json", "kind": "undefined-name"}),
    ("python-unbound-local-error", {"name": "count", "kind": "unbound-local"}),
    ("python-attribute-error-did-you-mean", {"type": "User", "attribute": "emial", "did_you_mean": "email"}),
    (
        "python-attribute-error-module",
        {"module": "blog.text", "attribute": "slugfy", "did_you_mean": "slugify"},
    ),
    ("python-attribute-error-none", {"type": "NoneType", "attribute": "group", "kind": "none-attribute"}),
    ("python-cannot-import-name-absolute", {"name": "Invoice", "module": "shop.models"}),
    ("python-circular-import", {"name": "Customer", "module": "shop.customers", "kind": "circular-import"}),
    ("python-module-not-found-project", {"module": "helpers", "kind": "missing-project-module"}),
    ("python-module-not-found-submodule", {"module": "shop.payments", "kind": "missing-project-module"}),
    ("python-dependency-yaml", {"module": "yaml", "exception": "ModuleNotFoundError"}),
    (
        "python-dependency-sklearn-in-package",
        {"module": "sklearn", "code": "from sklearn.linear_model import LinearRegression"},
    ),
    ("python-await-sync-method", {"type": "NoneType", "kind": "await-non-awaitable"}),
    ("python-asyncio-run-inside-running-loop", {"kind": "nested-event-loop"}),
    ("python-key-error-dict", {"key": "banana"}),
    ("python-called-process-error", {"exit_status": "2", "kind": "subprocess-failed"}),
    ("python-permission-error-exec", {"path": "./tools/lint.sh"}),
    ("python-file-not-found", {"path": "data/input.csv", "kind": "missing-file"}),
]


@pytest.mark.parametrize(("name", "facts"), FACTS, ids=[name for name, _ in FACTS])
def test_details_carry_what_a_fixer_needs(
    name: str, facts: dict[str, Any], recorded: dict[str, Recorded]
) -> None:
    (finding,) = own(recording(recorded, name))
    assert {key: finding.details.get(key) for key in facts} == facts


def test_frames_are_innermost_last_with_code(recorded: dict[str, Recorded]) -> None:
    (finding,) = own(recording(recorded, "python-unsupported-operand-in-package"))
    frames = finding.details["frames"]
    assert [(f["file"], f["line"]) for f in frames[-3:]] == [
        ("shop/cli.py", 9),
        ("shop/cli.py", 5),
        ("shop/pricing.py", 4),
    ]
    assert frames[-1] == {
        "file": "shop/pricing.py",
        "line": 4,
        "function": "total",
        "code": "result += price",
    }
    assert finding.details["code"] == "result += price"


def test_chain_reports_the_final_exception_with_its_causes(recorded: dict[str, Recorded]) -> None:
    (finding,) = own(recording(recorded, "python-chained-during-handling"))
    assert finding.details["exception"] == "ConfigError"
    assert finding.message == "ConfigError: port is not configured (during handling of KeyError: 'port')"
    (cause,) = finding.details["chain"]
    assert cause["exception"] == "KeyError"
    assert cause["location"] == "settings.py:10"
    assert cause["relation"].startswith("During handling of the above exception")


def test_chain_to_a_network_error_is_network(recorded: dict[str, Recorded]) -> None:
    (finding,) = own(recording(recorded, "python-connection-refused-urllib"))
    assert (finding.category, str(finding.location)) == ("network", "health.py:10")
    assert finding.details["chain"][0]["exception"] == "ConnectionRefusedError"


def test_warning_of_a_run_that_exited_0_is_medium_async(recorded: dict[str, Recorded]) -> None:
    (finding,) = own(recording(recorded, "python-coroutine-never-awaited-warning-exit-0"))
    assert (finding.category, finding.severity, str(finding.location)) == ("async", "medium", "notify.py:11")
    assert finding.details["callee"] == "send_email"
    assert finding.details["code"] == "send_email(user)"


def test_warning_at_exit_joins_the_crash(recorded: dict[str, Recorded]) -> None:
    (finding,) = own(recording(recorded, "python-coroutine-never-awaited-then-crash"))
    assert finding.category == "async"
    assert finding.details["notes"] == ["sys:1: RuntimeWarning: coroutine 'fetch_user' was never awaited"]


def test_parser_and_pattern_make_one_finding(recorded: dict[str, Recorded]) -> None:
    """The seed pattern `dependency-missing-module` and the parser see the same line: one finding."""
    findings = detect(observed(recording(recorded, "python-dependency-yaml")), pyruns.builtin_library())
    assert len(findings) == 1
    (finding,) = findings
    assert (finding.tool, finding.pattern_id, finding.playbook) == ("python", "dependency-missing-module",
                                                                  "missing-dependency")  # fmt: skip
    assert str(finding.location) == "load_config.py:1"


def test_pattern_of_another_category_lends_its_id_not_its_playbook(recorded: dict[str, Recorded]) -> None:
    (finding,) = detect(
        observed(recording(recorded, "python-module-not-found-project")), pyruns.builtin_library()
    )
    assert (finding.category, finding.pattern_id, finding.playbook) == (
        "import",
        "dependency-missing-module",
        None,
    )


# --- shapes the corpus lacks: real runs -------------------------------------------------------


def run(tmp_path: Path, files: dict[str, str], command: str) -> tuple[Recorded, Observation]:
    case = Case(name=tmp_path.name, tool="python", files=files, command=command, expect=None)
    rec = run_case(case, tmp_path / "project")
    return rec, observed(rec)


TASK_GROUP = source("""
    import asyncio


    async def fetch(port: int) -> None:
        raise ConnectionRefusedError(111, "Connection refused")


    async def parse(text: str) -> int:
        return int(text)


    async def main() -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(fetch(1))
            group.create_task(parse("x"))


    asyncio.run(main())
""")


def test_exception_group_gives_one_finding_per_sub_exception(tmp_path: Path) -> None:
    rec, obs = run(tmp_path, {"jobs.py": TASK_GROUP}, "python jobs.py")
    assert "Exception Group Traceback" in rec.output
    findings = python_findings(obs, clean_output(obs.output))
    assert sorted((f.category, str(f.location), f.severity) for f in findings) == [
        ("network", "jobs.py:5", "high"),
        ("value", "jobs.py:9", "high"),
    ]
    assert all(
        f.details["group"].startswith("ExceptionGroup: unhandled errors in a TaskGroup") for f in findings
    )


def windows(output: str, root: str, windows_root: str) -> str:
    """A real POSIX traceback as CPython on Windows prints it: drive paths, backslashes, CRLF."""
    python_home = r"C:\Users\dev\AppData\Local\Programs\Python\Python311\Lib"

    def path(match: re.Match[str]) -> str:
        file = match.group(1)
        if file.startswith(root + "/"):
            file = windows_root + "\\" + file[len(root) + 1 :].replace("/", "\\")
        elif "/lib/python3" in file:
            file = python_home + "\\" + file.split("/lib/python3.", 1)[1].split("/", 1)[1].replace("/", "\\")
        return f'File "{file}"'

    return re.sub(r'File "([^"]+)"', path, output).replace("\n", "\r\n")


@pytest.mark.parametrize("name", ["python-chained-direct-cause", "python-asyncio-bound-to-different-loop"])
def test_windows_paths(name: str, recorded: dict[str, Recorded]) -> None:
    rec = recording(recorded, name)
    win_root = r"C:\Users\dev\shop"
    output = windows(rec.output, str(rec.root), win_root)
    assert r'File "C:\Users\dev\shop' in output
    expect = next(case for case in CASES if case.name == name).expect
    assert expect is not None
    (at_home,) = python_findings(pyruns_observe(output, win_root), clean_output(output))
    assert (at_home.category, at_home.location and at_home.location.file) == (expect.category, expect.file)
    assert at_home.location is not None and at_home.location.line == expect.line
    # pasted into another machine's session: the frame outside any environment still wins
    (pasted,) = python_findings(pyruns_observe(output, "/home/someone/else"), clean_output(output))
    assert pasted.location is not None
    assert pasted.location.file == f"C:/Users/dev/shop/{expect.file}"
    assert pasted.location.line == expect.line


def pyruns_observe(
    output: str, root: str, exit_code: int | None = 1, command: str = "python app.py"
) -> Observation:
    return Observation(
        event="PostToolUseFailure" if exit_code else "PostToolUse",
        tool_name="Bash",
        command=command,
        output=output,
        exit_code=exit_code,
        interrupted=False,
        cwd=root,
        project_root=root,
    )


NAME_ERROR = "def f():\n    return json.dumps({})\n\n\nf()\n"
SYNTAX_ERROR = "x = (1,\ny = 2\n"


@pytest.mark.parametrize("version", sorted(pyruns.interpreters()) or ["none"])
def test_other_interpreters(version: str, tmp_path: Path) -> None:
    """2.7 to 3.13: the same errors, found at the same places, whatever the version prints."""
    python = pyruns.interpreters().get(version)
    if python is None:
        pytest.skip("no other Python installed")
    files = {"names.py": NAME_ERROR, "syntax.py": SYNTAX_ERROR}
    rec, obs = run(tmp_path, files, f"{python} names.py; {python} syntax.py")
    findings = python_findings(obs, clean_output(obs.output))
    got = {(f.category, f.location.file if f.location else None) for f in findings}
    assert got == {("name", "names.py"), ("syntax", "syntax.py")}, rec.output
    name = next(f for f in findings if f.category == "name")
    assert (name.location and name.location.line, name.details["name"]) == (2, "json")
    if tuple(map(int, version.split("."))) >= (3, 12):
        assert name.details["module"] == "json"  # "Did you forget to import 'json'?"


def test_colour_codes_of_python_3_13(tmp_path: Path) -> None:
    python = pyruns.interpreters().get("3.13")
    if python is None:
        pytest.skip("Python 3.13 (coloured tracebacks) is not installed")
    rec, obs = run(tmp_path, {"jobs.py": TASK_GROUP, "names.py": NAME_ERROR},
                   f"PYTHON_COLORS=1 {python} names.py; PYTHON_COLORS=1 {python} jobs.py")  # fmt: skip
    assert "\x1b[35m" in rec.output
    findings = detect(obs, pyruns.builtin_library())
    assert sorted((f.category, str(f.location)) for f in findings) == [
        ("name", "names.py:2"),
        ("network", "jobs.py:5"),
        ("value", "jobs.py:9"),
    ]


def test_container_log_prefixes(recorded: dict[str, Recorded]) -> None:
    """`docker compose up` prints every line of a service with the same `web-1  | ` prefix."""
    rec = recording(recorded, "python-unexpected-keyword-argument")
    output = "".join(f"web-1  | {line}\n" for line in rec.output.splitlines())
    (finding,) = python_findings(pyruns_observe(output, str(rec.root)), output)
    assert (finding.category, str(finding.location), finding.details["argument"]) == (
        "type",
        "seed.py:3",
        "emial",
    )


LOGGING_APP = source("""
    import logging

    logging.basicConfig(level=logging.INFO)
    log = logging.getLogger("sync")

    for n in range(3):
        try:
            {}["user%d" % n]
        except KeyError:
            log.exception("row %d skipped", n)
    open("settings.toml").read()
""")


def test_handled_tracebacks_before_the_crash_are_medium(tmp_path: Path) -> None:
    _, obs = run(tmp_path, {"sync.py": LOGGING_APP}, "python sync.py")
    findings = detect(obs, pyruns.builtin_library())
    assert [(f.severity, f.category, f.details["exception"]) for f in findings] == [
        ("high", "runtime", "FileNotFoundError"),
        ("medium", "key", "KeyError"),
        ("medium", "key", "KeyError"),
        ("medium", "key", "KeyError"),
    ]
    assert str(findings[0].location) == "sync.py:11"


def test_handled_tracebacks_of_a_run_that_succeeded_stay_low(tmp_path: Path) -> None:
    app = LOGGING_APP.replace('open("settings.toml").read()', 'print("done")')
    _, obs = run(tmp_path, {"sync.py": app}, "python sync.py")
    findings = python_findings(obs, clean_output(obs.output))
    assert len(findings) == 3 and {f.severity for f in findings} == {"low"}
    assert not [f for f in detect(obs, pyruns.builtin_library()) if f.severity != "low"]


def test_traceback_after_a_long_log_cut_by_the_host(tmp_path: Path) -> None:
    app = "for i in range(20000):\n    print('row', i, 'ok')\nimport yaml\n"
    rec, _ = run(tmp_path, {"load.py": app}, "python load.py")
    payload = to_payload(rec)
    assert "characters truncated" in payload["error"]
    obs = observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": str(rec.root)})
    (finding,) = detect(obs, pyruns.builtin_library())
    assert (finding.category, str(finding.location), finding.details["module"]) == (
        "dependency",
        "load.py:3",
        "yaml",
    )


def test_ten_megabytes_of_output_are_scanned_quickly(recorded: dict[str, Recorded]) -> None:
    rec = recording(recorded, "python-attribute-error-module")
    log = "".join(f"2024-05-01 10:00:{i % 60:02d} INFO worker {i} error_count=0\n" for i in range(200_000))
    output = log + rec.output
    assert len(output) > 10_000_000
    started = time.perf_counter()
    findings = python_findings(pyruns_observe(output, str(rec.root)), output)
    assert time.perf_counter() - started < 2.0
    assert [(f.category, str(f.location)) for f in findings] == [("attribute", "blog/publish.py:5")]


UNITTEST = source("""
    import unittest


    class TestCalc(unittest.TestCase):
        def test_add(self):
            self.assertEqual(1 + 1, 3)

        def test_lookup(self):
            {}["x"]

        def test_ok(self):
            pass
""")


def test_unittest_failures_name_their_test(tmp_path: Path) -> None:
    _, obs = run(tmp_path, {"calc/__init__.py": "", "calc/test_calc.py": UNITTEST}, "python -m unittest")
    findings = {f.details["test_id"]: f for f in python_findings(obs, clean_output(obs.output))}
    add = findings["calc.test_calc.TestCalc.test_add"]
    lookup = findings["calc.test_calc.TestCalc.test_lookup"]
    assert (add.category, str(add.location), add.message) == (
        "test",
        "calc/test_calc.py:6",
        "AssertionError: 2 != 3",
    )
    assert (lookup.category, lookup.location and lookup.location.line) == ("key", 9)


def test_python_dash_m_of_a_package_that_is_not_installed(tmp_path: Path) -> None:
    _, obs = run(tmp_path, {}, "python -m httpie_not_installed_here --version")
    (finding,) = python_findings(obs, clean_output(obs.output))
    assert (finding.category, finding.details["module"]) == ("dependency", "httpie_not_installed_here")


def test_project_module_probe(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "tools.py").write_text("")
    (tmp_path / "src" / "engine").mkdir(parents=True)
    assert is_project_module("shop", str(tmp_path))
    assert is_project_module("tools", str(tmp_path))
    assert is_project_module("engine", str(tmp_path))
    assert not is_project_module("yaml", str(tmp_path))
    assert not is_project_module("tmp", "/")
    assert not is_project_module("shop", "")


@pytest.mark.parametrize(
    ("exception", "message", "category", "kind"),
    [
        ("TypeError", "'coroutine' object is not subscriptable", "async", "coroutine-not-awaited"),
        ("RuntimeError", "This event loop is already running", "async", "nested-event-loop"),
        (
            "RuntimeError",
            "Task <Task pending> got Future <Future> attached to a different loop",
            "async",
            "different-loop",
        ),
        ("TimeoutError", "timed out", "network", "socket-timeout"),
        ("TimeoutError", "", "timeout", ""),
        (
            "requests.exceptions.ConnectionError",
            "HTTPConnectionPool(host='localhost', port=8000): Max retries "
            "exceeded with url: / (Caused by NewConnectionError(...: Failed to establish a new connection))",
            "network",
            "connection-failed",
        ),
        ("httpx.ConnectError", "All connection attempts failed", "network", ""),
        ("sqlalchemy.exc.OperationalError", "(sqlite3.OperationalError) no such table: users", "runtime", ""),
        (
            "ImportError",
            "cannot import name 'soft_unicode' from 'markupsafe' "
            "(/venv/lib/python3.11/site-packages/markupsafe/__init__.py)",
            "dependency",
            "incompatible-package",
        ),
        ("AssertionError", "assert 'Connection refused' in text", "assertion", ""),
        ("OSError", "[Errno 98] Address already in use", "network", "address-in-use"),
    ],
)
def test_classification_table(exception: str, message: str, category: str, kind: str) -> None:
    """Messages that no script in the corpus prints, as their libraries print them."""
    meaning = classify_exception(exception, message, "/nonexistent/project")
    assert (meaning.category, meaning.kind) == (category, kind)


def test_every_finding_mentions_its_evidence(recorded: dict[str, Recorded]) -> None:
    for name in ("python-pydantic-validation-error", "python-recursion-error"):
        (finding,) = own(recording(recorded, name))
        assert finding.details["evidence"] in recording(recorded, name).output
        assert finding.details["evidence"] in finding_text(finding)


PASTED: dict[str, Callable[[str], str]] = {
    "on one line": lambda text: " ".join(text.split("\n")),
    "blank lines between lines": lambda text: "\n\n".join(text.split("\n")),
    "without its first line": lambda text: text.split("\n", 1)[1],
}


@pytest.mark.parametrize("shape", [*PASTED, "lower-case drive letter"])
def test_tracebacks_as_people_paste_them(shape: str, recorded: dict[str, Recorded]) -> None:
    """A real traceback the way it reaches an issue or a log: flattened, spaced out, cut, re-cased."""
    rec = recording(recorded, "python-cannot-import-name-relative")
    output = rec.output
    root = str(rec.root)
    if shape == "lower-case drive letter":
        output = windows(output, root, r"C:\Users\dev\shop").replace(r"C:\Users\dev", r"c:\users\dev")
        root = r"C:\Users\dev\shop"
    else:
        output = PASTED[shape](output)
    findings = python_findings(pyruns_observe(output, root), clean_output(output))
    assert [(f.category, str(f.location)) for f in findings] == [("import", "shop/cart.py:1")]
    assert (findings[0].details["name"], findings[0].details["module"]) == ("tax_rate", "shop.pricing")


HELPER = "def divide(a, b):\n    return a / b\n"
RENDERERS = {
    "rich": source("""
        from rich.traceback import install

        import helper

        install(width=100)
        helper.divide(1, 0)
    """),
    "loguru": source("""
        import sys

        from loguru import logger

        import helper

        logger.remove()
        logger.add(sys.stderr, backtrace=True, diagnose=True, colorize=False)
        with logger.catch(reraise=True):
            helper.divide(1, 0)
    """),
}


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_tracebacks_drawn_by_other_renderers(renderer: str, tmp_path: Path) -> None:
    """rich's box (Typer and many CLIs) and loguru's annotated frames, as they print them."""
    pytest.importorskip(renderer)
    files = {"app.py": RENDERERS[renderer], "helper.py": HELPER}
    rec, obs = run(tmp_path, files, "python app.py")
    assert "Traceback (most recent call last)" in rec.output
    findings = python_findings(obs, clean_output(obs.output))
    assert [(f.category, str(f.location), f.details["code"]) for f in findings][-1:] == [
        ("runtime", "helper.py:2", "return a / b")
    ], rec.output
    assert [(f["file"], f["line"]) for f in findings[-1].details["frames"]][-2:] == [
        ("app.py", 6 if renderer == "rich" else 10),
        ("helper.py", 2),
    ]


def test_ipython_traceback(tmp_path: Path) -> None:
    """IPython / Jupyter: `Cell In[1], line 1`, `File path:line, in func(args)`, `---->` lines."""
    python = next(
        (
            p
            for p in pyruns.interpreters().values()
            if run_case(
                Case("probe", "python", {}, f"{p} -c 'import IPython'", None), tmp_path / "probe"
            ).exit_code
            == 0
        ),
        None,
    )
    if python is None:
        pytest.skip("no Python with IPython installed")
    rec, obs = run(
        tmp_path,
        {"helper.py": HELPER},
        f"{python} -m IPython --colors=NoColor -c 'import helper; helper.divide(1, 0)'",
    )
    assert "Cell In[1], line 1" in rec.output
    (finding,) = python_findings(obs, clean_output(obs.output))
    assert (finding.category, str(finding.location), finding.details["code"]) == (
        "runtime",
        "helper.py:2",
        "return a / b",
    )


SEGFAULT = "import ctypes\n\n\ndef crash():\n    return ctypes.string_at(0)\n\n\ncrash()\n"


def test_interpreter_crash_with_faulthandler(tmp_path: Path) -> None:
    rec, obs = run(tmp_path, {"seg.py": SEGFAULT}, "python -X faulthandler seg.py")
    assert rec.exit_code == 139 and "Fatal Python error" in rec.output
    (finding,) = python_findings(obs, clean_output(obs.output))
    assert (finding.severity, finding.category, str(finding.location)) == ("critical", "runtime", "seg.py:5")
    assert finding.message == "Fatal Python error: Segmentation fault (the interpreter crashed)"
    assert [f["function"] for f in finding.details["frames"]] == ["<module>", "crash", "string_at"]


def test_a_log_of_many_retried_errors_gives_the_last_few(tmp_path: Path) -> None:
    app = LOGGING_APP.replace("range(3)", "range(40)")
    _, obs = run(tmp_path, {"sync.py": app}, "python sync.py")
    findings = python_findings(obs, clean_output(obs.output))
    assert len(findings) == 10
    assert [f.severity for f in findings].count("high") == 1
    assert findings[-1].details["exception"] == "FileNotFoundError"


# --- where a traceback happened, and what to do: shapes from pasted issues, run for real ---------


def advice_of(finding: Finding) -> str:
    """The remedy as the agent gets it (summary, command, steps)."""
    return str(finding.remedy.to_dict()) if finding.remedy is not None else ""


@pytest.mark.parametrize(
    ("module", "statement"),
    [
        ("email", "from email.mime.text import MIMEText"),  # a standard-library package
        ("causalnex", "from causalnex.structure import StructureModel"),  # a package on PyPI
    ],
)
def test_a_script_named_like_the_package_it_imports_shadows_it(
    module: str, statement: str, tmp_path: Path
) -> None:
    """`python email.py` importing `email.mime`: the script is imported as `email`, not a package."""
    rec, _ = run(tmp_path, {f"{module}.py": f"{statement}\n\nprint('ok')\n"}, f"python {module}.py")
    assert f"'{module}' is not a package" in rec.output
    first = pyruns.analysed(to_payload(rec), str(rec.root))[0]
    assert (first.category, first.details["kind"], str(first.location)) == (
        "import",
        "shadowed-module",
        f"{module}.py:1",
    )
    assert first.playbook == "shadowed-module"
    assert f"`{module}.py` shadows the package `{module}`" in advice_of(first)
    assert "pip install" not in advice_of(first)


NEVER_AWAITED = source("""
    import asyncio


    async def fetch():
        await asyncio.sleep(0)
        return 1


    def main():
        print(fetch())


    main()
""")


def test_a_coroutine_never_awaited_is_advised_to_be_awaited(tmp_path: Path) -> None:
    rec, _ = run(tmp_path, {"fetch.py": NEVER_AWAITED}, "python fetch.py")
    assert "coroutine 'fetch' was never awaited" in rec.output
    first = pyruns.analysed(to_payload(rec), str(rec.root))[0]
    assert (first.category, str(first.location), first.playbook) == (
        "async",
        "fetch.py:10",
        "coroutine-never-awaited",
    )
    assert re.search(r"add `await`|asyncio\.run", advice_of(first)), advice_of(first)
    assert "Remove `await`" not in advice_of(first)


EXCEPT_NOT_IMPORTED = source("""
    import subprocess


    def run():
        try:
            subprocess.run(["sleep", "5"], timeout=0.1)
        except TimeoutExpired:
            return None


    run()
""")


def test_an_except_clause_naming_a_class_never_imported(tmp_path: Path) -> None:
    """TimeoutExpired, then `NameError: name 'TimeoutExpired'`: the fix is the import, not the timeout."""
    rec, _ = run(tmp_path, {"runner.py": EXCEPT_NOT_IMPORTED}, "python runner.py")
    assert "During handling of the above exception" in rec.output
    first = pyruns.analysed(to_payload(rec), str(rec.root))[0]
    assert (first.category, first.severity, str(first.location)) == ("name", "high", "runner.py:7")
    assert (first.details["defined_in"], first.playbook) == ("subprocess", "undefined-name")
    assert "from subprocess import TimeoutExpired" in advice_of(first)
    assert "command-timeout" not in advice_of(first)


INSTALLED_TOOL = {
    "fakepkg/__init__.py": "",
    "fakepkg/cli.py": source("""
        from fakepkg.util import run_command


        def main():
            run_command(["sleep", "5"])
    """),
    "fakepkg/util.py": source("""
        import subprocess


        def run_command(command):
            return subprocess.run(command, timeout=0.1)
    """),
    "launcher": "import sys\n\nfrom fakepkg.cli import main\n\nsys.exit(main())\n",
}
INSTALL_AND_RUN = (
    'env=$(cd .. && pwd)/env && python -m venv --without-pip "$env" && '
    'site=$("$env/bin/python" -c "import sysconfig; print(sysconfig.get_paths()[\\"purelib\\"])") && '
    'mv fakepkg "$site/" && mv launcher "$env/bin/fakepkg" && "$env/bin/python" "$env/bin/fakepkg"'
)


def test_a_console_script_of_an_installed_package_is_placed_in_the_package(tmp_path: Path) -> None:
    """No project frame: the package's frame that called the standard library, not the `bin/` launcher."""
    rec, _ = run(tmp_path, INSTALLED_TOOL, INSTALL_AND_RUN)
    assert "subprocess.TimeoutExpired" in rec.output and "/env/bin/fakepkg" in rec.output, rec.output
    first = pyruns.analysed(to_payload(rec), str(rec.root))[0]
    assert first.category == "timeout" and first.location is not None
    assert (first.location.file.endswith("site-packages/fakepkg/util.py"), first.location.line) == (True, 5)


WRAPPED_BY_RICH = source("""
    import sys
    import traceback

    from rich.console import Console
    from rich.padding import Padding

    sys.path.insert(0, "deep_folder_name_for_a_long_path/another_nested_level_of_folders")
    import subprocess_code_interpreter

    width, indent = int(sys.argv[1]), int(sys.argv[2])
    try:
        subprocess_code_interpreter.start_process()
    except Exception:
        Console(width=width).print(Padding(traceback.format_exc(), (0, 0, 0, indent)))
        sys.exit(1)
""")
DEEP_MODULE = source("""
    import subprocess


    def start_process():
        return subprocess.Popen(["no-such-program-here"])
""")


@pytest.mark.parametrize(("width", "indent"), [(80, 2), (70, 4), (60, 0), (40, 2)])
def test_a_traceback_wrapped_by_a_console_is_read(width: int, indent: int, tmp_path: Path) -> None:
    """rich printing `format_exc()`: `File` alone, the path cut anywhere and continued on the next
    lines with `, line N, in f`, source lines wrapped, everything indented."""
    pytest.importorskip("rich")
    files = {
        "app.py": WRAPPED_BY_RICH,
        "deep_folder_name_for_a_long_path/another_nested_level_of_folders/subprocess_code_interpreter.py": (
            DEEP_MODULE
        ),
    }
    rec, obs = run(tmp_path, files, f"{sys.executable} app.py {width} {indent}")
    assert re.search(r"^ +File +$", rec.output, re.M), rec.output
    (finding,) = python_findings(obs, clean_output(obs.output))
    assert (finding.category, finding.severity, finding.location is not None) == ("runtime", "high", True)
    assert finding.location is not None
    assert (finding.location.file.endswith("/subprocess_code_interpreter.py"), finding.location.line) == (
        True,
        5,
    )
    assert finding.details["exception"] == "FileNotFoundError"
    assert [f["function"] for f in finding.details["frames"]][-3:] == [
        "start_process",
        "__init__",
        "_execute_child",
    ]


@pytest.mark.parametrize(
    ("file", "rank"),
    [
        ("app/models.py", 2),
        ("bin/manage", 2),  # the project's own script
        ("/elsewhere/scripts/MethylC.py", 1),  # a pasted traceback from another machine
        ("index.pyx", 0),  # Cython sources of an installed package, printed relative
        ("pandas/_libs/hashtable_class_helper.pxi", 0),
        ("<frozen importlib._bootstrap>", 0),
        ("<string>", 0),
        ("<__array_function__ internals>", 0),
        ("./python3.3/threading.py", 0),  # an embedded interpreter's library without lib/
        ("python311.zip/subprocess.py", 0),  # Windows' embeddable Python
        ("/usr/lib/pypy3.9/threading.py", 0),
        ("src/python3/app.py", 2),  # a project folder named after the language
        ("C:/Python39/lib/subprocess.py", 0),
        ("/usr/lib/python-exec/python3.9/fangfrisch", 0),  # Gentoo's console-script wrapper
        ("/home/me/.local/bin/fangfrisch", 0),  # a console-script launcher
        ("C:/Users/me/AppData/Roaming/Scripts/tool.exe/__main__.py", 0),
        ("/usr/lib/python3.9/site-packages/fangfrisch/util.py", 0),
    ],
)
def test_project_rank(file: str, rank: int, tmp_path: Path) -> None:
    assert project_rank(file, str(tmp_path)) == rank


def test_without_project_frames_the_installed_package_beats_the_standard_library(tmp_path: Path) -> None:
    frames = [
        Frame("/usr/bin/tool", 33, "<module>", 0),
        Frame("/usr/lib/python3.9/site-packages/tool/util.py", 92, "run_command", 1),
        Frame("/usr/lib/python3.9/subprocess.py", 1178, "_check_timeout", 2),
    ]
    place = innermost_project_frame(frames, str(tmp_path))
    assert place is not None and (place.file, place.line) == (frames[1].file, 92)
