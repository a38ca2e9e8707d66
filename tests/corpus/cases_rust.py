"""cargo and rustc runs: borrow-checker and type errors, missing crates, warnings, failing tests."""

from __future__ import annotations

from .runner import Case, Expect, source

CRATE = "inventory"
CARGO = ("cargo",)


def manifest(dependencies: str = "", name: str = CRATE) -> str:
    """A Cargo.toml as `cargo new` writes it (edition 2024), with optional dependency lines."""
    return (
        source(f"""
        [package]
        name = "{name}"
        version = "0.1.0"
        edition = "2024"

        [dependencies]
        {dependencies}
    """).rstrip()
        + "\n"
    )


def bin_crate(main_rs: str) -> dict[str, str]:
    """A binary crate: Cargo.toml and src/main.rs."""
    return {"Cargo.toml": manifest(), "src/main.rs": source(main_rs)}


def lib_crate(lib_rs: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A library crate: Cargo.toml and src/lib.rs (plus extra files, path -> text)."""
    return {"Cargo.toml": manifest(), "src/lib.rs": source(lib_rs), **(extra or {})}


def rust_error(name: str, files: dict[str, str], expect: Expect, command: str = "") -> Case:
    """A `cargo build --offline` case (or the given cargo command)."""
    return Case(
        name=name,
        tool="cargo",
        files=files,
        command=command or "cargo build --offline",
        expect=expect,
        requires=CARGO,
    )


BORROW = [
    rust_error(
        "cargo-e0382-use-after-move",
        bin_crate("""
            fn count(names: Vec<String>) -> usize {
                names.len()
            }

            fn main() {
                let names = vec![String::from("bolt"), String::from("nut")];
                let n = count(names);
                println!("{n} items, first is {}", names[0]);
            }
        """),
        Expect("rust", "src/main.rs", 8, ("E0382", "borrow of moved value: `names`")),
    ),
    rust_error(
        "cargo-e0502-mutable-while-borrowed",
        bin_crate("""
            fn main() {
                let mut stock = vec![1, 2, 3];
                let first = &stock[0];
                stock.push(4);
                println!("first = {first}");
            }
        """),
        Expect("rust", "src/main.rs", 4, ("E0502", "cannot borrow `stock` as mutable")),
    ),
    rust_error(
        "cargo-e0499-two-mutable-borrows",
        bin_crate("""
            fn main() {
                let mut log = String::new();
                let a = &mut log;
                let b = &mut log;
                a.push_str("start;");
                b.push_str("stop;");
                println!("{log}");
            }
        """),
        Expect("rust", "src/main.rs", 4, ("E0499", "more than once at a time")),
    ),
    rust_error(
        "cargo-e0596-borrow-immutable-as-mutable",
        bin_crate("""
            fn restock(items: &Vec<u32>) {
                items.push(10);
            }

            fn main() {
                let items = vec![1];
                restock(&items);
                println!("{items:?}");
            }
        """),
        Expect("rust", "src/main.rs", 2, ("E0596", "cannot borrow `*items` as mutable")),
    ),
    rust_error(
        "cargo-e0384-assign-twice-immutable",
        bin_crate("""
            fn main() {
                let total = 0;
                for price in [3, 4, 5] {
                    total += price;
                }
                println!("{total}");
            }
        """),
        Expect("rust", "src/main.rs", 4, ("E0384", "cannot assign twice to immutable variable")),
    ),
    rust_error(
        "cargo-e0597-does-not-live-long-enough",
        bin_crate("""
            fn main() {
                let label: &str;
                {
                    let name = String::from("widget");
                    label = &name;
                }
                println!("{label}");
            }
        """),
        Expect("rust", "src/main.rs", 5, ("E0597", "does not live long enough")),
    ),
    rust_error(
        "cargo-e0106-missing-lifetime",
        lib_crate("""
            pub fn longest(a: &str, b: &str) -> &str {
                if a.len() > b.len() { a } else { b }
            }
        """),
        Expect("rust", "src/lib.rs", 1, ("E0106", "missing lifetime specifier")),
    ),
]

TYPES = [
    rust_error(
        "cargo-e0308-mismatched-types-lib",
        lib_crate("""
            pub fn count(items: &[u32]) -> u32 {
                items.len()
            }
        """),
        Expect("rust", "src/lib.rs", 2, ("E0308", "mismatched types", "expected `u32`")),
    ),
    rust_error(
        "cargo-e0277-trait-bound-display",
        bin_crate("""
            #[derive(Debug)]
            struct Item {
                name: String,
            }

            fn main() {
                let item = Item { name: "bolt".into() };
                println!("{}", item);
            }
        """),
        Expect("rust", "src/main.rs", 8, ("E0277", "doesn't implement `std::fmt::Display`")),
    ),
    rust_error(
        "cargo-e0599-no-method",
        lib_crate("""
            pub struct Ledger {
                entries: Vec<i64>,
            }

            impl Ledger {
                pub fn total(&self) -> i64 {
                    self.entries.iter().sum()
                }

                pub fn report(&self) -> String {
                    format!("total {}", self.totl())
                }
            }
        """),
        Expect("rust", "src/lib.rs", 11, ("E0599", "no method named `totl` found")),
    ),
    rust_error(
        "cargo-e0061-wrong-argument-count",
        bin_crate("""
            fn restock(name: &str, amount: u32) -> String {
                format!("{name}: +{amount}")
            }

            fn main() {
                println!("{}", restock("bolt"));
            }
        """),
        Expect("rust", "src/main.rs", 6, ("E0061", "takes 2 arguments but 1 argument was supplied")),
    ),
    rust_error(
        "cargo-e0063-missing-struct-field",
        lib_crate("""
            pub struct User {
                pub name: String,
                pub email: String,
            }

            pub fn guest() -> User {
                User { name: "guest".to_string() }
            }
        """),
        Expect("rust", "src/lib.rs", 7, ("E0063", "missing field `email`")),
    ),
    rust_error(
        "cargo-e0004-non-exhaustive-match",
        lib_crate("""
            pub enum Status {
                Active,
                Suspended,
                Closed,
            }

            pub fn label(s: &Status) -> &'static str {
                match s {
                    Status::Active => "active",
                    Status::Suspended => "suspended",
                }
            }
        """),
        Expect("rust", "src/lib.rs", 8, ("E0004", "non-exhaustive patterns", "Status::Closed")),
    ),
]

RESOLUTION = [
    rust_error(
        "cargo-e0425-unresolved-name",
        bin_crate("""
            fn main() {
                let prices = [3, 4, 5];
                let total: i32 = prices.iter().sum();
                println!("{}", totl);
            }
        """),
        Expect("rust", "src/main.rs", 4, ("E0425", "cannot find value `totl` in this scope")),
    ),
    rust_error(
        "cargo-e0432-unresolved-import-module",
        lib_crate(
            """
            pub mod models;

            use crate::models::Order;

            pub fn first() -> Order {
                Order::default()
            }
            """,
            {"src/models.rs": "#[derive(Default)]\npub struct Invoice;\n"},
        ),
        Expect("rust", "src/lib.rs", 3, ("E0432", "unresolved import `crate::models::Order`")),
    ),
    rust_error(
        "cargo-e0433-undeclared-type-missing-use",
        lib_crate("""
            pub fn tally(words: &[&str]) -> usize {
                let mut seen = HashMap::new();
                for w in words {
                    *seen.entry(*w).or_insert(0) += 1;
                }
                seen.len()
            }
        """),
        Expect("rust", "src/lib.rs", 2, ("E0433", "HashMap", "use std::collections::HashMap;")),
    ),
    rust_error(
        "cargo-e0433-missing-crate-serde",
        lib_crate("""
            #[derive(serde::Serialize)]
            pub struct Item {
                pub name: String,
            }
        """),
        Expect("dependency", "src/lib.rs", 1, ("E0433", "serde")),
    ),
    rust_error(
        "cargo-e0432-missing-crate-use",
        bin_crate("""
            use rand::Rng;

            fn main() {
                let roll: u8 = rand::thread_rng().gen_range(1..=6);
                println!("{roll}");
            }
        """),
        Expect("dependency", "src/main.rs", 1, ("E0432", "rand")),
    ),
    rust_error(
        "cargo-unknown-type-e0425-was-e0412",
        lib_crate("""
            pub fn normalize(name: &str) -> Strng {
                name.trim().to_lowercase()
            }
        """),
        Expect("rust", "src/lib.rs", 1, ("E0425", "cannot find type `Strng`", "String")),
    ),
    rust_error(
        "cargo-e0603-private-function",
        lib_crate(
            """
            mod pricing;

            pub fn price_with_tax(cents: u64) -> u64 {
                pricing::tax::apply(cents)
            }
            """,
            {"src/pricing.rs": "pub mod tax {\n    fn apply(c: u64) -> u64 {\n        c * 2\n    }\n}\n"},
        ),
        Expect("rust", "src/lib.rs", 4, ("E0603", "function `apply` is private")),
    ),
    rust_error(
        "cargo-multiple-errors",
        bin_crate("""
            fn parse(input: &str) -> u32 {
                input.trim().parse::<u64>().unwrap()
            }

            fn main() {
                let n = parse("42");
                println!("{}", doubled(n));
            }
        """),
        Expect("rust", "src/main.rs", 2, ("E0308", "E0425", "due to 2 previous errors")),
    ),
]

WARNINGS = [
    Case(
        name="cargo-unused-import-warning-build-ok",
        tool="cargo",
        files=lib_crate("""
            use std::collections::HashMap;

            pub fn double(x: i32) -> i32 {
                x * 2
            }
        """),
        command="cargo build --offline",
        expect=Expect("lint", "src/lib.rs", 1, ("unused import", "cargo fix --lib -p inventory")),
        requires=CARGO,
    ),
    Case(
        name="cargo-unused-variable-warning-bin-ok",
        tool="cargo",
        files=bin_crate("""
            fn main() {
                let retries = 3;
                println!("starting");
            }
        """),
        command="cargo build --offline",
        expect=Expect("lint", "src/main.rs", 2, ("unused variable: `retries`", "cargo fix --bin")),
        requires=CARGO,
    ),
    rust_error(
        "cargo-warning-and-error",
        lib_crate("""
            use std::fmt::Write;

            pub fn shout(s: &str) -> String {
                s.to_uppercase() + 1
            }
        """),
        Expect("rust", "src/lib.rs", 4, ("E0308", "unused import", "1 warning emitted")),
    ),
    Case(
        name="cargo-clippy-warning",
        tool="cargo",
        files=lib_crate("""
            pub fn nothing_to_ship(items: &[String]) -> bool {
                items.len() == 0
            }
        """),
        command="cargo clippy --offline",
        expect=Expect("lint", "src/lib.rs", 2, ("clippy::len_zero", "items.is_empty()")),
        requires=("cargo", "cargo-clippy"),
    ),
    Case(
        name="cargo-fmt-check-diff",
        tool="cargo",
        files=lib_crate("pub fn add(a:i32,b:i32)->i32{a+b}\n"),
        command="cargo fmt --check",
        expect=Expect("lint", "src/lib.rs", 1, ("Diff in",)),
        requires=("cargo", "rustfmt"),
    ),
]

LIB_UNDER_TEST = """
    pub fn parse_qty(s: &str) -> Option<u32> {
        s.trim().parse().ok()
    }

    pub fn discount(cents: u32, percent: u32) -> u32 {
        cents - cents * percent / 100
    }

    pub fn first_sku(skus: &[&str]) -> String {
        skus.first().map(|s| s.to_string()).unwrap()
    }
