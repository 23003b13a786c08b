"""Errors of the export: each says what to do next and never quotes private text."""

from __future__ import annotations

from journal.errors import CandourError, StorageError


class LevelExceeded(CandourError):
    """An item above the sharing level agreed for the engagement was chosen without the explicit override."""


class WordingNeeded(CandourError):
    """An item was chosen that has no wording for the sponsor yet (write one, or choose the private wording)."""


class FindingsUnanswered(CandourError):
    """Asked to write without questions while a blocking finding holds an item back or a sensitive topic has not
    been acknowledged: nothing is dropped or shared silently."""


class ExportExists(CandourError):
    """The destination file exists; an export never replaces a file unless asked to."""


class ExportUnconfirmed(StorageError):
    """The file was written, but the journal refused to confirm its log entry: the entry stays unconfirmed."""


__all__ = ["ExportExists", "ExportUnconfirmed", "FindingsUnanswered", "LevelExceeded", "WordingNeeded"]
