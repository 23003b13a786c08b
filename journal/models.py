"""The coachee's journal as immutable values: engagements, sessions, reflections, themes, goals,
progress check-ins, actions, people and reflection templates. No I/O here.

Every type validates itself on construction and raises `InvalidInput` with a message
that names the field (never the private text). `record_id` is None until the value is
saved; the store hands back a copy carrying the id it chose.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import ClassVar

from journal.errors import InvalidInput
from journal.text import clean, headline, read_heading, shortened

MAX_TITLE_LENGTH = 200
"""Titles, labels, names and sponsor wordings: one line, at most this many characters."""

MAX_TEXT_LENGTH = 1_000_000
"""Reflection text and notes: generous, but a pasted binary blob is refused rather than stored."""

def clean_text(text: str, what: str, *, required: bool = False, one_line: bool = False) -> str:
    """`text` cleaned as it is stored (`journal.text.clean`: no control characters, one kind of line end,
    composed), a one-line value also without surrounding spaces, and checked for size.

    Args:
        text: what the user typed.
        what: the field's name, for the message.
        required: refuse an empty (or blank) value.
        one_line: refuse line breaks (titles, labels, names).
    Raises:
        InvalidInput: the text is blank while required, too long, has line breaks where one line
            is expected, or holds characters that cannot be stored (lone surrogates).
    """
    if not isinstance(text, str):
        raise InvalidInput(f"The {what} must be text.")
    if not text.isascii():  # ASCII needs no check (checked for every value when a journal loads)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput(f"The {what} contains characters that cannot be stored (broken Unicode).") from None
    cleaned = clean(text)
    # A one-line value loses its surrounding spaces; a text keeps every character typed, trailing ones too.
    if one_line:
        cleaned = cleaned.strip()
    if one_line and "\n" in cleaned:
        raise InvalidInput(f"The {what} must fit on one line.")
    if required and not cleaned.strip():
        raise InvalidInput(f"The {what} cannot be empty.")
    limit = MAX_TITLE_LENGTH if one_line else MAX_TEXT_LENGTH
    if len(cleaned) > limit:
        raise InvalidInput(f"The {what} is too long ({len(cleaned):,} characters; at most {limit:,}).")
    return cleaned


def _check_scale(value: int | None, what: str, low: int, high: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"The {what} must be a whole number from {low} to {high}.")


def _check_date(value: object, what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(f"The {what} must be a date.")


class _Private:
    """Base of every model: its repr names the kind and id only, so a logged or printed value shows no content."""

    def __repr__(self) -> str:
        record_id = getattr(self, "record_id", None)
        return f"<{type(self).__name__} {record_id or 'unsaved'}>"

    @property
    def saved_id(self) -> str:
        """The record id of a saved value.

        Raises:
            ValueError: the value was never saved (a programming error, not a user's).
        """
        record_id: str | None = getattr(self, "record_id", None)
        if record_id is None:
            raise ValueError(f"this {type(self).__name__} is not saved yet")
        return record_id


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
class SharingAgreement(_Private):
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
        _check_date(self.agreed_on, "date the agreement was reached", optional=True)
        object.__setattr__(self, "agreed_with", clean_text(self.agreed_with, "'agreed with'", one_line=True))
        object.__setattr__(self, "confidentiality_note", clean_text(self.confidentiality_note, "confidentiality note"))


@dataclass(frozen=True, repr=False)
class Engagement(_Private):
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
        object.__setattr__(self, "title", clean_text(self.title, "engagement title", required=True, one_line=True))
        object.__setattr__(self, "coach", clean_text(self.coach, "coach's name", one_line=True))
        object.__setattr__(self, "sponsor", clean_text(self.sponsor, "sponsor organisation", one_line=True))
        _check_date(self.starts_on, "start date", optional=True)
        _check_date(self.ends_on, "end date", optional=True)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise InvalidInput("The engagement cannot end before it starts.")
        _check_scale(self.planned_sessions, "number of planned sessions", 1, 200)
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
class Session(_Private):
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
        _check_id(self.engagement_id, "engagement")
        _check_date(self.held_on, "session date")
        _check_scale(self.number, "session number", 1, 999)
        if not isinstance(self.status, SessionStatus):
            raise InvalidInput("The session status must be planned, held or cancelled.")
        object.__setattr__(self, "agenda", clean_text(self.agenda, "agenda"))

    @property
    def sort_key(self) -> date:
        return self.held_on


@dataclass(frozen=True, repr=False)
class Template(_Private):
    """A reflection template: prompts that become the headings of a new reflection."""

    KIND: ClassVar[str] = "template"
    name: str
    prompts: tuple[str, ...]
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_text(self.name, "template name", required=True, one_line=True))
        prompts = tuple(clean_text(p, "template prompt", required=True, one_line=True) for p in self.prompts)
        if not prompts:
            raise InvalidInput("A template needs at least one prompt.")
        object.__setattr__(self, "prompts", prompts)

    def render(self) -> str:
        """The start of a reflection written from this template: one Markdown heading per prompt."""
        return "\n\n".join(f"## {prompt}\n" for prompt in self.prompts)

    @property
    def sort_key(self) -> date:
        return date.min


AFTER_SESSION = Template(
    "After a session",
    (
        "What did I explore?",
        "What shifted for me?",
        "What will I do differently?",
        "What do I want to bring next time?",
    ),
)
"""The default template for a reflection written after a coaching session."""

BETWEEN_SESSIONS = Template(
    "Between sessions",
    (
        "What happened?",
        "What did I notice in myself?",
        "What did I try, and how did it go?",
        "What do I want to bring next time?",
    ),
)
"""The default template for a free entry between sessions."""

BUILT_IN_TEMPLATES = (AFTER_SESSION, BETWEEN_SESSIONS)

WHAT_WILL_I_DO = AFTER_SESSION.prompts[2]
"""The prompt whose answer the pre-session digest brings back."""

BRING_NEXT_TIME = AFTER_SESSION.prompts[3]
"""The prompt, shared by both built-in templates, collecting what to bring to the next session."""


def drop_untouched_prompts(text: str, template: Template | None) -> str:
    """`text` without the template's prompts that were left exactly as the template wrote them, with
    nothing at all typed under them (up to the next of its prompts). Everything else is kept as typed:
    a heading the coachee wrote, text typed on a prompt's line, even a space under a prompt.

    Args:
        text: what the editor holds.
        template: the template the text started from; None keeps the text whole.
    """
    if template is None:
        return text
    prompt_lines = {line for line in template.render().split("\n") if read_heading(line) is not None}
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if line in prompt_lines]
    dropped: set[int] = set()
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        if all(line == "" for line in lines[start + 1 : end]):
            dropped.update(range(start, end))
    if not dropped:
        return text
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    if len(lines) - 1 in dropped:
        # The last prompt went: the blank lines the template put before it go too (only template
        # separators are blank there, and every typed line above them stays).
        while kept and kept[-1] == "":
            kept.pop()
    return "\n".join(kept)


@dataclass(frozen=True, repr=False)
class Reflection(_Private):
    """What the coachee writes: after a session (tied to it) or between sessions (free entry)."""

    KIND: ClassVar[str] = "reflection"
    text: str
    """Markdown; `@Name` mentions link people."""
    written_at: datetime
    """Local wall-clock time, as the coachee saw it."""
    title: str = ""
    engagement_id: str | None = None
    session_id: str | None = None
    theme_ids: tuple[str, ...] = ()
    person_ids: tuple[str, ...] = ()
    goal_ids: tuple[str, ...] = ()
    mood: int | None = None
    """1 (low) to 5 (high), optional."""
    energy: int | None = None
    """1 (low) to 5 (high), optional."""
    template: str = ""
    """The name of the template it was written from, if any."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean_text(self.text, "reflection text", required=True))
        if not isinstance(self.written_at, datetime):
            raise InvalidInput("The reflection's date must be a date and time.")
        object.__setattr__(self, "written_at", self.written_at.replace(tzinfo=None, microsecond=0))
        object.__setattr__(self, "title", clean_text(self.title, "reflection title", one_line=True))
        object.__setattr__(self, "template", clean_text(self.template, "template name", one_line=True))
        _check_id(self.engagement_id, "engagement", optional=True)
        _check_id(self.session_id, "session", optional=True)
        for name in ("theme_ids", "person_ids", "goal_ids"):
            given, what = getattr(self, name), name.removesuffix("_ids")
            if not isinstance(given, (tuple, list)):  # None would raise TypeError; one id would be read as characters
                raise InvalidInput(f"The linked {what} ids must be a list of record ids.")
            for linked in given:
                _check_id(linked, what)
            object.__setattr__(self, name, tuple(dict.fromkeys(given)))  # deduplicated, order kept
        _check_scale(self.mood, "mood", 1, 5)
        _check_scale(self.energy, "energy", 1, 5)

    @property
    def day(self) -> date:
        return self.written_at.date()

    @property
    def sort_key(self) -> datetime:
        return self.written_at

    def heading(self, length: int = 80) -> str:
        """The title, or else the first line of text that is not a template prompt (`journal.text.headline`);
        cut to `length` characters, the last of them an ellipsis that says so."""
        return shortened(self.title or headline(self.text), length)


@dataclass(frozen=True, repr=False)
class Theme(_Private):
    """A topic the coachee works on; the sponsor wording is what an export may show."""

    KIND: ClassVar[str] = "theme"
    label: str
    """Private label."""
    sponsor_wording: str = ""
    description: str = ""
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", clean_text(self.label, "theme label", required=True, one_line=True))
        object.__setattr__(self, "sponsor_wording", clean_text(self.sponsor_wording, "sponsor wording", one_line=True))
        object.__setattr__(self, "description", clean_text(self.description, "theme description"))

    @property
    def sort_key(self) -> date:
        return date.min


class GoalStatus(enum.Enum):
    """Where a goal stands."""

    NOT_STARTED = "not started"
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @classmethod
    def parse(cls, text: str) -> GoalStatus:
        """A status from its wording (`not started`, `not-started`, `active`, ...).

        Raises:
            InvalidInput: not a status.
        """
        wanted = text.strip().lower().replace("-", " ").replace("_", " ")
        for status in cls:
            if status.value == wanted:
                return status
        raise InvalidInput(f"Unknown goal status {text!r}: use not-started, active, achieved or dropped.")


@dataclass(frozen=True, repr=False)
class Goal(_Private):
    """Something the coachee wants to change, with private and sponsor-facing wording."""

    KIND: ClassVar[str] = "goal"
    title: str
    """Private title."""
    sponsor_wording: str = ""
    status: GoalStatus = GoalStatus.ACTIVE
    success_criteria: str = ""
    target_date: date | None = None
    engagement_id: str | None = None
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean_text(self.title, "goal title", required=True, one_line=True))
        object.__setattr__(self, "sponsor_wording", clean_text(self.sponsor_wording, "sponsor wording", one_line=True))
        if not isinstance(self.status, GoalStatus):
            raise InvalidInput("The goal status must be not started, active, achieved or dropped.")
        object.__setattr__(self, "success_criteria", clean_text(self.success_criteria, "success criteria"))
        _check_date(self.target_date, "target date", optional=True)
        _check_id(self.engagement_id, "engagement", optional=True)

    @property
    def sort_key(self) -> date:
        return self.target_date or date.min


