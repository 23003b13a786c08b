"""The `candour` commands through which anything leaves the journal: export (the sponsor summary), exports (the log),
export-all (everything, for the coachee's own use) and confidential (the terms the export linter blocks).

Conversation (the items, warnings, findings, questions) goes to standard error; the preview goes
to standard output, byte for byte what is written, so `candour export --show > file` holds
exactly the summary.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from journal import ConfidentialTerm, InvalidInput, normalize
from journal.export import (
    DEFAULT_FORMAT,
    DEFAULT_MODE,
    EXPORT_FORMATS,
    PERIOD_EXAMPLES,
    PERSONAL_FORMATS,
    UNCONFIRMED,
    UNCONFIRMED_MEANING,
    WARNING,
    WHOLE_ENGAGEMENT,
    Check,
    Done,
    ExportExists,
    ExportRecord,
    ExportSession,
    ExportStatus,
    Item,
    ItemKind,
    Proposal,
    Variant,
    clean_export_folders,
    clean_leftovers,
    describe_detail,
    everything_for_output,
    export_everything,
    export_log,
    preparation_sheet,
    resolve_destination,
)
from tui.cli_context import CommandList, Context, find_engagement, pass_context, short_id
from tui.cli_json import echo_document, json_item, json_option

COMMANDS = CommandList()
"""Registered on the `candour` group by `tui.cli`."""

command = COMMANDS.command


def say(text: str = "") -> None:
    """Talk to the coachee on standard error, keeping standard output for the summary itself."""
    click.echo(text, err=True)


# --- the sponsor summary ----------------------------------------------------------------------


@command("export")
@click.option("--engagement", "engagement_ref", metavar="NAME|ID", help="Default: the current engagement.")
@click.option("--period", default=WHOLE_ENGAGEMENT, show_default=True, help=f"Which days: {PERIOD_EXAMPLES}.")
@click.option("--format", "format_", type=click.Choice(EXPORT_FORMATS), default=DEFAULT_FORMAT, show_default=True)
@click.option("--include", "includes", multiple=True, metavar="ITEM", help="Tick an item (id, 'themes', 'goals', ...).")
@click.option("--exclude", "excludes", multiple=True, metavar="ITEM", help="Untick an item ticked by default.")
@click.option(
    "--variant",
    type=click.Choice([variant.value for variant in Variant]),
    default=Variant.SUMMARY.value,
    show_default=True,
    help="A summary, or the mid-point or final three-way review.",
)
@click.option("--label", default=None, help="The engagement's label for the sponsor (ticks it).")
@click.option("--word", "words", multiple=True, metavar="ITEM=TEXT", help="Write an item's wording for the sponsor.")
@click.option(
    "--private-wording", "use_private", multiple=True, metavar="ITEM", help="Send an item in your private wording."
)
@click.option(
    "--override",
    "overrides",
    multiple=True,
    metavar="ITEM",
    help="Let one ticked item above the agreed sharing level in (the summary says so); repeat for each.",
)
@click.option(
    "--remember-wordings",
    is_flag=True,
    help="Keep the wordings given with --word and --label for this engagement's next summaries (asked otherwise).",
)
@click.option("--keep", "kept", multiple=True, metavar="CODE", help="Keep a finding of the linter (it is remembered).")
@click.option("--for", "recipient", metavar="WHOM", help="For whom, as the log records it (default: the sponsor).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File or folder to write (default: here).")
@click.option("--replace", is_flag=True, help="Replace the file if it exists.")
@click.option("--permissions", default=f"{DEFAULT_MODE:o}", show_default=True, help="File permissions, in octal.")
@click.option(
    "--readable-by-others", is_flag=True, help="Confirm --permissions that let others on this computer read the file."
)
@click.option("--show", is_flag=True, help="Show the summary on screen only (logged), writing no file.")
@click.option("--list", "list_only", is_flag=True, help="List the items you could share, and stop.")
@click.option(
    "--prepare",
    is_flag=True,
    help="Print your private preparation sheet for the review (for you alone: not logged), and stop.",
)
@click.option(
    "--yes",
    is_flag=True,
    help="Do not ask: take the items given and write after the preview; refused while a finding holds an item "
    "back or a sensitive topic is not kept (--keep CODE).",
)
@pass_context
def export(
    context: Context,
    engagement_ref: str | None,
    period: str,
    format_: str,
    variant: str,
    includes: tuple[str, ...],
    excludes: tuple[str, ...],
    label: str | None,
    words: tuple[str, ...],
    use_private: tuple[str, ...],
    overrides: tuple[str, ...],
    remember_wordings: bool,
    kept: tuple[str, ...],
    recipient: str | None,
    output: Path | None,
    replace: bool,
    permissions: str,
    readable_by_others: bool,
    show: bool,
    list_only: bool,
    prepare: bool,
    yes: bool,
) -> None:
    """Prepare the sponsor summary: tick items within the agreed level, check them, preview, then write or show.

    Nothing is shared unless ticked: only the period, the number of sessions held and the engagement's label
    for the sponsor (once it has one) start ticked. An item above the sharing level agreed in contracting needs
    --override ITEM, and the summary says so. Nothing leaves while a blocking finding holds a ticked item back
    or a sensitive topic has not been acknowledged: you are asked about each, and --yes refuses until each is
    kept (--keep CODE), reworded or unticked. Wordings written here are kept for the engagement's next
    summaries only if you say so (--remember-wordings, or when asked).
    """
    mode = _permissions(permissions)
    if mode & 0o077 and not show and not list_only and not prepare:
        _confirm_readable_by_others(mode, ask=not yes, confirmed=readable_by_others)
    with context.journal() as journal:
        engagement = find_engagement(journal, engagement_ref)
        for removed in clean_export_folders(journal, resolve_destination(output, "summary", folder=Path.cwd()).parent):
            say(f"Removed an unfinished export left by an interrupted run: {removed.name}")
        session = ExportSession.start(journal, engagement, period)
        session.format = format_
        session.variant = Variant(variant)
        if prepare:
            click.echo(preparation_sheet(session), nl=False)
            return
        _list_items(session.proposal)
        if list_only:
            return
        _choose(session, includes, excludes, label, words, use_private, overrides, ask=not yes)
        session.remember_wordings = remember_wordings or _ask_to_remember(session, ask=not yes)
        for warning in session.check().warnings:
            say(f"Warning: {warning}")
        session.keep(*kept)
        _report(session.check())
        if not _answered(session, ask=not yes):
            say("Nothing was written. Reword the item (--word ITEM=TEXT), untick it, or keep what was found.")
            return
        if show:
            shown, done = session.show(recipient=recipient or "")
            _tell_remembered(done)
            sys.stdout.buffer.write(shown)
            sys.stdout.flush()
            say(f"Shown on screen only; logged as export {short_id(done.record.saved_id)} (no file written).")
            return
        destination = session.destination(output, folder=Path.cwd())
        if destination.exists() and not replace:
            raise ExportExists(f"{destination} already exists; choose another name or pass --replace.")
        data = session.preview()  # exactly what `session.write` writes: rendering is a pure function
        say(f"--- preview: the exact {len(data):,} bytes to be written to {destination} ---")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        say("--- end of preview ---")
        if not yes and not click.confirm(f"Write this summary to {destination}?", err=True):
            say("Nothing was written.")
            return
        done = session.write(destination, recipient=recipient or "", overwrite=replace, mode=mode)
        _tell_remembered(done)
        say(f"Written to {done.record.path} (permissions {mode:03o}), SHA-256 {done.record.sha256}.")
        say("Logged in your journal: see `candour exports`.")


def _ask_to_remember(session: ExportSession, *, ask: bool) -> bool:
    """Whether to keep the wordings written now for the engagement's next summaries: asked, never assumed."""
    if not ask or not session.wording:
        return False
    return click.confirm(
        "Keep the wordings you wrote for this engagement's next summaries? (They stay in your encrypted journal, "
        "for this engagement only.)",
        default=False,
        err=True,
    )


