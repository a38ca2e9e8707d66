"""Unresolved imports on real crates: `cargo add` only for a crate rustc says is missing; the edition
or the package's own `[dependencies]` for a crate cargo compiled; the module path inside a crate."""

from __future__ import annotations

import os
import pwd
import re
import shutil
from pathlib import Path

import pytest

from healing_hooks.findings import Finding, Remedy
from healing_hooks.remedy.rust import PLACEHOLDER, _situations, fill
from tests.detect.pyruns import analysed
from tests.detect.test_rust import GUESSING_GAME_2015
from tests.payloads import failure
from tests.remedy.healing import plan, run

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")


@pytest.fixture(autouse=True)
def real_rust_toolchain(monkeypatch: pytest.MonkeyPatch) -> None:
    """rustup's cargo finds its toolchain under the account's real home, not the test's HOME."""
    home = pwd.getpwuid(os.getuid()).pw_dir
    monkeypatch.setenv("RUSTUP_HOME", os.environ.get("RUSTUP_HOME") or os.path.join(home, ".rustup"))
    monkeypatch.setenv("CARGO_HOME", os.environ.get("CARGO_HOME") or os.path.join(home, ".cargo"))


DEP = {
    "dep/Cargo.toml": '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n',
    "dep/src/lib.rs": "pub fn answer() -> u32 {\n    42\n}\n",
}
USES_DEP = 'use dep::answer;\n\nfn main() {\n    println!("{}", answer());\n}\n'


def app(edition_line: str) -> dict[str, str]:
    """A crate using the path dependency `dep` (compiled by cargo), on the edition given."""
    package = f'[package]\nname = "app"\nversion = "0.1.0"\n{edition_line}'
    manifest = f'{package}\n[dependencies]\ndep = {{ path = "dep" }}\n'
    return {**DEP, "Cargo.toml": manifest, "src/main.rs": USES_DEP}


def resolve_error(findings: list[Finding]) -> Finding:
    return next(f for f in findings if f.details.get("code") in ("E0432", "E0433"))


def advice(remedy: Remedy | None) -> str:
    assert remedy is not None
    return "\n".join([remedy.summary, *remedy.steps, remedy.command or ""])


@pytest.mark.parametrize(
    ("edition_line", "said"),
    [
        pytest.param("", "Cargo.toml sets no edition (Rust 2015)", id="no-edition"),
        pytest.param('edition = "2015"\n', "Cargo.toml is on edition 2015", id="edition-2015"),
    ],
)
def test_compiled_crate_on_edition_2015_gets_the_edition_not_cargo_add(
    tmp_path: Path, edition_line: str, said: str
) -> None:
    broken = run(tmp_path, "cargo build --offline", app(edition_line))
    assert broken.exit_code != 0 and "Compiling dep v0.1.0" in broken.output
    error = resolve_error(plan(tmp_path, broken).findings)
    text = advice(error.remedy)
    assert not re.search(r"cargo add dep", text), text
    assert said in text
    assert 'edition = "2021"' in text and "extern crate dep;" in text
    assert not PLACEHOLDER.search(text), text


def test_the_edition_advice_from_the_output_alone(tmp_path: Path) -> None:
    """The output pasted elsewhere (no Cargo.toml to read): the compiled crate still says it."""
    broken = run(tmp_path / "app", "cargo build --offline", app(""))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    error = resolve_error(analysed(failure("cargo build", broken.output, 1, str(elsewhere)), str(elsewhere)))
    text = advice(error.remedy)
    assert "cargo add dep" not in text
    assert "most likely on Rust 2015" in text and "extern crate dep;" in text


def test_an_older_rustc_asking_for_extern_crate_gets_the_edition(tmp_path: Path) -> None:
    """rustc 1.31's `maybe a missing `extern crate rand;`` (rust-lang/book#1702), no project at hand."""
    output = GUESSING_GAME_2015
    error = resolve_error(analysed(failure("cargo build", output, 101, str(tmp_path)), str(tmp_path)))
    text = advice(error.remedy)
    assert "cargo add rand" not in text and "extern crate rand;" in text and "Rust 2015" in text


