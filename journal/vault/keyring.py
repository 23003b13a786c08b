"""The key ring: the journal's header and its two key slots, and the keys they unwrap — making them for a
new journal or a rotation, opening them with the passphrase or the recovery key, changing the passphrase
and replacing the recovery key. The byte layouts are cryptography's: see crypto/FORMAT.md.

Each operation derives a passphrase's key once: an Argon2id derivation is the slow step (calibrated
toward `crypto.kdf.TARGET_UNLOCK_SECONDS`), and deriving the same key twice would only double the wait.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

import crypto
from crypto import Header, KdfLimits, Purpose, SlotKind
from journal.errors import DamagedJournal, JournalLocked
from journal.vault.database import sqlite_errors
from journal.vault.file import LOCKED_MESSAGE, JournalFile

_READ_HEADER = "SELECT bytes FROM header WHERE slot = 0"
_READ_SLOT = "SELECT slot FROM key_slots WHERE kind = ?"


class Keys:
    """The journal key and its subkeys while the journal is unlocked."""

    def __init__(self, journal_key: bytes) -> None:
        self.journal = journal_key
        self.records = crypto.derive_subkey(journal_key, Purpose.RECORDS)
        """Seals the `records` table."""
        self.index = crypto.derive_subkey(journal_key, Purpose.INDEX)
        """Seals the index: buckets, sections, root and snapshots."""
        self.search = crypto.derive_subkey(journal_key, Purpose.SEARCH)
        """Seals the search cache."""


@dataclass(frozen=True)
class KeyMaterial:
    """What a new journal, or a rotation, writes into the header and both key slots."""

    header: Header
    keys: Keys = field(repr=False)
    recovery_key: str = field(repr=False)
    """To show the user once."""
    passphrase_key: bytes = field(repr=False)
    """The passphrase slot's wrapping key, derived under `header`'s salt."""

    @classmethod
    def new(cls, passphrase: str, header: Header) -> KeyMaterial:
        """A fresh journal key and recovery key, with the passphrase's key under `header` (one derivation)."""
        wrapping_key = crypto.passphrase_wrapping_key(passphrase, header)
        return cls(header, Keys(crypto.new_journal_key()), crypto.new_recovery_key(), wrapping_key)

    def write(self, connection: sqlite3.Connection) -> None:
        """Write the header and both key slots, in the caller's transaction."""
        recovery_slot = crypto.seal_slot(
            SlotKind.RECOVERY,
            crypto.recovery_wrapping_key(self.recovery_key, self.header),
            self.keys.journal,
            self.header,
        )
        passphrase_slot = crypto.seal_slot(SlotKind.PASSPHRASE, self.passphrase_key, self.keys.journal, self.header)
        connection.execute("INSERT OR REPLACE INTO header (slot, bytes) VALUES (0, ?)", (self.header.encode(),))
        connection.execute(
            "INSERT OR REPLACE INTO key_slots (kind, slot) VALUES (?, ?), (?, ?)",
            (int(SlotKind.PASSPHRASE), passphrase_slot, int(SlotKind.RECOVERY), recovery_slot),
        )


def open_journal_key(
    connection: sqlite3.Connection, kind: SlotKind, wrapping_key: Callable[[Header], bytes], limits: KdfLimits
) -> tuple[Header, bytes]:
    """Read the header and one key slot and unwrap the journal key. Reads only.

    Args:
        wrapping_key: the slot's key, made from the header once it has been checked against `limits`.
    Raises:
        DamagedJournal, UnsupportedFormat, KdfParametersRefused: the header or slot.
        WrongPassphrase, WrongRecoveryKey: the secret is not the journal's.
    """
    with sqlite_errors("read the journal"):
        header_row = connection.execute(_READ_HEADER).fetchone()
        slot_row = connection.execute(_READ_SLOT, (int(kind),)).fetchone()
    header = crypto.decode_header(header_row[0] if header_row else None, limits)
    journal_key = crypto.open_slot(kind, wrapping_key(header), slot_row[0] if slot_row else None, header)
    return header, journal_key


