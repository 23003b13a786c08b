"""The coachee's journal: one object for everything the app and the command line do with it, built from
its roles (records and what is held of them in memory in journal/records.py, writing in journal/writing.py,
queries in journal/queries.py), plus opening, creating and recovering a journal file.
"""

from __future__ import annotations

from pathlib import Path

import crypto
from crypto import KdfLimits, KdfParams
from journal import codec
from journal.clock import Clock
from journal.queries import SEARCHABLE_KINDS, EngagementProgress, PrepDigest, Queries
from journal.records import MIN_ID_PREFIX, RecordStore, sort_key
from journal.vault import KeyChange, RepairReport, Vault, VerifyReport
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
    def repair(
        cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS, clock: Clock | None = None
    ) -> tuple[Journal, RepairReport]:
        """Rebuild the sealed index and the derived data of the journal at `path` from its authentic records,
        after a copy of the file beside it (see `Vault.repair`); returns the journal, open, and the report."""

        def describe(record_id: str, payload: bytes) -> tuple[str, int] | None:
            value = codec.identify(payload, record_id)
            return None if value is None else (value.KIND, sort_key(value))

        vault, report = Vault.repair(path, passphrase, describe, limits=limits)
        return cls(vault, clock), report

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

    # --- keys, backup and verify ------------------------------------------------------------
    # All the app and the command line ask of the vault: they never reach `vault` themselves.
    # Each key operation derives the passphrase's key once (the slow step of each).

    @classmethod
    def open_to_change_keys(
        cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS
    ) -> JournalKeyChange:
        """Unlock the journal at `path` only to change its keys, with the passphrase just typed: unlocking
        checks it, so the change does not derive it again (for a command that asks for it and acts at once).
        Close the result, or use it in `with`, to lock the journal again.

        Raises:
            The errors of `open`.
        """
        return JournalKeyChange.unlock(path, passphrase, limits=limits)

    def check_key_change(self, action: str, passphrase: str) -> None:
        """Check that a key change can go ahead before its new recovery key is shown (see
        `Vault.check_key_change`), so nobody writes down a key that a mistyped passphrase or a read-only
        journal then refuses."""
        self.vault.check_key_change(action, passphrase)

    @property
    def read_only(self) -> str | None:
        """Why this journal can only be read (a read-only disk, folder or file), or None: every save is refused
        with `ReadOnlyJournal`, and reading works as usual."""
        return self.vault.read_only

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the journal key under a new passphrase, once `current` is checked.

        Raises:
            WrongPassphrase: `current` is not the passphrase; nothing changed.
        """
        self.vault.change_passphrase(current, new)

    # A new recovery key comes from `draw_recovery_key`, shown to the user and typed back before it is
    # passed here: until the commit the old key works, after it the new one, and the user has seen both.

    def new_recovery_key(self, passphrase: str, recovery_key: str) -> None:
        """Replace the recovery key with `recovery_key` once `passphrase` is checked; the old one stops working
        when this commits (see `Vault.regenerate_recovery_key` for the errors)."""
        self.vault.regenerate_recovery_key(passphrase, recovery_key)

    def rotate_keys(self, passphrase: str, recovery_key: str) -> None:
        """Re-encrypt the whole journal under a new journal key and salt, with `recovery_key`, once `passphrase`
        is checked; the old recovery key stops working when this commits.

        Raises:
            WrongPassphrase, InvalidRecoveryKey: nothing changed.
        """
        self.vault.rotate_keys(passphrase, recovery_key)

    def backup(self, destination: Path) -> None:
        """Write a consistent encrypted copy of the journal (same passphrase and recovery key) to `destination`.

        Raises:
            JournalExists: `destination` exists. StorageError: it cannot be written.
        """
        self.vault.backup(destination)

    def verify(self) -> VerifyReport:
        """Open every stored revision and compare the file with the sealed index (see `Vault.verify`)."""
        return self.vault.verify()

    # --- end of keys, backup and verify -----------------------------------------------------


class JournalKeyChange(KeyChange):
    """`KeyChange` for a command that also remembers, among the coachee's settings, that the new recovery key
    was typed back (as the first run does), so the app does not offer yet another one at the next unlock."""

    def note_recovery_key_confirmed(self) -> None:
        """Remember that the coachee typed the recovery key back (see `Journal.note_recovery_key_confirmed`)."""
        Journal(self._vault).note_recovery_key_confirmed()


__all__ = [
    "MIN_ID_PREFIX",
    "SEARCHABLE_KINDS",
    "EngagementProgress",
    "Journal",
    "JournalKeyChange",
    "PrepDigest",
    "RecordStore",
    "sort_key",
]
