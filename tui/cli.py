"""The `candour` command line: a thin layer over `journal` that turns every failure into a clear message.

Passphrases come from a prompt without echo, or for scripting from
`--passphrase-file PATH` (`-` for standard input) or `CANDOUR_PASSPHRASE` (less safe:
the environment can be read by other programs of the same user). Never from an argument.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from journal import CandourError, JournalExists, Vault, resolve_journal_path
from journal.storage import require_journal_file

PASSPHRASE_ENV = "CANDOUR_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
MIN_PASSPHRASE_LENGTH = 10
EXIT_CANCELLED = 130
EXIT_UNEXPECTED = 70

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every command shares: where the journal is and where passphrases come from."""

    def __init__(self, journal: str | None, passphrase_file: str | None) -> None:
        self.journal_path: Path = resolve_journal_path(journal)
        self.passphrase_file = passphrase_file
        self._file_lines: list[str] | None = None

    def passphrase(self, prompt: str, *, confirm: bool = False) -> str:
        """The next passphrase: from the file (one per line), the environment, or a prompt."""
        if self.passphrase_file is not None:
            if self._file_lines is None:
                from_stdin = self.passphrase_file == "-"  # noqa: S105 - "-" means standard input
                text = sys.stdin.read() if from_stdin else _read_text(Path(self.passphrase_file))
                self._file_lines = text.splitlines()
            if not self._file_lines:
                raise click.UsageError("The passphrase file has no more lines.")
            return self._file_lines.pop(0)
        from_env = os.environ.get(PASSPHRASE_ENV)
        if from_env is not None:
            return from_env
        value: str = click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
        return value


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise click.UsageError(f"Cannot read the passphrase file {path}: {error.strerror}.") from None


pass_context = click.make_pass_decorator(Context)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--journal",
    "journal",
    metavar="PATH",
    help="Journal file to use (default: CANDOUR_JOURNAL, else the user data folder).",
)
@click.option(
    "--passphrase-file", metavar="PATH", help="Read passphrases from PATH, one per line ('-' for standard input)."
)
@click.pass_context
def cli(ctx: click.Context, journal: str | None, passphrase_file: str | None) -> None:
    """Candour: an encrypted journal for coaching sessions, private unless you choose to share."""
    ctx.obj = Context(journal, passphrase_file)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


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
    passphrase = context.passphrase("Choose a passphrase", confirm=True)
    _check_strength(passphrase)
    click.echo("Measuring this machine to set the key-derivation cost...", err=True)
    vault, recovery_key = Vault.create(context.journal_path, passphrase)
    with vault:
        click.echo(f"Created an encrypted journal at {context.journal_path}")
        _show_recovery_key(recovery_key, "Your recovery key (shown only now):")
        click.echo("It opens the journal if you forget your passphrase. Anyone holding it can read your journal.")


@cli.command()
@pass_context
def verify(context: Context) -> None:
    """Check every record and the sealed index; report anything damaged, missing or rolled back."""
    with Vault.unlock(context.journal_path, context.passphrase("Passphrase")) as vault:
        report = vault.verify()
    if report.ok:
        click.echo(f"Journal intact: {report.records_checked} record revisions authenticated.")
        return
    for problem in report.problems:
        click.echo(f"- {problem}", err=True)
    raise SystemExit(4)


@cli.command()
@pass_context
def passwd(context: Context) -> None:
    """Change the passphrase (re-wraps the journal key; nothing else is rewritten)."""
    current = context.passphrase("Current passphrase")
    with Vault.unlock(context.journal_path, current) as vault:
        new = context.passphrase("New passphrase", confirm=True)
        _check_strength(new)
        vault.change_passphrase(current, new)
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
    new = context.passphrase("New passphrase", confirm=True)
    _check_strength(new)
    Vault.recover(context.journal_path, recovery_key, new).close()
    click.echo("Passphrase reset. Your recovery key still works; keep it safe.")


@cli.command("new-recovery-key")
@pass_context
def new_recovery_key(context: Context) -> None:
    """Replace the recovery key (the old one stops working) and show the new one once."""
    with Vault.unlock(context.journal_path, context.passphrase("Passphrase")) as vault:
        _show_recovery_key(vault.regenerate_recovery_key(), "Your new recovery key:")
    click.echo(
        "The old recovery key no longer opens this file. Copies made before today still open with it; "
        "run `candour rotate-keys` if you think it was exposed."
    )


@cli.command("rotate-keys")
@pass_context
def rotate_keys(context: Context) -> None:
    """Re-encrypt the whole journal under a new key; old copies can't read anything written after."""
    passphrase = context.passphrase("Passphrase")
    with Vault.unlock(context.journal_path, passphrase) as vault:
        recovery_key = vault.rotate_keys(passphrase)
        click.echo("Keys rotated: every record was re-encrypted under a new journal key.")
        _show_recovery_key(recovery_key, "Your new recovery key (the old one no longer works):")


def _show_recovery_key(recovery_key: str, title: str) -> None:
    """Print a recovery key at once (before anything else can fail) and flush it to the terminal."""
    click.echo("")
    click.echo(f"{title} write it on paper and keep it somewhere safe.")
    click.echo(f"    {recovery_key}")
    click.echo("")
    sys.stdout.flush()


def _check_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise click.UsageError(
            f"That passphrase is too short to protect a journal: use at least {MIN_PASSPHRASE_LENGTH} "
            "characters — a few unrelated words work well."
        )


def main() -> None:
    """Entry point: run the command line and turn every failure into a message and an exit code.

    No traceback is ever printed: one would show local variables and could carry journal text.
    """
    try:
        cli.main(standalone_mode=False)
    except CandourError as error:
        click.echo(f"candour: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    except click.exceptions.Abort:
        click.echo("\ncandour: cancelled; nothing was changed.", err=True)
        raise SystemExit(EXIT_CANCELLED) from None
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    except KeyboardInterrupt:
        click.echo("\ncandour: interrupted; everything saved before stayed saved.", err=True)
        raise SystemExit(EXIT_CANCELLED) from None
    except SystemExit:
        raise
    except Exception as error:  # the last line of defence against a leaking traceback
        click.echo(
            f"candour: unexpected internal error ({type(error).__name__}). Nothing was written in clear; "
            "your saved entries are safe.",
            err=True,
        )
        raise SystemExit(EXIT_UNEXPECTED) from None


if __name__ == "__main__":
    main()