def _confirm_readable_by_others(mode: int, *, ask: bool, confirmed: bool) -> None:
    """A summary others on this computer could read is written only when the coachee says so, on purpose.

    Raises:
        InvalidInput: not confirmed (declined, or --yes without --readable-by-others).
    """
    if confirmed:
        return
    who = "anyone on this computer" if mode & 0o007 else "your group on this computer"
    question = f"Permissions {mode:03o} let {who} read the summary. Write it so?"
    if ask and click.confirm(question, default=False, err=True):
        return
    raise InvalidInput(
        f"Permissions {mode:03o} would let {who} read the summary: pass --readable-by-others to mean it, "
        "or leave the default (600, only you)."
    )


def _permissions(text: str) -> int:
    try:
        mode = int(text, 8)
    except ValueError:
        raise InvalidInput("Permissions are octal digits, e.g. 600 (owner only) or 640.") from None
    if not 0 <= mode <= 0o777:
        raise InvalidInput("Permissions are octal digits from 000 to 777, e.g. 600 (owner only).")
    return mode


def _list_items(proposal: Proposal) -> None:
    level = proposal.level
    say(f"Sharing level agreed for this engagement: {level.name}. {level.description}")
    say(f"Period: {proposal.period.describe()}.")
    say("Items you can share ([x] ticked by default; the text after the arrow is what the sponsor would read):")
    for number, item in enumerate(proposal.items, start=1):
        tick = "x" if item.default else " "
        beyond = f"  [above {level.name}: needs {item.kind.level.name} and --override ITEM]" if item.above_level else ""
        say(f"  [{tick}] {number:>2} {item.short_id:<19} {_describe(item)}{beyond}")
    say("Tick more with --include ITEM (an id above, or 'themes', 'goals', 'statements'); untick with --exclude ITEM.")


