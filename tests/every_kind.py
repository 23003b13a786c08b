"""A journal holding every kind of record, every optional field used somewhere: for round trips (the
personal export read back) and for the sample journal kept as a test vector of the file format."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date, datetime

from journal import Journal
from journal.models import (
    AFTER_SESSION,
    Action,
    ConfidentialTerm,
    Engagement,
    ExportRecord,
    Goal,
    GoalStatus,
    LintDismissal,
    Person,
    Preferences,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    Template,
    Theme,
)


def fill_with_every_kind(journal: Journal) -> None:
    """A journal holding every kind of record, with every optional field used somewhere."""
    agreement = SharingAgreement(
        SharingLevel.L2, date(2026, 1, 5), "Coach and line manager", "Safeguarding: harm to self or others.\nOnly that."
    )
    engagement = journal.save(
        Engagement(
            "Leadership 2026",
            coach="Ana Ruiz",
            sponsor="Acme",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 12, 20),
            planned_sessions=8,
            agreement=agreement,
        )
    )
    journal.save(Engagement("Earlier coaching"))
    held = journal.save(Session(engagement.saved_id, date(2026, 2, 1), 1, agenda="Bring the delegation question"))
    planned = journal.save(Session(engagement.saved_id, date(2026, 3, 1), 2, status=SessionStatus.PLANNED))
    journal.save(Session(engagement.saved_id, date(2026, 2, 15), 3, status=SessionStatus.CANCELLED))
    journal.save(Template("Weekly", ("What went well?", "What will I try next?")))
    journal.save(Theme("Delegation", sponsor_wording="Empowering the team", description="Letting go of the work"))
    goal = journal.save(
        Goal(
            "Delegate the hiring panel",
            sponsor_wording="Build the team's ownership",
            status=GoalStatus.ACTIVE,
            success_criteria="Two panels run without me",
            target_date=date(2026, 6, 30),
            engagement_id=engagement.saved_id,
        )
    )
    journal.save(Goal("Sleep before midnight", status=GoalStatus.DROPPED))
    journal.save(Person("Sam Lee", aliases=("Sam", "S.L."), note="Direct report since May"))
    reflection = journal.write_reflection(
        "## What did I explore?\nTalked with @Sam about the contract.\n\n## What shifted for me?\n",
        session=held,
        themes=["Delegation", "Conflict"],
        title="After session one",
        mood=3,
        energy=4,
        template=AFTER_SESSION.name,
    )
    # A second revision: the current text is the one exported.
    journal.save(replace(reflection, text=reflection.text + "Trust, mostly.\n", goal_ids=(goal.saved_id,)))
    journal.write_reflection(
        unicodedata.normalize("NFD", "Free entry: Zoë, 日本語, שלום, 🎉\n\n  indented\n"),
        written_at=datetime(2026, 2, 3, 21, 15),
    )
    journal.check_in(goal, 4, note="Slow start", on=date(2026, 2, 1))
    journal.check_in(goal, 6, note="Better", sponsor_statement="On track", on=date(2026, 3, 1))
    journal.save(
        Action(
            "Ask what they would do",
            due_on=date(2026, 2, 8),
            session_id=held.saved_id,
            goal_id=goal.saved_id,
            created_on=date(2026, 2, 1),
        )
    )
    journal.save(Action("Book the conversation", done=True))
    journal.save(ConfidentialTerm("Project Falcon"))
    journal.save(LintDismissal(engagement.saved_id, f"theme:{'0' * 8}", "name:sam", datetime(2026, 3, 2, 10, 0)))
    journal.save_preferences(Preferences(auto_lock_minutes=10))
    journal.save(
        ExportRecord(
            exported_at=datetime(2026, 3, 3, 9, 0),
            recipient="myself",
            format="markdown",
            sha256="5" * 64,
            items=("reflection: 2 records",),
            path="everything.md",
            personal=True,
        )
    )
    draft = journal.new_draft(AFTER_SESSION, session=planned)
    journal.save_draft(draft.with_content(text=draft.text + "Half a thought", themes=("Delegation",)))
