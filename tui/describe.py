"""Journal values written out as Markdown, shared by the command line (printed as is) and the app (rendered).

No UI framework here: `candour show` and `candour prep` must not pay for importing one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from journal import (
    Action,
    CheckIn,
    Draft,
    Engagement,
    ExportRecord,
    Goal,
    Journal,
    LintDismissal,
    Model,
    Person,
    PrepDigest,
    RecordNotFound,
    Reflection,
    Session,
    Template,
    Theme,
    format_day,
)
from journal.text import shortened

M = TypeVar("M", bound=Model)

SPARK_BARS = "▁▂▃▄▅▆▇█"


KIND_NAMES = {
    Engagement.KIND: "engagement",
    Session.KIND: "session",
    Reflection.KIND: "reflection",
    Theme.KIND: "theme",
    Goal.KIND: "goal",
    CheckIn.KIND: "check-in",
    Action.KIND: "action",
    Person.KIND: "person",
    Template.KIND: "template",
    Draft.KIND: "draft",
    LintDismissal.KIND: "kept finding",
    ExportRecord.KIND: "logged export",
}
"""The kinds as the app names them to a person."""


IRREGULAR_PLURALS = {"person": "people", "kept finding": "kept findings"}


def counted(count: int, noun: str) -> str:
    """ "1 reflection", "3 reflections", "2 people"."""
    return f"{count} {noun if count == 1 else IRREGULAR_PLURALS.get(noun, noun + 's')}"


def kind_name(value: Model) -> str:
    """The record's kind as the app names it to a person."""
    return KIND_NAMES.get(value.KIND, value.KIND)


def sparkline(ratings: Sequence[int], high: int = 10) -> str:
    """Ratings from 0 to `high` as a row of bars, one per rating."""
    return "".join(SPARK_BARS[round(rating / high * (len(SPARK_BARS) - 1))] for rating in ratings)


def record_markdown(journal: Journal, value: Model) -> str:
    """Any record in full."""
    match value:
        case Reflection():
            return reflection_markdown(journal, value)
        case Session():
            return session_markdown(journal, value)
        case Engagement():
            return engagement_markdown(journal, value)
        case Goal():
            return goal_markdown(value, journal.goal_history(value))
        case _:
            title = kind_name(value).capitalize()
            fields = (f"**{name.capitalize()}**: {shown}" for name, shown in fields_of(value))
            return "\n\n".join([f"# {title}", *fields])


def summary_line(value: Model, width: int = 70) -> str:
    """One line that tells this revision of a record from another: its heading, title, label or text."""
    match value:
        case Reflection():
            text = value.heading()
        case Engagement() | Goal():
            text = value.title
        case Theme():
            text = value.label
        case Person():
            text = value.name
        case Session():
            text = f"{value.number} · {value.held_on:%d %b %Y} · {value.status.value}"
        case Action():
            text = f"{value.text} ({'done' if value.done else 'open'})"
        case CheckIn():
            text = f"{value.rated_on:%d %b %Y}: {value.rating}/10 {value.note}"
        case _:
            text = " · ".join(shown for _, shown in fields_of(value))
    return shortened(" ".join(text.split()), width)


def fields_of(value: Model) -> list[tuple[str, str]]:
    """The filled-in fields of a value as (name, words), leaving out ids: "done" reads "no", a day reads
    "23 November 2026"."""
    return [
        (field.name.replace("_", " "), shown_value(content))
        for field in dataclasses.fields(value)
        if not field.name.endswith(("_id", "_ids")) and (content := getattr(value, field.name)) not in (None, "", ())
    ]


def shown_value(content: object) -> str:
    """A field's value in words, to read (not to type back: see the record form for that)."""
    if isinstance(content, bool):
        return "yes" if content else "no"
    if isinstance(content, datetime):
        return f"{format_day(content.date())}, {content:%H:%M}"
    if isinstance(content, date):
        return format_day(content)
    if isinstance(content, tuple):
        return ", ".join(shown_value(part) for part in content)
    return str(getattr(content, "value", content))  # an enum: its word


def reflection_markdown(journal: Journal, reflection: Reflection) -> str:
    """A reflection with its date, session, themes, people and mood."""
    lines = [f"*{reflection.written_at:%A %d %B %Y, %H:%M}*"]
    if reflection.title:
        lines.insert(0, f"# {reflection.title}")
    links = []
    if reflection.session_id:
        session = _linked(journal, Session, reflection.session_id)
        links.append(
            f"Session {session.number} ({format_day(session.held_on)})" if isinstance(session, Session) else session
        )
    if reflection.theme_ids:
        labels = (_linked(journal, Theme, theme) for theme in reflection.theme_ids)
        links.append("Themes: " + ", ".join(label if isinstance(label, str) else label.label for label in labels))
    if reflection.person_ids:
        names = (_linked(journal, Person, person) for person in reflection.person_ids)
        links.append("People: " + ", ".join(name if isinstance(name, str) else name.name for name in names))
    feelings = [
        f"{name} {value}/5" for name, value in (("mood", reflection.mood), ("energy", reflection.energy)) if value
    ]
    if feelings:
        links.append(", ".join(feelings).capitalize())
    if links:
        lines.append(" · ".join(links))
    lines.append(reflection.text)
    return "\n\n".join(lines)


