#!/usr/bin/env bash
# healing-hooks: the seed's post-test.sh (pytest analysis), as a thin call into `healing-hooks analyze`.
#
#   source hooks/post-test.sh
#   output=$(pytest tests/ 2>&1); exit_code=$?
#   analyze_pytest "$output" "$exit_code"
#
# Collection errors (import problems), assertion failures, timeouts and flaky tests are explained,
# and the run is added to .claude-flow/memory/test-history.log. HEALING_COMMAND overrides the
# command recorded (default: pytest).

# shellcheck source=hooks/self-healing.sh
source "$(dirname "${BASH_SOURCE[0]}")/self-healing.sh"

# analyze_pytest OUTPUT EXIT_CODE, as in the seed (output first).
analyze_pytest() {
    healing_hooks_analyze "${HEALING_COMMAND:-pytest}" "${2:-}" "${1:-}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    analyze_pytest "$@"
fi
