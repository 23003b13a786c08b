"""Progress: goals, check-ins on them and actions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from journal.errors import InvalidInput
from journal.models.base import (
    Private,
    check_date,
    check_id,
    check_scale,
    clean_text,
)


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
class Goal(Private):
    """Something the coachee wants to change, with private and sponsor-facing wording."""

    KIND: ClassVar[str] = "goal"
    title: str
    """Private title."""
    sponsor_wording: str = ""
    status: GoalStatus = GoalStatus.ACTIVE
    success_criteria: str = ""
    target_date: date | None = None
    engagement_id: str | None = None
    target_rating: int | None = None
    """Where the coachee means to be on the 0-10 scale by the engagement's end."""
    archived: bool = False
    """Put away: kept with its check-ins, but no longer listed among the goals, nor proposed to rate."""
    record_id: str | None = None

    def __post_init__(self) -> None:
        self._clean("title", "goal title", required=True, one_line=True)
        check_scale(self.target_rating, "target rating", 0, 10)
        self._clean("sponsor_wording", "sponsor wording", one_line=True)
        if not isinstance(self.status, GoalStatus):
            raise InvalidInput("The goal status must be not started, active, achieved or dropped.")
        self._clean("success_criteria", "success criteria")
        check_date(self.target_date, "target date", optional=True)
        check_id(self.engagement_id, "engagement", optional=True)

    @property
    def sort_key(self) -> date:
        return self.target_date or date.min


@dataclass(frozen=True, repr=False)
class CheckIn(Private):
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
        check_id(self.goal_id, "goal")
        check_date(self.rated_on, "check-in date")
        if self.recorded_at is not None:
            if not isinstance(self.recorded_at, datetime):
                raise InvalidInput("The check-in's recording time must be a date and time.")
            # Wall clock, as for reflections: an aware time could not be compared with naive ones (goal history).
            object.__setattr__(self, "recorded_at", self.recorded_at.replace(tzinfo=None))
        check_scale(self.rating, "rating", 0, 10)
        self._clean("note", "check-in note")
        object.__setattr__(
            self, "sponsor_statement", clean_text(self.sponsor_statement, "statement for the sponsor", one_line=True)
        )

    @property
    def sort_key(self) -> date:
        return self.rated_on


@dataclass(frozen=True, repr=False)
class Action(Private):
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
        self._clean("text", "action", required=True, one_line=True)
        check_date(self.due_on, "due date", optional=True)
        check_date(self.created_on, "creation date", optional=True)
        if not isinstance(self.done, bool):
            raise InvalidInput("An action is either done or not.")
        check_id(self.session_id, "session", optional=True)
        check_id(self.goal_id, "goal", optional=True)

    def is_overdue(self, today: date) -> bool:
        """Not done and past its due date."""
        return not self.done and self.due_on is not None and self.due_on < today

    @property
    def sort_key(self) -> date:
        return self.due_on or date.max
