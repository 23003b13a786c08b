"""The `candour` command line: a thin layer over `journal` that turns every failure into a clear message.

Passphrases come from a prompt without echo, or for scripting from
`--passphrase-file PATH` (`-` for standard input) or `CANDOUR_PASSPHRASE` (less safe:
the environment can be read by other programs of the same user). Never from an argument.
Text is never handed to an external editor: its swap and backup files would hold it in clear.

This module holds the group, the commands that manage the journal file and its keys,
and `main`; the commands that write entries are in `tui.cli_writing`, those that read them in `tui.cli_reading`,
`candour inspect` (what the file shows without its passphrase) in `tui.cli_inspect`.
"""

from __future__ import annotations

import select
import sys
from pathlib import Path

import click

from journal import (
    CandourError,
    InvalidInput,
    Journal,
    JournalExists,
    SystemClock,
    draw_recovery_key,
    probe_journal,
    recovery_key_matches,
    require_journal_file,
)
from journal.process import forbid_core_dumps
from tui import cli_inspect, cli_reading, cli_writing
from tui.cli_context import Context, KdfSettings, pass_context
from tui.exit_codes import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_DAMAGED,
    EXIT_FAILURE,
    EXIT_INTERNAL_ERROR,
    EXIT_SUCCESS,
    exit_code_for,
)


class CandourGroup(click.Group):
    """The `candour` group, whose export commands are imported only when one of them runs (or help lists them):
    the summary's renderers, linter and word lists would add a noticeable share to every other command's start."""

    LAZY_COMMANDS = ("export", "exports", "export-all", "confidential")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY_COMMANDS and cmd_name not in self.commands:
            from tui import cli_export

            for command in cli_export.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=CandourGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--journal",
    "journal",
    metavar="PATH",
    help="Journal file to use (default: CANDOUR_JOURNAL, else the user data folder).",
)
@click.option(
    "--passphrase-file", metavar="PATH", help="Read passphrases from PATH, one per line ('-' for standard input)."
)
@click.version_option(package_name="candour", prog_name="candour", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, journal: str | None, passphrase_file: str | None) -> None:
    """Candour: an encrypted journal for coaching sessions, private unless you choose to share.

    Run without a command in a terminal to open the app.
    """
    kdf = ctx.obj if isinstance(ctx.obj, KdfSettings) else KdfSettings()
    ctx.obj = Context(journal, passphrase_file, kdf)
    if ctx.invoked_subcommand is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # From a script or a pipe the app would wait for keys no one can type: explain the commands instead.
            click.echo(ctx.get_help())
            click.echo("candour: the app needs a terminal; from a script, run one of the commands above.", err=True)
            raise SystemExit(EXIT_BAD_INPUT)
        run_app(ctx.obj)


def run_app(context: Context, demo_passphrase: str | None = None) -> None:
    """Open the app (the only path that imports the UI framework) and pass on its exit status."""
    from tui.app import make_app

    app = make_app(
        context.journal_path,
        kdf=context.kdf.params,
        limits=context.kdf.limits,
        demo_passphrase=demo_passphrase,
    )
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)


@cli.command()
@pass_context
def demo(context: Context) -> None:
    """Open a new demo journal with sample content (its passphrase is shown), to look around safely; it is
    removed when you quit."""
    # Imported here: only this command needs them, and every other command starts faster without.
    import shutil
    import tempfile

    from journal.demo import DEMO_PASSPHRASE, create_demo

    folder = Path(tempfile.mkdtemp(prefix="candour-demo-"))  # private to this user (0700), new each time
    try:
        context.journal_path = folder / "demo.candour"
        click.echo("Creating a demo journal (removed when you quit)…", err=True)
        create_demo(context.journal_path, SystemClock(), kdf=context.kdf.params, limits=context.kdf.limits).close()
        click.echo(f"Demo journal passphrase: {DEMO_PASSPHRASE}", err=True)
        run_app(context, demo_passphrase=DEMO_PASSPHRASE)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


COMPLETION_SHELLS = ("bash", "zsh", "fish")

COMPLETION_VARIABLE = "_CANDOUR_COMPLETE"
"""The environment variable click's shell completion answers through (`_<PROG>_COMPLETE`)."""


@cli.command()
@click.argument("shell", type=click.Choice(COMPLETION_SHELLS))
def completion(shell: str) -> None:
    """Print the shell code that completes candour's commands and options, to load in SHELL's start-up file.

    \b
    bash:  eval "$(candour completion bash)"    in ~/.bashrc
    zsh:   eval "$(candour completion zsh)"     in ~/.zshrc
    fish:  candour completion fish > ~/.config/fish/completions/candour.fish
    """
    # click's own completion (`_CANDOUR_COMPLETE=bash_source candour` prints the same): no journal is opened,
    # and nothing of the journal is ever completed, only commands, options and choices.
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # every shell in COMPLETION_SHELLS has one
    click.echo(completer(cli, {}, "candour", COMPLETION_VARIABLE).source())


@cli.command()
@pass_context
def where(context: Context) -> None:
    """Print where the journal file is."""
    click.echo(str(context.journal_path))


