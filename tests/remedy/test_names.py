"""NameError / AttributeError: a missing import of a project name, a standard-library module, and
Python's own suggestion."""

from __future__ import annotations

from pathlib import Path

from tests.corpus.runner import source
from tests.remedy.healing import heal, remedied, with_patterns


def test_name_defined_elsewhere_in_the_project_is_imported(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/util.py": "def helper(x):\n    return x * 2\n",
        "app/main.py": source('''
            """Entry point."""
            import sys


            def run():
                return helper(int(sys.argv[1]))


            print(run())
        '''),
    }
    result, _, again = heal(tmp_path, "python -m app.main 4", with_patterns(files))

    assert remedied(result, "edit")[0].remedy.summary.startswith("add `from app.util import helper`")  # type: ignore[union-attr]
    assert again.exit_code == 0 and again.output.strip() == "8", again.output
    lines = (tmp_path / "app/main.py").read_text().splitlines()
    assert lines[1:3] == ["import sys", "from app.util import helper"]


def test_standard_library_module_is_imported(tmp_path: Path) -> None:
    files = {"paths.py": "def home():\n    return os.sep\n\n\nprint(home())\n"}
    _, _, again = heal(tmp_path, "python paths.py", with_patterns(files))

    assert again.exit_code == 0, again.output
    assert (tmp_path / "paths.py").read_text().startswith("import os\n")


def test_attribute_did_you_mean_is_applied_on_the_line(tmp_path: Path) -> None:
    files = {
        "greet.py": source("""
            class Greeter:
                def greeting(self):
                    return "hi"


            g = Greeter()
            print(g.greting())
        """),
    }
    result, _, again = heal(tmp_path, "python greet.py", with_patterns(files))

    remedy = remedied(result, "edit")[0].remedy
    assert remedy is not None and (remedy.search, remedy.replace) == (
        "print(g.greting())",
        "print(g.greeting())",
    )
    assert again.exit_code == 0 and again.output.strip() == "hi", again.output
