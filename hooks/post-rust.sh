#!/usr/bin/env bash
# healing-hooks: the seed's post-rust.sh (cargo analysis), as a thin call into `healing-hooks analyze`.
#
#   source hooks/post-rust.sh
#   output=$(cargo build 2>&1); exit_code=$?
#   analyze_cargo "$output" "$exit_code"
#
# Missing crates, type mismatches, borrow checker errors and trait bounds are explained from the
# rustc error codes. HEALING_COMMAND overrides the command recorded (default: `cargo test` when the
# output is a test run, `cargo build` otherwise).

# shellcheck source=hooks/self-healing.sh
source "$(dirname "${BASH_SOURCE[0]}")/self-healing.sh"

# analyze_cargo OUTPUT EXIT_CODE, as in the seed (output first).
analyze_cargo() {
    local output="${1:-}" command="cargo build"
    case "$output" in
    *"test result:"* | *"running "*" test"*) command="cargo test" ;;
    esac
    healing_hooks_analyze "${HEALING_COMMAND:-$command}" "${2:-}" "$output"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    analyze_cargo "$@"
fi
