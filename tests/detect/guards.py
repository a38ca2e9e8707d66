"""Checking detect's parser guards: a parser that finds something must have been let through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healing_hooks.detect import PARSERS
from healing_hooks.detect.text import clean_output
from healing_hooks.observation import Observation, observation_from_payload


def guard_misses(payload: Mapping[str, Any]) -> list[str]:
    """The parsers that find something in this payload's output although their guard said no."""
    return observation_misses(observation_from_payload(payload, {}))


def observation_misses(obs: Observation) -> list[str]:
    text = clean_output(obs.output)
    misses = []
    for guard, load in PARSERS:
        parser = load()
        if not guard(obs, text) and parser(obs, text):
            misses.append(f"{parser.__module__}.{parser.__name__}")
    return misses
