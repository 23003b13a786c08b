"""The `candour` commands that read the journal and undo what was done: list, show, search, goals, prep,
history, revert, delete, restore and purge.

Each command unlocks the journal, does one thing through `journal`'s API, prints, and locks.
"""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import click

from journal import (
    SEARCHABLE_KINDS,
    Action,
    Engagement,
    Goal,
    GoalStatus,
    InvalidInput,
    Journal,
    Person,
    RecordNotFound,
    SearchFilters,
    SearchHit,
    Theme,
    normalize,
    parse_range,
)
from tui.cli_context import (
    CommandList,
    Context,
    find_engagement,
    find_goal,
    find_person,
    find_theme,
    pass_context,
    short_id,
)
from tui.cli_json import echo_document, json_item, json_option
from tui.describe import prep_markdown, record_markdown, sparkline, summary_line

COMMANDS = CommandList()
"""Registered on the `candour` group by `tui.cli`."""

command = COMMANDS.command


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoice:
    """The filters `list` and `search` share, as typed: the journal resolves them in `_filters`."""

    engagement: str | None = None
    themes: tuple[str, ...] = ()
    """All of these themes."""
    any_themes: tuple[str, ...] = ()
    not_themes: tuple[str, ...] = ()
    goal: str | None = None
    person: str | None = None
    dates: str | None = None

    def any_given(self) -> bool:
        return any(getattr(self, field.name) for field in dataclasses.fields(self))


def _filter_options(function: Callable[..., None]) -> Callable[..., None]:
    """The filters `list` and `search` share, handed to the command as one `choice`, and the limit."""
    options = [
        click.option("--engagement", metavar="NAME|ID", help="Only this engagement."),
        click.option("--theme", "themes", multiple=True, metavar="LABEL", help="Linked to this theme (several: all)."),
        click.option("--any-theme", "any_themes", multiple=True, metavar="LABEL", help="Linked to one of these."),
        click.option("--not-theme", "not_themes", multiple=True, metavar="LABEL", help="Not linked to this theme."),
        click.option("--goal", metavar="GOAL", help="Only this goal, its check-ins and actions."),
        click.option("--person", metavar="NAME", help="Only what mentions this person."),
        click.option("--date", "dates", metavar="PHRASE", help="'last month', 'since 2026-09-01', '2026-09', ..."),
    ]
    names = [field.name for field in dataclasses.fields(FilterChoice)]

    @functools.wraps(function)
    def gathered(*args: object, **given: object) -> None:
        choice = FilterChoice(**{name: given.pop(name) for name in names})  # type: ignore[arg-type]
        function(*args, choice=choice, **given)

    wrapped: Callable[..., None] = gathered
    for option in reversed(
        [
            *options,
            click.option(
                "-n", "--limit", default=10, show_default=True, type=click.IntRange(min=1), help="At most this many."
            ),
        ]
    ):
        wrapped = option(wrapped)
    return wrapped


def _filters(journal: Journal, kinds: frozenset[str], choice: FilterChoice) -> SearchFilters:
    def themes(labels: tuple[str, ...]) -> frozenset[str]:
        return frozenset(find_theme(journal, label).saved_id for label in labels)

    return SearchFilters(
        engagement_id=find_engagement(journal, choice.engagement).record_id if choice.engagement else None,
        all_themes=themes(choice.themes),
        any_themes=themes(choice.any_themes),
        not_themes=themes(choice.not_themes),
        goal_id=find_goal(journal, choice.goal).record_id if choice.goal else None,
        person_id=find_person(journal, choice.person).record_id if choice.person else None,
        dates=parse_range(choice.dates, journal.clock) if choice.dates else None,
        kinds=kinds,
    )


HIT_INDENT = 34
"""Where a hit's snippet starts, under its title (after the id, day and kind columns)."""


