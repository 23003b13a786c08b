"""The coaching contract: an engagement with its sharing agreement (the boundary agreed with coach and
sponsor), and its sessions."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from journal.errors import InvalidInput
from journal.models.base import (
    Private,
    check_date,
    check_id,
    check_scale,
)


class SharingLevel(enum.IntEnum):
    """What the sponsor may see, as agreed in three-way contracting. Each level includes the ones below."""

    L0 = 0
    L1 = 1
    L2 = 2
    L3 = 3

    @property
    def description(self) -> str:
        """What this level lets the sponsor see, in a sentence."""
        return _LEVEL_DESCRIPTIONS[self]

    @classmethod
    def parse(cls, text: str) -> SharingLevel:
        """`L0`..`L3` (or `0`..`3`), case-insensitive.

        Raises:
            InvalidInput: anything else.
        """
        name = text.strip().upper()
        name = name if name.startswith("L") else f"L{name}"
        try:
            return cls[name]
        except KeyError:
            raise InvalidInput(f"Unknown sharing level {text!r}: use L0, L1, L2 or L3.") from None


_LEVEL_DESCRIPTIONS = {
    SharingLevel.L0: "Logistics only: engagement label, period and number of sessions held.",
    SharingLevel.L1: "Logistics and themes, in the wording you write for the sponsor.",
    SharingLevel.L2: "Themes, plus goals in sponsor wording with their status and progress trend.",
    SharingLevel.L3: "Everything in L2, plus short statements you write for the sponsor.",
}


@dataclass(frozen=True, repr=False)
class SharingAgreement(Private):
    """The boundary agreed with coach and sponsor: what may leave the journal, and the limits of confidentiality."""

    level: SharingLevel = SharingLevel.L0
    agreed_on: date | None = None
    agreed_with: str = ""
    """Who took part in contracting (e.g. the coach and the sponsoring manager)."""
    confidentiality_note: str = ""
    """Private: the limits of confidentiality as agreed (e.g. the safeguarding exception)."""

    def __post_init__(self) -> None:
        if not isinstance(self.level, SharingLevel):
            raise InvalidInput("The sharing level must be one of L0, L1, L2, L3.")
        check_date(self.agreed_on, "date the agreement was reached", optional=True)
        self._clean("agreed_with", "'agreed with'", one_line=True)
        self._clean("confidentiality_note", "confidentiality note")


@dataclass(frozen=True, repr=False)
class Engagement(Private):
    """One coaching contract: coach, sponsor organisation, period, planned sessions, sharing agreement."""

    KIND: ClassVar[str] = "engagement"
    title: str
    coach: str = ""
    sponsor: str = ""
    """The sponsoring organisation (the employer paying for the coaching)."""
    starts_on: date | None = None
    ends_on: date | None = None
    planned_sessions: int | None = None
    agreement: SharingAgreement = field(default_factory=SharingAgreement)
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("title", "engagement title", required=True, one_line=True)
        self._clean("coach", "coach's name", one_line=True)
        self._clean("sponsor", "sponsor organisation", one_line=True)
        check_date(self.starts_on, "start date", optional=True)
        check_date(self.ends_on, "end date", optional=True)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise InvalidInput("The engagement cannot end before it starts.")
        check_scale(self.planned_sessions, "number of planned sessions", 1, 200)
        if not isinstance(self.agreement, SharingAgreement):
            raise InvalidInput("The sharing agreement is missing.")

    @property
    def sort_key(self) -> date:
        return self.starts_on or date.min


class SessionStatus(enum.Enum):
    """Whether a session took place."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


@dataclass(frozen=True, repr=False)
class Session(Private):
    """One coaching session of an engagement, and the coachee's agenda for it."""

    KIND: ClassVar[str] = "session"
    engagement_id: str
    held_on: date
    number: int
    status: SessionStatus = SessionStatus.HELD
    agenda: str = ""
    """What the coachee wants to bring to this session (private)."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        check_id(self.engagement_id, "engagement")
        check_date(self.held_on, "session date")
        check_scale(self.number, "session number", 1, 999)
        if not isinstance(self.status, SessionStatus):
            raise InvalidInput("The session status must be planned, held or cancelled.")
        self._clean("agenda", "agenda")

    @property
    def sort_key(self) -> date:
        return self.held_on
