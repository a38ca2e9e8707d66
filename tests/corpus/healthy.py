"""Healthy outputs: the hook must stay silent, however many scary words they contain."""

from __future__ import annotations

from .cases_pytest import project
from .cases_rust import CARGO, lib_crate
from .runner import Case, source

NOTES = source("""
    # Debugging notes

    The error we saw yesterday:

        Traceback (most recent call last):
          File "app/main.py", line 3, in <module>
        ModuleNotFoundError: No module named 'yaml'

    Fixed by adding pyyaml. FAILED tests are now green; error rate is 0%.
    error[E0382]: borrow of moved value -- see the Rust notes.
""")

CI_LOG = source("""
    2024-05-01 10:00:01 collected 12 items
    2024-05-01 10:00:03 FAILED tests/test_api.py::test_login - AssertionError
    2024-05-01 10:00:03 ERROR tests/test_db.py::test_migrate - KeyError: 'url'
    2024-05-01 10:00:04 === 1 failed, 10 passed, 1 error in 2.10s ===
    2024-05-02 09:00:00 === 12 passed in 1.90s ===
""")

PASSING_TESTS = source("""
    import pytest


    def test_error_message_is_friendly():
        assert "Error" in "Error: not found"


    def test_fail_gracefully_on_timeout():
        with pytest.raises(TimeoutError):
            raise TimeoutError("simulated")


    def test_exception_is_logged(caplog):
        import logging

        logging.getLogger("x").error("Traceback (most recent call last): simulated")
        assert "simulated" in caplog.text
""")

GO_MOD = "module example.com/demo\n\ngo 1.19\n"


def healthy(
    name: str, tool: str, files: dict[str, str], command: str, requires: tuple[str, ...] = ()
) -> Case:
    """A case whose output the hook must leave alone."""
    return Case(name=name, tool=tool, files=files, command=command, expect=None, requires=requires)


FILES_AND_TEXT = [
    healthy("healthy-cat-notes-with-error-words", "shell", {"NOTES.md": NOTES}, "cat NOTES.md"),
    healthy("healthy-head-old-ci-log", "shell", {"logs/ci.log": CI_LOG}, "head -4 logs/ci.log"),
    healthy(
        "healthy-grep-matches",
        "shell",
        {"src/errors.py": "class AppError(Exception):\n    pass\n", "NOTES.md": NOTES},
        "grep -rn -i error src NOTES.md",
    ),
    healthy("healthy-grep-no-match-exit-1", "shell", {"src/app.py": "print(1)\n"}, "grep -rn TODO src"),
    healthy("healthy-echo-zero-errors", "shell", {}, 'echo "build finished: 0 errors, 0 warnings"'),
    healthy(
        "healthy-ls",
        "shell",
        {"src/main.py": "", "tests/test_error.py": "", "README.md": ""},
        "ls -la . src tests",
    ),
    healthy("healthy-find-nothing", "shell", {"src/main.py": ""}, "find . -name '*.orig'"),
    healthy(
        "healthy-find-matches-error-files",
        "shell",
        {"src/errors.py": "", "src/error_handlers.py": "", "src/main.py": ""},
        "find src -name '*error*' | sort",
    ),
    healthy("healthy-diff-identical", "shell", {"a.txt": "same\n", "b.txt": "same\n"}, "diff a.txt b.txt"),
    healthy(
        "healthy-diff-differs-exit-1",
        "shell",
        {"old.py": "raise ValueError('bad')\n", "new.py": "raise KeyError('bad')\n"},
        "diff old.py new.py",
    ),
    healthy("healthy-test-missing-file-exit-1", "shell", {}, "test -f missing.txt"),
    healthy(
        "healthy-sort-uniq-error-counts",
        "shell",
        {"errors.txt": "TypeError\nKeyError\nTypeError\nImportError\nTypeError\n"},
        "sort errors.txt | uniq -c | sort -rn && wc -l errors.txt",
    ),
    healthy("healthy-less-readme", "shell", {"README.md": NOTES}, "less README.md", requires=("less",)),
]

GIT = [
    healthy(
        "healthy-git-log-fix-error",
        "shell",
        {"parser.py": "def parse(s):\n    return s\n"},
        "git init -q -b main . && git add -A && "
        "git -c user.name=dev -c user.email=dev@example.com commit -qm 'fix error in parser' && "
        "git log --format='%s'",
        requires=("git",),
    ),
    healthy(
        "healthy-git-diff-exception-lines",
        "shell",
        {"parser.py": "def parse(s):\n    raise ValueError(s)\n"},
        "git init -q -b main . && git add -A && "
        "git -c user.name=dev -c user.email=dev@example.com commit -qm init && "
        "sed -i 's/ValueError/TypeError/' parser.py && git diff",
        requires=("git",),
    ),
]