def _print_hits(hits: Sequence[SearchHit], *, snippets: bool) -> None:
    width = max(40, shutil.get_terminal_size().columns - HIT_INDENT)  # one line each, however wide the terminal
    for hit in hits:
        day = hit.day.isoformat() if hit.day else " " * 10
        click.echo(f"{short_id(hit.record_id)}  {day}  {hit.kind:<10}  {hit.title}")
        if snippets and hit.snippet and hit.snippet != hit.title:
            shown = hit.snippet if len(hit.snippet) <= width else hit.snippet[: width - 1] + "…"
            click.echo(f"{'':{HIT_INDENT}}{shown}")


@command("list")
@_filter_options
@click.option("--deleted", is_flag=True, help="List deleted records of every kind, to restore with `candour restore`.")
@json_option
@pass_context
def list_(context: Context, choice: FilterChoice, limit: int, deleted: bool, as_json: bool) -> None:
    """List the latest reflections (newest first), optionally filtered; or, with --deleted, what can be restored."""
    with context.journal() as journal:
        if deleted:
            _list_deleted(journal, as_json=as_json)
            return
        if not choice.any_given():
            reflections = journal.recent_reflections(limit)
            if as_json:
                echo_document("list", map(json_item, reflections))
                return
            for reflection in reflections:
                click.echo(
                    f"{short_id(reflection.saved_id)}  {reflection.written_at:%Y-%m-%d %H:%M}  {reflection.heading()}"
                )
            if not reflections:
                click.echo("No reflections yet. Write one with: candour add")
            return
        filters = _filters(journal, frozenset({"reflection"}), choice)
        hits = journal.search("", filters, limit, once=True)
        if as_json:
            echo_document("list", (json_item(journal.find(hit.record_id)) for hit in hits))
            return
        _print_hits(hits, snippets=False)


def _list_deleted(journal: Journal, *, as_json: bool) -> None:
    records = journal.deleted()
    if as_json:
        echo_document("list", (json_item(value, deleted=True) for value in records))
        return
    for value in records:
        click.echo(f"{short_id(value.saved_id)}  {value.KIND:<12}  {summary_line(value)}")
    if not records:
        click.echo("Nothing is deleted: there is nothing to restore.")


@command(context_settings={"ignore_unknown_options": True})  # "-salary" is a word to exclude, not an option
@click.argument("words", nargs=-1, required=True)
@_filter_options
@click.option("--kind", "kinds", multiple=True, type=click.Choice(SEARCHABLE_KINDS), help="Only records of this kind.")
@json_option
@pass_context
def search(
    context: Context,
    words: tuple[str, ...],
    choice: FilterChoice,
    limit: int,
    kinds: tuple[str, ...],
    as_json: bool,
) -> None:
    """Search everything private: words (all must match) or "quoted phrases"; case and accents ignored.

    `OR` between two words lets either match (`delegation OR trust`); `-word` leaves out what holds it
    (`budget -salary`; put `--` before the words when one could be read as an option, as `-n` is).
    """
    # A word holding spaces was quoted in the shell to mean a phrase; one holding quotes already says what it means.
    query = " ".join(f'"{word}"' if " " in word and '"' not in word else word for word in words)
    with context.journal() as journal:
        filters = _filters(journal, frozenset(kinds), choice)
        hits = journal.search(query, filters, limit, once=True)
        if as_json:
            echo_document("search", (json_item(journal.find(hit.record_id), snippet=hit.snippet) for hit in hits))
            return
        _print_hits(hits, snippets=True)
        if not hits:
            click.echo("Nothing matches.", err=True)


