"""The coachee's journal: one object for everything the app and the command line do with it, built from
its roles (records and what is held of them in memory in journal/records.py, writing in journal/writing.py,
queries in journal/queries.py), plus opening, creating and recovering a journal file.
"""

from __future__ import annotations

from pathlib import Path

import crypto
from crypto import KdfLimits, KdfParams
from journal.clock import Clock
from journal.queries import SEARCHABLE_KINDS, EngagementProgress, PrepDigest, Queries
from journal.records import MIN_ID_PREFIX, RecordStore, sort_key
from journal.vault import Vault
from journal.writing import Writing


class Journal(Writing, Queries):
    """An unlocked coachee's journal. Open one with `Journal.open` or `Journal.create`; close it to lock.

    Args:
        vault: the unlocked vault it stores values in.
        clock: where "today" comes from (fixed in tests).
    """

    @classmethod
    def open(
        cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS, clock: Clock | None = None
    ) -> Journal:
        """Unlock the journal at `path` (see `Vault.unlock` for the errors)."""
        return cls(Vault.unlock(path, passphrase, limits=limits), clock)

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        limits: KdfLimits = crypto.DEFAULT_LIMITS,
        clock: Clock | None = None,
    ) -> tuple[Journal, str]:
        """Create a journal at `path`; returns it and the recovery key (see `Vault.create`)."""
        vault, recovery_key = Vault.create(path, passphrase, kdf=kdf, limits=limits)
        return cls(vault, clock), recovery_key

    @classmethod
    def recover(
        cls,
        path: Path,
        recovery_key: str,
        new_passphrase: str,
        *,
        limits: KdfLimits = crypto.DEFAULT_LIMITS,
        clock: Clock | None = None,
    ) -> Journal:
        """Open the journal with its recovery key and set a new passphrase (see `Vault.recover`)."""
        return cls(Vault.recover(path, recovery_key, new_passphrase, limits=limits), clock)

    def new_recovery_key(self, passphrase: str) -> str:
        """Replace the recovery key (the old one stops working) and return the new one, to show once
        (see `Vault.regenerate_recovery_key` for the errors)."""
        return self.vault.regenerate_recovery_key(passphrase)


__all__ = [
    "MIN_ID_PREFIX",
    "SEARCHABLE_KINDS",
    "EngagementProgress",
    "Journal",
    "PrepDigest",
    "RecordStore",
    "sort_key",
]
