"""cannot import name / No module named: real projects, healed by rewriting the import or by
installing the distribution with the project's own installer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.runner import source
from tests.remedy.healing import heal, plan, remedied, run

AUTONOMY = {
    "core/__init__.py": "",
    "core/sovereign/__init__.py": "",
    "core/sovereign/autonomy.py": "def decide():\n    return 'ok'\n",
    "core/sovereign/autonomy_matrix.py": source("""
        from enum import Enum


        class AutonomyLevel(Enum):
            LOW = 1
            HIGH = 2
    """),
    "core/sovereign/engine.py": source("""
        from .autonomy import AutonomyLevel


        def level():
            return AutonomyLevel.HIGH
    """),
    "main.py": "from core.sovereign.engine import level\n\nprint(level())\n",
}

PRICING = {
    "shop/__init__.py": "",
    "shop/pricing.py": "def total(items):\n    return sum(items)\n",
    "shop/promotions.py": "class Discount:\n    rate = 0.1\n",
    "shop/cart.py": source("""
        from shop.pricing import (
            Discount,
            total,
        )


        def checkout(items):
            return total(items) * (1 - Discount.rate)
    """),
    "run.py": "from shop.cart import checkout\n\nprint(checkout([10, 20]))\n",
}


def test_seed_relative_import_is_rewritten_to_the_module_that_defines_the_name(tmp_path: Path) -> None:
    result, applied, again = heal(tmp_path, "python main.py", AUTONOMY)

    finding = remedied(result, "edit")[0]
    assert finding.remedy is not None
    assert finding.remedy.search == "from .autonomy import AutonomyLevel"
    assert finding.remedy.replace == "from .autonomy_matrix import AutonomyLevel"
    assert finding.remedy.confidence >= 0.9
    assert applied and applied[0].startswith("applied")
    assert again.exit_code == 0, again.output
    assert "AutonomyLevel.HIGH" in again.output


def test_renamed_variant_absolute_multiline_import_is_split(tmp_path: Path) -> None:
    result, _, again = heal(tmp_path, "python run.py", PRICING)

    assert again.exit_code == 0, again.output
    cart = (tmp_path / "shop/cart.py").read_text()
    assert "from shop.pricing import total" in cart
    assert "from shop.promotions import Discount" in cart
    assert remedied(result, "edit")[0].remedy.summary.startswith("import `Discount` from `shop.promotions`")  # type: ignore[union-attr]


def test_pytest_collection_error_is_healed(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": "",
        "app/accounts/__init__.py": "",
        "app/accounts/user.py": "class User:\n    name = 'ada'\n",
        "tests/test_user.py": (
            "from app.models import User\n\n\ndef test_name():\n    assert User.name == 'ada'\n"
        ),
    }
    _, _, again = heal(tmp_path, "python -m pytest -q -p no:cacheprovider", files)

    assert again.exit_code == 0, again.output
    assert "from app.accounts.user import User" in (tmp_path / "tests/test_user.py").read_text()


def test_moved_project_module_gets_the_new_path(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/text_utils.py": "def slugify(text):\n    return text.lower().replace(' ', '-')\n",
        "app/views.py": "from app.helpers import slugify\n\nprint(slugify('Hello World'))\n",
    }
    result, _, again = heal(tmp_path, "python -m app.views", files)

    assert again.exit_code == 0, again.output
    assert again.output.strip() == "hello-world"
    assert remedied(result, "edit")[0].remedy.replace == "from app.text_utils import slugify"  # type: ignore[union-attr]


INSTALLERS = [
    (
        {"uv.lock": "version = 1\n", "pyproject.toml": "[project]\nname = 'x'\n"},
        "bs4",
        "uv add beautifulsoup4",
    ),
    (
        {"poetry.lock": "# poetry\n", "pyproject.toml": "[tool.poetry]\nname = 'x'\n"},
        "sklearn",
        "poetry add scikit-learn",
    ),
    ({"requirements.txt": "requests\n"}, "yaml", "pip install PyYAML"),
    (
        {"pyproject.toml": "[project]\nname = 'x'\ndependencies = [\n    \"requests\",\n]\n"},
        "cv2",
        "pip install opencv-python",
    ),
    ({}, "dateutil", "pip install python-dateutil"),
]


@pytest.mark.parametrize(
    ("files", "module", "command"), INSTALLERS, ids=["uv", "poetry", "requirements", "pyproject", "none"]
)
def test_third_party_module_is_installed_with_the_projects_installer(
    tmp_path: Path, files: dict[str, str], module: str, command: str
) -> None:
    broken = run(tmp_path, "python app.py", {**files, "app.py": f"import {module}\n"})
    assert "No module named" in broken.output

    finding = remedied(plan(tmp_path, broken))[0]

    assert finding.remedy is not None
    assert finding.remedy.command == command
    assert any("try: import" in step for step in finding.remedy.steps)  # the optional-import alternative


def test_requirements_line_and_pyproject_dependency_are_added_by_the_edit(tmp_path: Path) -> None:
    from healing_hooks.remedy.apply import apply_findings

    req = tmp_path / "req"
    broken = run(req, "python app.py", {"requirements.txt": "requests\n", "app.py": "import yaml\n"})
    apply_findings(plan(req, broken).findings, str(req))
    assert (req / "requirements.txt").read_text() == "requests\nPyYAML\n"

    pyp = tmp_path / "pyp"
    project = "[project]\nname = 'x'\ndependencies = [\n    \"requests\"\n]\n\n[tool.x]\ny = 1\n"
    broken = run(pyp, "python app.py", {"pyproject.toml": project, "app.py": "import bs4\n"})
    apply_findings(plan(pyp, broken).findings, str(pyp))
    text = (pyp / "pyproject.toml").read_text()
    assert 'dependencies = [\n    "requests",\n    "beautifulsoup4",\n]' in text
    tomllib = pytest.importorskip("tomllib")
    assert tomllib.loads(text)["project"]["dependencies"] == ["requests", "beautifulsoup4"]