@command()
@click.argument("record_refs", metavar="ID...", nargs=-1, required=True)
@click.option("--revision", type=int, help="Show an older revision (of one record).")
@json_option
@pass_context
def show(context: Context, record_refs: tuple[str, ...], revision: int | None, as_json: bool) -> None:
    """Show records in full (any kind), by id or id prefix: several at once unlock the journal once."""
    if revision is not None and len(record_refs) > 1:
        raise InvalidInput("--revision shows an older revision of one record: give one id.")
    with context.journal() as journal:
        values = [journal.find(record_ref) for record_ref in record_refs]  # every id checked before any output
        if revision is not None:
            history = dict(journal.history(values[0].saved_id))
            older = history.get(revision)
            if older is None:
                raise InvalidInput(f"There is no readable revision {revision} (see `candour history`).")
            values = [older]
        if as_json:
            about = {} if revision is None else {"revision": revision}
            echo_document("show", (json_item(value, **about) for value in values))
            return
        for number, value in enumerate(values):
            if number:
                click.echo("\n---\n")
            click.echo(record_markdown(journal, value))
            click.echo(f"\nid {value.saved_id}")


@command()
@click.option("--all", "show_all", is_flag=True, help="Include achieved, dropped and archived goals.")
@json_option
@pass_context
def goals(context: Context, show_all: bool, as_json: bool) -> None:
    """Goals with their status and rating history."""
    with context.journal() as journal:
        shown = [
            goal
            for goal in journal.all(Goal)
            if show_all or (goal.status in (GoalStatus.ACTIVE, GoalStatus.NOT_STARTED) and not goal.archived)
        ]
        if as_json:
            echo_document(
                "goals", (json_item(goal, check_ins=list(map(json_item, journal.goal_history(goal)))) for goal in shown)
            )
            return
        for goal in shown:
            ratings = [check_in.rating for check_in in journal.goal_history(goal)]
            latest = f"{ratings[-1]}/10" if ratings else "not rated"
            bars = sparkline(ratings[-12:])
            click.echo(f"{short_id(goal.saved_id)}  {goal.status.value:<11}  {latest:>9}  {bars:<12}  {goal.title}")
        if not shown:
            click.echo('No goals yet. Add one with: candour new goal "..." --sponsor-wording "..."')


@command()
@json_option
@pass_context
def themes(context: Context, as_json: bool) -> None:
    """Themes, with how many reflections touched each in recent months."""
    with context.journal() as journal:
        frequency = journal.theme_frequency()
        shown = sorted(journal.all(Theme), key=lambda theme: theme.label.casefold())
        if as_json:
            by_month = {theme.saved_id: dict(sorted(frequency.get(theme.saved_id, {}).items())) for theme in shown}
            echo_document(
                "themes", (json_item(theme, reflections_by_month=by_month[theme.saved_id]) for theme in shown)
            )
            return
        for theme in shown:
            months = frequency.get(theme.saved_id, Counter[str]())
            total = sum(months.values())
            recent = ", ".join(f"{month}: {count}" for month, count in sorted(months.items())[-4:])
            click.echo(f"{short_id(theme.saved_id)}  {total:>4}  {theme.label}  {recent}")


@command()
@click.option("--all", "show_all", is_flag=True, help="Include actions already done.")
@json_option
@pass_context
def actions(context: Context, show_all: bool, as_json: bool) -> None:
    """Actions you committed to: open ones first, overdue marked (tick one with `candour done`)."""
    with context.journal() as journal:
        today = journal.clock.today()
        shown = [action for action in journal.all(Action) if show_all or not action.done]
        shown.sort(key=lambda action: (action.done, action.due_on or date.max))
        if as_json:
            echo_document("actions", (json_item(action, overdue=action.is_overdue(today)) for action in shown))
            return
        for action in shown:
            due = f"due {action.due_on}" if action.due_on else ""
            state = "done" if action.done else "OVERDUE" if action.is_overdue(today) else "open"
            click.echo(f"{short_id(action.saved_id)}  {state:<8} {due:<14}  {action.text}")
        if not shown:
            click.echo('No open actions. Add one with: candour new action "..." --due friday')