@dataclass(frozen=True, repr=False)
class CheckIn(_Private):
    """A progress check-in: the coachee's 0–10 rating of a goal on a day."""

    KIND: ClassVar[str] = "checkin"
    goal_id: str
    rated_on: date
    rating: int
    note: str = ""
    """Private."""
    sponsor_statement: str = ""
    """Optional short statement written for the sponsor (shareable at level L3)."""
    recorded_at: datetime | None = None
    """When the check-in was entered: orders several check-ins of one day."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.goal_id, "goal")
        _check_date(self.rated_on, "check-in date")
        if self.recorded_at is not None:
            if not isinstance(self.recorded_at, datetime):
                raise InvalidInput("The check-in's recording time must be a date and time.")
            # Wall clock, as for reflections: an aware time could not be compared with naive ones (goal history).
            object.__setattr__(self, "recorded_at", self.recorded_at.replace(tzinfo=None))
        _check_scale(self.rating, "rating", 0, 10)
        object.__setattr__(self, "note", clean_text(self.note, "check-in note"))
        object.__setattr__(
            self, "sponsor_statement", clean_text(self.sponsor_statement, "statement for the sponsor", one_line=True)
        )

    @property
    def sort_key(self) -> date:
        return self.rated_on


@dataclass(frozen=True, repr=False)
class Action(_Private):
    """A commitment the coachee made, optionally tied to a session and a goal."""

    KIND: ClassVar[str] = "action"
    text: str
    due_on: date | None = None
    done: bool = False
    session_id: str | None = None
    goal_id: str | None = None
    created_on: date | None = None
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean_text(self.text, "action", required=True, one_line=True))
        _check_date(self.due_on, "due date", optional=True)
        _check_date(self.created_on, "creation date", optional=True)
        if not isinstance(self.done, bool):
            raise InvalidInput("An action is either done or not.")
        _check_id(self.session_id, "session", optional=True)
        _check_id(self.goal_id, "goal", optional=True)

    def is_overdue(self, today: date) -> bool:
        """Not done and past its due date."""
        return not self.done and self.due_on is not None and self.due_on < today

    @property
    def sort_key(self) -> date:
        return self.due_on or date.max


@dataclass(frozen=True, repr=False)
class Person(_Private):
    """Someone the coachee mentions; always private. Feeds the export linter."""

    KIND: ClassVar[str] = "person"
    name: str
    aliases: tuple[str, ...] = ()
    note: str = ""
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_text(self.name, "person's name", required=True, one_line=True))
        aliases = tuple(
            dict.fromkeys(clean_text(alias, "alias", required=True, one_line=True) for alias in self.aliases)
        )
        object.__setattr__(self, "aliases", aliases)
        object.__setattr__(self, "note", clean_text(self.note, "note about the person"))

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)

    @property
    def sort_key(self) -> date:
        return date.min


@dataclass(frozen=True, repr=False)
class Draft(_Private):
    """A reflection being written, saved encrypted every few seconds and on lock so nothing typed is lost.

    Themes and people are kept as typed (names), since they may not exist until the reflection is saved.
    """

    KIND: ClassVar[str] = "draft"
    text: str = ""
    title: str = ""
    themes: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    """Actions typed alongside the reflection, created when it is saved."""
    mood: int | None = None
    energy: int | None = None
    session_id: str | None = None
    engagement_id: str | None = None
    reflection_id: str | None = None
    """The reflection being edited; None for a new one."""
    template: str = ""
    starting_text: str = ""
    """The text the editor opened with (a template's prompts), to tell an untouched draft from a written one."""
    cursor: tuple[int, ...] = (0, 0)
    """Row and column of the cursor, so the editor reopens exactly where it was."""
    saved_at: datetime | None = None
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean_text(self.text, "draft"))
        object.__setattr__(self, "title", clean_text(self.title, "reflection title", one_line=True))
        for name in ("themes", "people", "actions"):
            object.__setattr__(self, name, tuple(clean_text(item, name, one_line=True) for item in getattr(self, name)))
        # Cleaned like every text: broken Unicode is refused here, not when the draft is sealed; the
        # starting text is compared with the (cleaned) text to tell an untouched draft.
        object.__setattr__(self, "template", clean_text(self.template, "template name", one_line=True))
        object.__setattr__(self, "starting_text", clean_text(self.starting_text, "draft"))
        _check_scale(self.mood, "mood", 1, 5)
        _check_scale(self.energy, "energy", 1, 5)
        _check_id(self.session_id, "session", optional=True)
        _check_id(self.engagement_id, "engagement", optional=True)
        _check_id(self.reflection_id, "reflection", optional=True)
        if len(self.cursor) != 2 or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in self.cursor):
            raise InvalidInput("The draft's cursor position must be a row and a column.")
        if self.saved_at is not None and not isinstance(self.saved_at, datetime):
            raise InvalidInput("The draft's saving time must be a date and time.")

    def with_content(self, **changes: object) -> Draft:
        """A copy with some fields changed (what the editor shows now)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def same_content(self, other: Draft) -> bool:
        """Whether saving `other` instead of this would store the same words and links (cursor aside)."""
        return replace(self, cursor=(0, 0), saved_at=None, record_id=None) == replace(
            other, cursor=(0, 0), saved_at=None, record_id=None
        )

    def is_untouched(self) -> bool:
        """Nothing typed beyond the template it started from."""
        return self.text.strip() == self.starting_text.strip() and not (self.title or self.actions)

    @property
    def sort_key(self) -> date:
        return date.min


@dataclass(frozen=True, repr=False)
class Preferences(_Private):
    """The coachee's settings, sealed like everything else."""

    KIND: ClassVar[str] = "preferences"
    auto_lock_minutes: int = 5
    """Idle minutes before the app locks itself."""
    theme: str = "dark"
    recovery_key_confirmed: bool = True
    """Whether the recovery key given when the journal was created reached the coachee (retyped in the app,
    printed by `candour init`). Saved False until then, so a first run stopped before that step offers a new
    key on the next unlock. True by default: older journals, and ones without settings, got theirs."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        _check_scale(self.auto_lock_minutes, "auto-lock delay (minutes)", 1, 240)
        if self.theme not in ("dark", "light"):
            raise InvalidInput("The theme must be dark or light.")

    @property
    def sort_key(self) -> date:
        return date.min


EXPORT_FORMATS = ("markdown", "json", "html", "text")
"""The formats a summary or a personal export can be written in; Markdown is the default."""


@dataclass(frozen=True, repr=False)
class ConfidentialTerm(_Private):
    """A word or phrase of the coachee's that must never reach a sponsor (a project, a client): the export linter
    blocks it."""

    KIND: ClassVar[str] = "confidential"
    term: str
    record_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "term", clean_text(self.term, "confidential term", required=True, one_line=True))

    @property
    def sort_key(self) -> date:
        return date.min


@dataclass(frozen=True, repr=False)
class LintDismissal(_Private):
    """A finding of the export linter that the coachee looked at and kept, remembered for the same item."""

    KIND: ClassVar[str] = "dismissal"
    engagement_id: str
    item_id: str
    """The summary item the finding is about (e.g. "label", or "theme:" and the theme's id)."""
    finding_key: str
    """What was found: the rule and the folded text it matched."""
    dismissed_at: datetime
    record_id: str | None = None

    def __post_init__(self) -> None:
        _check_id(self.engagement_id, "engagement")
        object.__setattr__(self, "item_id", clean_text(self.item_id, "summary item", required=True, one_line=True))
        object.__setattr__(self, "finding_key", clean_text(self.finding_key, "finding", required=True, one_line=True))
        if not isinstance(self.dismissed_at, datetime):
            raise InvalidInput("The time a finding was kept must be a date and time.")
        object.__setattr__(self, "dismissed_at", self.dismissed_at.replace(tzinfo=None, microsecond=0))

    @property
    def sort_key(self) -> datetime:
        return self.dismissed_at


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, repr=False)
class ExportRecord(_Private):
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
    record_id: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.exported_at, datetime):
            raise InvalidInput("The export time must be a date and time.")
        object.__setattr__(self, "exported_at", self.exported_at.replace(tzinfo=None, microsecond=0))
        object.__setattr__(self, "recipient", clean_text(self.recipient, "recipient", one_line=True))
        if self.format not in EXPORT_FORMATS:
            raise InvalidInput(f"Unknown export format: use one of {', '.join(EXPORT_FORMATS)}.")
        if not isinstance(self.sha256, str) or not _SHA256_HEX.fullmatch(self.sha256):
            raise InvalidInput("The export's hash must be a SHA-256 in hex.")
        if not isinstance(self.items, (tuple, list)):
            raise InvalidInput("The exported items must be a list.")
        items = tuple(clean_text(item, "exported item", one_line=True) for item in self.items)
        object.__setattr__(self, "items", items)
        _check_id(self.engagement_id, "engagement", optional=True)
        if not isinstance(self.level, SharingLevel):
            raise InvalidInput("The sharing level must be one of L0, L1, L2, L3.")
        for flag in ("override", "shown_only", "personal"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidInput(f"The export's {flag.replace('_', ' ')} flag must be true or false.")
        object.__setattr__(self, "path", clean_text(self.path, "export path", one_line=True))
        if self.shown_only and self.path:
            raise InvalidInput("An export shown on screen only has no file.")

    @property
    def sort_key(self) -> datetime:
        return self.exported_at


Model = (
    Engagement
    | Session
    | Reflection
    | Theme
    | Goal
    | CheckIn
    | Action
    | Person
    | Template
    | Draft
    | Preferences
    | ConfidentialTerm
    | LintDismissal
    | ExportRecord
)
"""Any value the journal stores."""

MODEL_TYPES: tuple[type[Model], ...] = (
    Engagement,
    Session,
    Reflection,
    Theme,
    Goal,
    CheckIn,
    Action,
    Person,
    Template,
    Draft,
    Preferences,
    ConfidentialTerm,
    LintDismissal,
    ExportRecord,
)

LINK_FIELDS: dict[type[Model], dict[str, type[Model]]] = {
    Session: {"engagement_id": Engagement},
    Reflection: {
        "engagement_id": Engagement,
        "session_id": Session,
        "theme_ids": Theme,
        "person_ids": Person,
        "goal_ids": Goal,
    },
    Goal: {"engagement_id": Engagement},
    CheckIn: {"goal_id": Goal},
    Action: {"session_id": Session, "goal_id": Goal},
    Draft: {"engagement_id": Engagement, "session_id": Session, "reflection_id": Reflection},
}
"""For each kind that links to others, its fields holding record ids (one id, None, or a tuple of ids) and the
kind each must name: the one list that saving (no link to nothing), deleting (nothing left linking to a record
gone) and importing (links re-made to the new records) all read."""

LOOSE_LINK_FIELDS: dict[type[Model], dict[str, type[Model]]] = {
    ExportRecord: {"engagement_id": Engagement},
    LintDismissal: {"engagement_id": Engagement},
}
"""Fields that name a record but may outlive it, as `LINK_FIELDS` lists them: the log of past exports (and
the findings kept in them) still says which engagement they were for after it is deleted."""

_ID = re.compile(r"[0-9a-f]{32}")


def _check_id(value: str | None, what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInput(f"The linked {what} id is not a valid record id.")


MENTION = re.compile(r"(?<![\w@])@([^\W\d_][\w'’.-]*(?<![.'’-]))")
"""`@Name` in reflection text links a person; underscores stand for spaces (`@Anna_Lee`)."""


def mentioned_names(text: str) -> list[str]:
    """The people mentioned as `@Name` in `text`, in order of first mention, underscores read as spaces."""
    # "@Sam's manager" mentions Sam: a possessive is not part of the name.
    names = (_POSSESSIVE.sub("", match.group(1)).replace("_", " ") for match in MENTION.finditer(text))
    return list(dict.fromkeys(names))


_POSSESSIVE = re.compile(r"['’]s$")