def _describe(item: Item) -> str:
    content = item.content
    match item.kind:
        case ItemKind.LABEL:
            if content.text:
                return f'engagement label for the sponsor → "{content.text}"'
            return "engagement label for the sponsor → (none yet: --label TEXT gives one; your title stays private)"
        case ItemKind.COACH:
            return f'your coach\'s name → "{content.text}"'
        case ItemKind.FOCUS | ItemKind.SUPPORT:
            wording = f'"{content.text}"' if content.text else "(not written yet: --word ITEM=TEXT)"
            return f"{item.hint} → {wording}"
        case ItemKind.THEME | ItemKind.GOAL | ItemKind.STATEMENT:
            wording = f'"{content.text}"' if content.text else "(no sponsor wording yet: --word ITEM=TEXT)"
            return f"{item.hint} → {wording} ({describe_detail(content)})"
        case _:
            return content.describe()


def _choose(
    session: ExportSession,
    includes: Sequence[str],
    excludes: Sequence[str],
    label: str | None,
    words: Sequence[str],
    use_private: Sequence[str],
    overrides: Sequence[str],
    *,
    ask: bool,
) -> None:
    """Pass on the coachee's choice, from the options, or asked for when none were given."""
    if ask and not includes and not excludes:
        includes, excludes = _ask_ticks(session.proposal)
    for reference in includes:
        session.tick(reference)
    for reference in excludes:
        session.untick(reference)
    if label is not None:
        session.set_wording("label", label)
        session.tick("label")
    for given in words:
        reference, separator, text = given.partition("=")
        if not separator:
            raise InvalidInput("Give a wording as ITEM=TEXT, e.g. --word theme:3f9a1c2b='Empowering the team'.")
        session.set_wording(reference, text)
    for reference in use_private:
        session.send_private(reference)
    for reference in overrides:
        session.allow_beyond_level(reference)


def _ask_ticks(proposal: Proposal) -> tuple[list[str], list[str]]:
    """Ask which items to tick: numbers or ids; a leading '-' unticks."""
    answer: str = click.prompt(
        "Items to tick (numbers or ids, '-N' to untick; Enter keeps the defaults)", default="", err=True
    )
    includes: list[str] = []
    excludes: list[str] = []
    for word in answer.replace(",", " ").split():
        untick = word.startswith("-")
        word = word.lstrip("-")
        if word.isdigit():
            if not 1 <= int(word) <= len(proposal.items):
                raise InvalidInput(f"There is no item {word}; the list goes from 1 to {len(proposal.items)}.")
            word = proposal.items[int(word) - 1].item_id
        (excludes if untick else includes).append(word)
    return includes, excludes


def _report(check: Check) -> None:
    """Print the findings item by item, and which items are left out."""
    if not check.flags:
        say("The linter found nothing to flag.")
        return
    say("The linter flagged (blocking findings keep their item out until reworded or kept):")
    for flag in check.flags:
        if flag.kept_before:
            state = "kept before"
        elif flag.finding.blocks:
            state = "BLOCKS" if flag.holds_back else "kept"
        else:
            state = "warning"
        say(f"  {flag.item.short_id:<19} {state:<11} {flag.finding.describe()}  [code {flag.code}]")
    for item in check.left_out:
        codes = " ".join(f"--keep {flag.code}" for flag in check.flags if flag.item == item and flag.holds_back)
        say(f"Left out: {item.short_id}. Reword it (--word {item.short_id}=TEXT) or keep what was found ({codes}).")


def _answered(session: ExportSession, *, ask: bool) -> bool:
    """Whether every finding that needs an answer has one (see `Check.unanswered`), asking for each when
    allowed. Without asking (--yes), the session then refuses to write or show while one has none.
    """
    if not ask:
        return True
    for flag in session.check().unanswered:
        what = "holds it back" if flag.holds_back else "is a sensitive topic"
        question = f"{flag.item.short_id}: {flag.finding.describe()} {what}. Share it as written?"
        if not click.confirm(question, default=False, err=True):
            return False
        session.keep(flag.code)
    return True


def _tell_remembered(done: Done) -> None:
    for item in done.reworded:
        say(f"Kept the new sponsor wording of {item.short_id} for this engagement's next summaries.")


# --- the log ------------------------------------------------------------------------------------


