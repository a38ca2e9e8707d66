"""cargo/rustc detection on real output: small crates built with the real cargo, offline."""

from __future__ import annotations

import json
import re
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.detect import detect
from healing_hooks.detect.cargo_test import cargo_test_findings
from healing_hooks.detect.rust import parse_rust
from healing_hooks.detect.testruns import summarize_test_run
from healing_hooks.detect.text import clean_output
from healing_hooks.findings import Finding
from tests.corpus import cases_rust
from tests.corpus.runner import Case
from tests.detect.realrun import Run, observe, require, run_tool, use_tool_homes


@pytest.fixture(scope="session")
def target_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cargo target folder for the whole session: std is compiled once, crates reuse it."""
    return tmp_path_factory.mktemp("cargo-target")


@pytest.fixture
def cargo(tmp_path: Path, target_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`cargo(files, command)`: a crate in tmp_path, the real cargo run on it, its Run."""
    require("cargo")
    use_tool_homes(monkeypatch)

    def run(files: dict[str, str], command: str = "cargo build --offline", name: str = "demo") -> Run:
        config = {".cargo/config.toml": f'[build]\ntarget-dir = "{target_dir}"\n'}
        manifest = {"Cargo.toml": manifest_of(name)} if "Cargo.toml" not in files else {}
        return run_tool(tmp_path / name, {**config, **manifest, **files}, command)

    return run


def manifest_of(name: str, extra: str = "") -> str:
    return f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n{extra}'


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def findings_of(run: Run) -> list[Finding]:
    return parse_rust(run.obs, run.text)


def only(findings: list[Finding], category: str) -> list[Finding]:
    return [f for f in findings if f.category == category]


def place(finding: Finding) -> str:
    return str(finding.location)


# --- the corpus's rust cases -------------------------------------------------------------------


def _top(findings: list[Finding], category: str) -> list[Finding]:
    return [f for f in findings if f.category == category]


@pytest.mark.parametrize("case", cases_rust.CASES, ids=lambda c: c.name)
def test_corpus_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each corpus case: a finding of the expected category, place and facts."""
    for program in case.requires:
        require(program)
    use_tool_homes(monkeypatch)
    expect = case.expect
    assert expect is not None
    run = run_tool(tmp_path / "p", case.files, case.command)
    findings = findings_of(run)
    matching = _top(findings, expect.category)
    assert matching, [f"{f.category}: {f.message}" for f in findings]
    if expect.file is not None:
        placed = [f for f in matching if f.location and f.location.file == expect.file]
        placed = [f for f in placed if expect.line is None or (f.location and f.location.line == expect.line)]
        assert placed, [place(f) for f in matching]
        matching = placed
    said = "\n".join(f.message + json.dumps(f.details) for f in matching)
    for fact in expect.facts:
        assert fact in said, fact


# --- compile errors, suggestions ---------------------------------------------------------------


def test_use_after_move_with_clone_suggestion(cargo: Any) -> None:
    run = cargo(USE_AFTER_MOVE)
    [error] = findings_of(run)
    assert (error.category, error.severity, error.details["code"]) == ("rust", "high", "E0382")
    assert place(error) == "src/main.rs:8:24"
    assert error.details["label"] == "value borrowed here after move"
    assert error.details["kind"] == "borrow"
    assert error.details["summary"].startswith(
        'could not compile `demo` (bin "demo") due to 1 previous error'
    )
    [suggestion] = error.details["suggestions"]
    assert suggestion == {
        "message": "consider cloning the value if the performance cost is acceptable",
        "file": "src/main.rs",
        "line": 7,
        "column": 24,
        "code": "    let n = count(names.clone());",
        "original": "    let n = count(names);",
        "kind": "replace_line",
    }


def test_diff_insert_and_label_suggestions(cargo: Any) -> None:
    """rustc's three shapes: `N - old`/`N + new`, an inserted `use` line, and `+++` under a line."""
    run = cargo(
        {
            "src/lib.rs": src("""
        pub fn tally(words: &[&str]) -> usize {
            let mut seen = HashMap::new();
            for w in words {
                *seen.entry(*w).or_insert(0) += 1;
            }
            seen.len()
        }

        pub fn joined(words: Vec<&str>) -> String {
            words.joined(",")
        }

        pub fn text() -> String {
            "abc"
        }
    """)
        }
    )
    by_code = {f.details["code"]: f for f in findings_of(run)}
    [insert] = by_code["E0433"].details["suggestions"]
    assert (insert["kind"], insert["line"], insert["code"]) == (
        "insert_lines",
        1,
        "use std::collections::HashMap;",
    )
    [rename] = by_code["E0599"].details["suggestions"]
    assert rename["kind"] == "replace_line"
    assert (rename["line"], rename["original"], rename["code"]) == (
        10,
        '    words.joined(",")',
        '    words.join(",")',
    )
    [convert] = by_code["E0308"].details["suggestions"]
    assert (convert["line"], convert["code"]) == (14, '    "abc".to_string()')
    assert by_code["E0308"].details["label"] == "expected `String`, found `&str`"


