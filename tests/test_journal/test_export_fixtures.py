"""Journals for the export tests: a realistic one, and a builder of two journals that differ only in private fields."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

from journal import (
    Action,
    CheckIn,
    Draft,
    Engagement,
    FixedClock,
    Goal,
    GoalStatus,
    Journal,
    Person,
    Reflection,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    Template,
    Theme,
)
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE

TODAY = date(2026, 10, 5)
"""The fixed day every export test prepares its summary on."""


def new_journal(path: Path) -> Journal:
    """An empty journal (cheap key derivation) whose clock stands on `TODAY`."""
    journal, _ = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=FixedClock.on(TODAY))
    return journal


@dataclass
class Sample:
    """The realistic journal's records, to refer to them in tests."""

    journal: Journal
    engagement: Engagement
    delegation: Theme
    """Has a sponsor wording, worked on in July and September."""
    trust: Theme
    """No sponsor wording yet."""
    goal: Goal
    statement: CheckIn
    people: list[Person] = field(default_factory=list)


def sample_journal(path: Path, level: SharingLevel = SharingLevel.L2) -> Sample:
    """A coachee three months into a leadership engagement: sessions, reflections, themes, a goal, people."""
    journal = new_journal(path)
    agreement = SharingAgreement(level, date(2026, 6, 20), "Ana and Dana (HR)", "Safeguarding exception only")
    engagement = journal.save(
        Engagement("Leadership with Ana", "Ana Ruiz", "Acme", date(2026, 7, 1), date(2026, 12, 31), 6, agreement)
    )
    held = [
        journal.save(Session(engagement.saved_id, day, number, agenda="How I take work back"))
        for number, day in enumerate([date(2026, 7, 3), date(2026, 8, 14), date(2026, 9, 20)], start=1)
    ]
    cancelled = journal.save(Session(engagement.saved_id, date(2026, 9, 27), 4, SessionStatus.CANCELLED))
    people = [journal.save(Person("Sam Okafor", ("Sammy",), "My report")), journal.save(Person("Priya"))]
    journal.write_reflection(
        "## What did I explore?\nWhy I rescue @Sam when deadlines slip.",
        written_at=datetime(2026, 7, 3, 18, 30),
        session=held[0],
        themes=["Delegation"],
        mood=2,
    )
    journal.write_reflection(
        "Talked with @Priya about trust.",
        written_at=datetime(2026, 9, 21, 8),
        session=held[2],
        themes=["Delegation", "Trust"],
    )
    # Neither a free entry nor a cancelled session's note tells the sponsor anything: no "August", no "Leaving".
    journal.write_reflection("Trust again, on my own.", written_at=datetime(2026, 8, 2, 7), themes=["Trust"])
    journal.write_reflection(
        "Thinking of leaving.", written_at=datetime(2026, 9, 27, 9), session=cancelled, themes=["Leaving"]
    )
    delegation = journal.save(replace(journal.theme_named("Delegation"), sponsor_wording="Empowering the team"))
    trust = journal.theme_named("Trust")
    goal = journal.save(
        Goal(
            "Stop rescuing Sam",
            "Delegating decisions",
            GoalStatus.ACTIVE,
            "Sam owns the contract",
            None,
            engagement.saved_id,
        )
    )
    journal.check_in(goal, 3, note="Took the contract back again", on=date(2026, 7, 10))
    journal.check_in(goal, 5, on=date(2026, 8, 12))
    statement = journal.check_in(
        goal, 7, note="Better", sponsor_statement="Steady progress on delegation", on=date(2026, 9, 10)
    )
    journal.save(Action("Book one-to-ones", date(2026, 10, 1), goal_id=goal.saved_id))
    return Sample(journal, engagement, delegation, trust, goal, statement, people)


# --- two journals that differ only in private fields -------------------------------------------


