"""The `candour` commands that write in the journal: add, edit, done, rate, import and the `new` group.

Each command unlocks the journal, does one thing through `journal`'s API, prints, and locks.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from journal import (
    Action,
    Engagement,
    Goal,
    GoalStatus,
    InvalidInput,
    Journal,
    Person,
    Reflection,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    SystemClock,
    Template,
    Theme,
    edited,
    format_day,
    normalize,
    parse_day,
    parse_moment,
    tagged_themes,
)
from tui.cli_context import (
    CommandList,
    Context,
    find_engagement,
    find_goal,
    find_person,
    find_session,
    find_theme,
    pass_context,
    pick,
    short_id,
)
from tui.describe import counted, sparkline, summary_line

if TYPE_CHECKING:
    from journal.backup import Backup

COMMANDS = CommandList()
"""Registered on the `candour` group by `tui.cli`."""

command = COMMANDS.command


# --- writing ----------------------------------------------------------------------------------


@command()
@click.argument("text", required=False)
@click.option("--session", "session_ref", metavar="N|ID", help="Tie it to a session: its number, 'last', or an id.")
@click.option("--engagement", "engagement_ref", metavar="NAME|ID", help="Engagement (default: the current one).")
@click.option("--theme", "themes", multiple=True, metavar="LABEL", help="A theme (created if new); repeatable.")
@click.option("--date", "day", metavar="PHRASE", help="When: 'yesterday', '2026-09-10 14:30', 'monday 9am', ...")
@click.option("--title", default="", help="A short title (private).")
@click.option("--mood", type=click.IntRange(1, 5), help="Mood from 1 (low) to 5 (high).")
@click.option("--energy", type=click.IntRange(1, 5), help="Energy from 1 (low) to 5 (high).")
@pass_context
def add(
    context: Context,
    text: str | None,
    session_ref: str | None,
    engagement_ref: str | None,
    themes: tuple[str, ...],
    day: str | None,
    title: str,
    mood: int | None,
    energy: int | None,
) -> None:
    """Write a reflection: TEXT, or standard input when TEXT is '-' or missing.

    Typing it (run `candour add`, type, then Ctrl-D) keeps it out of your shell's history,
    where text given as an argument stays in clear. `@Name` in the text links a person
    (created if new; `@Anna_Lee` for two words), and `#theme` names a theme, as --theme does
    (`#work_life` for two words; "## Heading" is not a tag).
    """
    clock = SystemClock()
    written_at = None
    if day:  # read before the passphrase is asked; without a time given, at the current time of day
        on, at = parse_moment(day, clock)
        written_at = datetime.combine(on, at or clock.now().time())
    with context.journal() as journal:
        body = text if text not in (None, "-") else context.text_from_stdin("reflection")
        session = find_session(journal, session_ref, engagement_ref) if session_ref else None
        engagement = find_engagement(journal, engagement_ref) if engagement_ref and not session else None
        reflection = journal.write_reflection(
            body or "",
            written_at=written_at,
            session=session,
            engagement=engagement,
            themes=(*themes, *tagged_themes(body or "")),
            title=title,
            mood=mood,
            energy=energy,
        )
        where = f", session {session.number}" if session else ""
        click.echo(f"Saved reflection {short_id(reflection.saved_id)} ({format_day(reflection.day)}{where}).")


@command()
@click.argument("record_ref", metavar="ID")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE", help="Set a field, e.g. mood=4; repeatable.")
@click.option("--text", "new_text", metavar="TEXT|-", help="New text ('-': standard input, also the default).")
@pass_context
def edit(context: Context, record_ref: str, settings: tuple[str, ...], new_text: str | None) -> None:
    """Edit a record: its new text on standard input, fields with --set; saved as a new revision.

    Text that comes empty or blank leaves the old text as it was (`candour edit ID --set mood=4 < /dev/null`
    changes the mood alone). `candour history ID` shows the revisions, `candour revert ID REV` undoes one.
    """
    changes = dict(_field_setting(setting) for setting in settings)
    with context.journal() as journal:
        value = journal.find(record_ref)
        reading = new_text in (None, "-") and not (settings and sys.stdin.isatty())
        text = context.text_from_stdin(f"new text of the {value.KIND}") if reading else new_text
        text = text if text and text.strip() else None  # blank: keep the words already there
        if text is None and not changes:
            raise InvalidInput("Nothing to change: give the new text on standard input, or --set FIELD=VALUE.")
        changed = edited(value, changes, journal.clock, text=text)
        if isinstance(changed, Reflection) and text is not None:
            # New @mentions link their people; the links already there stay.
            changed = dataclasses.replace(
                changed, person_ids=tuple(dict.fromkeys((*changed.person_ids, *journal.link_people(text))))
            )
        saved = journal.save(changed)
        revision = len(journal.history(saved.saved_id))
        click.echo(f"Saved {saved.KIND} {short_id(saved.saved_id)} as revision {revision}: {summary_line(saved)}")


def _field_setting(setting: str) -> tuple[str, str]:
    name, equals, typed = setting.partition("=")
    if not equals or not name.strip():
        raise InvalidInput(f"--set takes FIELD=VALUE (e.g. mood=4), not {setting!r}.")
    return name.strip().replace("-", "_"), typed


@command()
@click.argument("action_ref", metavar="ACTION")
@click.option("--undo", is_flag=True, help="Mark it not done again.")
@pass_context
def done(context: Context, action_ref: str, undo: bool) -> None:
    """Mark an action done (by id or a unique part of its text)."""
    with context.journal() as journal:
        action = pick(journal.all(Action), action_ref, "action", lambda item: (item.text,))
        journal.save(dataclasses.replace(action, done=not undo))
        click.echo(f"Action {short_id(action.saved_id)} marked {'not done' if undo else 'done'}.")


@command("rate")
@click.argument("goal_ref", metavar="GOAL")
@click.argument("rating", type=click.IntRange(0, 10))
@click.option("--note", default="", help="A private note on where you stand.")
@click.option("--for-sponsor", "statement", default="", help="A short statement written for the sponsor (level L3).")
@click.option("--date", "day", metavar="PHRASE", help="Day of the check-in (default: today).")
@pass_context
def rate(context: Context, goal_ref: str, rating: int, note: str, statement: str, day: str | None) -> None:
    """Check in on a goal: RATING from 0 to 10."""
    with context.journal() as journal:
        goal = find_goal(journal, goal_ref)
        on = parse_day(day, journal.clock) if day else None
        journal.check_in(goal, rating, note=note, sponsor_statement=statement, on=on)
        ratings = [check_in.rating for check_in in journal.goal_history(goal)]
        click.echo(f"Rated {rating}/10. History: {sparkline(ratings)} ({' → '.join(map(str, ratings[-6:]))})")


@command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--engagement", "engagement_ref", metavar="NAME|ID", help="Attach the entries to an engagement.")
@pass_context
def import_(context: Context, source: Path, engagement_ref: str | None) -> None:
    """Bring in a jrnl export (`jrnl --export json` or `--export markdown`), Markdown files or a folder of them,
    or a journal exported with `candour export-all --format json`.

    Entries become reflections, their tags themes and their stars the theme "Starred"; everything
    lands in one transaction, and entries already imported (same date, time, title and text) are skipped.
    A Candour export brings back every record it holds; those already in the journal are not added again.
    """
    from journal.backup import read_backup  # only this command reads them
    from journal.importers import STARRED_THEME, import_batch, read_import

    # Read before unlocking: a bad file fails fast.
    backup = read_backup(source)
    if backup is not None:
        if engagement_ref:
            raise click.UsageError("A Candour export keeps its own engagements: import it without --engagement.")
        _import_backup(context, backup)
        return
    batch = read_import(source)
    with context.journal() as journal:
        engagement = find_engagement(journal, engagement_ref) if engagement_ref else None
        report = import_batch(journal, batch, engagement=engagement)
    imported = len(report.imported)
    noun = "entry" if imported == 1 else "entries"
    click.echo(f"Imported {imported} {noun} from a {batch.format} ({len(report.skipped)} skipped).")
    if report.starred:
        click.echo(f'{report.starred} starred: Candour has no stars, so they carry the theme "{STARRED_THEME}".')
    for note in batch.notes:
        click.echo(note)
    for reason in report.skipped:
        click.echo(f"- skipped {reason}", err=True)


def _import_backup(context: Context, backup: Backup) -> None:
    from journal.backup import import_backup

    with context.journal() as journal:
        report = import_backup(journal, backup)
    added = sum(report.imported.values())
    click.echo(
        f"Imported {added} record{'s' if added != 1 else ''} from a Candour export"
        + (f": {_counts(report.imported)}." if added else ".")
    )
    if report.already_there:
        click.echo(f"Already in the journal, not added again: {_counts(report.already_there)}.")
    for reason in report.left_out:
        click.echo(f"- not imported: {reason}", err=True)


def _counts(counts: Counter[str]) -> str:
    return ", ".join(counted(count, kind) for kind, count in counts.items())


# --- the `new` group ----------------------------------------------------------------------------


@click.group("new")
def new() -> None:
    """Create an engagement, session, goal, theme, action, person or template."""


COMMANDS.append(new)


def _day(journal: Journal, phrase: str | None, *, ahead: bool = False) -> date | None:
    """The day a phrase names (`ahead`: a date in the future, where "friday" is the coming one)."""
    return parse_day(phrase, journal.clock, ahead=ahead) if phrase else None


@new.command("engagement")
@click.argument("title")
@click.option("--coach", default="")
@click.option("--sponsor", default="", help="The sponsoring organisation.")
@click.option(
    "--sponsor-label", default="", help="How the sponsor knows the engagement (summaries use it; TITLE stays yours)."
)
@click.option("--start", metavar="DATE")
@click.option("--end", metavar="DATE")
@click.option("--sessions", "planned", type=click.IntRange(1, 200), help="Number of sessions planned.")
@click.option("--level", default="L0", help="Sharing level agreed: L0 logistics, L1 themes, L2 goals, L3 statements.")
@click.option("--agreed-on", metavar="DATE", help="When the sharing agreement was reached.")
@click.option("--agreed-with", default="", help="Who took part in contracting.")
@click.option("--confidentiality-note", default="", help="Private note on the limits of confidentiality.")
@pass_context
def new_engagement(
    context: Context,
    title: str,
    coach: str,
    sponsor: str,
    sponsor_label: str,
    start: str | None,
    end: str | None,
    planned: int | None,
    level: str,
    agreed_on: str | None,
    agreed_with: str,
    confidentiality_note: str,
) -> None:
    """Create an engagement (one coaching contract) and its sharing agreement."""
    sharing = SharingLevel.parse(level)
    with context.journal() as journal:
        agreement = SharingAgreement(sharing, _day(journal, agreed_on), agreed_with, confidentiality_note)
        engagement = journal.save(
            Engagement(
                title,
                coach,
                sponsor,
                _day(journal, start),
                _day(journal, end, ahead=True),
                planned,
                agreement,
                sponsor_label=sponsor_label,
            )
        )
        click.echo(f"Created engagement {short_id(engagement.saved_id)}. Sharing level {sharing.name}:")
        click.echo(f"  {sharing.description}")


@new.command("session")
@click.option("--engagement", "engagement_ref", metavar="NAME|ID")
@click.option("--date", "day", metavar="DATE", help="When it is or was held (default: today).")
@click.option("--number", type=click.IntRange(1, 999), help="Its number (default: the next one).")
@click.option("--agenda", default="", help="What you want to bring to it (private).")
@click.option(
    "--status",
    type=click.Choice([status.value for status in SessionStatus]),
    help="Default: held, or planned if later.",
)
@pass_context
def new_session(
    context: Context, engagement_ref: str | None, day: str | None, number: int | None, agenda: str, status: str | None
) -> None:
    """Add a session to an engagement."""
    with context.journal() as journal:
        engagement = find_engagement(journal, engagement_ref)
        held_on = _day(journal, day) or journal.clock.today()
        chosen = (
            SessionStatus(status)
            if status
            else (SessionStatus.PLANNED if held_on > journal.clock.today() else SessionStatus.HELD)
        )
        session = journal.save(
            Session(
                engagement.saved_id,
                held_on,
                number or journal.next_session_number(engagement),
                chosen,
                agenda,
            )
        )
        progress = journal.progress(engagement)
        click.echo(
            f"Added session {session.number} ({format_day(session.held_on)}, {chosen.value}) "
            f"{short_id(session.saved_id)}; {progress.describe()}."
        )


@new.command("goal")
@click.argument("title")
@click.option("--sponsor-wording", default="", help="How the goal may be worded for the sponsor.")
@click.option("--criteria", default="", help="What success looks like.")
@click.option("--target", metavar="DATE", help="Target date.")
@click.option("--target-rating", type=click.IntRange(0, 10), help="Where you aim to be on the 0-10 scale.")
@click.option("--status", default="active", help="not-started, active, achieved or dropped.")
@click.option("--engagement", "engagement_ref", metavar="NAME|ID")
@pass_context
def new_goal(
    context: Context,
    title: str,
    sponsor_wording: str,
    criteria: str,
    target: str | None,
    target_rating: int | None,
    status: str,
    engagement_ref: str | None,
) -> None:
    """Create a goal."""
    with context.journal() as journal:
        engagement = find_engagement(journal, engagement_ref) if engagement_ref else journal.current_engagement()
        goal = journal.save(
            Goal(
                title,
                sponsor_wording,
                GoalStatus.parse(status),
                criteria,
                _day(journal, target, ahead=True),
                engagement.record_id if engagement else None,
                target_rating,
            )
        )
        click.echo(f"Created goal {short_id(goal.saved_id)}. Rate it with: candour rate {short_id(goal.saved_id)} 5")


@new.command("theme")
@click.argument("label")
@click.option("--sponsor-wording", default="", help="How the theme may be worded for the sponsor.")
@click.option("--description", default="")
@pass_context
def new_theme(context: Context, label: str, sponsor_wording: str, description: str) -> None:
    """Create a theme (private label, optional sponsor wording)."""
    with context.journal() as journal:
        wanted = normalize(Theme(label).label)
        if any(normalize(name) == wanted for theme in journal.all(Theme) for name in theme.names):
            raise InvalidInput("A theme with that label already exists (case and accents aside); nothing was added.")
        theme = journal.save(Theme(label, sponsor_wording, description))
        click.echo(f"Created theme {short_id(theme.saved_id)}.")


@new.command("action")
@click.argument("text")
@click.option("--due", metavar="DATE")
@click.option("--goal", "goal_ref", metavar="GOAL")
@click.option("--session", "session_ref", metavar="N|ID")
@pass_context
def new_action(context: Context, text: str, due: str | None, goal_ref: str | None, session_ref: str | None) -> None:
    """Record an action you committed to."""
    with context.journal() as journal:
        goal = find_goal(journal, goal_ref) if goal_ref else None
        session = find_session(journal, session_ref, None) if session_ref else None
        action = journal.save(
            Action(
                text,
                _day(journal, due, ahead=True),
                session_id=session.record_id if session else None,
                goal_id=goal.record_id if goal else None,
                created_on=journal.clock.today(),
            )
        )
        click.echo(f"Added action {short_id(action.saved_id)}.")


@new.command("person")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name they go by; repeatable.")
@click.option(
    "--ordinary-word",
    is_flag=True,
    help="The name is also a word you use (Will, Grace, Mark): the export only warns where it is capitalised.",
)
@pass_context
def new_person(context: Context, name: str, aliases: tuple[str, ...], ordinary_word: bool) -> None:
    """Add a person you mention (always private; kept out of any export)."""
    with context.journal() as journal:
        person = journal.save(Person(name, aliases, ordinary_word=ordinary_word))
        click.echo(f"Added person {short_id(person.saved_id)}.")


@new.command("template")
@click.argument("name")
@click.argument("prompts", nargs=-1, required=True)
@pass_context
def new_template(context: Context, name: str, prompts: tuple[str, ...]) -> None:
    """Add a reflection template: NAME then one PROMPT per heading."""
    with context.journal() as journal:
        template = journal.save(Template(name, prompts))
        click.echo(f"Added template {short_id(template.saved_id)} with {len(template.prompts)} prompts.")


# --- themes and people: merging and aliases --------------------------------------------------

NAMED_KINDS: dict[str, Callable[[Journal, str], Theme | Person]] = {"theme": find_theme, "person": find_person}
"""The kinds that go by names, with how a typed name or id finds one."""


@command()
@click.argument("kind", type=click.Choice(sorted(NAMED_KINDS)))
@click.argument("keep_ref", metavar="KEEP")
@click.argument("other_ref", metavar="OTHER")
@pass_context
def merge(context: Context, kind: str, keep_ref: str, other_ref: str) -> None:
    """Merge OTHER into KEEP (two themes, or two people; by name or id): everything linked to OTHER is linked to
    KEEP, OTHER's name becomes one of KEEP's aliases, and OTHER is deleted (`candour restore` brings it back,
    unlinked). One transaction: all of it happens, or none."""
    with context.journal() as journal:
        find = NAMED_KINDS[kind]
        keep, other = find(journal, keep_ref), find(journal, other_ref)
        linked = len(journal.links_to(other.saved_id))
        merged = journal.merge(keep, other)
        click.echo(
            f"Merged {short_id(other.saved_id)} into {kind} {short_id(merged.saved_id)} ({merged.names[0]}): "
            f"{linked} record{'s' if linked != 1 else ''} re-linked; also known as {', '.join(merged.aliases)}."
        )


@command()
@click.argument("kind", type=click.Choice(sorted(NAMED_KINDS)))
@click.argument("ref", metavar="NAME|ID")
@click.argument("aliases", metavar="ALIAS...", nargs=-1)
@click.option("--remove", "removals", multiple=True, metavar="ALIAS", help="Forget this alias; repeatable.")
@pass_context
def alias(context: Context, kind: str, ref: str, aliases: tuple[str, ...], removals: tuple[str, ...]) -> None:
    """Give a theme or a person other names (`#alias` and `@Alias` then link it), or forget some with --remove.
    Without ALIAS or --remove, print the aliases it has."""
    with context.journal() as journal:
        value = NAMED_KINDS[kind](journal, ref)
        if aliases or removals:
            forgotten = {normalize(name) for name in removals}
            missing = [name for name in removals if normalize(name) not in map(normalize, value.aliases)]
            if missing:
                raise InvalidInput(f"It has no alias {missing[0]!r}; nothing was changed.")
            _refuse_names_in_use(journal, value, aliases)
            kept = tuple(name for name in value.aliases if normalize(name) not in forgotten)
            value = journal.save(dataclasses.replace(value, aliases=(*kept, *aliases)))
        click.echo(f"{value.names[0]}: {', '.join(value.aliases) if value.aliases else 'no aliases'}")


def _refuse_names_in_use(journal: Journal, value: Theme | Person, names: tuple[str, ...]) -> None:
    other = journal.goes_by(value, names)
    if other is not None:
        raise InvalidInput(
            f"Another {value.KIND} ({short_id(other.saved_id)}) already goes by one of those names: "
            f"merge the two with `candour merge {value.KIND} KEEP OTHER` instead."
        )