def test_missing_crate_is_a_dependency_with_cargo_add(cargo: Any) -> None:
    run = cargo({"src/main.rs": "use rand::Rng;\n\nfn main() {\n    let _ = rand::random::<u8>();\n}\n"})
    findings = findings_of(run)
    assert {f.category for f in findings} == {"dependency"}
    first = findings[0]
    assert (first.details["code"], first.details["crate"], first.details["command"]) == (
        "E0432",
        "rand",
        "cargo add rand",
    )
    assert place(first) == "src/main.rs:1:5"
    assert len(findings) == 1  # the second use of `rand` is the same problem
    assert first.details["also_at"] == ["src/main.rs:4:13"]


def test_module_without_mod_declaration_is_not_a_dependency(cargo: Any) -> None:
    run = cargo({"src/main.rs": "use models::User;\n\nfn main() {\n    let _u = User;\n}\n",
                 "src/models.rs": "pub struct User;\n"})  # fmt: skip
    [error] = findings_of(run)
    assert error.category == "rust"
    assert "crate" not in error.details
    assert error.details["suggestions"][0]["code"] == "mod models;"


def test_workspace_paths_stay_relative_to_the_workspace_root(cargo: Any) -> None:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/core", "crates/app"]\nresolver = "2"\n',
        "crates/core/Cargo.toml": manifest_of("core-lib"),
        "crates/core/src/lib.rs": 'extern crate serde;\n\npub fn value() -> u32 {\n    "5"\n}\n',
        "crates/app/Cargo.toml": manifest_of("app", 'core-lib = { path = "../core" }\n'),
        "crates/app/src/main.rs": 'fn main() {\n    println!("{}", core_lib::value());\n}\n',
    }
    run = cargo(files, name="ws")
    findings = findings_of(run)
    assert [(f.category, place(f)) for f in findings] == [
        ("dependency", "crates/core/src/lib.rs:1:1"),
        ("rust", "crates/core/src/lib.rs:4:5"),
    ]
    assert findings[0].details["crate"] == "serde"


def test_parse_error_is_syntax(cargo: Any) -> None:
    run = cargo({"src/main.rs": "fn main() {\n    let v = vec![1, 2, 3;\n}\n"})
    [error] = findings_of(run)
    assert (error.category, place(error)) == ("syntax", "src/main.rs:2:17")
    assert "could not compile" not in error.message


def test_summary_is_not_a_finding_of_its_own(cargo: Any) -> None:
    run = cargo({"src/main.rs": 'fn main() {\n    let x: u32 = "a";\n    println!("{}", y);\n}\n'})
    findings = findings_of(run)
    assert [f.details["code"] for f in findings] == ["E0425", "E0308"]  # rustc's order: resolve first
    assert all("could not compile" not in f.message for f in findings)
    assert all("due to 2 previous errors" in f.details["summary"] for f in findings)