class KeyRing:
    """The keys of an open journal, and the header and key slots they came from."""

    def __init__(self, file: JournalFile, header: Header, journal_key: bytes) -> None:
        self._file = file
        self._header = header
        self._keys: Keys | None = Keys(journal_key)

    @property
    def is_open(self) -> bool:
        """False once the keys were dropped (the journal was locked)."""
        return self._keys is not None

    def keys(self) -> Keys:
        """The journal key and its subkeys.

        Raises:
            JournalLocked: the journal was locked.
        """
        if self._keys is None:
            raise JournalLocked(LOCKED_MESSAGE)
        return self._keys

    @property
    def header(self) -> Header:
        """The header the passphrase slot is bound to now."""
        return self._header

    def forget(self) -> None:
        """Drop the keys. Python cannot wipe memory; dropping every reference is what is possible here."""
        self._keys = None

    def check_passphrase(self, passphrase: str) -> None:
        """Open the passphrase slot with `passphrase` (one derivation); nothing changes.

        Raises:
            WrongPassphrase: it is not the passphrase.
        """
        with self._file.mutex:
            with sqlite_errors("read the journal"):
                slot_row = self._file.db().execute(_READ_SLOT, (int(SlotKind.PASSPHRASE),)).fetchone()
            crypto.open_slot(
                SlotKind.PASSPHRASE,
                crypto.passphrase_wrapping_key(passphrase, self._header),
                slot_row[0] if slot_row else None,
                self._header,
            )

    def set_passphrase(self, passphrase: str) -> None:
        """Re-wrap the journal key under `passphrase` with a new salt, in one transaction (one derivation).

        Raises:
            DamagedJournal: the new wrap did not read back; the old passphrase still works.
        """
        with self._file.mutex:
            keys = self.keys()
            header = self._header.with_new_salt(self._header.kdf)
            wrapping_key = crypto.passphrase_wrapping_key(passphrase, header)
            slot = crypto.seal_slot(SlotKind.PASSPHRASE, wrapping_key, keys.journal, header)
            with self._file.transaction("change the passphrase") as connection:
                connection.execute("UPDATE header SET bytes = ? WHERE slot = 0", (header.encode(),))
                connection.execute("UPDATE key_slots SET slot = ? WHERE kind = ?", (slot, int(SlotKind.PASSPHRASE)))
                # Read the new wrap back and open it before committing: a bad write must
                # never leave a journal that no passphrase opens.
                stored_header = connection.execute(_READ_HEADER).fetchone()[0]
                stored_slot = connection.execute(_READ_SLOT, (int(SlotKind.PASSPHRASE),)).fetchone()[0]
                if (
                    stored_header != header.encode()
                    or crypto.open_slot(SlotKind.PASSPHRASE, wrapping_key, stored_slot, header) != keys.journal
                ):
                    raise DamagedJournal("The new passphrase could not be verified; the old one still works.")
            self._header = header

    def replace_recovery_key(self) -> str:
        """Seal the journal key under a new recovery key; the old one stops working. Returns the new one."""
        with self._file.mutex:
            keys = self.keys()
            recovery_key = crypto.new_recovery_key()
            slot = crypto.seal_slot(
                SlotKind.RECOVERY, crypto.recovery_wrapping_key(recovery_key, self._header), keys.journal, self._header
            )
            with self._file.transaction("replace the recovery key") as connection:
                connection.execute("UPDATE key_slots SET slot = ? WHERE kind = ?", (slot, int(SlotKind.RECOVERY)))
            return recovery_key

    def next_generation(self, passphrase: str) -> KeyMaterial:
        """Key material for a rotation: a new journal key, salt and recovery key (one derivation, under the
        new salt). Nothing is written; the rotation writes it with everything it re-seals."""
        return KeyMaterial.new(passphrase, self._header.with_new_salt(self._header.kdf))

    def adopt(self, material: KeyMaterial) -> None:
        """Use `material` from now on: called once the rotation that wrote it has committed."""
        self._keys, self._header = material.keys, material.header
