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
from journal.errors import DamagedJournal, DamagedRecord, JournalLocked
from journal.vault.database import sqlite_errors
from journal.vault.file import LOCKED_MESSAGE, JournalFile

_READ_HEADER = "SELECT bytes FROM header WHERE slot = 0"
_READ_SEAL = "SELECT seal FROM header WHERE slot = 0"
_READ_SLOT = "SELECT slot FROM key_slots WHERE kind = ?"
_READ_SLOTS = "SELECT kind, slot FROM key_slots"

SEAL_TABLE = "header"
"""The table name bound in the header seal's associated data."""
SEAL_ID = bytes(crypto.ID_SIZE)
"""The id the header seal is sealed under (its row is 0, like the header's)."""

_DAMAGED_SEAL = (
    "The journal's header does not match its seal: the header or a key slot was altered (for example its "
    "key-derivation costs lowered) or damaged. Restore the journal from a backup."
)


_UNSEALED_SLOT = {
    SlotKind.RECOVERY: (
        "The journal's recovery key slot is not the one the journal sealed (it was altered, or copied from "
        "another copy of the journal), so nothing was changed. Create a new recovery key first "
        "(`candour new-recovery-key`); `candour verify` names the problem."
    ),
    SlotKind.PASSPHRASE: (
        "The journal's passphrase slot is not the one the journal sealed (it was altered, or copied from "
        "another copy of the journal), so nothing was changed. Restore the journal from a backup."
    ),
}


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
        self.header = crypto.derive_subkey(journal_key, Purpose.HEADER)
        """Seals the header seal."""


@dataclass(frozen=True)
class HeaderSeal:
    """What the header seal holds: the header as the journal wrote it and the digest of each key slot.

    The header is read before the journal key exists, so only a checksum guards it then; once unlocked,
    the seal tells whether its costs, salt or id, or either slot, were changed by anyone but Candour,
    and recovery takes the costs from here, never lower ones read from the file.
    """

    header: bytes
    slot_digests: dict[SlotKind, bytes]

    def encode(self) -> bytes:
        """The seal's plaintext: the header, then the passphrase slot's and the recovery slot's digests."""
        return self.header + b"".join(self.slot_digests[kind] for kind in (SlotKind.PASSPHRASE, SlotKind.RECOVERY))

    @classmethod
    def decode(cls, data: bytes) -> HeaderSeal:
        """Parse `encode`'s bytes.

        Raises:
            DamagedJournal: the lengths do not add up (only a bug could seal that).
        """
        size = crypto.DIGEST_SIZE
        if len(data) != crypto.HEADER_SIZE + 2 * size:
            raise DamagedJournal(_DAMAGED_SEAL)
        head, tail = data[: crypto.HEADER_SIZE], data[crypto.HEADER_SIZE :]
        return cls(head, {SlotKind.PASSPHRASE: tail[:size], SlotKind.RECOVERY: tail[size:]})

    def seal(self, header_key: bytes) -> bytes:
        """The envelope stored in the header row."""
        return crypto.seal(header_key, self.encode(), SEAL_TABLE, SEAL_ID, 0)

    @classmethod
    def open(cls, header_key: bytes, envelope: object) -> HeaderSeal:
        """Open the stored seal.

        Raises:
            DamagedJournal: it is missing, damaged, or sealed under another key.
        """
        try:
            return cls.decode(crypto.open_envelope(header_key, envelope, SEAL_TABLE, SEAL_ID, 0))
        except DamagedRecord:
            raise DamagedJournal(_DAMAGED_SEAL) from None