def test_summary_alone_when_the_errors_were_cut_away() -> None:
    text = "   Compiling demo v0.1.0 (/p)\nerror: could not compile `demo` (lib) due to 3 previous errors\n"
    [finding] = parse_rust(observe("cargo build", text, "/p"), text)
    assert (finding.category, finding.confidence) == ("rust", 0.5)


# --- warnings, lints, cargo fix ----------------------------------------------------------------


def test_unused_import_in_a_lib_gets_the_exact_cargo_fix(cargo: Any) -> None:
    run = cargo(
        {"src/lib.rs": "use std::collections::HashMap;\n\npub fn double(x: i32) -> i32 {\n    x * 2\n}\n"}
    )
    assert run.exit_code == 0
    [warning] = findings_of(run)
    assert (warning.category, warning.severity) == ("lint", "low")
    assert warning.details["code"] == "unused_imports"
    assert warning.details["command"] == "cargo fix --lib -p demo"
    assert place(warning) == "src/lib.rs:1:5"


def test_bin_warnings_all_get_the_bin_cargo_fix(cargo: Any) -> None:
    run = cargo(
        {
            "src/main.rs": src("""
        use std::io::Write;

        fn helper() -> i32 { 4 }

        fn main() {
            let mut x = 5;
            let mut f = std::fs::File::create("/dev/null").unwrap();
            f.write_all(b"x");
        }
    """)
        }
    )
    warnings = findings_of(run)
    assert {w.details["command"] for w in warnings} == {'cargo fix --bin "demo" -p demo'}
    codes = {w.details["code"] for w in warnings}
    assert codes == {"unused_mut", "unused_variables", "dead_code", "unused_must_use"}
    underscore = next(w for w in warnings if w.details["code"] == "unused_variables")
    [prefix] = underscore.details["suggestions"]
    assert (prefix["kind"], prefix["code"], prefix["line"], prefix["column"]) == ("replace_span", "_x", 6, 9)


def test_clippy_lints_with_their_names_and_fixes(cargo: Any) -> None:
    require("cargo-clippy")
    run = cargo(
        {
            "src/lib.rs": src("""
        pub fn f(v: &Vec<i32>) -> i32 {
            if v.len() == 0 {
                return 0;
            }
            return v[0];
        }
    """)
        },
        "cargo clippy --offline",
    )
    lints = {w.details["code"]: w for w in findings_of(run)}
    assert set(lints) == {"clippy::ptr_arg", "clippy::len_zero", "clippy::needless_return"}
    assert all(w.tool == "clippy" and w.severity == "low" for w in lints.values())
    assert lints["clippy::len_zero"].details["suggestions"][0]["code"] == "v.is_empty()"
    assert lints["clippy::ptr_arg"].details["suggestions"][0]["code"] == "pub fn f(v: &[i32]) -> i32 {"
    assert lints["clippy::len_zero"].details["command"] == "cargo clippy --fix --lib -p demo --"


def test_healthy_build_and_test_say_nothing(cargo: Any) -> None:
    lib = src("""
        pub fn add(a: i32, b: i32) -> i32 {
            a + b
        }

        #[test]
        fn adds() {
            assert_eq!(add(1, 2), 3);
        }
    """)
    assert findings_of(cargo({"src/lib.rs": lib})) == []
    run = cargo({"src/lib.rs": lib}, "cargo test --offline")
    assert "test result: ok" in run.text
    assert findings_of(run) == []


# --- cargo test ----------------------------------------------------------------------------------


