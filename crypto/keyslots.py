"""Key slots: the journal key wrapped under the passphrase and, separately, under the recovery key.

A slot is `kind (1) | nonce (24) | wrapped key (48) | checksum (16)`. The wrap is
XChaCha20-Poly1305 whose associated data is the slot kind plus the whole header,
so a header with altered costs, salt or id unlocks nothing. The checksum only tells
a damaged slot apart from a wrong passphrase. Layout in FORMAT.md.
"""

from __future__ import annotations

import base64
import enum
import re

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.secret
import nacl.utils

from crypto.errors import DamagedJournal, InvalidRecoveryKey, WrongPassphrase, WrongRecoveryKey
from crypto.header import CHECKSUM_SIZE, Header, checksum
from crypto.kdf import derive_key

JOURNAL_KEY_SIZE = nacl.secret.Aead.KEY_SIZE
NONCE_SIZE = nacl.secret.Aead.NONCE_SIZE
WRAPPED_SIZE = JOURNAL_KEY_SIZE + nacl.secret.Aead.MACBYTES
SLOT_SIZE = 1 + NONCE_SIZE + WRAPPED_SIZE + CHECKSUM_SIZE

RECOVERY_KEY_BYTES = 20
"""160 random bits: 32 base32 characters, typed as eight groups of four."""


class SlotKind(enum.IntEnum):
    """Which secret a slot is wrapped under."""

    PASSPHRASE = 1
    RECOVERY = 2


def new_journal_key() -> bytes:
    """A fresh random 256-bit journal key."""
    return nacl.utils.random(JOURNAL_KEY_SIZE)


def _slot_aad(kind: SlotKind, header: Header) -> bytes:
    # The passphrase slot binds the whole header (costs and salt included). The
    # recovery slot binds only the header's identity (magic, version, journal id),
    # so changing the passphrase, which writes a new salt, leaves it valid.
    bound = header.encode() if kind is SlotKind.PASSPHRASE else header.identity()
    return b"candour-slot" + bytes([kind]) + bound


_WRONG_SECRET: dict[SlotKind, type[WrongPassphrase | WrongRecoveryKey]] = {
    SlotKind.PASSPHRASE: WrongPassphrase,
    SlotKind.RECOVERY: WrongRecoveryKey,
}


def seal_slot(kind: SlotKind, wrapping_key: bytes, journal_key: bytes, header: Header) -> bytes:
    """Wrap the journal key under a key-encryption key, bound to the header.

    Returns:
        `SLOT_SIZE` bytes.
    """
    nonce = nacl.utils.random(NONCE_SIZE)
    wrapped = nacl.secret.Aead(wrapping_key).encrypt(journal_key, _slot_aad(kind, header), nonce)
    body = bytes([kind]) + bytes(wrapped)
    return body + checksum(body)


def open_slot(kind: SlotKind, wrapping_key: bytes, slot: object, header: Header) -> bytes:
    """Unwrap the journal key from a slot read back from disk.

    Returns:
        The journal key.
    Raises:
        WrongPassphrase, WrongRecoveryKey: the wrapping key is not the right one.
        DamagedJournal: the slot is missing, of the wrong kind, or damaged.
    """
    if (
        not isinstance(slot, bytes)
        or len(slot) != SLOT_SIZE
        or slot[0] != kind
        or checksum(slot[:-CHECKSUM_SIZE]) != slot[-CHECKSUM_SIZE:]
    ):
        raise DamagedJournal(
            f"The journal's {kind.name.lower()} key slot is damaged; nothing was changed. "
            "Restore the journal from a backup."
        )
    try:
        return bytes(nacl.secret.Aead(wrapping_key).decrypt(slot[1:-CHECKSUM_SIZE], _slot_aad(kind, header)))
    except nacl.exceptions.CryptoError:
        raise _WRONG_SECRET[kind]() from None


def passphrase_wrapping_key(passphrase: str, header: Header) -> bytes:
    """The passphrase slot's key: Argon2id with the header's salt and costs (the slow step)."""
    return derive_key(passphrase, header.salt, header.kdf)


# --- recovery key --------------------------------------------------------------------------

_TYPO_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B"})
"""Base32 has no 0, 1 or 8: read them as the letters they are mistaken for."""


def new_recovery_key() -> str:
    """A fresh recovery key, formatted for a human: `ABCD-EFGH-...` (8 groups of 4)."""
    text = base64.b32encode(nacl.utils.random(RECOVERY_KEY_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(typed: str) -> bytes:
    """Turn a typed recovery key into its bytes, forgiving case, spaces, dashes and 0/1/8.

    Raises:
        InvalidRecoveryKey: it cannot be a recovery key (length or characters).
    """
    compact = re.sub(r"[\s\-]", "", typed).upper().translate(_TYPO_FIXES)
    if len(compact) != 32 or not re.fullmatch(r"[A-Z2-7]+", compact):
        raise InvalidRecoveryKey(
            "That is not a recovery key: it has 32 letters and digits, usually written "
            "in eight groups of four (dashes and spaces are optional)."
        )
    return base64.b32decode(compact)


def recovery_wrapping_key(recovery_key: str, header: Header) -> bytes:
    """The recovery slot's key.

    The recovery key has 160 bits of entropy, so a slow KDF adds nothing: keyed
    BLAKE2b, salted with the journal id, is enough to make it a wrapping key.

    Raises:
        InvalidRecoveryKey: the text cannot be a recovery key.
    """
    return nacl.hash.blake2b(
        parse_recovery_key(recovery_key),
        digest_size=JOURNAL_KEY_SIZE,
        salt=header.journal_id,
        person=b"candour-recovery",
        encoder=nacl.encoding.RawEncoder,
    )