def test_crate_compiled_for_another_member_is_declared_in_this_one(tmp_path: Path) -> None:
    """Edition 2021: `dep` is built for `server`, but `cli` uses it without declaring it."""
    member = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n{deps}'
    files = {
        **DEP,
        "Cargo.toml": '[workspace]\nmembers = ["server", "cli"]\nresolver = "2"\n',
        "server/Cargo.toml": member.format(name="server", deps='dep = { path = "../dep" }\n'),
        "server/src/main.rs": USES_DEP,
        "cli/Cargo.toml": member.format(name="cli", deps=""),
        "cli/src/main.rs": USES_DEP,
    }
    broken = run(tmp_path, "cargo build --offline", files)
    assert "Compiling dep v0.1.0" in broken.output
    error = resolve_error(plan(tmp_path, broken).findings)
    assert error.location is not None and error.location.file == "cli/src/main.rs"
    text = advice(error.remedy)
    assert "`[dependencies]` of cli/Cargo.toml" in text
    assert error.remedy is not None and error.remedy.command is None


def test_module_path_inside_the_crate_gets_no_cargo_add(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/net"]\nresolver = "2"\n',
        "crates/net/Cargo.toml": '[package]\nname = "net"\nversion = "0.1.0"\nedition = "2021"\n',
        "crates/net/src/lib.rs": "pub mod transport;\n",
        "crates/net/src/transport.rs": "pub mod common;\n\nuse common::client::SseTransport;\n",
        "crates/net/src/transport/common.rs": "pub mod client;\n",
        "crates/net/src/transport/common/client.rs": "pub struct Other;\n",
    }
    broken = run(tmp_path, "cargo build --offline", files)
    error = resolve_error(plan(tmp_path, broken).findings)
    text = advice(error.remedy)
    assert not re.search(r"cargo add \w", text), text
    assert "found `transport::common::client` but no `SseTransport` in it" in text
    assert "crate::" in text and "`pub`" in text
    assert "mod SseTransport" not in text  # a type, not a module file


def test_the_package_naming_itself_is_told_crate_not_cargo_add(tmp_path: Path) -> None:
    """A binary without a library target `use`s its own package's name; rustc proposes `cargo add`."""
    files = {
        "Cargo.toml": '[package]\nname = "my-tool"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/main.rs": "mod util;\nuse my_tool::util::f;\n\nfn main() {\n    f();\n}\n",
        "src/util.rs": "pub fn f() {}\n",
    }
    broken = run(tmp_path, "cargo build --offline", files)
    error = resolve_error(plan(tmp_path, broken).findings)
    text = advice(error.remedy)
    assert "cargo add my_tool" not in text and error.remedy is not None and error.remedy.command is None
    assert "write `crate::…`" in text


def test_a_crate_rustc_calls_missing_still_gets_cargo_add(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": '[package]\nname = "net"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/lib.rs": "use helpers::thing;\n",
    }
    broken = run(tmp_path, "cargo build --offline", files)
    error = resolve_error(plan(tmp_path, broken).findings)
    assert error.remedy is not None and error.remedy.command == "cargo add helpers"


SUPPLIED = {"code", "crate", "manifest", "edition", "item", "module", "module_item", "path"}


@pytest.mark.parametrize("name", sorted(_situations()))
def test_every_situation_placeholder_is_one_the_code_fills(name: str) -> None:
    entry = _situations()[name]
    used = {m["key"] for text in [entry["title"], *entry["steps"]] for m in PLACEHOLDER.finditer(text)}
    assert used <= SUPPLIED


def test_a_placeholder_without_a_value_never_shows() -> None:
    assert fill("declare `{crate}` in {manifest}", {"crate": "dep"}) is None
    assert fill("declare `{crate}`", {"crate": "dep"}) == "declare `dep`"
    assert fill("`Name { field: value }`", {}) == "`Name { field: value }`"
