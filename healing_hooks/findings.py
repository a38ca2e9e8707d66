"""The values passed between stages: Location, Remedy, Finding."""

from __future__ import annotations

from typing import Any, Literal

from healing_hooks.digest import short_sha1
from healing_hooks.records import asdict, dataclass, field

Severity = Literal["critical", "high", "medium", "low"]
RemedyKind = Literal["edit", "command", "steps"]

SEVERITY_RANK: dict[str, int] = {"critical": 3, "high": 2, "medium": 1, "low": 0}


@dataclass(frozen=True)
class Location:
    """A place in a file; `file` is project-relative when the file is inside the project."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Remedy:
    """What to do about a finding: an edit (search/replace in one file), a command, or steps."""

    kind: RemedyKind
    summary: str
    file: str | None = None
    search: str | None = None
    replace: str | None = None
    line: int | None = None
    command: str | None = None
    steps: tuple[str, ...] = ()
    confidence: float = 0.5
    source: str = "pattern"

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape: only the fields that say something."""
        data = asdict(self)
        data["steps"] = list(self.steps)
        return {k: v for k, v in data.items() if v not in (None, [], "")}


@dataclass
class Finding:
    """One recognised problem in a command's output.

    `details` carries the facts a fixer needs, under these names when they apply:
    `evidence` (the output line), `offset` (its position in the cleaned output), `exception`
    (Python exception type), `name`, `module`, `callee`, `argument`, `attribute`, `did_you_mean`,
    `frames` ([{file, line, function, code}], innermost last), `test_id`, `code` (rustc E-code or
    linter rule), `crate`, `help` ([str]), `notes` ([str]), `suggestions` ([{message, file, line,
    column, code}]: the corrected source lines a compiler printed), `command` (a command the tool
    itself suggested, e.g. cargo's `cargo fix --lib -p x`), `counts` (test summary).
    """

    category: str
    severity: Severity
    tool: str
    message: str
    pattern_id: str | None = None
    location: Location | None = None
    remedy: Remedy | None = None
    confidence: float = 0.5
    playbook: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Stable short id: the same problem at the same place gets the same id."""
        key = f"{self.pattern_id}|{self.category}|{self.location}|{self.message}"
        return "hh-" + short_sha1(key, 8)

    @property
    def rank(self) -> int:
        return SEVERITY_RANK.get(self.severity, 0)

    def to_dict(self) -> dict[str, Any]:
        """The contract's Finding JSON."""
        return {
            "id": self.id,
            "pattern_id": self.pattern_id,
            "category": self.category,
            "severity": self.severity,
            "tool": self.tool,
            "message": self.message,
            "location": asdict(self.location) if self.location else None,
            "remedy": self.remedy.to_dict() if self.remedy else None,
            "confidence": round(self.confidence, 3),
            "playbook": self.playbook,
            "details": self.details,
        }
