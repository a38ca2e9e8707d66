"""Printing a pipeline result for people (`replay`, `analyze`) or as the contract's JSON."""

from __future__ import annotations

import json
from typing import Any

from healing_hooks.pipeline import Result


def report(result: Result) -> dict[str, Any]:
    """The `--json` shape of DESIGN.md: event, findings, hook_output."""
    return {
        "event": result.observation.event,
        "findings": [f.to_dict() for f in result.findings],
        "hook_output": result.hook_output,
    }


def print_result(result: Result, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report(result), indent=2, ensure_ascii=False))
        return
    output = result.hook_output or {}
    context = output.get("hookSpecificOutput", {}).get("additionalContext")
    print(context or "healing-hooks: nothing to say about this output")
    if output.get("systemMessage"):
        print(output["systemMessage"])
