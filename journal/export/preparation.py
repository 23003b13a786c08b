"""The coachee's private preparation sheet for a three-way review (mid-point or final): what the journal
holds for the period in the coachee's own words, what the agreement lets the sponsor see, and questions to
think over before the meeting.

The sheet is for the coachee alone. It is shown, never written to a file or logged, and it quotes private
titles and labels, so it must never be mistaken for the summary: its first line says so.
"""

from __future__ import annotations

from journal.export.session import ExportSession
from journal.export.summary import ItemKind, describe_detail, describe_sessions_used

PRIVATE_NOTICE = "PRIVATE: for you alone, to prepare the meeting. Not for the sponsor; nothing here leaves the journal."

QUESTIONS = (
    "What has changed for you since the engagement began, and what shows it?",
    "Which goals moved, which did not, and what got in the way?",
    "What do you want your sponsor to understand after this meeting, in words you are happy for them to keep?",
    "What will you focus on in the next period?",
    "What support would you like from your sponsor, and what would it look like in practice?",
    "Is there anything you want to keep between you and your coach? Agree with your coach beforehand how you "
    "will say so.",
)
"""Questions to think over before a three-way review."""


def preparation_sheet(session: ExportSession) -> str:
    """The private preparation sheet for the session's engagement and period, as plain text.

    Args:
        session: the export session (its engagement, period, items and the agreement).
    Returns:
        The sheet, one line per fact, ending with the questions.
    """
    proposal = session.proposal
    level = proposal.level
    lines = [
        PRIVATE_NOTICE,
        "",
        f"Preparing the {session.variant.title.lower()} of {session.engagement.title}",
        f"Period: {proposal.period.describe()}.",
        f"Agreed sharing level: {level.name}. {level.description}",
    ]
    used = [item for item in proposal.items if item.kind is ItemKind.SESSIONS_USED]
    if used:
        lines.append(f"Sessions used: {describe_sessions_used(used[0].content)}.")
    sections = (
        ("Themes you worked on (your labels)", ItemKind.THEME),
        ("Your goals (your titles)", ItemKind.GOAL),
        ("Statements you wrote for the sponsor", ItemKind.STATEMENT),
    )
    for heading, kind in sections:
        items = [item for item in proposal.items if item.kind is kind]
        if not items:
            continue
        lines += ["", heading + ":"]
        for item in items:
            hint = item.private_wording or item.content.text
            detail = describe_detail(item.content)
            shareable = (
                "beyond the agreed level"
                if item.above_level
                else ("no sponsor wording yet" if item.needs_wording else f'for the sponsor: "{item.content.text}"')
            )
            lines.append(f"- {hint} ({detail}; {shareable})")
    lines += ["", "Questions to think over:"]
    lines += [f"- {question}" for question in QUESTIONS]
    return "\n".join(lines) + "\n"


__all__ = ["PRIVATE_NOTICE", "QUESTIONS", "preparation_sheet"]