@command()
@json_option
@pass_context
def people(context: Context, as_json: bool) -> None:
    """The people you mention (always private; the export linter keeps their names out of summaries)."""
    with context.journal() as journal:
        shown = sorted(journal.all(Person), key=lambda person: normalize(person.name))
        if as_json:
            echo_document("people", map(json_item, shown))
            return
        for person in shown:
            aliases = f"  (also {', '.join(person.aliases)})" if person.aliases else ""
            click.echo(f"{short_id(person.saved_id)}  {person.name}{aliases}")


@command()
@json_option
@pass_context
def engagements(context: Context, as_json: bool) -> None:
    """Engagements with their sessions held and sharing level."""
    with context.journal() as journal:
        if as_json:
            echo_document(
                "engagements",
                (
                    json_item(
                        engagement,
                        progress=dataclasses.asdict(journal.progress(engagement)),
                        sessions=[json_item(session) for session in journal.sessions_of(engagement)],
                    )
                    for engagement in journal.all(Engagement)
                ),
            )
            return
        for engagement in journal.all(Engagement):
            progress = journal.progress(engagement)
            click.echo(
                f"{short_id(engagement.saved_id)}  {engagement.agreement.level.name}  "
                f"{progress.describe():<24}  {engagement.title}"
            )


@command()
@click.option("--engagement", "engagement_ref", metavar="NAME|ID", help="Default: the current engagement.")
@pass_context
def prep(context: Context, engagement_ref: str | None) -> None:
    """Before a session: open actions, your last commitments, goals to rate, what you want to bring."""
    with context.journal() as journal:
        engagement = find_engagement(journal, engagement_ref) if engagement_ref else None
        click.echo(prep_markdown(journal.prep(engagement), ids=True))


# --- history and deletion --------------------------------------------------------------------


@command()
@click.argument("record_ref", metavar="ID")
@pass_context
def history(context: Context, record_ref: str) -> None:
    """The kept revisions of a record (undo an edit with `candour revert ID REVISION`)."""
    with context.journal() as journal:
        value = journal.find(record_ref)
        for revision, old in journal.history(value.saved_id):
            click.echo(f"revision {revision}: {'deleted' if old is None else summary_line(old)}")


@command()
@click.argument("record_ref", metavar="ID")
@click.argument("revision", type=int)
@pass_context
def revert(context: Context, record_ref: str, revision: int) -> None:
    """Make an older revision of a record current again (a new revision; nothing is lost)."""
    with context.journal() as journal:
        value = journal.find(record_ref)
        journal.revert(value.saved_id, revision)
        click.echo(f"Record {short_id(value.saved_id)} is back to revision {revision}.")


@command()
@click.argument("record_ref", metavar="ID")
@pass_context
def delete(context: Context, record_ref: str) -> None:
    """Delete a record (undo with `candour restore ID` until it is purged)."""
    with context.journal() as journal:
        value = journal.find(record_ref)
        journal.delete(value.saved_id)
        click.echo(f"Deleted {value.KIND} {short_id(value.saved_id)}; `candour restore {value.record_id}` undoes it.")


@command()
@click.argument("record_ref", metavar="ID")
@pass_context
def restore(context: Context, record_ref: str) -> None:
    """Undo a deletion, by id or id prefix (`candour list --deleted` lists what can be restored)."""
    with context.journal() as journal:
        try:
            deleted = journal.find_deleted(record_ref)
        except RecordNotFound:
            live = journal.find(record_ref)  # not deleted: say so, or that nothing has that id
            click.echo(f"{live.KIND.capitalize()} {short_id(live.saved_id)} was not deleted: nothing to restore.")
            return
        value = journal.restore(deleted.saved_id)
        click.echo(f"Restored {value.KIND} {short_id(value.saved_id)}: {summary_line(value)}")


@command()
@click.argument("record_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def purge(context: Context, record_id: str, yes: bool) -> None:
    """Erase a record and all its revisions for good (give the full id)."""
    if not yes:
        click.confirm("Erase it for good? This cannot be undone", abort=True)
    with context.journal() as journal:
        journal.purge(record_id)
        click.echo(f"Erased {short_id(record_id)} and all its revisions.")
