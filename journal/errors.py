"""Errors the journal raises, on top of the crypto hierarchy; every one has a readable message."""

from __future__ import annotations

from crypto.errors import (
    CandourError,
    DamagedJournal,
    DamagedRecord,
    ForeignFile,
    InvalidInput,
    InvalidRecoveryKey,
    KdfParametersRefused,
    NotEnoughMemory,
    UnsupportedFormat,
    WrongPassphrase,
    WrongRecoveryKey,
)


class JournalNotFound(CandourError):
    """There is no journal at the path (or its creation never completed)."""


class JournalExists(CandourError):
    """Creating a journal where one already exists; it is never overwritten."""


class JournalBusy(CandourError):
    """Another Candour process has the journal open."""


class JournalChanged(JournalBusy):
    """Another program wrote the journal while it was open here; the write was refused and the index read again."""


class RecordInUse(InvalidInput):
    """A record others link to cannot be deleted or erased: the message names what links to it."""


class RecordNotFound(CandourError):
    """No record with that id (it never existed, or was purged)."""


class RecordMissing(DamagedJournal):
    """The sealed index lists a record revision that is not in the file: deleted or rolled back."""

    def __init__(self, record_id: str, detail: str) -> None:
        self.record_id = record_id
        super().__init__(f"Record {record_id} {detail}. The journal file was altered or partly restored.")


class StorageError(CandourError):
    """The disk refused a write (full, read-only, unwritable folder); nothing committed was lost."""


class ReadOnlyJournal(StorageError):
    """The journal can only be read (read-only disk, folder or file): a write was refused, nothing changed."""


class JournalLocked(CandourError):
    """The journal was locked; unlock it again to continue."""


__all__ = [
    "CandourError",
    "DamagedJournal",
    "DamagedRecord",
    "ForeignFile",
    "InvalidInput",
    "InvalidRecoveryKey",
    "JournalBusy",
    "JournalChanged",
    "JournalExists",
    "JournalLocked",
    "JournalNotFound",
    "KdfParametersRefused",
    "NotEnoughMemory",
    "ReadOnlyJournal",
    "RecordMissing",
    "RecordNotFound",
    "StorageError",
    "UnsupportedFormat",
    "WrongPassphrase",
    "WrongRecoveryKey",
]