def write_header(
    connection: sqlite3.Connection, header: Header, slots: dict[SlotKind, bytes], header_key: bytes
) -> None:
    """Write the header, the given key slots and a seal naming the header and both slots, in the caller's
    transaction.

    A slot not given is read back from the file and must be the one the current seal names: sealing it
    again unchecked would vouch for a slot someone put there (one from another copy of the journal).

    Raises:
        DamagedJournal: the slot read back is not the sealed one (nothing is written).
    """
    if len(slots) < len(SlotKind):
        seal_row = connection.execute(_READ_SEAL).fetchone()
        sealed = HeaderSeal.open(header_key, seal_row[0] if seal_row else None).slot_digests
        stored = dict(connection.execute(_READ_SLOTS))
        for kind in SlotKind:
            if kind not in slots:
                slot = stored.get(int(kind))
                if not isinstance(slot, bytes) or crypto.digest(slot) != sealed[kind]:
                    raise DamagedJournal(_UNSEALED_SLOT[kind])
                slots = {**slots, kind: slot}
    seal = HeaderSeal(header.encode(), {kind: crypto.digest(slot) for kind, slot in slots.items()}).seal(header_key)
    connection.execute(
        "INSERT INTO header (slot, bytes, seal) VALUES (0, ?, ?) "
        "ON CONFLICT (slot) DO UPDATE SET bytes = excluded.bytes, seal = excluded.seal",
        (header.encode(), seal),
    )
    connection.executemany(
        "INSERT INTO key_slots (kind, slot) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET slot = excluded.slot",
        [(int(kind), slot) for kind, slot in slots.items()],
    )


@dataclass(frozen=True)
class KeyMaterial:
    """What a new journal, or a rotation, writes into the header and both key slots."""

    header: Header
    keys: Keys = field(repr=False)
    recovery_key: str = field(repr=False)
    """Drawn by the caller, who shows it to the user."""
    passphrase_key: bytes = field(repr=False)
    """The passphrase slot's wrapping key, derived under `header`'s salt."""

    @classmethod
    def new(cls, passphrase: str, header: Header, recovery_key: str) -> KeyMaterial:
        """A fresh journal key, with the passphrase's key under `header` (one derivation) and `recovery_key`.

        Raises:
            InvalidRecoveryKey: `recovery_key` cannot be a recovery key (checked before the slow derivation).
        """
        crypto.parse_recovery_key(recovery_key)
        wrapping_key = crypto.passphrase_wrapping_key(passphrase, header)
        return cls(header, Keys(crypto.new_journal_key()), recovery_key, wrapping_key)

    def write(self, connection: sqlite3.Connection) -> None:
        """Write the header, both key slots and the header seal, in the caller's transaction."""
        recovery_slot = crypto.seal_slot(
            SlotKind.RECOVERY,
            crypto.recovery_wrapping_key(self.recovery_key, self.header),
            self.keys.journal,
            self.header,
        )
        passphrase_slot = crypto.seal_slot(SlotKind.PASSPHRASE, self.passphrase_key, self.keys.journal, self.header)
        write_header(
            connection,
            self.header,
            {SlotKind.PASSPHRASE: passphrase_slot, SlotKind.RECOVERY: recovery_slot},
            self.keys.header,
        )


def open_journal_key(
    connection: sqlite3.Connection,
    kind: SlotKind,
    wrapping_key: Callable[[Header], bytes],
    limits: KdfLimits,
    *,
    sealed: bool = True,
) -> tuple[Header, bytes]:
    """Read the header and one key slot, unwrap the journal key and check the header against its seal. Reads only.

    Args:
        wrapping_key: the slot's key, made from the header once it has been checked against `limits`.
        sealed: False for a format-2 file, which has no seal yet (migration writes one).
    Returns:
        The header as the journal sealed it (so a recovery re-wraps at the costs the journal was made
        with, whatever the file's header says), and the journal key.
    Raises:
        DamagedJournal, UnsupportedFormat, KdfParametersRefused: the header, slot or seal.
        WrongPassphrase, WrongRecoveryKey: the secret is not the journal's.
    """
    with sqlite_errors("read the journal"):
        header_row = connection.execute(_READ_HEADER).fetchone()
        slot_row = connection.execute(_READ_SLOT, (int(kind),)).fetchone()
    header = crypto.decode_header(header_row[0] if header_row else None, limits)
    journal_key = crypto.open_slot(kind, wrapping_key(header), slot_row[0] if slot_row else None, header)
    if not sealed:
        return header, journal_key
    with sqlite_errors("read the journal"):
        seal_row = connection.execute(_READ_SEAL).fetchone()
    seal = HeaderSeal.open(crypto.derive_subkey(journal_key, Purpose.HEADER), seal_row[0] if seal_row else None)
    if seal.header != header.encode():
        if kind is SlotKind.PASSPHRASE:
            raise DamagedJournal(_DAMAGED_SEAL)  # the passphrase slot binds the header: only damage gets here
        # The recovery slot binds only the header's identity: someone may have lowered the costs. The
        # sealed header is the journal's own; recovery re-wraps with it and writes it back.
        header = crypto.decode_header(seal.header, limits)
    return header, journal_key


