"""Candour's journal: the encrypted journal file and (soon) the coachee's domain built on it.

Nothing here imports a UI framework; the app and the command line use this API only.
"""

from journal.errors import (
    CandourError,
    DamagedJournal,
    DamagedRecord,
    ForeignFile,
    InvalidInput,
    InvalidRecoveryKey,
    JournalBusy,
    JournalExists,
    JournalLocked,
    JournalNotFound,
    KdfParametersRefused,
    RecordMissing,
    RecordNotFound,
    StorageError,
    UnsupportedFormat,
    WrongPassphrase,
    WrongRecoveryKey,
)
from journal.manifest import IndexEntry
from journal.paths import default_journal_path, resolve_journal_path
from journal.vault import Record, Vault, VerifyReport

__all__ = [
    "CandourError",
    "DamagedJournal",
    "DamagedRecord",
    "ForeignFile",
    "IndexEntry",
    "InvalidInput",
    "InvalidRecoveryKey",
    "JournalBusy",
    "JournalExists",
    "JournalLocked",
    "JournalNotFound",
    "KdfParametersRefused",
    "Record",
    "RecordMissing",
    "RecordNotFound",
    "StorageError",
    "UnsupportedFormat",
    "Vault",
    "VerifyReport",
    "WrongPassphrase",
    "WrongRecoveryKey",
    "default_journal_path",
    "resolve_journal_path",
]