"""


def tested_lib(tests_rs: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The LIB_UNDER_TEST crate, its src/lib.rs followed by tests_rs (plus extra files)."""
    lib_rs = source(LIB_UNDER_TEST) + ("\n" + source(tests_rs) if tests_rs else "")
    return {"Cargo.toml": manifest(), "src/lib.rs": lib_rs, **(extra or {})}


TESTS = [
    Case(
        name="cargo-test-assert-eq-failures",
        tool="cargo",
        files=tested_lib(
            """
            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn parses_quantity() {
                    assert_eq!(parse_qty("1,000"), Some(1000));
                }

                #[test]
                fn ten_percent_off() {
                    assert_eq!(discount(1000, 10), 900);
                }

                #[test]
                fn half_price() {
                    assert_eq!(discount(1000, 50), 450, "half price for {}", 1000);
                }
            }
            """
        ),
        command="cargo test --offline",
        expect=Expect(
            "test",
            "src/lib.rs",
            None,  # two failures: libtest's report order is not a promise
            (
                "tests::parses_quantity",
                "tests::half_price",
                "half price for 1000",
                "test result: FAILED. 1 passed; 2 failed",
            ),
        ),
        requires=CARGO,
    ),
    Case(
        name="cargo-test-panic-in-library-code",
        tool="cargo",
        files=tested_lib(
            """
            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn first_of_empty_list() {
                    assert_eq!(first_sku(&[]), "");
                }
            }
            """
        ),
        command="cargo test --offline",
        expect=Expect(
            "test",
            "src/lib.rs",
            10,
            ("tests::first_of_empty_list", "called `Option::unwrap()` on a `None` value"),
        ),
        requires=CARGO,
    ),
    Case(
        name="cargo-test-should-panic-did-not",
        tool="cargo",
        files=tested_lib(
            """
            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                #[should_panic(expected = "invalid quantity")]
                fn rejects_garbage() {
                    parse_qty("seven");
                }
            }
            """
        ),
        command="cargo test --offline",
        expect=Expect("test", "src/lib.rs", 19, ("tests::rejects_garbage", "did not panic as expected")),
        requires=CARGO,
    ),
    Case(
        name="cargo-test-integration-overflow",
        tool="cargo",
        files=tested_lib(
            "",
            {
                "tests/pricing.rs": source("""
                    use inventory::discount;

                    #[test]
                    fn more_than_full_discount() {
                        assert_eq!(discount(100, 120), 0);
                    }
                """),
            },
        ),
        command="RUST_BACKTRACE=1 cargo test --offline",
        expect=Expect(
            "test",
            "src/lib.rs",
            6,
            ("more_than_full_discount", "attempt to subtract with overflow", "--test pricing"),
        ),
        requires=CARGO,
    ),
    Case(
        name="cargo-test-compile-error-in-tests",
        tool="cargo",
        files=tested_lib(
            """
            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn parses() {
                    assert_eq!(parse_quantity("1"), Some(1));
                }
            }
            """
        ),
        command="cargo test --offline",
        expect=Expect("rust", "src/lib.rs", 19, ("E0425", "parse_quantity", "(lib test)")),
        requires=CARGO,
    ),
    Case(
        name="cargo-run-panic-index-out-of-bounds",
        tool="cargo",
        files=bin_crate("""
            fn main() {
                let args: Vec<String> = std::env::args().collect();
                let path = &args[1];
                println!("loading {path}");
            }
        """),
        command="cargo run --offline -q",
        expect=Expect("runtime", "src/main.rs", 3, ("panicked at", "index out of bounds")),
        requires=CARGO,
    ),
]

