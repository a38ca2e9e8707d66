"""rustc suggestions → edits, `cargo add`, `cargo fix -p`, E-code guidance; on real crates."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

import pytest

from healing_hooks.remedy.rust import guidance
from tests.corpus.runner import source
from tests.remedy.healing import heal, plan, remedied, run, with_patterns

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")


@pytest.fixture(autouse=True)
def real_rust_toolchain(monkeypatch: pytest.MonkeyPatch) -> None:
    """rustup's cargo finds its toolchain under the account's real home, not the test's HOME."""
    home = pwd.getpwuid(os.getuid()).pw_dir
    monkeypatch.setenv("RUSTUP_HOME", os.environ.get("RUSTUP_HOME") or os.path.join(home, ".rustup"))
    monkeypatch.setenv("CARGO_HOME", os.environ.get("CARGO_HOME") or os.path.join(home, ".cargo"))


CARGO = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'


def crate(main: str) -> dict[str, str]:
    return with_patterns({"Cargo.toml": CARGO, "src/main.rs": source(main)})


def test_every_printed_suggestion_becomes_an_edit_and_the_build_passes(tmp_path: Path) -> None:
    files = crate("""
        fn borrow(v: &str) -> usize {
            v.len()
        }

        fn main() {
            let m: HashMap<String, usize> = HashMap::new();
            let s = String::from("x");
            let c = borrow(s.clone());
            println!("{} {:?}", c, m);
        }
    """)
    result, applied, again = heal(tmp_path, "cargo build --offline -q", files)

    edits = {f.remedy.replace for f in remedied(result, "edit") if f.remedy}
    assert "    let c = borrow(&s.clone());" in edits
    assert any(line.startswith("not applied") and "same change" in line for line in applied)
    assert again.exit_code == 0, again.output
    assert (tmp_path / "src/main.rs").read_text().count("use std::collections::HashMap;") == 1


def test_moved_value_clone_suggestion(tmp_path: Path) -> None:
    files = crate("""
        fn takes(v: String) -> usize {
            v.len()
        }

        fn main() {
            let s = String::from("x");
            let a = takes(s);
            let b = takes(s);
            println!("{} {}", a, b);
        }
    """)
    _, _, again = heal(tmp_path, "cargo build --offline -q", files)

    assert again.exit_code == 0, again.output
    assert "takes(s.clone())" in (tmp_path / "src/main.rs").read_text()


def test_unlinked_crate_gets_the_cargo_add_command(tmp_path: Path) -> None:
    broken = run(tmp_path, "cargo build --offline", crate("use rand::Rng;\n\nfn main() {}\n"))
    commands = {f.remedy.command for f in remedied(plan(tmp_path, broken), "command") if f.remedy}

    assert "cargo add rand" in commands


def test_fixable_warnings_get_the_exact_cargo_fix_command(tmp_path: Path) -> None:
    files = crate("""
        use std::fmt::Debug;

        fn main() {
            let mut count = 0;
            println!("{}", count);
        }
    """)
    recorded = run(tmp_path, "cargo build --offline", files)
    assert recorded.exit_code == 0
    commands = {f.remedy.command for f in remedied(plan(tmp_path, recorded), "command") if f.remedy}

    assert 'cargo fix --bin "demo" -p demo' in commands


def test_error_without_suggestion_gets_guidance_from_data(tmp_path: Path) -> None:
    files = crate("""
        fn main() {
            let mut v = vec![1, 2, 3];
            let first = &v[0];
            v.push(4);
            println!("{}", first);
        }
    """)
    broken = run(tmp_path, "cargo build --offline", files)
    steps = [f.remedy for f in remedied(plan(tmp_path, broken), "steps") if f.remedy]

    assert any(r.summary.startswith("E0502") and "rustc --explain E0502" in r.steps[-1] for r in steps)


@pytest.mark.parametrize(
    "code",
    [
        "E0382",
        "E0502",
        "E0499",
        "E0308",
        "E0277",
        "E0599",
        "E0425",
        "E0432",
        "E0433",
        "E0412",
        "E0061",
        "E0106",
    ],
)
def test_guidance_exists_for_the_common_codes(code: str) -> None:
    remedy = guidance(code)
    assert remedy is not None and remedy.confidence >= 0.5 and len(remedy.steps) >= 2
