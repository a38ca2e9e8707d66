"""The memory store: lock → re-read → change → write a temp file → os.replace.

Every write happens under one file lock per project, so concurrent hooks never lose an update;
JSON files are validated against the shipped schemas; a file that cannot be read or does not
validate is moved aside (never deleted) and rebuilt, and the caller is told.

pending.json — failing commands waiting for their next run (the verification and learning loops):
    {"commands": {"<command, whitespace-normalised>": {
        "at": <epoch seconds>, "command": "<redacted command>",
        "finding_ids": [...], "pattern_ids": [...],
        "edits": [{"at", "tool", "file_path"}],          # the agent's edits since the failure
        "remedies": [{"finding_id", "pattern_id", "source", "summary", "kind",
                      "applied": bool, "file"?, "line"?, "command"?}]}}}   # what we applied/suggested
    When the same command runs again, the pipeline's change function returns one record per
    remembered remedy, `{"pattern_id", "finding_id", "outcome": "succeeded"|"failed", ...}`: it
    counts in that pattern's `fix_stats` and is appended to fix-log.txt, like applied edits.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from healing_hooks.atomic import existing_mode, replace_with_text
from healing_hooks.config import Config
from healing_hooks.memory import bounds, jsontext
from healing_hooks.memory.appendlog import append_lines
from healing_hooks.memory.lock import LockTimeout, exclusive_lock
from healing_hooks.memory.validation import mark_valid, schema_errors
from healing_hooks.records import dataclass, field
from healing_hooks.redact import redact_data, redact_entry

if TYPE_CHECKING:
    from healing_hooks.learn import LearnEvent

MEMORY_DIR = os.path.join(".claude-flow", "memory")
PATTERNS_FILE = "error-patterns.json"
PLAYBOOKS_FILE = "recovery-playbook.json"
ERROR_LOG = "error-log.txt"
TEST_HISTORY = "test-history.log"
FIX_LOG = "fix-log.txt"
FIX_OUTCOMES = ("applied", "succeeded", "failed")
PENDING_FILE = "pending.json"
LEARNING_FILE = "learning.json"
LOCK_FILE = ".lock"
PENDING_MAX_AGE_SECONDS = 24 * 3600
_T = TypeVar("_T")


@dataclass
class JsonFile:
    """A memory JSON document as read: its data, and what was wrong with the file if anything."""

    data: dict[str, Any]
    problem: str | None = None
    exists: bool = True


@dataclass
class Update:
    """The changes one event makes to the memory."""

    pattern_ids: list[str] = field(default_factory=list)
    pattern_defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    log_lines: list[dict[str, Any]] = field(default_factory=list)
    test_lines: list[dict[str, Any]] = field(default_factory=list)
    pending_changes: Callable[[dict[str, Any]], list[dict[str, Any]] | None] | None = None
    """Changes pending.json's `commands`; may return fix events (verification outcomes)."""
    fix_events: list[dict[str, Any]] = field(default_factory=list)
    """Remedy outcomes `{"pattern_id", "outcome", ...}` → fix_stats counts and fix-log.txt lines."""
    learning: LearnEvent | None = None
    """The learning loop's view of the event: templates, the failure it follows up (learn/)."""


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class MemoryStore:
    """The memory files of one project."""

    def __init__(self, project_root: str, config: Config | None = None) -> None:
        self.root = project_root
        self.config = config or Config()
        self.dir = os.path.join(project_root, MEMORY_DIR)
        self._holding_lock = False

    def path(self, name: str) -> str:
        if name == PATTERNS_FILE:
            return os.path.join(self.root, self.config.learning.pattern_file)
        return os.path.join(self.dir, name)

    # -- reading (no lock: readers see either the old or the new file, never half of one) --

    def read_patterns(self) -> JsonFile:
        return self._read(PATTERNS_FILE, "error-patterns", _default_patterns)

    def read_playbooks(self) -> JsonFile:
        return self._read(PLAYBOOKS_FILE, "recovery-playbook", _default_playbooks)

    def read_lines(self, name: str) -> list[dict[str, Any]]:
        """The JSON-lines file `name`; unreadable lines are skipped."""
        try:
            with open(self.path(name), encoding="utf-8", errors="replace") as handle:
                lines = handle.readlines()
        except OSError:
            return []
        records = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records

    def read_learning(self) -> JsonFile:
        """learning.json: template counts, flaky tests (the learning loop's own state)."""
        return self._read(LEARNING_FILE, "learning", _default_learning)

    def read_pending(self) -> dict[str, Any]:
        try:
            with open(self.path(PENDING_FILE), encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _read(self, name: str, schema: str, default: Callable[[], dict[str, Any]]) -> JsonFile:
        path = self.path(name)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return JsonFile(default(), exists=False)
        except (OSError, ValueError) as exc:
            return JsonFile(default(), problem=f"{name} is not readable JSON ({exc})")
        errors = schema_errors(data, schema, path)
        if errors:
            return JsonFile(default(), problem=f"{name} does not match its schema ({errors[0]})")
        return JsonFile(data)

    # -- writing --

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the project's memory lock (raises LockTimeout when it cannot be had)."""
        os.makedirs(self.dir, exist_ok=True)
        lock_path = self.path(LOCK_FILE)
        if os.path.islink(lock_path):  # planted by a repository: some lock versions truncate the target
            raise OSError(errno.ELOOP, "the memory lock file is a symbolic link", lock_path)
        with exclusive_lock(lock_path, self.config.lock_timeout_seconds):
            self._holding_lock = True
            try:
                yield
            finally:
                self._holding_lock = False

    def apply(self, update: Update) -> list[str]:
        """Write one event's changes; returns notices about anything moved aside or not saved."""
        try:
            with self.locked():
                return self._apply_locked(update)
        except LockTimeout:  # an OSError too: caught before the disk errors
            return self._append_without_lock(update)
        except OSError as exc:
            return [f"memory not saved: {exc.strerror or exc} ({self.dir})"]

    def _apply_locked(self, update: Update) -> list[str]:
        notices = self.ensure_files()
        if update.pattern_ids:
            self._count_patterns(update)
        self._append(ERROR_LOG, update.log_lines)
        self._append(TEST_HISTORY, update.test_lines)
        if update.pending_changes is not None:
            update.fix_events += self._change_pending(update.pending_changes) or []
        if update.fix_events:
            self._record_fixes(update.fix_events, update.pattern_defaults)
        if update.learning is not None and update.learning.needs_memory(update.fix_events):
            notices += self._learn(update.learning, update.fix_events)
        return notices

    def _learn(self, event: LearnEvent, fix_events: list[dict[str, Any]]) -> list[str]:
        """The learning loop's read-modify-write of the pattern file and learning.json."""
        from healing_hooks.learn import learn_locked

        document = self.read_patterns().data
        state_file = self.read_learning()
        notices = []
        if state_file.problem:
            moved = self.quarantine(LEARNING_FILE)
            notices.append(f"{state_file.problem}; moved it to {moved} and rebuilt it")
        before = json.dumps([document, state_file.data], sort_keys=True)
        learn_locked(event, document, state_file.data, fix_events, self.config, utc_now())
        after = json.loads(before)
        if document != after[0]:
            self.write_json(PATTERNS_FILE, document)
        if state_file.data != after[1] or not state_file.exists:
            self.write_json(LEARNING_FILE, state_file.data)
        return notices

    def change_patterns(self, change: Callable[[dict[str, Any]], _T]) -> _T:
        """Lock, re-read the pattern file, let `change` edit it, write it back; `change`'s result."""
        with self.locked():
            self.ensure_files()
            document = self.read_patterns().data
            result = change(document)
            self.write_json(PATTERNS_FILE, document)
            return result

    def change_learning(self, change: Callable[[dict[str, Any]], _T]) -> _T:
        """The same for learning.json."""
        with self.locked():
            state = self.read_learning().data
            result = change(state)
            self.write_json(LEARNING_FILE, state)
            return result

    def ensure_files(self) -> list[str]:
        """Create the JSON files from the defaults, quarantining broken ones. Call under the lock."""
        notices = []
        for name, reader in ((PATTERNS_FILE, self.read_patterns), (PLAYBOOKS_FILE, self.read_playbooks)):
            current = reader()
            if current.problem:
                moved = self.quarantine(name)
                notices.append(f"{current.problem}; moved it to {moved} and rebuilt it")
            if current.problem or not current.exists:
                self.write_json(name, current.data)
        return notices

    def quarantine(self, name: str) -> str:
        """Move a broken file aside to a timestamped copy; returns the copy's name."""
        path = self.path(name)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = f"{path}.corrupt-{stamp}"
        counter = 1
        while os.path.exists(target):
            counter += 1
            target = f"{path}.corrupt-{stamp}-{counter}"
        os.replace(path, target)
        return os.path.basename(target)

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        """Atomic replace: a temp file in the same directory, then os.replace. Redacted, bounded."""
        data = self._bounded(name, data)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = jsontext.dumps(data, clean=redact_entry)  # one redacted record a line
        replace_with_text(path, text, existing_mode(path))
        mark_valid(path)  # our own write of checked data: the next reader need not import jsonschema

    def _bounded(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        """The pattern file without its expired learned patterns (listed in the summary)."""
        if name != PATTERNS_FILE or not isinstance(data.get("patterns"), list):
            return data
        learning = self.config.learning
        kept, expired = bounds.expire_learned(
            data["patterns"], time.time(), learning.expire_after_days, learning.expire_below_occurrences
        )
        if not expired:
            return data
        summary = self.read_summary()
        gone = [*summary.get("expired_patterns", []), *expired]
        self.write_json(bounds.SUMMARY_FILE, {**summary, "expired_patterns": gone[-bounds.KEEP_EXPIRED :]})
        return {**data, "patterns": kept}

    def read_summary(self) -> dict[str, Any]:
        """history-summary.json: counts of the rotated logs, the learned patterns that expired."""
        try:
            with open(self.path(bounds.SUMMARY_FILE), encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _count_patterns(self, update: Update) -> None:
        document = self.read_patterns().data
        entries = document.setdefault("patterns", [])
        by_id = {e.get("id"): e for e in entries if isinstance(e, dict)}
        now = utc_now()
        for pattern_id in dict.fromkeys(update.pattern_ids):
            entry = by_id.get(pattern_id)
            if entry is None:
                entry = dict(update.pattern_defaults.get(pattern_id, {"id": pattern_id}))
                entry.setdefault("occurrences", 0)
                entries.append(entry)
                by_id[pattern_id] = entry
            entry["occurrences"] = int(entry.get("occurrences") or 0) + 1
            entry["last_seen"] = now
        self.write_json(PATTERNS_FILE, document)

    def _append(self, name: str, records: list[dict[str, Any]]) -> None:
        """Append JSON lines (redacted); under the lock, rotate the log once it passes its limit."""
        if not records:
            return
        text = "".join(json.dumps(redact_data(r), ensure_ascii=False) + "\n" for r in records)
        append_lines(self.path(name), text.encode("utf-8"), exclusive=self._holding_lock)
        if self._holding_lock:
            self._rotate_if_large(name)

    def _rotate_if_large(self, name: str) -> None:
        """Past the size limit: fold the log into history-summary.json, move it to <name>.1<ext>."""
        path = self.path(name)
        try:
            if os.path.getsize(path) <= self.config.max_log_bytes:
                return
        except OSError:
            return
        summary = self.read_summary()
        part = bounds.summarize(self.read_lines(name))
        summary[name] = bounds.merge_summary(summary.get(name) or {}, part)
        self.write_json(bounds.SUMMARY_FILE, summary)
        os.replace(path, self.path(bounds.rotated_name(name)))

    def _record_fixes(self, events: list[dict[str, Any]], defaults: dict[str, dict[str, Any]]) -> None:
        """Count each outcome in its pattern's fix_stats and log every event to fix-log.txt."""
        now = utc_now()
        self._append(FIX_LOG, [{"ts": now, **e} for e in events])
        counted = [e for e in events if e.get("pattern_id") and e.get("outcome") in FIX_OUTCOMES]
        if not counted:
            return
        document = self.read_patterns().data
        entries = document.setdefault("patterns", [])
        by_id = {e.get("id"): e for e in entries if isinstance(e, dict)}
        for event in counted:
            entry = by_id.get(event["pattern_id"])
            if entry is None and event["pattern_id"] in defaults:
                entry = {**defaults[event["pattern_id"]], "occurrences": 0}
                entries.append(entry)
                by_id[event["pattern_id"]] = entry
            if entry is not None:
                stats = entry.setdefault("fix_stats", {})
                stats[event["outcome"]] = int(stats.get(event["outcome"]) or 0) + 1
        self.write_json(PATTERNS_FILE, document)

    def _change_pending(
        self, change: Callable[[dict[str, Any]], list[dict[str, Any]] | None]
    ) -> list[dict[str, Any]] | None:
        pending = self.read_pending()
        commands = pending.setdefault("commands", {})
        events = change(commands)
        horizon = time.time() - PENDING_MAX_AGE_SECONDS
        pending["commands"] = {k: v for k, v in commands.items() if v.get("at", 0) >= horizon}
        if pending["commands"]:
            self.write_json(PENDING_FILE, pending)
        else:
            _remove_quietly(self.path(PENDING_FILE))
        return events

    def _append_without_lock(self, update: Update) -> list[str]:
        """The lock could not be had: the log lines still go out (appends are atomic)."""
        try:
            os.makedirs(self.dir, exist_ok=True)
            self._append(ERROR_LOG, update.log_lines)
            self._append(TEST_HISTORY, update.test_lines)
        except OSError as exc:
            return [f"memory not saved: lock busy and {exc.strerror or exc}"]
        return [
            f"memory lock busy for {self.config.lock_timeout_seconds:g}s: logged the event, "
            "pattern counts not updated"
        ]


def _default_patterns() -> dict[str, Any]:
    from healing_hooks.detect.patterns import seed_entries

    return {"patterns": seed_entries()}


def _default_learning() -> dict[str, Any]:
    return {"templates": {}, "flaky": {}}


def _default_playbooks() -> dict[str, Any]:
    from healing_hooks.data import read_data

    text = read_data("playbooks.json")
    data: dict[str, Any] = json.loads(text)
    data.pop("$comment", None)
    return data


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