def test_cargo_test_failures_across_binaries(cargo: Any) -> None:
    lib = src("""
        /// ```
        /// assert_eq!(demo::add_one(1), 3);
        /// ```
        pub fn add_one(x: i32) -> i32 {
            x + 1
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn parse_fails() -> Result<(), std::num::ParseIntError> {
                let _n: i32 = "x".parse()?;
                Ok(())
            }

            #[test]
            #[should_panic(expected = "boom")]
            fn panics() {}

            #[test]
            fn equal() {
                assert_eq!(super::add_one(1), 3, "one more than {}", 1);
            }
        }
    """)
    files = {
        "src/lib.rs": lib,
        "tests/api.rs": "#[test]\nfn api_works() {\n    assert_ne!(demo::add_one(1), 2);\n}\n",
    }
    run = cargo(files, "cargo test --offline --no-fail-fast")
    tests = {f.details["test_id"]: f for f in findings_of(run)}
    assert set(tests) == {"tests::parse_fails", "tests::panics", "tests::equal", "api_works",
                          "src/lib.rs - add_one (line 1)"}  # fmt: skip
    equal = tests["tests::equal"]
    assert (equal.category, equal.severity, place(equal)) == ("test", "high", "src/lib.rs:22:9")
    assert "one more than 1" in equal.message and "left: 2" in equal.message
    assert equal.details["command"] == "cargo test --lib -- tests::equal --exact"
    assert equal.details["counts"] == {
        "passed": 0,
        "failed": 5,
        "ignored": 0,
        "measured": 0,
        "filtered_out": 0,
    }
    assert place(tests["tests::panics"]) == "src/lib.rs:18:8"
    assert "did not panic" in tests["tests::panics"].message
    assert "ParseIntError" in tests["tests::parse_fails"].message
    assert tests["api_works"].details["command"] == "cargo test --test api -- api_works --exact"
    assert place(tests["api_works"]) == "tests/api.rs:3:5"
    assert place(tests["src/lib.rs - add_one (line 1)"]) == "src/lib.rs:1"
    summary = summarize_test_run(run.obs.command, run.text, run.exit_code)
    assert summary is not None
    assert (summary["runner"], summary["passed"], summary["failed"], summary["outcome"]) == (
        "cargo test",
        0,
        5,
        "failed",
    )
    assert set(summary["failed_tests"]) == set(tests)


def test_panic_backtrace_gives_project_frames(cargo: Any) -> None:
    lib = "pub fn cut(n: u32) -> u32 {\n    n - 10\n}\n\n#[test]\nfn small() {\n    cut(3);\n}\n"
    run = cargo({"src/lib.rs": lib}, "RUST_BACKTRACE=1 cargo test --offline")
    [failure] = findings_of(run)
    assert place(failure) == "src/lib.rs:2:5"
    assert "attempt to subtract with overflow" in failure.message
    frames = failure.details["frames"]
    assert frames[-1]["file"] == "src/lib.rs" and frames[-1]["line"] == 2
    assert any(frame["function"].endswith("small") for frame in frames)


def test_cargo_run_panic_is_runtime(cargo: Any) -> None:
    main = 'fn main() {\n    let v: Vec<u8> = Vec::new();\n    println!("{}", v[3]);\n}\n'
    run = cargo({"src/main.rs": main}, "cargo run --offline")
    [panic] = findings_of(run)
    assert (panic.category, place(panic)) == ("runtime", "src/main.rs:3:21")
    assert "index out of bounds" in panic.message


def test_build_script_panic_is_one_finding_at_build_rs(cargo: Any) -> None:
    files = {"src/main.rs": "fn main() {}\n", "build.rs": 'fn main() {\n    panic!("no libfoo found");\n}\n'}
    findings = [f for f in findings_of(cargo(files)) if f.severity == "high"]
    assert len(findings) == 1
    assert (findings[0].category, place(findings[0])) == ("rust", "build.rs:2:5")
    assert "no libfoo found" in findings[0].message


# --- cargo's own errors ------------------------------------------------------------------------