MANIFEST = [
    Case(
        name="cargo-missing-dependency-offline",
        tool="cargo",
        files={
            "Cargo.toml": manifest('serde = { version = "1", features = ["derive"] }'),
            "src/lib.rs": "pub fn answer() -> u32 {\n    42\n}\n",
        },
        command="cargo build --offline",
        expect=Expect("dependency", None, None, ("no matching package named `serde` found", "--offline")),
        requires=CARGO,
    ),
    Case(
        name="cargo-manifest-parse-error",
        tool="cargo",
        files={
            "Cargo.toml": manifest().replace('edition = "2024"', "edition = 2024"),
            "src/lib.rs": "pub fn answer() -> u32 {\n    42\n}\n",
        },
        command="cargo build --offline",
        expect=Expect("syntax", "Cargo.toml", 4, ("invalid type: integer `2024`",)),
        requires=CARGO,
    ),
    Case(
        name="cargo-manifest-toml-syntax-error",
        tool="cargo",
        files={
            "Cargo.toml": manifest('log = "0.4').replace('version = "0.1.0"', 'version = "0.1.0'),
            "src/lib.rs": "pub fn answer() -> u32 {\n    42\n}\n",
        },
        command="cargo check --offline",
        expect=Expect("syntax", "Cargo.toml", 3, ("invalid basic string",)),
        requires=CARGO,
    ),
    Case(
        name="cargo-no-manifest",
        tool="cargo",
        files={"src/main.rs": "fn main() {}\n"},
        command="cargo build --offline",
        expect=Expect("command", None, None, ("could not find `Cargo.toml`",)),
        requires=CARGO,
    ),
    Case(
        name="cargo-run-unknown-bin",
        tool="cargo",
        files=bin_crate('fn main() {\n    println!("hi");\n}\n'),
        command="cargo run --offline --bin server",
        expect=Expect("command", None, None, ("no bin target named `server`",)),
        requires=CARGO,
    ),
]

RUSTC = [
    Case(
        name="rustc-e0308-single-file",
        tool="rustc",
        files={
            "main.rs": source("""
                fn area(w: f64, h: f64) -> f64 {
                    w * h
                }

                fn main() {
                    let side: i32 = 3;
                    println!("{}", area(side, 2.0));
                }
            """),
        },
        command="rustc main.rs",
        expect=Expect("rust", "main.rs", 7, ("E0308", "expected `f64`, found `i32`")),
        requires=("rustc",),
    ),
    Case(
        name="rustc-e0599-single-file-edition",
        tool="rustc",
        files={
            "hello.rs": source("""
                fn main() {
                    let words = vec!["a", "b"];
                    println!("{}", words.joined(","));
                }
            """),
        },
        command="rustc --edition 2021 hello.rs -o hello",
        expect=Expect("rust", "hello.rs", 3, ("E0599", "joined")),
        requires=("rustc",),
    ),
]

CASES: list[Case] = [*BORROW, *TYPES, *RESOLUTION, *WARNINGS, *TESTS, *MANIFEST, *RUSTC]
