"""The coaching contract: an engagement with its sharing agreement (the boundary agreed with coach and
sponsor), and its sessions."""

from __future__ import annotations

import dataclasses
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
class SponsorWording(Private):
    """A sponsor summary item's wording that the coachee chose to keep for this engagement's next summaries."""

    item_id: str
    """The summary item (e.g. "theme:" and the theme's id, "goal:…", "focus", "support")."""
    text: str

    def __post_init__(self) -> None:
        self._clean("item_id", "summary item", required=True, one_line=True)
        self._clean("text", "sponsor wording", required=True, one_line=True)


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
    sponsor_label: str = ""
    """How the sponsor knows the engagement (the title is the coachee's own, and may say more)."""
    wordings: tuple[SponsorWording, ...] = ()
    """Sponsor wordings kept for this engagement's summaries, one per item: never shared with another sponsor."""
    archived: bool = False
    """Ended and put away: kept and searchable, but no longer the current engagement nor opened in the timeline."""
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
        self._clean("sponsor_label", "label for the sponsor", one_line=True)
        if not isinstance(self.wordings, (tuple, list)) or not all(
            isinstance(wording, SponsorWording) for wording in self.wordings
        ):
            raise InvalidInput("The engagement's kept sponsor wordings must be a list of wordings.")
        kept = {wording.item_id: wording for wording in self.wordings}  # one per item, the last given wins
        object.__setattr__(self, "wordings", tuple(sorted(kept.values(), key=lambda wording: wording.item_id)))

    def kept_wording(self, item_id: str) -> str:
        """The wording kept for a summary item of this engagement, or "" when none was kept."""
        return next((wording.text for wording in self.wordings if wording.item_id == item_id), "")

    def keeping(self, wordings: dict[str, str]) -> Engagement:
        """This engagement with more kept wordings (item id → text), replacing those of the same items."""
        given = [SponsorWording(item_id, text) for item_id, text in wordings.items()]
        return dataclasses.replace(self, wordings=(*self.wordings, *given))

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