@command("exports")
@click.option("--items", "show_items", is_flag=True, help="Also list what each export shared, and its full hash.")
@json_option
@pass_context
def exports(context: Context, show_items: bool, as_json: bool) -> None:
    """The export log: what left the journal, when, for whom, in which format, with a hash of the bytes.

    An entry is logged before its file is written; one whose export stopped before the file was confirmed
    is listed as unconfirmed (the file may or may not be there: its hash tells).
    """
    with context.journal() as journal:
        records = export_log(journal)
        if as_json:  # each entry whole, items and hash included
            echo_document("exports", map(json_item, records))
            return
        if not records:
            click.echo("Nothing has been exported yet.")
            return
        for record in records:
            where = "personal" if record.personal else "screen" if record.shown_only else "file"
            level = "" if record.personal else record.level.name + ("+override" if record.override else "")
            items = f"{len(record.items)} item{'s' if len(record.items) != 1 else ''}"
            path = record.path or ("(standard output)" if record.personal and record.shown_only else "")
            line = (
                f"{short_id(record.saved_id)}  {record.exported_at:%Y-%m-%d %H:%M}  {where:<8}  {record.format:<8}  "
                f"{level:<11}  for {record.recipient or '—'}  {items}  sha256 {record.sha256[:16]}…  {path}"
            )
            click.echo(line.rstrip() + (f"  [{UNCONFIRMED}]" if record.status is ExportStatus.PENDING else ""))
            if record.status is ExportStatus.PENDING:
                click.echo(f"    {UNCONFIRMED}: {UNCONFIRMED_MEANING}.")
            if record.replaced_by:
                click.echo(f"    replaced by export {short_id(record.replaced_by)}, written over the same file")
            if show_items:
                click.echo(f"    sha256 {record.sha256}")
                for line in record.items:
                    click.echo(f"    - {line}")
                for heading, lines in _disclosed(record):
                    click.echo(f"    {heading}:")
                    for line in lines:
                        click.echo(f"      - {line}")


def _disclosed(record: ExportRecord) -> list[tuple[str, tuple[str, ...]]]:
    """What the coachee knowingly let through in an export, under a heading each, as the log recorded it."""
    listed = [
        ("beyond the agreed level, by your choice", record.beyond_level),
        ("findings you kept", record.kept_findings),
        ("warnings you went past", record.warnings),
        ("sent in your private wording", record.private_wordings),
    ]
    return [(heading, lines) for heading, lines in listed if lines]


# --- everything, for the coachee ----------------------------------------------------------------


@command("export-all")
@click.argument("path", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "format_", type=click.Choice(PERSONAL_FORMATS), default="markdown", show_default=True)
@click.option("--replace", is_flag=True, help="Replace the file if it exists.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (the warning is still shown).")
@pass_context
def export_all(context: Context, path: Path, format_: str, replace: bool, yes: bool) -> None:
    """Write everything in the journal to PATH, unencrypted, for your own use (a copy you can read anywhere).

    PATH "-" writes it to standard output instead (for a pipe: `candour export-all - --format json | jq`),
    never to a file named "-".
    """
    to_output = str(path) == "-"
    say(f"WARNING: {WARNING}")
    where = "standard output" if to_output else str(path)
    if not yes and not click.confirm(f"Write an unencrypted copy of your whole journal to {where}?", err=True):
        say("Nothing was written.")
        return
    with context.journal() as journal:
        if to_output:
            data, logged = everything_for_output(journal, format_)
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            say(f"Written to standard output, SHA-256 {logged.sha256}. Logged in your journal.")
            return
        clean_leftovers(path.resolve().parent)
        record = export_everything(journal, format_, path, overwrite=replace)
    say(f"Written to {record.path} (owner-only), SHA-256 {record.sha256}. Logged in your journal.")


# --- confidential terms -------------------------------------------------------------------------


@command("confidential")
@click.argument("terms", nargs=-1)
@click.option("--remove", "removals", multiple=True, metavar="TERM", help="Stop treating a term as confidential.")
@pass_context
def confidential(context: Context, terms: tuple[str, ...], removals: tuple[str, ...]) -> None:
    """Add TERMS the export must never contain (projects, clients); with none, list them."""
    with context.journal() as journal:
        known = {normalize(term.term): term for term in journal.all(ConfidentialTerm)}
        for term in terms:
            if normalize(term.strip()) not in known:
                saved = journal.save(ConfidentialTerm(term))
                known[normalize(saved.term)] = saved
        for term in removals:
            found = known.pop(normalize(term.strip()), None)
            if found is None:
                raise InvalidInput(
                    "That term is not in your confidential terms; list them with `candour confidential`."
                )
            journal.delete(found.saved_id)
        if terms or removals:
            click.echo(
                f"{len(known)} confidential term{'s' if len(known) != 1 else ''}: the export linter blocks them."
            )
            return
        for known_term in sorted(known.values(), key=lambda value: value.term.casefold()):
            click.echo(known_term.term)
        if not known:
            click.echo("No confidential terms yet. Add some with: candour confidential 'Project Atlas' 'Globex'")
