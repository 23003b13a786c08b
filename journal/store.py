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
from journal.models import Engagement, Preferences
from journal.queries import SEARCHABLE_KINDS, EngagementProgress, PrepDigest, Queries
from journal.records import MIN_ID_PREFIX, RecordStore, sort_key
from journal.recovery_key import draw_recovery_key
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
        recovery_key_confirmed: bool = True,
    ) -> tuple[Journal, str]:
        """Create a journal at `path`; returns it and the recovery key (see `Vault.create`).

        Args:
            recovery_key_confirmed: False for a first run that shows the key after this: the journal is created
                already noting it as unconfirmed (in the same transaction), so a first run stopped at any moment
                before `RecoveryKeyToConfirm.confirm` resumes at the key at the next unlock (see
                `open_resuming_first_run`).
        """

        def first(vault: Vault) -> None:
            if not recovery_key_confirmed:
                cls(vault, clock).note_recovery_key_confirmed(False)

        vault, recovery_key = Vault.create(path, passphrase, kdf=kdf, limits=limits, first=first)
        return cls(vault, clock), recovery_key

    @classmethod
    def open_resuming_first_run(
        cls, path: Path, passphrase: str, *, limits: KdfLimits = crypto.DEFAULT_LIMITS, clock: Clock | None = None
    ) -> tuple[Journal, RecoveryKeyToConfirm | None]:
        """Unlock the journal at `path` (see `open`) and, if its first run stopped before the recovery key was
        confirmed (so that key may never have been written down), draw a replacement to show and have typed back.

        Nothing is written here: the key in force keeps working until the replacement is confirmed, and then
        the replacement and the confirmation are stored in one transaction. The unlock checked the passphrase,
        so confirming does not derive it again.

        Returns:
            The journal, and the replacement key to confirm (None when there is nothing to resume, or the
            journal can only be read).
        """
        journal = cls.open(path, passphrase, limits=limits, clock=clock)
        try:
            if journal.read_only or journal.preferences().recovery_key_confirmed:
                return journal, None
            replacement = RecoveryKeyToConfirm(journal, draw_recovery_key(), KeyChange(journal.vault, passphrase))
        except BaseException:
            journal.close()
            raise
        return journal, replacement

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

    # The new key and the note that it was confirmed are one transaction: killed at any moment, the journal
    # has the old key (and whatever note it had) or the new one noted as confirmed.

    def new_recovery_key(self, passphrase: str, recovery_key: str) -> Preferences:
        """Replace the recovery key with `recovery_key`, typed back, once `passphrase` is checked, and note it as
        confirmed, in one transaction; the old one stops working when this commits. Returns the settings then.

        Raises:
            The errors of `Vault.regenerate_recovery_key`, and StorageError: nothing was changed.
        """
        with self.transaction("replace the recovery key"):
            self.vault.regenerate_recovery_key(passphrase, recovery_key)
            return self.note_recovery_key_confirmed()

    def rotate_keys(self, passphrase: str, recovery_key: str) -> Preferences:
        """Re-encrypt the whole journal under a new journal key and salt, with `recovery_key`, typed back, once
        `passphrase` is checked, and note the key as confirmed, in one transaction; the old recovery key stops
        working when this commits. Returns the settings then.

        Raises:
            WrongPassphrase, InvalidRecoveryKey, StorageError: nothing changed.
        """
        with self.transaction("rotate the journal keys"):
            self.vault.rotate_keys(passphrase, recovery_key)
            return self.note_recovery_key_confirmed()

    def erase_engagement(self, engagement: Engagement) -> int:
        """Erase an engagement and everything that belongs to it (`engagement_records`), every revision, for
        good, in one transaction; returns how many records went. The file keeps no copy: erased rows are
        zeroed (SQLite's secure delete), and the search cache forgets them with their records.
        """
        doomed = self.engagement_records(engagement)
        with self.transaction("erase the engagement"):
            for value in doomed:
                self.purge(value.saved_id)
        return len(doomed)

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
    """`KeyChange` for a command whose new recovery key was shown and typed back: with the key it remembers,
    among the coachee's settings and in the same transaction, that the key was confirmed, so the app does not
    offer yet another one at the next unlock."""

    def new_recovery_key(self, recovery_key: str) -> None:
        """Replace the recovery key with `recovery_key`, typed back, and note it as confirmed, in one
        transaction (the old one stops working when this commits)."""
        journal = Journal(self._vault)
        with journal.transaction("replace the recovery key"):
            super().new_recovery_key(recovery_key)
            journal.note_recovery_key_confirmed()

    def rotate_keys(self, recovery_key: str) -> None:
        """Re-encrypt everything under a new journal key with `recovery_key`, typed back, and note it as
        confirmed, in one transaction (see `Vault.rotate_keys`)."""
        journal = Journal(self._vault)
        with journal.transaction("rotate the journal keys"):
            super().rotate_keys(recovery_key)
            journal.note_recovery_key_confirmed()


class RecoveryKeyToConfirm:
    """A recovery key to show the coachee and have typed back before anything else, on a first run or when one
    stopped before that step is resumed; `confirm` stores what typing it back means, in one transaction.

    Args:
        journal: the open journal.
        recovery_key: the key to show.
        replacing: for a replacement not yet written (see `Journal.open_resuming_first_run`), the key change
            that writes it: the key in force keeps working until `confirm`. None when `recovery_key` is already
            the journal's (just created, noted as unconfirmed).
    """

    def __init__(self, journal: Journal, recovery_key: str, replacing: KeyChange | None = None) -> None:
        self.journal = journal
        self.recovery_key = recovery_key
        """Formatted for a human, to show."""
        self._replacing = replacing

    @property
    def replaces(self) -> bool:
        """Whether the key is not yet in force: until `confirm`, the journal's earlier key is the one that works."""
        return self._replacing is not None

    def confirm(self) -> Preferences:
        """The coachee typed the key back: put it in force if it replaces the journal's, and note it as
        confirmed, in one transaction. Returns the settings then.

        Raises:
            JournalLocked: the journal was locked meanwhile (nothing changed; the next unlock offers a key
                again). StorageError: nothing changed.
        """
        with self.journal.transaction("confirm the recovery key"):
            if self._replacing is not None:
                self._replacing.new_recovery_key(self.recovery_key)
            confirmed = self.journal.note_recovery_key_confirmed()
        self._replacing = None  # it holds the passphrase: drop it once it has done its one write
        return confirmed


__all__ = [
    "MIN_ID_PREFIX",
    "SEARCHABLE_KINDS",
    "EngagementProgress",
    "Journal",
    "JournalKeyChange",
    "PrepDigest",
    "RecordStore",
    "RecoveryKeyToConfirm",
    "sort_key",
]