def check_header_seal(connection: sqlite3.Connection, header_key: bytes) -> list[str]:
    """What is wrong with the header, the key slots and their seal (nothing when all agree): `verify`'s check
    of both slots, including the recovery slot, which nothing else reads until it is needed."""
    with sqlite_errors("verify the journal"):
        header_row = connection.execute("SELECT bytes, seal FROM header WHERE slot = 0").fetchone()
        slots = dict(connection.execute(_READ_SLOTS))
    if header_row is None:
        return ["The journal header is missing."]
    try:
        seal = HeaderSeal.open(header_key, header_row[1])
    except DamagedJournal as problem:
        return [str(problem)]
    problems = []
    if seal.header != header_row[0]:
        problems.append("The journal header is not the one the journal sealed: it was altered or damaged.")
    for kind in SlotKind:
        slot = slots.get(int(kind))
        name = kind.name.lower()
        if not isinstance(slot, bytes) or crypto.digest(slot) != seal.slot_digests[kind]:
            problems.append(
                f"The {name} key slot is not the one the journal sealed: it was altered or damaged"
                + (", so the recovery key would not open the journal." if kind is SlotKind.RECOVERY else ".")
            )
    return problems


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
                write_header(connection, header, {SlotKind.PASSPHRASE: slot}, keys.header)
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

    def replace_recovery_key(self, recovery_key: str) -> None:
        """Seal the journal key under `recovery_key`, one the user has seen, in one transaction; the old one
        works until that commits and stops working then.

        Raises:
            InvalidRecoveryKey: `recovery_key` cannot be a recovery key (nothing changes).
        """
        with self._file.mutex:
            keys = self.keys()
            slot = crypto.seal_slot(
                SlotKind.RECOVERY, crypto.recovery_wrapping_key(recovery_key, self._header), keys.journal, self._header
            )
            with self._file.transaction("replace the recovery key") as connection:
                write_header(connection, self._header, {SlotKind.RECOVERY: slot}, keys.header)

    def next_generation(self, passphrase: str, recovery_key: str) -> KeyMaterial:
        """Key material for a rotation: a new journal key and salt, and `recovery_key`, drawn and shown by the
        caller (one derivation, under the new salt). Nothing is written; the rotation writes it with everything
        it re-seals."""
        return KeyMaterial.new(passphrase, self._header.with_new_salt(self._header.kdf), recovery_key)

    def adopt(self, material: KeyMaterial) -> None:
        """Use `material` from now on: called once the rotation that wrote it is in the file's transaction."""
        self._keys, self._header = material.keys, material.header

    def held(self) -> tuple[Keys, Header]:
        """The keys and header used now, for `restore` if the rotation that replaces them rolls back.

        Raises:
            JournalLocked: the journal was locked.
        """
        return self.keys(), self._header

    def restore(self, held: tuple[Keys, Header]) -> None:
        """Use the keys and header `held` returned again: the transaction that wrote newer ones rolled back."""
        self._keys, self._header = held
