#!/usr/bin/env bash
# healing-hooks: the seed's self-healing.sh, as a thin call into `healing-hooks analyze`.
#
# Usage, as in the seed:
#   source hooks/self-healing.sh
#   output=$(python -m mypkg 2>&1); exit_code=$?
#   main $exit_code "$output"
# or run it: hooks/self-healing.sh "$exit_code" "$output".
# HEALING_COMMAND may name the command that printed the output (the advice gets better with it).
# The event is recorded in the project's memory (.claude-flow/memory/), like a hook event.
#
# Sourcing defines functions only: no shell option is changed, nothing exits your shell.

# Run the healing-hooks CLI: $HEALING_HOOKS, else the one on PATH, else the plugin's environment,
# else the package importable by python3.
healing_hooks_cli() {
    if [ -n "${HEALING_HOOKS:-}" ]; then
        "$HEALING_HOOKS" "$@"
    elif command -v healing-hooks >/dev/null 2>&1; then
        healing-hooks "$@"
    elif [ -x "${CLAUDE_PLUGIN_DATA:-${CLAUDE_CONFIG_DIR:-$HOME/.claude}/plugins/data/healing-hooks-healing-hooks}/current/bin/healing-hooks" ]; then
        "${CLAUDE_PLUGIN_DATA:-${CLAUDE_CONFIG_DIR:-$HOME/.claude}/plugins/data/healing-hooks-healing-hooks}/current/bin/healing-hooks" "$@"
    else
        python3 -m healing_hooks "$@"
    fi
}

# healing_hooks_analyze COMMAND EXIT_CODE OUTPUT: print what healing-hooks makes of the output.
healing_hooks_analyze() {
    local command="${1:-}" exit_code="${2:-}" output="${3:-}"
    local args=(analyze --command "$command")
    case "$exit_code" in
    '' | *[!0-9-]*) ;; # not a number (the seed's unfilled '${tool.result.exitCode}'): unknown
    *) args+=(--exit-code "$exit_code") ;;
    esac
    printf '%s\n' "$output" | healing_hooks_cli "${args[@]}"
}

# main EXIT_CODE OUTPUT, as in the seed.
main() {
    healing_hooks_analyze "${HEALING_COMMAND:-}" "${1:-}" "${2:-}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
