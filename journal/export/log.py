"""The export log inside the encrypted journal, and the two ways a summary leaves: a file, or the screen.

Every file written (and every summary shown on screen for a meeting) is logged: when, for whom,
the sharing level, the items, each item let in above that level, the findings kept, the warnings
gone past, the items sent in private wording, the format, and the SHA-256 of the exact bytes, so
the coachee can list what they disclosed and recognise the file later. An entry whose file a later
export wrote over says which export replaced it.

Written means logged: the entry is committed as pending before the file is written, and confirmed
once the file is in place. A journal that cannot take the entry stops the export before any file
exists; a write that fails removes the entry again; an export stopped between the two (killed, or
the journal refusing the confirmation) leaves a pending entry, listed as unconfirmed, whose hash
tells whether a file found later is the one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from journal.errors import CandourError, StorageError
from journal.export.errors import ExportUnconfirmed
from journal.export.render import render
from journal.export.summary import Summary
from journal.export.write import DEFAULT_MODE, check_destination, clean_leftovers, write_export
from journal.models import ExportRecord, ExportStatus
from journal.store import Journal

UNCONFIRMED = "unconfirmed"
"""How the log shows a pending entry: the file may or may not have been written."""

UNCONFIRMED_MEANING = (
    "the export stopped before it could confirm that the file was written; "
    "a file there whose SHA-256 is this entry's is the one exported"
)
"""What an unconfirmed entry means, for the log's readers."""


@dataclass(frozen=True)
class Disclosure:
    """What the coachee knowingly let through, as the log records it beside the items."""

    beyond_level: tuple[str, ...] = ()
    """Items let in above the agreed level (as the log lists items)."""
    kept_findings: tuple[str, ...] = ()
    """Findings of the linter kept, in words."""
    warnings: tuple[str, ...] = ()
    private_wordings: tuple[str, ...] = ()
    """Items sent in the journal's private wording."""


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
    disclosure: Disclosure = Disclosure(),
    overwrite: bool = False,
    mode: int = DEFAULT_MODE,
) -> ExportRecord:
    """Log the summary as pending, write it atomically to `destination`, then confirm the entry.

    The bytes are `render(summary, format)`: exactly what a preview of the same summary showed.

    Args:
        journal: the unlocked journal (the log is saved in it).
        summary: what the coachee approved (blocked items already left out).
        format: "markdown", "json", "html" or "text".
        destination: the file to create.
        recipient: for whom (the sponsor), as the log shows it.
        disclosure: what the coachee knowingly let through, for the log.
        overwrite: replace an existing file.
        mode: permission bits of the file (owner-only by default).
    Returns:
        The log entry saved, written.
    Raises:
        ExportExists, StorageError: see `write_logged`.
    """
    data = render(summary, format)
    entry = _entry(journal, summary, format, data, recipient, disclosure, shown_only=False)
    return write_logged(journal, entry, data, destination, overwrite=overwrite, mode=mode)


def write_logged(
    journal: Journal,
    entry: ExportRecord,
    data: bytes,
    destination: Path,
    *,
    overwrite: bool = False,
    mode: int = DEFAULT_MODE,
) -> ExportRecord:
    """Write `data` to `destination`, logged first: no file exists without its entry.

    Args:
        journal: the unlocked journal (the log is saved in it).
        entry: what to log (when, for whom, the items); its path, hash and status are set here.
        data: the exact bytes.
        destination, overwrite, mode: as `write_export`.
    Returns:
        The entry saved, confirmed written.
    Raises:
        ExportExists, StorageError: refused before anything was logged or written (see `check_destination`);
            the journal could not take the entry (nothing was written); or the file could not be written (its
            entry removed, or, if the journal refused even that, left unconfirmed, as the message says).
        ExportUnconfirmed: the file is written, but the journal refused to confirm its entry (left unconfirmed).
    """
    path = check_destination(destination, overwrite=overwrite, mode=mode)
    pending = replace(entry, path=str(path), sha256=sha256_hex(data), shown_only=False, status=ExportStatus.PENDING)
    try:
        logged = journal.save(pending)
    except StorageError as error:
        raise StorageError(f"Nothing was written to {path}: the export could not be logged first. {error}") from None
    try:
        write_export(data, path, overwrite=overwrite, mode=mode)
    except CandourError as error:
        try:
            journal.purge(logged.saved_id)  # nothing left the journal, and the log says only what did
        except CandourError:
            raise StorageError(
                f"{error} The journal refused to remove its entry: your export log lists it as {UNCONFIRMED}."
            ) from None
        raise
    try:
        return _confirm(journal, logged)
    except CandourError as error:
        raise ExportUnconfirmed(
            f"Written to {path} (SHA-256 {logged.sha256}), but the journal could not confirm it, so your export "
            f"log lists it as {UNCONFIRMED}. {error}"
        ) from None


def _confirm(journal: Journal, logged: ExportRecord) -> ExportRecord:
    """Mark the entry written and, in the same transaction, earlier entries of the same file as replaced by it."""
    with journal.transaction("confirm the export in your log"):
        for earlier in journal.all(ExportRecord):
            if earlier.path == logged.path and earlier.record_id != logged.record_id and not earlier.replaced_by:
                journal.save(replace(earlier, replaced_by=logged.saved_id))
        return journal.save(replace(logged, status=ExportStatus.WRITTEN))


def show_summary(
    journal: Journal, summary: Summary, format: str, *, recipient: str, disclosure: Disclosure = Disclosure()
) -> tuple[bytes, ExportRecord]:
    """Log a summary shown on screen only (for a three-way meeting), without writing any file.

    Returns:
        The bytes to show, and the log entry saved.
    """
    data = render(summary, format)
    return data, journal.save(_entry(journal, summary, format, data, recipient, disclosure, shown_only=True))


def _entry(
    journal: Journal,
    summary: Summary,
    format: str,
    data: bytes,
    recipient: str,
    disclosure: Disclosure,
    *,
    shown_only: bool,
) -> ExportRecord:
    """The log entry of `data`, shown now or (once `write_logged` names its file) written."""
    return ExportRecord(
        exported_at=journal.clock.now().replace(tzinfo=None),
        recipient=recipient,
        format=format,
        sha256=sha256_hex(data),
        items=summary.describe_items(),
        engagement_id=summary.origin.engagement_id,
        level=summary.origin.level,
        override=summary.origin.override,
        shown_only=shown_only,
        beyond_level=disclosure.beyond_level,
        kept_findings=disclosure.kept_findings,
        warnings=disclosure.warnings,
        private_wordings=disclosure.private_wordings,
    )


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


__all__ = [
    "UNCONFIRMED",
    "UNCONFIRMED_MEANING",
    "Disclosure",
    "clean_export_folders",
    "export_log",
    "export_summary",
    "sha256_hex",
    "show_summary",
    "write_logged",
]
