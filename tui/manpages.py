"""Man pages for the `candour` command line, generated from its click commands with click-man.

`write_man_pages(folder)` writes `candour.1` and one page per subcommand (`candour-add.1`,
`candour-new-engagement.1`, …) into `folder`, from the same help texts as `--help`, so the two never drift apart.
`python -m tui.manpages` regenerates the committed pages in `tui/man/`, which the package installs under
`share/man/man1`; a test fails when they no longer match the commands.

The pages are byte-identical from run to run: commands come in the order `--help` lists them (the lazily loaded
export commands included, hidden ones left out), the date click-man would stamp on each page is left blank, and
files are written as UTF-8 whatever the locale. Help texts are escaped for roff on their way in (backslashes, dashes,
lines starting with `.` or `'`, click's `\\b` paragraphs), which click-man leaves to the caller.

click-man is a development tool (the `test` extra), imported only when pages are written.
"""

from __future__ import annotations

import copy
import inspect
from importlib.metadata import version
from pathlib import Path

import click

from tui.cli import cli

MAN_FOLDER = Path(__file__).resolve().parent / "man"
"""Where the committed pages live (installed under share/man/man1)."""

NO_DATE = " "
"""The date field of each page's `.TH` line: left blank, as click-man would otherwise write today's date and every
regeneration would change every page. The version beside it says which release a page describes."""


def _roff_text(text: str) -> str:
    """Help text as roff: backslashes and dashes escaped, lines that roff would read as requests (a leading `.` or
    `'`) kept as text, and click's `\\b` paragraphs (not rewrapped) kept as they are laid out."""
    lines = inspect.cleandoc(text.partition("\f")[0]).replace("\\", "\\e").replace("-", "\\-").splitlines()
    out: list[str] = []
    unfilled = False
    for line in lines:
        if line.strip() == "\b":
            out.append(".nf")
            unfilled = True
            continue
        if unfilled and not line.strip():
            out.append(".fi")
            unfilled = False
        out.append("\\&" + line if line.startswith((".", "'")) else line)
    if unfilled:
        out.append(".fi")
    return "\n".join(out)


def _as_documented(command: click.Command, ctx: click.Context) -> click.Command:
    """A copy of `command` whose help texts are roff, and (for a group) whose subcommands are all present, in the
    order `--help` lists them, without hidden ones. The command line itself is left untouched."""
    documented = copy.copy(command)
    documented.help = _roff_text(command.help or "")
    documented.short_help = _roff_text(command.get_short_help_str(limit=45))
    documented.params = []
    for param in command.params:
        shown = copy.copy(param)
        if isinstance(shown, click.Option) and shown.help:
            shown.help = _roff_text(shown.help)
        documented.params.append(shown)
    if isinstance(command, click.Group) and isinstance(documented, click.Group):
        documented.commands = {}
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                sub_ctx = click.Context(sub, info_name=name, parent=ctx)
                documented.commands[name] = _as_documented(sub, sub_ctx)
    return documented


def write_man_pages(folder: Path) -> list[Path]:
    """Write the man pages of `candour` and all its subcommands into `folder` (created if needed); return their
    paths, `candour.1` first."""
    from click_man.core import generate_man_page

    folder.mkdir(parents=True, exist_ok=True)
    release = version("candour")
    written: list[Path] = []

    def write(command: click.Command, name: str, parent: click.Context | None) -> None:
        ctx = click.Context(command, info_name=name, parent=parent)
        page: str = generate_man_page(ctx, version=release, date=NO_DATE)
        stem = ctx.command_path.replace(" ", "-")
        # click-man refers a nested group's subcommands to `candour new-theme(1)`; their pages are candour-new-theme.1
        page = page.replace(f"See \\fB{ctx.command_path}-", f"See \\fB{stem}-")
        path = folder / f"{stem}.1"
        path.write_text(page, encoding="utf-8", newline="\n")
        written.append(path)
        for sub_name, sub in getattr(command, "commands", {}).items():
            write(sub, sub_name, ctx)

    write(_as_documented(cli, click.Context(cli, info_name="candour")), "candour", None)
    return written


def main() -> None:
    """Regenerate the committed pages in `tui/man/`, removing those of commands that no longer exist."""
    written = set(write_man_pages(MAN_FOLDER))
    for stale in sorted(set(MAN_FOLDER.glob("*.1")) - written):
        stale.unlink()
        click.echo(f"removed {stale.name}")
    click.echo(f"wrote {len(written)} man pages in {MAN_FOLDER}")


if __name__ == "__main__":
    main()
