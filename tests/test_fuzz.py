"""Property-based fuzzing: the payload parser and every detector, on random and adversarial text.

The properties: no exception (other than the HookError that names a malformed payload), and an
answer within a generous deadline. Detectors are taken from `healing_hooks.detect.all_parsers()` and
the pattern library as they are registered, so new ones are fuzzed without editing this file.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healing_hooks import detect as detection
from healing_hooks.detect import detect
from healing_hooks.detect.patterns import MAX_LINE_CHARS, MAX_MATCHES_PER_PATTERN, build_library
from healing_hooks.detect.text import clean_output
from healing_hooks.errors import HookError
from healing_hooks.hotpath import needs_pipeline, read_payload, run_hook
from healing_hooks.observation import Observation, observation_from_payload
from healing_hooks.redact import redact

FUZZ = settings(
    max_examples=100,
    deadline=20_000,  # bounded time, generously (loaded CI): a catastrophic regex takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of real tool output, so random text often looks like something a detector cares about.
FRAGMENTS = [
    "Traceback (most recent call last):\n",
    '  File "/p/src/app.py", line 12, in <module>\n',
    '  File "/usr/lib/python3.11/site-packages/x.py", line 3, in f\n',
    "    import aiohttp\n",
    "ModuleNotFoundError: No module named 'aiohttp'\n",
    "ImportError: cannot import name 'Order' from 'shop.models' (/p/shop/models.py)\n",
    "TypeError: Event.__init__() got an unexpected keyword argument 'event_type'\n",
    "TypeError: object NoneType can't be used in 'await' expression\n",
    "RuntimeWarning: coroutine 'stop' was never awaited\n",
    "SyntaxError: invalid syntax\n",
    "    ^^^^^\n",
    "E       assert 1 == 2\n",
    "FAILED tests/test_x.py::test_y[param-1] - AssertionError: boom\n",
    "ERROR tests/test_x.py - ImportError\n",
    "===== 1 failed, 2 passed, 1 error in 0.12s =====\n",
    "error[E0382]: borrow of moved value: `v`\n",
    " --> src/main.rs:4:20\n",
    "  |\n4 |     println!(\"{}\", v);\n  |                    ^ value borrowed here after move\n",
    "help: consider cloning the value\n",
    "warning: unused import: `std::fmt`\n",
    "test result: FAILED. 3 passed; 1 failed; 0 ignored\n",
    "thread 'main' panicked at src/main.rs:2:5:\n",
    "bash: foo: command not found\n",
    "sh: 1: ./run.sh: Permission denied\n",
    "make: *** [Makefile:3: all] Error 1\n",
    "npm ERR! code ELIFECYCLE\n",
    "Exit code 1\n",
    "... [123 characters truncated] ...\n",
    "\x1b[31mred\x1b[0m",
    "\r\n",
    "\r50%",
    "\x00\xff\ufffd",
    "a" * 300,
    "(" * 50,
    "'" * 40,
    " " * 200,
    "\t",
    "::",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
    "password=hunter2 ",
    "https://u:p@h/ ",
]

adversarial_text = st.one_of(
    st.text(max_size=2_000),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=60).map("".join),
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 1_000)).map(lambda pair: pair[0] * pair[1]),
)
"""Random text, shuffled real output, and one piece repeated up to 1,000 times (long lines)."""

COMMANDS = [
    "pytest -q",
    "python app.py",
    "cargo test",
    "cargo build",
    "make",
    "npm test",
    "ls -la",
    "grep -rn x .",
    "./run.sh",
    "",
]


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    failed = draw(st.booleans())
    return Observation(
        event="PostToolUseFailure" if failed else "PostToolUse",
        tool_name="Bash",
        command=draw(st.sampled_from(COMMANDS) | st.text(max_size=80)),
        output=draw(adversarial_text),
        exit_code=draw(st.sampled_from([None, 0, 1, 2, 101, 124, 127, 130, 137])) if failed else 0,
        interrupted=draw(st.booleans()),
        cwd="/nonexistent-fuzz-project",
        project_root="/nonexistent-fuzz-project",
    )


def detector_ids(parser: Callable[..., Any]) -> str:
    return f"{parser.__module__}.{parser.__name__}"


@pytest.mark.parametrize("parser", detection.all_parsers(), ids=detector_ids)
@FUZZ
@given(obs=observations())
def test_every_tool_parser_survives_any_output(
    parser: Callable[[Observation, str], Any], obs: Observation
) -> None:
    findings = parser(obs, clean_output(obs.output))
    assert isinstance(findings, list)


LIBRARY = build_library()


@FUZZ
@given(text=adversarial_text)
def test_pattern_library_survives_any_output(text: str) -> None:
    for pattern, match in LIBRARY.matches(text):
        assert pattern.id and match.start() >= 0


@FUZZ
@given(obs=observations())
def test_detect_survives_any_output(obs: Observation) -> None:
    findings = detect(obs, LIBRARY)
    assert all(f.category and f.severity in ("critical", "high", "medium", "low") for f in findings)


@FUZZ
@given(text=adversarial_text)
def test_redaction_survives_any_text(text: str) -> None:
    assert isinstance(redact(text), str)


@settings(max_examples=300, deadline=5_000, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(st.sampled_from(FRAGMENTS[:24]) | st.text("ab:' \n", max_size=20), max_size=40).map("".join)
)
def test_prefilter_finds_what_a_full_scan_finds(text: str) -> None:
    """On small outputs (no cap reached) the engine's bounded matching changes nothing."""
    text = clean_output(text)
    if any(len(line) > MAX_LINE_CHARS for line in text.split("\n")):
        return
    engine = {(p.id, m.start(), m.end()) for p, m in LIBRARY.matches(text)}
    for pattern in LIBRARY.patterns:
        naive = [(pattern.id, m.start(), m.end()) for m in pattern.regex.finditer(text)]
        if len(naive) < MAX_MATCHES_PER_PATTERN:
            assert set(naive) <= engine, pattern.id


