"""`candour inspect [JOURNAL]`: prints what a journal file shows to someone who holds it without the passphrase,
as `journal.inspect` reads it. It never asks for a passphrase and never changes the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tui.cli_context import CommandList, Context, pass_context

if TYPE_CHECKING:
    from journal import KdfParams
    from journal.inspect import Bucket, JournalView

COMMANDS = CommandList()


@COMMANDS.command()
@click.argument("journal_file", metavar="[JOURNAL]", required=False, type=click.Path(path_type=Path))
@pass_context
def inspect(context: Context, journal_file: Path | None) -> None:
    """Show what the journal file reveals without its passphrase (never asks for it, changes nothing)."""
    # Imported here: sqlite-utils is needed by this command only, and every other command starts faster without.
    from journal.inspect import inspect_journal

    view = inspect_journal(journal_file or context.journal_path)
    for line in describe(view):
        click.echo(line)


def describe(view: JournalView) -> list[str]:
    """The lines `candour inspect` prints for `view`."""
    lines = [
        f"What anyone holding {view.path} can see without the passphrase:",
        "",
        f"File: {view.file_size:,} bytes, {view.page_count:,} pages of {view.page_size:,} bytes "
        f"({view.free_pages:,} free)",
        f"Format: version {view.format_version}, application id {_application_id(view.application_id)}",
        f"Header, in clear: {_header(view.kdf)}",
    ]
    if view.side_files:
        beside = ", ".join(f"{name} ({size:,} bytes)" for name, size in view.side_files)
        read = "its content is counted below" if view.write_ahead_log_read else "not read: the file alone is counted"
        lines.append(f"Beside it: {beside}; {read}")
    name_width = max((len(table.name) for table in view.tables), default=0)
    lines += ["", "Tables (rows):"]
    lines += [f"  {table.name:<{name_width}}  {table.rows:>9,}" for table in view.tables]
    if view.revisions is not None:
        revisions = view.revisions
        lines += [
            "",
            f"Records: {_count(revisions.records, 'id')}, {_count(revisions.rows, 'revision')} kept, "
            f"highest revision {revisions.highest_revision:,}",
            "Revisions kept per record:",
        ]
        lines += _histogram([("", bucket, _count(bucket.count, "record")) for bucket in revisions.revisions_per_record])
    lines += ["", "Sizes of stored values, in bytes:"]
    lines += _histogram(
        [
            (f"{table.name}.{column.column}" if index == 0 else "", bucket, _sizes(bucket))
            for table in view.tables
            for column in table.sizes
            for index, bucket in enumerate(column.buckets)
        ]
    )
    return lines


def _header(kdf: KdfParams | None) -> str:
    if kdf is None:
        return "not readable by this Candour (damaged, or another version)"
    return (
        f"Argon2id costs (t={kdf.time_cost}, m={kdf.memory_kib:,} KiB, p={kdf.lanes}), a random salt, "
        "and the journal's id, which every copy of this journal shares"
    )


def _application_id(value: int) -> str:
    """In hexadecimal, and as the four characters it spells when they are printable ("CAND" for Candour)."""
    spelled = value.to_bytes(4, "big", signed=value < 0).decode("ascii", errors="replace")
    return f"0x{value & 0xFFFFFFFF:08X}" + (f' ("{spelled}")' if spelled.isprintable() and spelled.isascii() else "")


def _histogram(rows: list[tuple[str, Bucket, str]]) -> list[str]:
    """Aligned lines of (label, bucket, what it holds); a label is given on the first of its buckets only."""
    label_width = max((len(label) for label, _, _ in rows), default=0)
    range_width = max((len(_range(bucket)) for _, bucket, _ in rows), default=0)
    return [
        f"  {label:<{label_width}}  {_range(bucket):>{range_width}}  {held}".rstrip() for label, bucket, held in rows
    ]


def _range(bucket: Bucket) -> str:
    return f"{bucket.low:,}" if bucket.low == bucket.high else f"{bucket.low:,}–{bucket.high:,}"


def _sizes(bucket: Bucket) -> str:
    if bucket.distinct == 1:
        return f"{_count(bucket.count, 'row')}, all of {bucket.smallest:,}"
    return f"{_count(bucket.count, 'row')}, {bucket.distinct:,} sizes from {bucket.smallest:,} to {bucket.largest:,}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