@dataclass(frozen=True)
class GoalShape:
    """A goal's sponsor-facing shape: its wording, status, and the months of its check-ins with their ratings."""

    wording: str
    status: GoalStatus
    ratings: tuple[tuple[int, int], ...]
    """(month, rating) in order; months non-decreasing."""
    statements: tuple[str, ...]
    """Sponsor statements, one per rating from the first (fewer than ratings, or none)."""


@dataclass(frozen=True)
class Shape:
    """Everything sponsor-facing (or structural) about a journal; private fields come from elsewhere."""

    level: SharingLevel
    sessions: tuple[int, ...]
    """The month of each session held (2026)."""
    themes: tuple[tuple[str, tuple[int, ...]], ...]
    """(sponsor wording, months a reflection touched it)."""
    goals: tuple[GoalShape, ...]


class Private:
    """The private side of a journal: texts and days, from a seed (a canary, or plain other words)."""

    def __init__(self, marker: str, days: list[int]) -> None:
        self.marker = marker
        self._count = 0
        self._days = days or [1]

    def text(self) -> str:
        """A fresh private text carrying the marker."""
        self._count += 1
        return f"{self.marker}{self._count} said by @{self.marker}Person{self._count}"

    def day(self) -> int:
        """A day of the month (1 to 10), drawn from this journal's own sequence."""
        self._count += 1
        return self._days[self._count % len(self._days)]


def build(path: Path, shape: Shape, private: Private) -> tuple[Journal, Engagement]:
    """A journal with `shape`'s sponsor-facing content and `private`'s everything else."""
    journal = new_journal(path)
    agreement = SharingAgreement(shape.level, date(2025, 12, private.day()), private.text(), private.text())
    engagement = journal.save(
        Engagement(private.text(), private.text(), private.text(), date(2026, 1, 1), date(2026, 12, 31), 12, agreement)
    )
    people = journal.save_many([Person(private.text(), (private.text(),), private.text()) for _ in range(2)])
    themes = journal.save_many([Theme(private.text(), wording, private.text()) for wording, _ in shape.themes])
    goals = journal.save_many(
        [
            Goal(
                private.text(),
                goal.wording,
                goal.status,
                private.text(),
                date(2027, 1, private.day()),
                engagement.saved_id,
            )
            for goal in shape.goals
        ]
    )
    sessions = [
        journal.save(Session(engagement.saved_id, date(2026, month, private.day()), number, agenda=private.text()))
        for number, month in enumerate(shape.sessions, start=1)
    ]
    later: list[Reflection | CheckIn | Action | Draft | Template] = []
    for theme, (_, months) in zip(themes, shape.themes, strict=True):
        for month in months:
            # On a session of its month, as after a session; a free entry when the month had none.
            session = next((session for session in sessions if session.held_on.month == month), None)
            written = datetime.combine(date(2026, month, private.day()), time(private.day() % 24, private.day()))
            later.append(
                Reflection(
                    private.text(),
                    written,
                    private.text(),
                    engagement.saved_id,
                    session.saved_id if session else None,
                    theme_ids=(theme.saved_id,),
                    person_ids=(people[0].saved_id,),
                    mood=private.day() % 5 + 1,
                    energy=1,
                )
            )
    for goal, goal_shape in zip(goals, shape.goals, strict=True):
        # Days move, but keep the check-ins' order (months never decrease, days increase): the first and
        # latest ratings are sponsor-facing, the exact days are not.
        first_day = private.day()
        for index, (month, rating) in enumerate(goal_shape.ratings):
            statement = goal_shape.statements[index] if index < len(goal_shape.statements) else ""
            on = date(2026, month, first_day + index)
            later.append(CheckIn(goal.saved_id, on, rating, private.text(), statement))
        later.append(Action(private.text(), date(2026, 5, private.day()), goal_id=goal.saved_id))
    later.append(Draft(private.text(), private.text(), people=(private.text(),)))
    later.append(Template(private.text(), (private.text(),)))
    journal.save_many(later)
    return journal, engagement