@cli.command()
@pass_context
def init(context: Context) -> None:
    """Create a new journal: choose a passphrase, receive a recovery key (shown once)."""
    if context.journal_path.exists():
        raise JournalExists(f"A journal already exists at {context.journal_path}; it was not touched.")
    passphrase = context.new_passphrase("Choose a passphrase")
    if context.kdf.params is None:
        click.echo("Measuring this machine to set the key-derivation cost...", err=True)
    # Created noting the key as unconfirmed (in the same transaction) until it is on the terminal: if it never
    # gets there (an interrupt, a kill, a failed write), the app offers a new key at the next unlock instead of
    # leaving nobody holding one.
    journal, recovery_key = Journal.create(
        context.journal_path,
        passphrase,
        kdf=context.kdf.params,
        limits=context.kdf.limits,
        recovery_key_confirmed=False,
    )
    with journal:
        click.echo(f"Created an encrypted journal at {context.journal_path}")
        _show_recovery_key(recovery_key, "Your recovery key (shown only now):")
        journal.note_recovery_key_confirmed()
        click.echo("It opens the journal if you forget your passphrase. Anyone holding it can read your journal.")
        click.echo('Next: candour new engagement "Leadership coaching" --coach NAME --sponsor ORGANISATION')


@cli.command()
@pass_context
def verify(context: Context) -> None:
    """Check every record and the sealed index; report anything damaged, missing or rolled back."""
    with context.journal() as journal:
        report = journal.verify()
        # Links are checked only in a journal whose records all open: reading them needs that.
        dangling = journal.dangling_links() if report.ok else []
    if report.ok and not dangling:
        click.echo(f"Journal intact: {report.records_checked} record revisions authenticated.")
        return
    for problem in report.problems:
        click.echo(f"- {problem}", err=True)
    for value, kind, missing in dangling:
        click.echo(f"- {value.KIND} {value.saved_id[:8]} links to {kind} {missing[:8]}, which is gone.", err=True)
    raise SystemExit(EXIT_DAMAGED)


@cli.command()
@pass_context
def passwd(context: Context) -> None:
    """Change the passphrase (re-wraps the journal key; nothing else is rewritten)."""
    current = context.passphrase("Current passphrase")
    with Journal.open_to_change_keys(context.journal_path, current, limits=context.kdf.limits) as keys:
        keys.change_passphrase(context.new_passphrase("New passphrase"))
    click.echo(
        "Passphrase changed. The old one no longer opens this file, but still opens copies made before; "
        "run `candour rotate-keys` if you think it was exposed."
    )


@cli.command()
@pass_context
def recover(context: Context) -> None:
    """Open the journal with the recovery key and set a new passphrase."""
    require_journal_file(context.journal_path)
    if context.passphrase_file is None:
        recovery_key: str = click.prompt("Recovery key", hide_input=True)  # keep it out of scrollback
    else:
        recovery_key = context.passphrase("Recovery key")  # the file's first line
    new = context.new_passphrase("New passphrase")
    Journal.recover(context.journal_path, recovery_key, new, limits=context.kdf.limits).close()
    click.echo("Passphrase reset. Your recovery key still works; keep it safe.")


@cli.command("new-recovery-key")
@pass_context
def new_recovery_key(context: Context) -> None:
    """Replace the recovery key: the new one is shown, typed back, and only then replaces the old one."""
    passphrase = context.passphrase("Passphrase")
    with Journal.open_to_change_keys(context.journal_path, passphrase, limits=context.kdf.limits) as keys:
        keys.refuse_if_read_only("replace the recovery key")  # before a key is shown that could not be saved
        recovery_key = draw_recovery_key()
        _show_recovery_key(recovery_key, "Your new recovery key (it replaces the old one once you type it back):")
        _check_typed_back(context, recovery_key)
        keys.new_recovery_key(recovery_key)  # noted as confirmed in the same transaction
    click.echo(
        "The new recovery key is in force; the old one no longer opens this file. Copies made before today "
        "still open with it; run `candour rotate-keys` if you think it was exposed."
    )


@cli.command("rotate-keys")
@pass_context
def rotate_keys(context: Context) -> None:
    """Re-encrypt the whole journal under a new key; old copies can't read anything written after."""
    passphrase = context.passphrase("Passphrase")
    with Journal.open_to_change_keys(context.journal_path, passphrase, limits=context.kdf.limits) as keys:
        keys.refuse_if_read_only("rotate the journal keys")
        recovery_key = draw_recovery_key()
        _show_recovery_key(recovery_key, "Your new recovery key (in force once you type it back and the keys rotate):")
        _check_typed_back(context, recovery_key)
        keys.rotate_keys(recovery_key)  # noted as confirmed in the same transaction
    click.echo(
        "Keys rotated: every record was re-encrypted under a new journal key. The old recovery key no longer works."
    )


RECOVERY_KEY_ATTEMPTS = 3
"""Tries at a prompt to type a new recovery key back; input from a file or a script gets one."""