def session_markdown(journal: Journal, session: Session) -> str:
    """A session with its agenda, the reflections written about it, and its actions."""
    lines = [f"# Session {session.number}", f"*{format_day(session.held_on)} · {session.status.value}*"]
    if session.agenda:
        lines += ["## What I wanted to bring", session.agenda]
    for reflection in journal.session_reflections(session):
        lines += ["---", reflection_markdown(journal, reflection)]
    actions = [action for action in journal.all(Action) if action.session_id == session.record_id]
    if actions:
        lines.append("## Actions")
        lines += [f"- [{'x' if action.done else ' '}] {action.text}" for action in actions]
    return "\n\n".join(lines)


def engagement_markdown(journal: Journal, engagement: Engagement) -> str:
    """An engagement's contract, sharing agreement and progress."""
    progress = journal.progress(engagement)
    agreement = engagement.agreement
    facts = [f"Coach: {engagement.coach or '—'}", f"Sponsor: {engagement.sponsor or '—'}"]
    period = " – ".join(format_day(day) for day in (engagement.starts_on, engagement.ends_on) if day)
    if period:
        facts.append(period)
    lines = [f"# {engagement.title}", " · ".join(facts), f"**{progress.describe()}**"]
    lines += ["## Sharing agreement", f"**{agreement.level.name}**: {agreement.level.description}"]
    if agreement.agreed_on or agreement.agreed_with:
        agreed_on = format_day(agreement.agreed_on) if agreement.agreed_on else "undated"
        lines.append(f"Agreed {agreed_on} with {agreement.agreed_with or '(not recorded)'}")
    if agreement.confidentiality_note:
        lines += ["*Limits of confidentiality:*", agreement.confidentiality_note]
    return "\n\n".join(lines)


def goal_markdown(goal: Goal, history: Sequence[CheckIn], *, trend: bool = True) -> str:
    """A goal with its wording for the sponsor, criteria and every rating; `trend` adds the ratings as a
    sparkline (left out where a chart shows them)."""
    lines = [f"# Goal: {goal.title}", f"Status: {goal.status.value}"]
    lines.append(f"For the sponsor: {goal.sponsor_wording or '(not written yet)'}")
    target = [f"{goal.target_rating}/10"] if goal.target_rating is not None else []
    target += [f"by {format_day(goal.target_date)}"] if goal.target_date else []
    if target:
        lines.append("Target: " + " ".join(target))
    if goal.success_criteria:
        lines += ["## Success looks like", goal.success_criteria]
    if history:
        lines += ["## Ratings"] + ([sparkline([check_in.rating for check_in in history])] if trend else [])
        lines += [f"- {format_day(c.rated_on)}: **{c.rating}/10** {c.note}" for c in history]
    return "\n\n".join(lines)


def prep_markdown(digest: PrepDigest, *, ids: bool = False) -> str:
    """The pre-session digest. `ids` adds short ids (for the command line, where they are typed back)."""

    def tag(value: Model) -> str:
        return f"[{value.saved_id[:8]}] " if ids else ""

    lines: list[str] = []
    if digest.engagement:
        progress = f": {digest.progress.describe()}" if digest.progress else ""
        lines.append(f"# {digest.engagement.title}{progress}")
    if digest.next_session:
        lines.append(f"Next: session {digest.next_session.number} on {format_day(digest.next_session.held_on)}")
        if digest.next_session.agenda:
            lines.append(f"Agenda: {digest.next_session.agenda}")
    lines.append("## Open actions")
    for action in digest.open_actions:
        overdue = ", OVERDUE" if action in digest.overdue_actions else ""
        due = f" (due {format_day(action.due_on)}{overdue})" if action.due_on else ""
        lines.append(f"- {tag(action)}{action.text}{due}")
    if not digest.open_actions:
        lines.append("None.")
    lines.append("## What I said I would do")
    if digest.last_reflection:
        lines.append(f"*From {format_day(digest.last_reflection.day)}:*")
    lines.append(digest.commitments or "Nothing recorded yet.")
    lines.append("## Goals not rated recently")
    for goal, last in digest.goals_to_rate:
        when = f"last rated {format_day(last)}" if last else "never rated"
        lines.append(f"- {tag(goal)}{goal.title} ({when})")
    if not digest.goals_to_rate:
        lines.append("All rated recently." if digest.has_goals else "No active goals yet.")
    lines.append("## What I want to bring next time")
    lines += [f"- ({format_day(reflection.day)}) {answer}" for reflection, answer in digest.to_bring]
    if not digest.to_bring:
        lines.append("Nothing noted since the last session.")
    return "\n\n".join(lines)


def _linked(journal: Journal, model: type[M], record_id: str) -> M | str:
    """The linked record, or a note saying it is missing: a reflection still shows when a link is gone."""
    try:
        return journal.get(model, record_id)
    except RecordNotFound:
        return f"(missing {model.KIND} {record_id[:8]})"


def draft_context(journal: Journal, draft: Draft) -> str:
    """What a draft is for, in words: "New reflection · After session 3 (12 Sep 2026)", "Editing · Between
    sessions"."""
    if draft.session_id:
        session = _linked(journal, Session, draft.session_id)
        what = (
            f"After session {session.number} ({session.held_on:%d %b %Y})" if isinstance(session, Session) else session
        )
    else:
        what = "Between sessions"
    return f"{'Editing' if draft.reflection_id else 'New reflection'} · {what}"