def test_missing_registry_crate_offline(cargo: Any) -> None:
    run = cargo({"Cargo.toml": manifest_of("demo", 'serde = "1"\n'), "src/lib.rs": ""})
    [error] = findings_of(run)
    assert (error.category, error.details["crate"], error.details["command"]) == (
        "dependency",
        "serde",
        "cargo fetch",
    )


def test_manifest_error_points_into_cargo_toml(cargo: Any) -> None:
    run = cargo({"Cargo.toml": manifest_of("demo").replace('"2021"', "2021"), "src/lib.rs": ""})
    [error] = findings_of(run)
    assert (error.category, place(error)) == ("syntax", "Cargo.toml:4:11")


# --- output forms --------------------------------------------------------------------------------


BROKEN_MAIN = {"src/main.rs": 'use std::fmt::Write;\n\nfn main() {\n    let n: i32 = "1";\n}\n'}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """One broken crate built three ways: plain, in colour, and in the short message format."""
    require("cargo")
    root = tmp_path_factory.mktemp("broken") / "demo"
    files = {"Cargo.toml": manifest_of("demo"), **BROKEN_MAIN}
    commands = {
        "plain": "cargo build --offline",
        "colour": "cargo build --offline --color=always",
        "short": "cargo check --offline --message-format short",
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_tool_homes(monkeypatch)
        return {name: run_tool(root, files, command) for name, command in commands.items()}


def _summary(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.category, place(f), f.message) for f in findings]


def _facts(finding: Finding) -> dict[str, Any]:
    return {k: v for k, v in finding.details.items() if k not in ("offset", "evidence")}


def test_colour_output_reads_the_same(broken: dict[str, Run]) -> None:
    plain, colour = broken["plain"], broken["colour"]
    assert "\x1b[" in colour.obs.output
    assert _summary(findings_of(colour)) == _summary(findings_of(plain))
    assert [_facts(f) for f in findings_of(colour)] == [_facts(f) for f in findings_of(plain)]


def test_short_message_format(broken: dict[str, Run]) -> None:
    found = {(f.category, place(f)) for f in findings_of(broken["short"])}
    assert found == {("rust", "src/main.rs:4:18"), ("lint", "src/main.rs:1:5")}


def test_windows_paths(broken: dict[str, Run]) -> None:
    """cargo on Windows prints `--> src\\main.rs:4:18` and absolute `C:\\...` paths."""
    run = broken["plain"]
    windows = run.text.replace("--> src/", "--> src\\").replace(str(run.root), "C:\\Users\\dev\\demo")
    assert "--> src\\main.rs:4:18" in windows
    obs = observe("cargo build", windows, "C:\\Users\\dev\\demo")
    findings = parse_rust(obs, clean_output(windows))
    assert [place(f) for f in findings] == ["src/main.rs:1:5", "src/main.rs:4:18"]
    crlf = windows.replace("\n", "\r\n")
    assert _summary(parse_rust(obs, clean_output(crlf))) == _summary(findings)


def test_long_log_is_read_in_bounded_time(broken: dict[str, Run]) -> None:
    run = broken["plain"]
    noise = "".join(
        f"   Compiling crate-{i} v1.0.{i}\nwarning: crate-{i}@1.0: building\n" for i in range(80_000)
    )
    text = noise[:5_000_000] + "\n" + run.text
    assert len(text) > 5_000_000
    started = time.perf_counter()
    findings = parse_rust(observe("cargo build", text, str(run.root)), text)
    assert time.perf_counter() - started < 3
    assert any(f.details.get("code") == "E0308" and place(f) == "src/main.rs:4:18" for f in findings)