def _check_typed_back(context: Context, recovery_key: str) -> None:
    """Have the new recovery key typed back before it replaces the old one, so the key that works is always one
    the user has seen.

    Raises:
        InvalidInput: it was not typed back right; nothing was changed.
    """
    attempts = 1 if context.passphrase_file is not None else RECOVERY_KEY_ATTEMPTS
    for attempt in range(1, attempts + 1):
        if recovery_key_matches(recovery_key, context.typed_back("Type the new recovery key back to confirm it")):
            return
        if attempt < attempts:
            click.echo("That is not the key shown; look again at your copy.", err=True)
    raise InvalidInput(
        "The recovery key typed back is not the one shown, so nothing was changed: your old recovery key still "
        "works. Throw away the copy of the new one."
    )


@cli.command()
@pass_context
def repair(context: Context) -> None:
    """Rebuild the sealed index and the caches from the records that open, after a copy of the file beside it."""
    probe_journal(context.journal_path)
    journal, report = Journal.repair(context.journal_path, context.passphrase("Passphrase"), limits=context.kdf.limits)
    with journal:
        verified = journal.verify()
    click.echo(f"The journal as it was is copied beside it, as {report.backup.name}.")
    click.echo(f"The sealed index was rebuilt from {report.records} records; the caches are rebuilt as they are used.")
    for record_id, revision in report.dropped_revisions:
        click.echo(
            f"- Revision {revision} of record {record_id[:8]} did not open, or was not the one its later revision "
            "names: it was left out (the copy still holds it).",
            err=True,
        )
    for record_id in report.lost_records:
        click.echo(f"- Record {record_id[:8]}: none of its revisions could be read; only the copy holds it.", err=True)
    if not verified.ok:
        for problem in verified.problems:
            click.echo(f"- {problem}", err=True)
        raise SystemExit(EXIT_DAMAGED)
    click.echo(f"Journal intact after the repair: {verified.records_checked} record revisions authenticated.")


@cli.command()
@click.argument("destination", type=click.Path(path_type=Path))
@pass_context
def backup(context: Context, destination: Path) -> None:
    """Write a consistent encrypted copy of the journal to DESTINATION (same passphrase and recovery key)."""
    if destination.is_dir():
        destination = destination / context.journal_path.name
    if destination.exists():  # said before the passphrase is asked; the copy itself never overwrites either
        raise JournalExists(f"{destination} already exists; choose a new name (nothing was overwritten).")
    with context.journal() as journal:
        journal.backup(destination)
    click.echo(f"Encrypted backup written to {destination} (readable only with your passphrase or recovery key).")


def _show_recovery_key(recovery_key: str, title: str) -> None:
    """Print a recovery key at once (before anything else can fail) and flush it to the terminal."""
    click.echo("")
    click.echo(f"{title} write it on paper and keep it somewhere safe.")
    click.echo(f"    {recovery_key}")
    click.echo("")
    sys.stdout.flush()


for _command in (*cli_writing.COMMANDS, *cli_reading.COMMANDS, *cli_inspect.COMMANDS):
    cli.add_command(_command)


def main(argv: list[str] | None = None, *, kdf: KdfSettings | None = None) -> None:
    """Entry point: run the command line and turn every failure into a message and an exit code
    (`tui.exit_codes`, listed in the README).

    No traceback is ever printed: one would show local variables and could carry journal text.
    Every `candour` process, the app too, starts here, and first forbids core dumps (`journal.process`).

    Args:
        argv: the arguments (default: the process's).
        kdf: key-derivation costs; only the project's tests pass cheaper ones.
    """
    try:
        forbid_core_dumps()
        cli.main(args=argv, standalone_mode=False, obj=kdf or KdfSettings())
    except CandourError as error:
        click.echo(f"candour: {error}", err=True)
        raise SystemExit(exit_code_for(type(error))) from None
    except click.exceptions.Abort:
        click.echo("\ncandour: cancelled; nothing was changed.", err=True)
        raise SystemExit(EXIT_CANCELLED) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except KeyboardInterrupt:
        click.echo("\ncandour: interrupted; everything saved before stayed saved.", err=True)
        raise SystemExit(EXIT_CANCELLED) from None
    except BrokenPipeError:
        # `candour list | head`: the reader left; not an error worth a message.
        sys.stderr.close()
        raise SystemExit(EXIT_SUCCESS) from None
    except SystemExit as leaving:
        if leaving.code == EXIT_FAILURE and _reader_left():
            raise SystemExit(EXIT_SUCCESS) from None  # as for BrokenPipeError above
        raise
    except Exception as error:  # the last line of defence against a leaking traceback
        click.echo(
            f"candour: unexpected internal error ({type(error).__name__}). Nothing was written in clear; "
            "your saved entries are safe.",
            err=True,
        )
        raise SystemExit(EXIT_INTERNAL_ERROR) from None


def _reader_left() -> bool:
    """Whether standard output is a pipe whose reader has gone (`candour show ID | head -1`).

    Click turns the broken pipe of a command's output into exit status 1 before `main` sees it; the
    pipe itself tells the two apart: its write end reports an error once no one reads the other end.
    """
    try:
        poller = select.poll()
        poller.register(sys.__stdout__.fileno() if sys.__stdout__ else -1, select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError):
        return False


if __name__ == "__main__":
    main()
