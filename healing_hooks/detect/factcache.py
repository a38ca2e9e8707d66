"""What `regexcheck.examine` found about each regex, kept between hook processes.

Reading the parse trees of the ~600 shipped regexes costs more than everything else a failure
needs, so the facts are cached by regex text in the user's cache folder (never in the project: a
repository must not be able to hand us facts about its own regexes). The file name carries the
package's and the analysis's versions; a damaged or foreign entry is recomputed; the cache is
dropped when it grows past MAX_ENTRIES.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from healing_hooks import __version__
from healing_hooks.atomic import replace_with_text
from healing_hooks.detect.regexcheck import FACTS_VERSION, RegexFacts, examine

MAX_ENTRIES = 5_000
CACHE_NAME = f"regex-facts-{__version__}-{FACTS_VERSION}.json"


def cache_path(environ: Mapping[str, str]) -> str | None:
    """$CLAUDE_PLUGIN_DATA/cache, else $XDG_CACHE_HOME/healing-hooks, else ~/.cache/healing-hooks."""
    if environ.get("CLAUDE_PLUGIN_DATA"):
        return os.path.join(environ["CLAUDE_PLUGIN_DATA"], "cache", CACHE_NAME)
    base = environ.get("XDG_CACHE_HOME") or (
        os.path.join(environ["HOME"], ".cache") if environ.get("HOME") else None
    )
    return os.path.join(base, "healing-hooks", CACHE_NAME) if base else None


class FactCache:
    """Regex facts by regex text: memory first, then the cache file, then `examine`."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.facts: dict[str, RegexFacts] = {}
        self._loaded = False
        self._dirty = False

    def examine(self, source: str) -> RegexFacts:
        """The facts of `source` (raises re.error when it does not parse)."""
        facts = self.facts.get(source)
        if facts is None and not self._loaded:
            self._load()
            facts = self.facts.get(source)
        if facts is None:
            facts = examine(source)
            self.facts[source] = facts
            self._dirty = True
        return facts

    def save(self) -> None:
        """Write the new facts (best effort: a cache that cannot be written is only slower)."""
        if not self._dirty or not self.path:
            return
        self._dirty = False
        entries = {k: [f.literal, f.ignore_case, f.single_line, f.problem] for k, f in self.facts.items()}
        if len(entries) > MAX_ENTRIES:
            entries = {}
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            replace_with_text(self.path, json.dumps(entries, separators=(",", ":")))
        except OSError:
            return

    def _load(self) -> None:
        self._loaded = True
        if not self.path:
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        for source, entry in data.items():
            if _well_formed(entry):
                self.facts.setdefault(source, RegexFacts(*entry))


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 4
        and isinstance(entry[0], str)
        and isinstance(entry[1], bool)
        and isinstance(entry[2], bool)
        and (entry[3] is None or isinstance(entry[3], str))
    )
