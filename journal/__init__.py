"""Candour's journal: the encrypted journal file and the coachee's domain built on it.

Nothing here imports a UI framework; the app and the command line use this API only.
"""

from crypto import DEFAULT_LIMITS as DEFAULT_KDF_LIMITS
from crypto import KdfLimits, KdfParams
from journal.clock import Clock, FixedClock, SystemClock
from journal.dates import DateRange, format_day, parse_day, parse_range
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
from journal.importers import ImportBatch, ImportedEntry, read_import
from journal.manifest import IndexEntry
from journal.models import (
    AFTER_SESSION,
    BETWEEN_SESSIONS,
    MAX_TITLE_LENGTH,
    Action,
    CheckIn,
    Engagement,
    Goal,
    GoalStatus,
    Model,
    Person,
    Reflection,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    Template,
    Theme,
)
from journal.passphrase import Strength, WeakPassphrase, assess_passphrase, require_strong_passphrase
from journal.paths import default_journal_path, resolve_journal_path
from journal.search import SearchFilters, SearchHit, normalize
from journal.storage import require_journal_file
from journal.store import EngagementProgress, Journal, PrepDigest, section
from journal.vault import Record, Vault, VerifyReport

__all__ = [
    "AFTER_SESSION",
    "BETWEEN_SESSIONS",
    "DEFAULT_KDF_LIMITS",
    "MAX_TITLE_LENGTH",
    "Action",
    "CandourError",
    "CheckIn",
    "Clock",
    "DamagedJournal",
    "DamagedRecord",
    "DateRange",
    "Engagement",
    "EngagementProgress",
    "FixedClock",
    "ForeignFile",
    "Goal",
    "GoalStatus",
    "ImportBatch",
    "ImportedEntry",
    "IndexEntry",
    "InvalidInput",
    "InvalidRecoveryKey",
    "Journal",
    "JournalBusy",
    "JournalExists",
    "JournalLocked",
    "JournalNotFound",
    "KdfLimits",
    "KdfParametersRefused",
    "KdfParams",
    "Model",
    "Person",
    "PrepDigest",
    "Record",
    "RecordMissing",
    "RecordNotFound",
    "Reflection",
    "SearchFilters",
    "SearchHit",
    "Session",
    "SessionStatus",
    "SharingAgreement",
    "SharingLevel",
    "StorageError",
    "Strength",
    "SystemClock",
    "Template",
    "Theme",
    "UnsupportedFormat",
    "Vault",
    "VerifyReport",
    "WeakPassphrase",
    "WrongPassphrase",
    "WrongRecoveryKey",
    "assess_passphrase",
    "default_journal_path",
    "format_day",
    "normalize",
    "parse_day",
    "parse_range",
    "read_import",
    "require_journal_file",
    "require_strong_passphrase",
    "resolve_journal_path",
    "section",
]