def test_output_cut_by_the_host_keeps_its_first_and_last_errors(cargo: Any) -> None:
    """Over 10,000 characters the host keeps the head and the tail around a truncation marker."""
    body = "".join(f'    let v{i}: u32 = "{i}";\n' for i in range(60))
    run = cargo({"src/main.rs": f"fn main() {{\n{body}}}\n"})
    assert "characters truncated] ..." in run.obs.output
    findings = findings_of(run)
    codes = {f.details.get("code") for f in findings}
    assert codes == {"E0308"}
    lines = [f.location.line for f in findings if f.location]
    assert lines[0] == 2 and lines[-1] == 61
    assert all(f.location and f.location.file == "src/main.rs" for f in findings)


def test_through_detect_the_first_error_comes_first(cargo: Any) -> None:
    run = cargo(
        {
            "src/main.rs": "use std::fmt::Write;\n\nfn main() {\n    let v = vec![1];\n    v.push(2);\n"
            "    let y: u8 = 300;\n}\n"
        }
    )
    findings = detect(run.obs)
    assert findings[0].details.get("code") == "E0596"
    assert place(findings[0]) == "src/main.rs:5:5"


# --- older rustc output (real excerpts quoted in public issues) ---------------------------------

OLD_RUSTC = """\
   Compiling mirafetch v0.1.0 (/Users/dracula/git/mirafetch)
error[E0433]: failed to resolve: use of undeclared crate or module `get_info`
   --> src/info/mod.rs:122:31
    |
122 |         let getter = Arc::new(get_info::new());
    |                               ^^^^^^^^ use of undeclared crate or module `get_info`

error[E0308]: mismatched types
 --> src/main.rs:2:19
  |
2 |     borrow_string(String::new());
  |                   ^^^^^^^^^^^^^
  |                   |
  |                   expected `&String`, found struct `String`
  |                   help: consider borrowing here: `&String::new()`

error[E0599]: no method named `len` found for struct `Foo` in the current scope
 --> src/main.rs:9:7
  |
9 |     x.len();
  |       ^^^ method not found in `Foo`
  |
help: there is a method with a similar name
  |
9 |     x.size();
  |       ~~~~

For more information about this error, try `rustc --explain E0433`.
error: could not compile `mirafetch` (lib) due to previous error
"""


def test_older_rustc_wording_and_tilde_suggestions() -> None:
    findings = parse_rust(observe("cargo build", OLD_RUSTC, "/Users/dracula/git/mirafetch"), OLD_RUSTC)
    missing, borrow, method = findings
    assert (missing.category, missing.details["crate"], place(missing)) == (
        "dependency",
        "get_info",
        "src/info/mod.rs:122:31",
    )
    assert borrow.details["label"] == "expected `&String`, found struct `String`"
    [inline] = borrow.details["suggestions"]
    assert (inline["code"], inline["kind"], inline["column"], inline["length"]) == (
        "&String::new()",
        "replace_span",
        19,
        13,
    )
    [tilde] = method.details["suggestions"]
    assert (tilde["kind"], tilde["line"], tilde["code"], tilde["original"]) == (
        "replace_line",
        9,
        "    x.size();",
        "    x.len();",
    )


def test_old_panic_format() -> None:
    text = (
        "running 1 test\ntest tests::it_works ... FAILED\n\nfailures:\n\n---- tests::it_works stdout ----\n"
        "thread 'tests::it_works' panicked at "
        "'assertion failed: `(left == right)`\n  left: `4`,\n right: `5`', "
        "src/lib.rs:5:9\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\n"
        "failures:\n    tests::it_works\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; "
        "0 filtered out; finished in 0.00s\n\nerror: test failed, to rerun pass '--lib'\n"
    )
    [failure] = cargo_test_findings(text, "/p")
    assert (failure.details["test_id"], place(failure)) == ("tests::it_works", "src/lib.rs:5:9")


# --- headers a paste damaged --------------------------------------------------------------------


