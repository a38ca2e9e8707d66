"""go build, vet, test and run on real output (offline: GOPROXY=off, the corpus environment)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from healing_hooks.detect.go import go_failed_tests, go_test_counts, package_dir, parse_go
from healing_hooks.detect.testruns import summarize_test_run
from healing_hooks.findings import Finding
from tests.detect.realrun import Run, observe, require, run_tool

GO_MOD = "module example.com/demo\n\ngo 1.19\n"


def src(text: str) -> str:
    """Go source written with 4-space indents here, tab-indented as gofmt writes it."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines(keepends=True)
    return "".join("\t" * ((len(line) - len(line.lstrip(" "))) // 4) + line.lstrip(" ") for line in lines)


def place(finding: Finding) -> str:
    return str(finding.location)


@pytest.fixture(scope="module")
def go_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build cache for the module: the standard library is compiled once."""
    return tmp_path_factory.mktemp("gocache")


@pytest.fixture
def go(tmp_path: Path, go_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`go(files, command)`: a module in tmp_path, the real go command run in it."""
    require("go")
    monkeypatch.setenv("GOCACHE", str(go_cache))
    monkeypatch.setenv("GOPATH", str(go_cache / "gopath"))

    def run(files: dict[str, str], command: str) -> Run:
        return run_tool(tmp_path / "demo", {"go.mod": GO_MOD, **files}, command)

    return run


def findings_of(run: Run) -> list[Finding]:
    return parse_go(run.obs, run.text)


def test_build_errors_by_kind(go: Any) -> None:
    main = src("""
        package main

        import (
            "fmt"
            "os"
        )

        func count() int {
        }

        func main() {
            total := 3
            var n int = "a"
            fmt.Prinln("total", totl, n)
        }
    """)
    findings = findings_of(go({"main.go": main}, "go build ./..."))
    got = {(f.category, place(f)) for f in findings}
    assert got == {
        ("import", "main.go:5:2"),
        ("type", "main.go:9:1"),
        ("name", "main.go:12:2"),
        ("type", "main.go:13:14"),
        ("name", "main.go:14:6"),
        ("name", "main.go:14:22"),
    }
    assert all(f.severity == "high" and f.tool == "go" for f in findings)
    undefined = next(f for f in findings if f.message == "undefined: totl")
    assert len(undefined.details["related"]) == len(findings) - 1


def test_syntax_error(go: Any) -> None:
    run = go(
        {"main.go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("a"\n}\n'}, "go build ."
    )
    [finding] = findings_of(run)
    assert (finding.category, place(finding)) == ("syntax", "main.go:6:17")


def test_error_in_a_subpackage(go: Any) -> None:
    files = {
        "store/store.go": "package store\n\nfunc Count(items []string) int32 {\n\treturn len(items)\n}\n",
        "main.go": 'package main\n\nimport "example.com/demo/store"\n\nfunc main() { store.Count(nil) }\n',
    }
    [finding] = findings_of(go(files, "go build ./..."))
    assert (finding.category, place(finding)) == ("type", "store/store.go:4:9")


def test_missing_module_offline(go: Any) -> None:
    main = 'package main\n\nimport "github.com/google/uuid"\n\nfunc main() { _ = uuid.NewString() }\n'
    [finding] = findings_of(go({"main.go": main}, "go build ."))
    assert (finding.category, place(finding)) == ("dependency", "main.go:3:8")
    assert finding.details["module"] == "github.com/google/uuid"
    assert finding.details["command"] == "go get github.com/google/uuid"


def test_std_import_typo_is_import(go: Any) -> None:
    main = 'package main\n\nimport "strngs"\n\nfunc main() { strngs.ToUpper("a") }\n'
    [finding] = findings_of(go({"main.go": main}, "go build ."))
    assert (finding.category, place(finding)) == ("import", "main.go:3:8")


def test_vet(go: Any) -> None:
    main = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Printf("%d\\n", "text")\n}\n'
    [finding] = findings_of(go({"main.go": main}, "go vet ./..."))
    assert (finding.category, finding.tool, place(finding)) == ("lint", "go vet", "main.go:6:2")
    assert "wrong type" in finding.message


CALC = {
    "calc/calc.go": "package calc\n\nfunc Add(a, b int) int {\n\treturn a - b\n}\n",
    "calc/calc_test.go": src("""
        package calc

        import "testing"

        func TestAdd(t *testing.T) {
            if got := Add(2, 2); got != 4 {
                t.Errorf("Add(2, 2) = %d; want 4", got)
            }
        }

        func TestTable(t *testing.T) {
            t.Run("zero", func(t *testing.T) {
                if Add(0, 0) != 0 {
                    t.Fatal("zero")
                }
            })
            t.Run("negative", func(t *testing.T) {
                if Add(-1, -1) != -2 {
                    t.Fatalf("Add(-1, -1) = %d", Add(-1, -1))
                }
            })
        }

        func TestOK(t *testing.T) {}
    """),
}


@pytest.mark.parametrize("verbose", [False, True], ids=["plain", "verbose"])
def test_test_failures(go: Any, verbose: bool) -> None:
    run = go(CALC, "go test -v ./..." if verbose else "go test ./...")
    tests = {f.details["test_id"]: f for f in findings_of(run)}
    assert set(tests) == {"TestAdd", "TestTable/negative"}
    add = tests["TestAdd"]
    assert (add.category, add.severity, place(add)) == ("test", "high", "calc/calc_test.go:7")
    assert "Add(2, 2) = 0; want 4" in add.message
    assert add.details["package"] == "example.com/demo/calc"
    assert add.details["command"] == "go test -run '^TestAdd$' example.com/demo/calc"
    assert place(tests["TestTable/negative"]) == "calc/calc_test.go:19"
    assert go_failed_tests(run.text) == ["TestAdd", "TestTable/negative"]
    counts = go_test_counts(run.text)
    assert (counts["failed"], counts["packages_failed"]) == (2, 1)
    if verbose:
        assert counts["passed"] == 2  # TestTable/zero and TestOK
    summary = summarize_test_run(run.obs.command, run.text, run.exit_code)
    assert summary is not None
    assert (summary["runner"], summary["failed"], summary["outcome"]) == ("go test", 2, "failed")
    assert summary["failed_tests"] == ["TestAdd", "TestTable/negative"]


def test_panic_in_a_test_points_at_the_project_frame(go: Any) -> None:
    files = {
        "calc/calc.go": "package calc\n\nfunc Div(a, b int) int {\n\treturn a / b\n}\n",
        "calc/calc_test.go": src("""
            package calc

            import "testing"

            func TestDiv(t *testing.T) {
                Div(1, 0)
            }
        """),
    }
    [finding] = findings_of(go(files, "go test ./..."))
    assert (finding.category, finding.details["test_id"], place(finding)) == (
        "test",
        "TestDiv",
        "calc/calc.go:4",
    )
    assert "integer divide by zero" in finding.message


def test_run_panic(go: Any) -> None:
    main = 'package main\n\nimport "os"\n\nfunc main() {\n\tprintln(os.Args[3])\n}\n'
    [finding] = findings_of(go({"main.go": main}, "go run ."))
    assert (finding.category, place(finding)) == ("runtime", "main.go:6")
    assert finding.message.startswith("panic: runtime error: index out of range")


def test_passing_tests_say_nothing(go: Any) -> None:
    passing = 'package calc\n\nimport "testing"\n\nfunc TestOK(t *testing.T) {}\n'
    run = go({"calc/calc.go": CALC["calc/calc.go"], "calc/calc_test.go": passing}, "go test -v ./...")
    assert findings_of(run) == []
    assert go_test_counts(run.text) == {"passed": 1, "packages_ok": 1}


def test_no_go_mod(tmp_path: Path) -> None:
    require("go")
    run = run_tool(tmp_path / "p", {"main.go": "package main\n\nfunc main() {}\n"}, "go build ./...")
    findings = findings_of(run)
    assert findings and findings[0].category == "command"


@pytest.mark.parametrize(
    ("package", "folder"),
    [
        ("example.com/demo/calc", "calc"),
        ("example.com/demo", ""),
        ("github.com/org/repo/internal/x", "internal/x"),
        ("github.com/org/repo/v2/pkg", "pkg"),
        ("demo/calc", "calc"),
    ],
)
def test_package_dir(package: str, folder: str) -> None:
    assert package_dir(package) == folder


def test_not_go_output() -> None:
    text = "--- a/x.go\n+++ b/x.go\n@@ -1 +1 @@\n"
    assert parse_go(observe("git diff", text, "/p", exit_code=0), text) == []
