"""The one error hierarchy of Candour: every failure a user can meet, with a message they can read.

Messages never contain journal content, passphrases or keys. Callers catch
`CandourError` at the boundary (the command line, the app) and show `str(error)`.
"""

from __future__ import annotations


class CandourError(Exception):
    """Base of every error Candour raises on purpose; `str()` is safe to show to the user."""


class WrongPassphrase(CandourError):
    """The passphrase does not unlock this journal."""

    def __init__(self) -> None:
        super().__init__("Wrong passphrase: the journal was not unlocked and nothing was changed.")


class WrongRecoveryKey(CandourError):
    """The recovery key does not unlock this journal (mistyped, or replaced by a newer one)."""

    def __init__(self) -> None:
        super().__init__(
            "Wrong recovery key: it does not unlock this journal and nothing was changed. "
            "Check for typos; a key replaced by a newer one no longer works."
        )


class InvalidRecoveryKey(CandourError):
    """Text that cannot be a recovery key at all (wrong length or characters)."""


class InvalidInput(CandourError):
    """Input that cannot be used as given (e.g. a passphrase with unencodable characters)."""


class DamagedJournal(CandourError):
    """The file is damaged, was altered, or its integrity checks disagree."""


class ForeignFile(DamagedJournal):
    """The file is not a Candour journal (another SQLite file, random bytes, a truncated copy)."""


class DamagedRecord(DamagedJournal):
    """One sealed record failed authentication: it was altered, swapped or damaged."""

    def __init__(self, table: str, record_id: str) -> None:
        self.table = table
        self.record_id = record_id
        super().__init__(
            f"Record {record_id} in {table} is damaged or was altered: it cannot be "
            "trusted and was not read. The rest of the journal is unaffected."
        )


class KdfParametersRefused(DamagedJournal):
    """The file header asks for key-derivation costs outside what Candour accepts."""


class NotEnoughMemory(CandourError):
    """The system would not give the key derivation the memory (or threads) it asks for."""


class UnsupportedFormat(CandourError):
    """The file was written by a newer (or retired older) Candour format."""

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        newer = "a newer" if found > supported else "an older, unsupported"
        super().__init__(
            f"This journal uses {newer} file format (version {found}; this Candour reads "
            f"version {supported}). It was left untouched; use a Candour that reads version {found}."
        )
