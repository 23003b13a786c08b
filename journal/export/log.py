"""The export log inside the encrypted journal, and the two ways a summary leaves: a file, or the screen.

Every file written (and every summary shown on screen for a meeting) is logged: when, for whom,
the sharing level, whether it was overridden, the items, the format, and the SHA-256 of the exact
bytes, so the coachee can list what they disclosed and recognise the file later.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from journal.export.render import render
from journal.export.summary import Summary
from journal.export.write import DEFAULT_MODE, clean_leftovers, write_export
from journal.models import ExportRecord
from journal.store import Journal


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` in hex, as the export log records it (compare with `sha256sum FILE`)."""
    return hashlib.sha256(data).hexdigest()


def export_summary(
    journal: Journal,
    summary: Summary,
    format: str,
    destination: Path,
    *,
    recipient: str,
    overwrite: bool = False,
    mode: int = DEFAULT_MODE,
) -> ExportRecord:
    """Write the summary atomically to `destination`, then log it.

    The bytes are `render(summary, format)`: exactly what a preview of the same summary showed.

    Args:
        journal: the unlocked journal (the log is saved in it).
        summary: what the coachee approved (blocked items already left out).
        format: "markdown", "json", "html" or "text".
        destination: the file to create.
        recipient: for whom (the sponsor), as the log shows it.
        overwrite: replace an existing file.
        mode: permission bits of the file (owner-only by default).
    Returns:
        The log entry saved.
    Raises:
        ExportExists, StorageError: see `write_export`; nothing is logged then.
    """
    data = render(summary, format)
    path = write_export(data, destination, overwrite=overwrite, mode=mode)
    return _log(journal, summary, format, data, recipient, path=str(path))


def show_summary(journal: Journal, summary: Summary, format: str, *, recipient: str) -> tuple[bytes, ExportRecord]:
    """Log a summary shown on screen only (for a three-way meeting), without writing any file.

    Returns:
        The bytes to show, and the log entry saved.
    """
    data = render(summary, format)
    return data, _log(journal, summary, format, data, recipient, shown_only=True)


def _log(
    journal: Journal,
    summary: Summary,
    format: str,
    data: bytes,
    recipient: str,
    *,
    path: str = "",
    shown_only: bool = False,
) -> ExportRecord:
    record = ExportRecord(
        exported_at=journal.clock.now().replace(tzinfo=None),
        recipient=recipient,
        format=format,
        sha256=sha256_hex(data),
        items=summary.describe_items(),
        engagement_id=summary.origin.engagement_id,
        level=summary.origin.level,
        override=summary.origin.override,
        path=path,
        shown_only=shown_only,
    )
    return journal.save(record)


def export_log(journal: Journal) -> list[ExportRecord]:
    """Every export logged, newest first."""
    return sorted(journal.all(ExportRecord), key=lambda record: record.exported_at, reverse=True)


def clean_export_folders(journal: Journal, folder: Path) -> list[Path]:
    """Remove what exports killed half-way left behind: in `folder`, and in every folder exported to before.

    Args:
        journal: the unlocked journal (its log names the folders).
        folder: where the next export goes.
    Returns:
        The unfinished files removed.
    """
    folders = {Path(record.path).parent for record in export_log(journal) if record.path}
    folders.add(folder)
    return [removed for each in sorted(folders) for removed in clean_leftovers(each.resolve())]


__all__ = ["clean_export_folders", "export_log", "export_summary", "sha256_hex", "show_summary"]
