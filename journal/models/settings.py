"""The journal's own records: settings, confidential terms, findings kept in sponsor summaries, and the
log of every export."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from journal.errors import InvalidInput
from journal.models.base import (
    Private,
    check_id,
    check_scale,
    clean_text,
)
from journal.models.engagement import SharingLevel

THEMES = ("dark", "light", "high-contrast")
"""The app's looks; high contrast is white and yellow on black, with no dimmed text."""


@dataclass(frozen=True, repr=False)
class Preferences(Private):
    """The coachee's settings, sealed like everything else."""

    KIND: ClassVar[str] = "preferences"
    auto_lock_minutes: int = 5
    """Idle minutes before the app locks itself."""
    theme: str = "dark"
    """One of `THEMES`."""
    reduced_motion: bool = False
    """No animations: nothing slides, fades or spins (a busy indicator is a word instead)."""
    recovery_key_confirmed: bool = True
    """Whether the recovery key given when the journal was created reached the coachee (retyped in the app,
    printed by `candour init`). Saved False until then, so a first run stopped before that step offers a new
    key on the next unlock. True by default: older journals, and ones without settings, got theirs."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        check_scale(self.auto_lock_minutes, "auto-lock delay (minutes)", 1, 240)
        if self.theme not in THEMES:
            raise InvalidInput(f"The theme must be one of: {', '.join(THEMES)}.")

    @property
    def sort_key(self) -> date:
        return date.min


EXPORT_FORMATS = ("markdown", "json", "html", "text")
"""The formats a summary or a personal export can be written in; Markdown is the default."""


@dataclass(frozen=True, repr=False)
class ConfidentialTerm(Private):
    """A word or phrase of the coachee's that must never reach a sponsor (a project, a client): the export linter
    blocks it."""

    KIND: ClassVar[str] = "confidential"
    term: str
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("term", "confidential term", required=True, one_line=True)

    @property
    def sort_key(self) -> date:
        return date.min


@dataclass(frozen=True, repr=False)
class LintDismissal(Private):
    """A finding of the export linter that the coachee looked at and kept, remembered for the same item."""

    KIND: ClassVar[str] = "dismissal"
    engagement_id: str
    item_id: str
    """The summary item the finding is about (e.g. "label", or "theme:" and the theme's id)."""
    finding_key: str
    """What was found, in the exact wording it was found in: the rule, the folded text it matched and a
    digest of the item's whole text (see `journal.export.review`). A changed wording is asked about again."""
    dismissed_at: datetime
    record_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.engagement_id, "engagement")
        self._clean("item_id", "summary item", required=True, one_line=True)
        self._clean("finding_key", "finding", required=True, one_line=True)
        if not isinstance(self.dismissed_at, datetime):
            raise InvalidInput("The time a finding was kept must be a date and time.")
        object.__setattr__(self, "dismissed_at", self.dismissed_at.replace(tzinfo=None, microsecond=0))

    @property
    def sort_key(self) -> datetime:
        return self.dismissed_at


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class ExportStatus(enum.Enum):
    """Whether the file of an export is known to be in place: its entry is logged before the file is written."""

    PENDING = "pending"
    """Logged, the file not yet confirmed: the export stopped (killed, or the journal refused the confirmation)
    before it could say whether the file was written; the file, if there, has the entry's hash."""
    WRITTEN = "written"
    """The file was in place when the entry was confirmed (and every showing on screen, logged before it)."""


@dataclass(frozen=True, repr=False)
class ExportRecord(Private):
    """One entry of the export log: what left the journal, when, for whom, and a hash of the exact bytes."""

    KIND: ClassVar[str] = "export"
    exported_at: datetime
    """Local wall-clock time of the export."""
    recipient: str
    """For whom: the sponsor's name or organisation, or "myself" for a personal export."""
    format: str
    sha256: str
    """SHA-256 of the bytes written (or shown), in hex: compare it with a file to know it is the one exported."""
    items: tuple[str, ...] = ()
    """What was shared, one line per item ("theme: Empowering the team")."""
    engagement_id: str | None = None
    level: SharingLevel = SharingLevel.L0
    """The sharing level agreed for the engagement at the time."""
    override: bool = False
    """Whether items above the agreed level were included."""
    path: str = ""
    """Where the file was written; empty when the summary was only shown on screen."""
    shown_only: bool = False
    personal: bool = False
    """A personal export of everything (for the coachee's own use), not a sponsor summary."""
    status: ExportStatus = ExportStatus.WRITTEN
    """Entries logged before this field existed were saved after their file was written: written."""
    beyond_level: tuple[str, ...] = ()
    """The items let in above the agreed level, one by one by the coachee's choice (as `items` lists them)."""
    kept_findings: tuple[str, ...] = ()
    """What the linter found and the coachee kept, in words ("label: a person in your journal: Sam")."""
    warnings: tuple[str, ...] = ()
    """What the coachee was warned of and went on despite."""
    private_wordings: tuple[str, ...] = ()
    """Items sent in the journal's private wording rather than one written for the sponsor."""
    replaced_by: str = ""
    """The later export that wrote over this one's file (its record id), if any."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.exported_at, datetime):
            raise InvalidInput("The export time must be a date and time.")
        object.__setattr__(self, "exported_at", self.exported_at.replace(tzinfo=None, microsecond=0))
        self._clean("recipient", "recipient", one_line=True)
        if self.format not in EXPORT_FORMATS:
            raise InvalidInput(f"Unknown export format: use one of {', '.join(EXPORT_FORMATS)}.")
        if not isinstance(self.sha256, str) or not _SHA256_HEX.fullmatch(self.sha256):
            raise InvalidInput("The export's hash must be a SHA-256 in hex.")
        if not isinstance(self.items, (tuple, list)):
            raise InvalidInput("The exported items must be a list.")
        items = tuple(clean_text(item, "exported item", one_line=True) for item in self.items)
        object.__setattr__(self, "items", items)
        for lines in ("beyond_level", "kept_findings", "warnings", "private_wordings"):
            if not isinstance(getattr(self, lines), (tuple, list)):
                raise InvalidInput(f"The export's {lines.replace('_', ' ')} must be a list.")
            what = f"export's {lines.replace('_', ' ')}"
            object.__setattr__(self, lines, tuple(clean_text(line, what) for line in getattr(self, lines)))
        self._clean("replaced_by", "later export", one_line=True)
        check_id(self.engagement_id, "engagement", optional=True)
        if not isinstance(self.level, SharingLevel):
            raise InvalidInput("The sharing level must be one of L0, L1, L2, L3.")
        for flag in ("override", "shown_only", "personal"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidInput(f"The export's {flag.replace('_', ' ')} flag must be true or false.")
        self._clean("path", "export path", one_line=True)
        if self.shown_only and self.path:
            raise InvalidInput("An export shown on screen only has no file.")
        if not isinstance(self.status, ExportStatus):
            raise InvalidInput("The export's status must be pending or written.")
        if self.status is ExportStatus.PENDING and not self.path:
            raise InvalidInput("Only an export to a file can wait for its file to be written.")

    @property
    def sort_key(self) -> datetime:
        return self.exported_at