# -- the payload parser --------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
KNOWN_KEYS = [
    "hook_event_name",
    "tool_name",
    "tool_input",
    "tool_response",
    "error",
    "is_interrupt",
    "cwd",
    "session_id",
    "tool_use_id",
    "duration_ms",
]
payload_objects = st.dictionaries(
    st.sampled_from(KNOWN_KEYS) | st.text(max_size=10),
    json_values
    | st.sampled_from(["PostToolUse", "PostToolUseFailure", "Bash", "Edit", "Read"])
    | st.fixed_dictionaries({}, optional={"command": json_values | st.sampled_from(COMMANDS)}),
    max_size=10,
)


@FUZZ
@given(raw=st.binary(max_size=500) | payload_objects.map(lambda p: json.dumps(p).encode()))
def test_read_payload_returns_an_object_or_names_the_problem(raw: bytes) -> None:
    try:
        payload = read_payload(raw)
    except HookError as exc:
        assert str(exc)
    else:
        assert isinstance(payload, dict)


@FUZZ
@given(payload=payload_objects)
def test_observation_is_built_or_the_field_is_named(payload: dict[str, Any]) -> None:
    assert isinstance(needs_pipeline(payload, {}), bool)
    try:
        obs = observation_from_payload(payload, {"CLAUDE_PROJECT_DIR": "/nonexistent-fuzz-project"})
    except HookError as exc:
        assert "payload" in str(exc)
    else:
        assert isinstance(obs.output, str)


@settings(max_examples=60, deadline=30_000, suppress_health_check=[HealthCheck.too_slow])
@given(payload=payload_objects, output=adversarial_text)
def test_the_whole_hook_answers_0_or_1_never_2(payload: dict[str, Any], output: str) -> None:
    """In-process: random payloads (half of them real-looking failures) through the real entry point."""
    if payload.get("hook_event_name") is None:
        payload = {
            **payload,
            "hook_event_name": "PostToolUseFailure",
            "tool_name": "Bash",
            "tool_input": {"command": "make"},
            "error": f"Exit code 2\n{output}",
        }
    with tempfile.TemporaryDirectory() as project:
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            code = run_hook([], json.dumps(payload).encode(), {"CLAUDE_PROJECT_DIR": project})
    assert code in (0, 1)
    if stdout.getvalue():
        assert isinstance(json.loads(stdout.getvalue()), dict)


@settings(max_examples=300, deadline=5_000)
@given(
    literals=st.lists(st.text("abcr: \t\u00a0\n", min_size=1, max_size=8), max_size=30),
    text=st.text("abcr: \t\u00a0\n", max_size=400),
    cap=st.sampled_from([1, 3, 2_000]),
)
def test_literal_index_finds_exactly_the_literals_present(literals: list[str], text: str, cap: int) -> None:
    import healing_hooks.detect.prefilter as prefilter

    original = prefilter.MAX_KEY_LINES
    prefilter.MAX_KEY_LINES = cap  # also the fallback for keys on too many lines
    try:
        found = prefilter.LiteralIndex(literals).present(text)
    finally:
        prefilter.MAX_KEY_LINES = original
    assert found == {literal for literal in literals if literal in text}


@FUZZ
@given(text=adversarial_text)
def test_success_signal_precheck_changes_nothing(text: str) -> None:
    """The hot path's word test only skips outputs the signal regex could not match."""
    import re

    from healing_hooks import hotpath

    assert hotpath._has_signal(text) == (re.search(hotpath.SIGNAL_SOURCE, text, re.MULTILINE) is not None)


@settings(max_examples=500, deadline=5_000)
@given(text=st.text("ab\r\n\x1b[m", max_size=60))
def test_progress_lines_are_dropped_as_the_old_regex_dropped_them(text: str) -> None:
    """clean_output's linear rewrite of `[^\\n]*\\r(?!\\n)` (quadratic on long lines) is exact."""
    import re

    from healing_hooks.detect.text import ANSI

    reference = re.sub(r"[^\n]*\r(?!\n)", "", ANSI.sub("", text).replace("\r\n", "\n"))
    assert clean_output(text) == reference