PYTHON = [
    healthy("healthy-python-print-error-none", "python", {}, "python -c 'print(\"Error: none\")'"),
    healthy(
        "healthy-python-handled-exception-logged",
        "python",
        {
            "retry.py": source("""
                import logging

                logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
                log = logging.getLogger("retry")

                for attempt in (1, 2):
                    try:
                        if attempt == 1:
                            raise ConnectionError("server busy")
                        log.info("attempt %d succeeded", attempt)
                    except ConnectionError:
                        log.exception("attempt %d failed, retrying", attempt)
            """),
        },
        "python retry.py",
    ),
    healthy(
        "healthy-json-tool",
        "python",
        {"data.json": '{"error": null, "failed": []}\n'},
        "python -m json.tool data.json",
    ),
    healthy("healthy-pip-list", "python", {}, "python -m pip list --disable-pip-version-check"),
]

PYTHON_TOOLS = [
    healthy(
        "healthy-pytest-verbose-pass-error-names",
        "pytest",
        project({"tests/test_errors.py": PASSING_TESTS}),
        "pytest -v",
    ),
    healthy(
        "healthy-pytest-skip-xfail-warnings",
        "pytest",
        project(
            {
                "tests/test_misc.py": source("""
                    import sys
                    import warnings

                    import pytest


                    def test_deprecated_api_still_works():
                        warnings.warn("old_api() is deprecated", DeprecationWarning)
                        assert True


                    @pytest.mark.skipif(sys.platform == "linux", reason="windows only")
                    def test_windows_paths():
                        assert False


                    @pytest.mark.xfail(reason="issue 7: unicode slugs")
                    def test_unicode_slug():
                        assert False
                """)
            }
        ),
        "pytest -q",
    ),
    healthy(
        "healthy-ruff-clean",
        "ruff",
        {"app.py": "import sys\n\nprint(sys.argv)\n"},
        "ruff check .",
        requires=("ruff",),
    ),
    healthy(
        "healthy-mypy-clean",
        "mypy",
        {"app/__init__.py": "", "app/core.py": "def add(a: int, b: int) -> int:\n    return a + b\n"},
        "mypy app",
        requires=("mypy",),
    ),
]

RUST = [
    healthy(
        "healthy-cargo-build",
        "cargo",
        lib_crate("pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n"),
        "cargo build --offline",
        requires=CARGO,
    ),
    healthy(
        "healthy-cargo-test-pass-should-panic",
        "cargo",
        lib_crate("""
            pub fn checked_div(a: i32, b: i32) -> i32 {
                if b == 0 {
                    panic!("division by zero error");
                }
                a / b
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn divides() {
                    assert_eq!(checked_div(6, 3), 2);
                }

                #[test]
                #[should_panic(expected = "division by zero")]
                fn error_on_zero() {
                    checked_div(1, 0);
                }
            }
        """),
        "cargo test --offline",
        requires=CARGO,
    ),
]

OTHER_TOOLS = [
    healthy(
        "healthy-node-warning-on-stderr",
        "node",
        {"app.js": 'console.error("warn: no config file, using defaults");\nconsole.log("ok");\n'},
        "node app.js",
        requires=("node",),
    ),
    healthy(
        "healthy-npm-run-script",
        "shell",
        {
            "package.json": '{\n  "name": "web",\n  "version": "1.0.0",\n'
            '  "scripts": {"build": "echo built without errors"}\n}\n'
        },
        "npm run build",
        requires=("npm",),
    ),
    healthy(
        "healthy-go-test-pass",
        "go",
        {
            "go.mod": GO_MOD,
            "calc/calc.go": "package calc\n\nfunc Add(a, b int) int {\n\treturn a + b\n}\n",
            "calc/calc_test.go": source("""
                package calc

                import "testing"

                func TestAddErrorFree(t *testing.T) {
                    if Add(2, 2) != 4 {
                        t.Fatal("wrong")
                    }
                }
            """),
        },
        "go test ./...",
        requires=("go",),
    ),
    healthy(
        "healthy-tsc-clean",
        "tsc",
        {
            "tsconfig.json": '{"compilerOptions": {"strict": true, "noEmit": true}}\n',
            "src/index.ts": "export const add = (a: number, b: number): number => a + b;\n",
        },
        "tsc",
        requires=("tsc",),
    ),
    healthy(
        "healthy-make-ok",
        "shell",
        {"Makefile": "check:\n\t@echo 0 errors found\n"},
        "make check",
        requires=("make",),
    ),
]

CASES: list[Case] = [
    *FILES_AND_TEXT, *GIT, *PYTHON, *PYTHON_TOOLS, *RUST, *OTHER_TOOLS,
]  # fmt: skip