USE_AFTER_MOVE = {
    "src/main.rs": src("""
        fn count(names: Vec<String>) -> usize {
            names.len()
        }

        fn main() {
            let names = vec![String::from("bolt")];
            let n = count(names);
            println!("{n} {}", names[0]);
        }
    """)
}


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda header: header[1:], id="first-letter"),
        pytest.param(lambda header: header[4:], id="four-letters"),
        pytest.param(lambda header: header.split(": ", 1)[1], id="no-prefix"),
    ],
)
def test_use_after_move_with_its_header_cut(cargo: Any, cut: Any) -> None:
    """A paste that starts inside the header (`rror[E0382]: ...`) or lost its `error[E0382]: `."""
    run = cargo(USE_AFTER_MOVE)
    start = run.text.index("error[E0382]")
    header, rest = run.text[start:].split("\n", 1)
    pasted = f"{cut(header)}\n{rest}"
    assert not pasted.startswith("error")
    [error] = parse_rust(observe("cargo build", pasted, str(run.root)), pasted)
    assert (error.category, error.severity, error.details["code"]) == ("rust", "high", "E0382")
    assert place(error) == "src/main.rs:8:24"
    assert "borrow of moved value: `names`" in error.message
    assert error.details["suggestions"][0]["code"] == "    let n = count(names.clone());"


@pytest.mark.parametrize("cut", [3, len("warning: ")], ids=["ning", "no-prefix"])
def test_warning_with_a_cut_header_stays_a_warning(cargo: Any, cut: int) -> None:
    """`ning: unused variable` says warning; `unused variable` alone has its `#[warn(...)]` note."""
    run = cargo({"src/lib.rs": "pub fn f() {\n    let unused = 1;\n}\n"})
    start = run.text.index("warning: unused variable")
    pasted = run.text[start + cut :]
    [warning] = parse_rust(observe("cargo build", pasted, str(run.root)), pasted)
    assert (warning.category, warning.severity, place(warning)) == ("lint", "low", "src/lib.rs:2:9")
    assert warning.details["code"] == "unused_variables"


def test_notes_with_their_own_span_are_no_headers(cargo: Any) -> None:
    """`note: the lint level is defined here` is followed by a ` --> ` line of its own."""
    lib = "#![deny(unused_variables)]\n\npub fn f() {\n    let unused = 1;\n}\n"
    run = cargo({"src/lib.rs": lib})
    assert "note: the lint level is defined here\n --> src/lib.rs:1:9" in run.text
    [error] = findings_of(run)
    assert (error.category, place(error), error.details["code"]) == (
        "lint",
        "src/lib.rs:4:9",
        "unused_variables",
    )


def test_edition_2015_use_of_a_compiled_crate_is_no_missing_dependency(cargo: Any) -> None:
    """cargo compiled the path dependency `dep`; the 2015-edition crate `use`s it without `extern crate`."""
    files = {
        "dep/Cargo.toml": '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n',
        "dep/src/lib.rs": "pub fn answer() -> u32 {\n    42\n}\n",
        "Cargo.toml": '[package]\nname = "old"\nversion = "0.1.0"\n'  # no edition: 2015
        '\n[dependencies]\ndep = { path = "dep" }\n',
        "src/main.rs": 'use dep::answer;\n\nfn main() {\n    println!("{}", answer());\n}\n',
    }
    run = cargo(files, name="old")
    assert "Compiling dep v0.1.0" in run.text
    [error] = only(findings_of(run), "rust")
    assert (error.details["code"], place(error)) == ("E0432", "src/main.rs:1:5")
    assert "command" not in error.details
    assert not only(findings_of(run), "dependency")


