"""A demo journal with realistic sample content, so a newcomer can look around without typing their own
secrets (and so the app's snapshots have something true to life to show).

Dates are relative to the clock given, so the demo always looks current; the content is fixed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import crypto
from crypto import KdfLimits, KdfParams
from journal.clock import Clock
from journal.models import (
    Action,
    Engagement,
    Goal,
    GoalStatus,
    Person,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    Theme,
)
from journal.store import Journal

DEMO_PASSPHRASE = "demo journal, not for real secrets"  # noqa: S105 - shown to the user on purpose
"""The demo journal's passphrase, printed and shown on its unlock screen: it protects nothing real."""

REFLECTIONS = (
    (
        "## What did I explore?\nHow quickly I take work back when the team hesitates. @Sam waited two days "
        "for my answer on the supplier contract, and I realised the decision was theirs to make.\n\n"
        "## What shifted for me?\nSeeing that my rescuing tells people I don't trust them.\n\n"
        '## What will I do differently?\nAsk "what would you do?" before giving my view. Let @Sam own the contract.\n\n'
        "## What do I want to bring next time?\nHow to stay calm when a deadline slips."
    ),
    (
        "## What happened?\nThe quarterly review with @Priya went sideways: I got defensive about the numbers.\n\n"
        "## What did I notice in myself?\nTight chest, talking faster. The old need to be the one with answers.\n\n"
        "## What did I try, and how did it go?\nI paused and asked a question instead. It helped, a little.\n\n"
        "## What do I want to bring next time?\nPreparing for difficult conversations with peers."
    ),
    (
        '## What did I explore?\nWhat "executive presence" means to me, not to the board. Less volume, more '
        "clarity.\n\n## What shifted for me?\nPresence can be quiet.\n\n"
        "## What will I do differently?\nOpen the Monday meeting with the one decision we need, then listen.\n\n"
        "## What do I want to bring next time?\nFeedback from the team on the new meeting format."
    ),
    (
        "## What happened?\nDelegated the hiring panel to @Sam. It went well; better than if I had done it.\n\n"
        "## What did I notice in myself?\nRelief, and a small pang of not being needed.\n\n"
        "## What did I try, and how did it go?\nI stayed out of the debrief until asked.\n\n"
        "## What do I want to bring next time?\nWhat to do with the time I get back."
    ),
    (
        "## What did I explore?\nThe conversation I keep postponing with @Priya about scope.\n\n"
        "## What shifted for me?\nPostponing is a decision too, and a costly one.\n\n"
        "## What will I do differently?\nBook the conversation this week; start with what we agree on.\n\n"
        "## What do I want to bring next time?\nHow it went with Priya."
    ),
)

REFLECTION_SETTINGS = ((1, 56, 0, 3, 3), (None, 49, 1, 2, 2), (3, 28, 2, 4, 3), (None, 20, 0, 4, 4), (4, 14, 1, 3, 4))
"""For each sample reflection: the session it follows (None between sessions), days before today, theme,
mood and energy. Sessions fall every two weeks from ten weeks ago."""


def create_demo(path: Path, clock: Clock, *, kdf: KdfParams | None = None, limits: KdfLimits | None = None) -> Journal:
    """Create the demo journal at `path` and return it open.

    Args:
        clock: "today" for the demo; sessions and entries fall in the weeks before it.
        kdf: key-derivation costs (default: the real default, so unlocking the demo feels like the real thing).
    """
    journal, _ = Journal.create(
        path, DEMO_PASSPHRASE, kdf=kdf or crypto.DEFAULT_PARAMS, limits=limits or crypto.DEFAULT_LIMITS, clock=clock
    )
    today = clock.today()
    start = today - timedelta(weeks=10)
    engagement = journal.save(
        Engagement(
            "Leadership coaching",
            coach="Ana Ruiz",
            sponsor="Northwind Ltd",
            starts_on=start,
            ends_on=start + timedelta(weeks=24),
            planned_sessions=8,
            agreement=SharingAgreement(
                SharingLevel.L2,
                start,
                "Ana (coach) and my manager, Dee",
                "Ana shares nothing without my say, except a risk of serious harm.",
            ),
            sponsor_label="Leadership development",
        )
    )
    themes = [
        journal.save(Theme("Rescuing the team", "Empowering the team", "Taking work back when people hesitate.")),
        journal.save(Theme("Conflict with peers", "Difficult conversations")),
        journal.save(Theme("Presence", "Executive presence")),
    ]
    journal.save(Person("Sam", ("Samira",)))
    journal.save(Person("Priya"))
    sessions = [
        journal.save(Session(engagement.saved_id, start + timedelta(weeks=2 * n), n + 1, SessionStatus.HELD, agenda))
        for n, agenda in enumerate(
            ("Getting started: what I want from coaching", "Delegation", "A conversation I avoid", "Presence", "")
        )
    ]
    sessions.append(
        journal.save(
            Session(engagement.saved_id, today + timedelta(days=4), 6, SessionStatus.PLANNED, "How it went with Priya")
        )
    )
    for (session_index, days_ago, theme_index, mood, energy), text in zip(
        REFLECTION_SETTINGS, REFLECTIONS, strict=True
    ):
        session = sessions[session_index] if session_index is not None else None
        journal.write_reflection(
            text,
            written_at=datetime.combine(today - timedelta(days=days_ago), time(18, 30)),
            session=session,
            engagement=engagement,
            themes=[themes[theme_index].label],
            mood=mood,
            energy=energy,
        )
    goals = [
        journal.save(
            Goal(
                "Stop rescuing: let the team own decisions",
                "Empowering the team to make decisions",
                GoalStatus.ACTIVE,
                "Three decisions a month made without me.",
                start + timedelta(weeks=24),
                engagement.saved_id,
                target_rating=8,
            )
        ),
        journal.save(
            Goal(
                "Hold difficult conversations early",
                "Handling difficult conversations",
                GoalStatus.ACTIVE,
                engagement_id=engagement.saved_id,
            )
        ),
        journal.save(
            Goal(
                "Speak less, say more", "Executive presence", GoalStatus.NOT_STARTED, engagement_id=engagement.saved_id
            )
        ),
    ]
    for week, (first, second) in enumerate(((3, 2), (4, 3), (4, 3), (6, 4), (7, 5))):
        day = start + timedelta(weeks=2 * week, days=1)
        journal.check_in(goals[0], first, note="Held back twice this week." if week == 3 else "", on=day)
        if week != 4:
            journal.check_in(goals[1], second, on=day)
    journal.check_in(
        goals[0], 7, on=today - timedelta(days=2), sponsor_statement="The team now runs its weekly planning."
    )
    journal.save(Action('Ask "what would you do?" first', session_id=sessions[4].saved_id, created_on=today))
    journal.save(
        Action(
            "Book the scope conversation with Priya",
            today - timedelta(days=3),
            session_id=sessions[4].saved_id,
            goal_id=goals[1].saved_id,
            created_on=today - timedelta(days=10),
        )
    )
    journal.save(
        Action(
            "Hand the hiring panel to Sam",
            today - timedelta(weeks=3),
            done=True,
            session_id=sessions[1].saved_id,
            goal_id=goals[0].saved_id,
        )
    )
    return journal
