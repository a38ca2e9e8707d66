"""The built-in pattern library (healing_hooks/data/patterns/*.json): well-formed, safe, precise.

Every pattern carries the real output lines it was written from (`examples`); it must match each
of them, and none of the healthy lines below. Its regex must be linear (no construct that can
backtrack exponentially), run line by line, and hold a literal of the tool's wording that the
engine's pre-filter can look for.
"""

from __future__ import annotations

import json
import re
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.detect.patterns import build_library
from healing_hooks.detect.regexcheck import examine
from tests.corpus.runner import CATEGORIES

SEED = "seed.json"
"""The seed's five patterns are kept exactly as the seed wrote them (no examples)."""
REQUIRED = ("id", "error_regex", "category", "severity", "tool", "message", "description", "examples")
SEVERITIES = ("critical", "high", "medium", "low")
MIN_LITERAL = 4
ROOT = Path(__file__).resolve().parents[2]

HEALTHY_LINES = (
    "collected 12 items",
    "tests/test_errors.py::test_error_message_is_friendly PASSED                 [ 33%]",
    "tests/test_errors.py::test_fail_gracefully_on_timeout PASSED                [ 66%]",
    "============================== 12 passed in 0.42s ==============================",
    "===================== 3 passed, 1 skipped, 1 xfailed in 1.10s =====================",
    "build finished: 0 errors, 0 warnings",
    "   Compiling inventory v0.1.0 (/home/dev/inventory)",
    "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.52s",
    "     Running `target/debug/inventory`",
    "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
    "test tests::handles_error ... ok",
    "make: Nothing to be done for 'all'.",
    "make: 'build' is up to date.",
    "fix error in parser",
    "Merge pull request #42 from dev/fix-timeout-error",
    "Success: no issues found in 12 source files",
    "All checks passed!",
    "3 files already formatted",
    "ok  \texample.com/demo\t0.004s",
    "PASS",
    "Found 0 errors. Watching for file changes.",
    "added 120 packages, and audited 121 packages in 3s",
    "found 0 vulnerabilities",
    "Successfully installed pyyaml-6.0.1",
    "Requirement already satisfied: pytest in ./.venv/lib/python3.11/site-packages (8.3.2)",
    "Already up to date.",
    "Your branch is up to date with 'origin/main'.",
    "nothing to commit, working tree clean",
    "[main 1a2b3c4] handle KeyError when the config is missing",
    " 2 files changed, 10 insertions(+), 3 deletions(-)",
    "INFO retry: attempt 2 succeeded",
    "Error: none",
    '{"error": null, "failed": []}',
    "class AppError(Exception):",
    "def test_timeout_error_is_raised():",
    "    raise ValueError('bad input')",
    "except (TimeoutError, ConnectionRefusedError):",
    "Listening on http://127.0.0.1:8000",
    "Successfully built 3f9c2a1b7d0e",
    "npm warn config production Use `--omit=dev` instead.",
)


def pattern_files() -> list[tuple[str, dict[str, Any]]]:
    """(file name, document) for every shipped pattern file."""
    folder = resources.files("healing_hooks.data").joinpath("patterns")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [(f.name, json.loads(f.read_text(encoding="utf-8"))) for f in files]


def entries() -> list[tuple[str, dict[str, Any]]]:
    """(file name, entry) for every shipped pattern."""
    return [(name, entry) for name, doc in pattern_files() for entry in doc["patterns"]]


LIBRARY = [(name, entry) for name, entry in entries() if name != SEED]
IDS = [entry["id"] for _, entry in LIBRARY]


def playbook_names() -> set[str]:
    text = resources.files("healing_hooks.data").joinpath("playbooks.json").read_text(encoding="utf-8")
    return set(json.loads(text)["playbooks"])


def test_the_library_is_large_and_ids_are_unique() -> None:
    all_ids = [entry["id"] for _, entry in entries()]
    assert len(LIBRARY) >= 300
    assert len(all_ids) == len(set(all_ids)), sorted({i for i in all_ids if all_ids.count(i) > 1})


def test_every_file_names_its_sources() -> None:
    for name, doc in pattern_files():
        assert doc.get("$comment"), f"{name} has no $comment naming where its wording comes from"


@pytest.mark.parametrize(("file", "entry"), LIBRARY, ids=IDS)
def test_pattern_is_well_formed(file: str, entry: dict[str, Any]) -> None:
    missing = [key for key in REQUIRED if not entry.get(key)]
    assert not missing, f"{entry.get('id')} lacks {missing}"
    assert entry["id"].startswith(file.removesuffix(".json") + "-")
    assert entry["category"] in CATEGORIES
    assert entry["severity"] in SEVERITIES
    if entry.get("playbook") is not None:
        assert entry["playbook"] in playbook_names()
    regex = re.compile(entry["error_regex"], re.MULTILINE)
    placeholders = set(re.findall(r"(?<!\{)\{(\w+)\}", entry["message"]))
    assert placeholders <= set(regex.groupindex), placeholders - set(regex.groupindex)