def test_compiled_crate_named_missing_by_an_older_rustc_is_no_dependency() -> None:
    """rustc 1.5x said `maybe a missing crate`; cargo's `Compiling inari` shows it is a dependency."""
    text = (
        "   Compiling inari v0.11.0\n   Compiling test v0.0.1 (/tmp/test)\n"
        "error[E0432]: unresolved import `inari`\n --> test.rs:1:5\n  |\n1 | use inari::*;\n"
        "  |     ^^^^^ maybe a missing crate `inari`?\n"
    )
    [error] = parse_rust(observe("cargo build", text, "/tmp/test"), text)
    assert (error.category, error.details["crate"], error.details["compiled"]) == ("rust", "inari", True)
    assert "command" not in error.details
    missing = text.replace("   Compiling inari v0.11.0\n", "")
    [dependency] = parse_rust(observe("cargo build", missing, "/tmp/test"), missing)
    assert (dependency.category, dependency.details["command"]) == ("dependency", "cargo add inari")


def test_workspace_module_path_is_no_missing_crate(cargo: Any) -> None:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/net"]\nresolver = "2"\n',
        "crates/net/Cargo.toml": manifest_of("net"),
        "crates/net/src/lib.rs": "pub mod transport;\n",
        "crates/net/src/transport.rs": "pub mod common;\n\nuse common::client::SseTransport;\n",
        "crates/net/src/transport/common.rs": "pub mod client;\n",
        "crates/net/src/transport/common/client.rs": "pub struct Other;\n",
    }
    run = cargo(files, name="ws")
    [error] = findings_of(run)
    assert (error.category, error.details["code"]) == ("rust", "E0432")
    assert place(error) == "crates/net/src/transport.rs:3:5"
    assert "crate" not in error.details and "command" not in error.details


GUESSING_GAME_2015 = """\
   Compiling rand v0.6.1
   Compiling guess_game v0.1.0 (/home/juliomon/tmp/rust/guess_game)
error[E0432]: unresolved import `rand`
 --> src/main.rs:3:5
  |
3 | use rand::Rng;
  |     ^^^^ maybe a missing `extern crate rand;`?

error: aborting due to previous error

For more information about this error, try `rustc --explain E0432`.
error: Could not compile `guess_game`.
"""
"""rustc 1.31 on a Cargo.toml without `edition` (rust-lang/book#1702, its first error kept)."""


def test_maybe_a_missing_extern_crate_of_a_compiled_crate() -> None:
    obs = observe("cargo build", GUESSING_GAME_2015, "/home/juliomon/tmp/rust/guess_game")
    [error] = parse_rust(obs, GUESSING_GAME_2015)
    assert (error.category, error.details["crate"], place(error)) == ("rust", "rand", "src/main.rs:3:5")
    assert error.details["compiled"] is True and "command" not in error.details
    uncompiled = GUESSING_GAME_2015.replace("   Compiling rand v0.6.1\n", "")
    [missing] = parse_rust(obs, uncompiled)
    assert (missing.category, missing.details["command"]) == ("dependency", "cargo add rand")


# --- precision -----------------------------------------------------------------------------------


def test_python_failure_costs_the_rust_parser_nothing() -> None:
    text = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nNameError: x\n' * 2000
    started = time.perf_counter()
    assert parse_rust(observe("python a.py", text, "/p"), text) == []
    assert time.perf_counter() - started < 0.05


def test_error_lines_of_other_tools_are_not_rust() -> None:
    text = "error: externally-managed-environment\n\n\u00d7 This environment is externally managed\n"
    assert parse_rust(observe("pip install x", text, "/p"), text) == []
    make = "gcc -c a.c\na.c:3:5: error: unknown type name 'foo'\nmake: *** [a.o] Error 1\n"
    assert parse_rust(observe("make", make, "/p"), make) == []


def test_message_names_code_message_and_label() -> None:
    text = (
        "error[E0425]: cannot find value `x` in this scope\n --> src/main.rs:2:5\n  |\n"
        "2 |     x\n  |     ^ not found in this scope\n"
    )
    [finding] = parse_rust(observe("cargo build", text, "/p"), text)
    assert finding.message == "E0425 cannot find value `x` in this scope — not found in this scope"
    assert re.fullmatch(r"hh-[0-9a-f]{8}", finding.id)
