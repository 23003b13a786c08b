"""The man pages: generated from the click commands, committed in tui/man, and readable by `man`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from tui.cli import cli
from tui.manpages import write_man_pages

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "tui" / "man"
REGENERATE = "run `python -m tui.manpages` and commit tui/man/"

MACROS = (".TH ", ".SH ", ".B ", ".PP", ".TP", ".nf", ".fi")
"""The roff requests the pages use: click-man's, and no-fill around click's `\\b` paragraphs."""


def _documented(command: click.Command = cli, ctx: click.Context | None = None) -> dict[str, list[str]]:
    """Every page there should be (`candour`, `candour-add`, `candour-new-engagement`, …), with the subcommands it
    lists (none for a plain command), found as `--help` finds them: lazily loaded ones included, hidden ones not."""
    ctx = ctx or click.Context(command, info_name="candour")
    page = ctx.command_path.replace(" ", "-")
    if not isinstance(command, click.Group):
        return {page: []}
    pages: dict[str, list[str]] = {page: []}
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            pages[page].append(name)
            pages |= _documented(sub, click.Context(sub, info_name=name, parent=ctx))
    return pages


def test_the_committed_pages_are_those_the_commands_give(tmp_path: Path) -> None:
    """A command added, removed or changed without regenerating the pages fails here."""
    write_man_pages(tmp_path)
    fresh = {path.name: path.read_bytes() for path in sorted(tmp_path.iterdir())}
    committed = {path.name: path.read_bytes() for path in sorted(COMMITTED.glob("*.1"))}
    missing, extra = sorted(fresh.keys() - committed.keys()), sorted(committed.keys() - fresh.keys())
    assert not missing and not extra, (
        f"pages missing from tui/man: {missing}, pages of no command: {extra}; {REGENERATE}"
    )
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"pages out of date with the commands: {changed}; {REGENERATE}"


def test_regenerating_gives_the_same_bytes(tmp_path: Path) -> None:
    """No date nor anything else that changes from one run to the next."""
    first, second = tmp_path / "first", tmp_path / "second"
    write_man_pages(first)
    write_man_pages(second)
    assert [(path.name, path.read_bytes()) for path in sorted(first.iterdir())] == [
        (path.name, path.read_bytes()) for path in sorted(second.iterdir())
    ]


def test_every_command_has_a_page_that_lists_its_subcommands() -> None:
    documented = _documented()
    assert {"candour", "candour-add", "candour-export", "candour-new", "candour-new-engagement"} <= documented.keys()
    assert sorted(path.stem for path in COMMITTED.glob("*.1")) == sorted(documented), REGENERATE
    for page, subcommands in documented.items():
        text = (COMMITTED / f"{page}.1").read_text(encoding="utf-8")
        listed = re.findall(r"^\\fB([^\\]+)\\fP$", text.partition(".SH COMMANDS")[2], flags=re.MULTILINE)
        assert listed == subcommands, page
        for name in subcommands:
            assert f"\\fB{page}-{name}(1)\\fP" in text, (page, name)


def test_help_text_never_reads_as_roff_requests() -> None:
    """A help line starting with `.` or `'` would be taken for a request and vanish from the page."""
    for path in sorted(COMMITTED.glob("*.1")):
        text = path.read_text(encoding="utf-8")
        requests = [line for line in text.splitlines() if line.startswith((".", "'")) and not line.startswith(MACROS)]
        assert not requests, path.name
        assert not re.search(r"[\x00-\x09\x0b-\x1f]", text), path.name


@pytest.mark.skipif(shutil.which("man") is None, reason="no `man` command here")
def test_man_renders_the_page() -> None:
    env = {**os.environ, "MANWIDTH": "80", "LC_ALL": "C", "MANPAGER": "cat", "PAGER": "cat"}
    env.pop("MAN_KEEP_FORMATTING", None)
    result = subprocess.run(
        ["man", "-l", str(COMMITTED / "candour.1")], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    page = re.sub(r"\x1b\[[0-9;]*m", "", re.sub(r".\x08", "", result.stdout))
    lines = page.splitlines()
    assert lines[0].split() == ["CANDOUR(1)", "candour", "Manual", "CANDOUR(1)"]
    assert all(len(line) <= 80 for line in lines)
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS"):
        assert heading in lines
    assert "candour - Candour: an encrypted journal for coaching..." in page
    shown = {line.strip() for line in page.partition("\nCOMMANDS\n")[2].splitlines()}
    missing = [name for name in _documented()["candour"] if name not in shown]
    assert not missing
    assert "--passphrase-file PATH" in page