@pytest.mark.parametrize(("file", "entry"), LIBRARY, ids=IDS)
def test_pattern_is_linear_line_bound_and_has_a_literal(file: str, entry: dict[str, Any]) -> None:
    facts = examine(entry["error_regex"])
    assert facts.problem is None, facts.problem
    assert facts.single_line, "the regex can match across lines: the engine could not run it per line"
    assert len(facts.literal) >= MIN_LITERAL, f"no literal of {MIN_LITERAL}+ characters: {facts.literal!r}"


def has_top_level_alternation(regex: str) -> bool:
    """`a|b` outside any group: the anchors and literals then bind to one alternative only."""
    depth, i, in_class = 0, 0, False
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 if regex[i + 1 : i + 2] == "]" else 0
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


@pytest.mark.parametrize(("file", "entry"), LIBRARY, ids=IDS)
def test_pattern_has_no_top_level_alternation(file: str, entry: dict[str, Any]) -> None:
    assert not has_top_level_alternation(entry["error_regex"])


@pytest.mark.parametrize(("file", "entry"), LIBRARY, ids=IDS)
def test_pattern_matches_its_examples(file: str, entry: dict[str, Any]) -> None:
    regex = re.compile(entry["error_regex"], re.MULTILINE)
    for example in entry["examples"]:
        assert "\n" not in example, "an example is one output line"
        assert regex.search(example), f"{entry['id']} does not match its example {example!r}"


def test_no_pattern_matches_a_healthy_line() -> None:
    library = build_library()
    loud = [
        (pattern.id, line)
        for line in HEALTHY_LINES
        for pattern, _ in library.matches(line)
        if pattern.severity != "low"
    ]
    assert loud == []


def test_the_whole_library_is_fast_on_a_large_output() -> None:
    examples = [ex for _, entry in LIBRARY for ex in entry["examples"]]
    text = "\n".join([*HEALTHY_LINES * 400, *examples * 3])  # about 1 MB
    library = build_library()
    started = time.perf_counter()
    found = sum(1 for _ in library.matches(text))
    assert found > 0
    assert time.perf_counter() - started < 5.0


def test_docs_list_every_pattern() -> None:
    """docs/patterns.md is generated from the data (scripts/pattern_docs.py) and is current."""
    from scripts.pattern_docs import render

    doc = (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
    assert doc == render(pattern_files()), "run: python scripts/pattern_docs.py"
    assert all(f"`{entry['id']}`" in doc for _, entry in entries())


def test_playbooks_keep_the_seed_and_validate() -> None:
    import jsonschema

    text = resources.files("healing_hooks.data").joinpath("playbooks.json").read_text(encoding="utf-8")
    data = json.loads(text)
    schema_text = resources.files("healing_hooks.memory").joinpath("schemas/recovery-playbook.schema.json")
    jsonschema.validate(data, json.loads(schema_text.read_text(encoding="utf-8")))
    names = list(data["playbooks"])
    assert names[:4] == [
        "test-collection-failure",
        "rust-compilation-failure",
        "async-await-mismatch",
        "missing-dependency",
    ]
    for name in names[4:]:  # the seed's own triggers are kept exactly as the seed wrote them
        playbook = data["playbooks"][name]
        assert examine(playbook["trigger"]).problem is None, name
        assert playbook["steps"], name


ALLOWED_OVERLAPS = {
    ("python-assertion", "node-assertion-error"),  # chai's `AssertionError: expected ...` reads like Python's
    ("python-assertion", "pytest-assert-comparison"),  # pytest's `E   AssertionError: assert ...` is Python's
    ("shell-no-space-left", "python-no-space-left"),  # the errno text is the same in every program
}


def test_a_pattern_does_not_claim_another_tools_examples() -> None:
    compiled = [(file, entry, re.compile(entry["error_regex"], re.MULTILINE)) for file, entry in LIBRARY]
    overlaps = {
        (entry["id"], other["id"])
        for file, entry, regex in compiled
        for other_file, other in LIBRARY
        if other_file != file and any(regex.search(example) for example in other["examples"])
    }
    assert overlaps <= ALLOWED_OVERLAPS, overlaps - ALLOWED_OVERLAPS


@pytest.mark.parametrize(
    ("tool", "details", "text", "where"),
    [
        (
            "go",
            {"file": "./store/store.go", "line": "4", "column": "9", "offset": 0},
            "",
            "store/store.go:4:9",
        ),
        (
            "rustc",
            {"offset": 0},
            "error[E0382]: borrow of moved value: `v`\n  --> src/main.rs:8:20\n",
            "src/main.rs:8:20",
        ),
        (
            "python",
            {"offset": 82},
            'Traceback (most recent call last):\n  File "/p/app/main.py", line 3, in <module>\n    x\n'
            "NameError: name 'x' is not defined\n",
            "app/main.py:3",
        ),
        ("cargo", {"offset": 0}, "error: could not compile `x`\n", None),
    ],
)
def test_pattern_findings_are_placed(
    tool: str, details: dict[str, Any], text: str, where: str | None
) -> None:
    from healing_hooks.detect.locate import pattern_location
    from healing_hooks.findings import Finding

    finding = Finding(category="rust", severity="high", tool=tool, message="m", details=details)
    location = pattern_location(finding, text, "/p")
    assert (str(location) if location else None) == where
