"""Record envelopes: seal and open one record with XChaCha20-Poly1305, bound to where it lives.

An envelope is `version (1) | nonce (24) | ciphertext`. Its associated data names the
table, the record id and the revision, so ciphertext moved to another row, another
table or another revision fails to open. Plaintext is padded (PADMÉ) so the size of
an envelope reveals little about the size of what it holds.
"""

from __future__ import annotations

import struct

import nacl.secret
import nacl.utils

from crypto import sodium
from crypto.errors import DamagedRecord

ENVELOPE_VERSION = 1
"""Format version of envelopes written now; it is also bound in the associated data."""

NONCE_SIZE = nacl.secret.Aead.NONCE_SIZE
TAG_SIZE = nacl.secret.Aead.MACBYTES
HEADER_SIZE = 1 + NONCE_SIZE
_VERSION_BYTE = bytes([ENVELOPE_VERSION])
MIN_PADDED_SIZE = 256
"""Every record occupies at least this many plaintext bytes, hiding the size of short ones."""

ID_SIZE = 16
"""Bytes in a record id."""


def new_record_id() -> bytes:
    """A fresh random record id: ids reveal nothing about order, kind or time."""
    return nacl.utils.random(ID_SIZE)


def padded_size(length: int) -> int:
    """Size to pad `length` bytes to: PADMÉ (leaks O(log log n) bits of the size), at least 256.

    PADMÉ keeps the overhead under 12% while letting only a few sizes exist in
    each power-of-two range (Nikitin et al., "Reducing Metadata Leakage from
    Encrypted Files and Communication with PURBs", 2019).
    """
    needed = max(length + 1, MIN_PADDED_SIZE)  # ISO 7816-4 padding needs at least one byte
    exponent = needed.bit_length() - 1
    bits_of_exponent = exponent.bit_length()
    low_bits = exponent - bits_of_exponent
    mask = (1 << low_bits) - 1
    return (needed + mask) & ~mask


def padding_bound(padded_length: int) -> int:
    """The most padding `padded_size` adds to reach `padded_length` bytes.

    Unpadding scans only this tail: libsodium's constant-time unpad reads every byte of the
    block it is given, and a search-cache page of a megabyte would otherwise be scanned whole.
    PADMÉ's rounding step grows with the exponent, so the step at `padded_length` bounds the
    step of any length that padded up to it; below `MIN_PADDED_SIZE` the padding fills the minimum.
    """
    exponent = padded_length.bit_length() - 1
    step = 1 << max(0, exponent - exponent.bit_length())
    return min(padded_length, max(MIN_PADDED_SIZE, step))


def associated_data(table: str, record_id: bytes, revision: int) -> bytes:
    """The bytes every envelope is bound to: version, table, id and revision.

    Raises:
        ValueError: for an id of the wrong size or a revision outside 0..2**32-1.
    """
    if len(record_id) != ID_SIZE:
        raise ValueError(f"record id must be {ID_SIZE} bytes")
    name = table.encode("ascii")
    return (
        b"candour-record"
        + struct.pack(">BB", ENVELOPE_VERSION, len(name))
        + name
        + record_id
        + struct.pack(">I", revision)
    )


def seal(key: bytes, plaintext: bytes, table: str, record_id: bytes, revision: int) -> bytes:
    """Pad and encrypt one record under a fresh random nonce.

    Args:
        key: the subkey for this table's purpose.
        plaintext: the record's bytes.
        table, record_id, revision: where the record lives; bound as associated data.
    Returns:
        The envelope bytes.
    """
    aad = associated_data(table, record_id, revision)
    nonce = nacl.utils.random(NONCE_SIZE)
    return sodium.seal_padded(_VERSION_BYTE, nonce, plaintext, padded_size(len(plaintext)), aad, key)


DIGEST_SIZE = 16
"""Bytes of a row digest: BLAKE2b-128, second-preimage resistant at 128 bits."""

_BIND_PERSON = b"candour-bind"
_PLACE_PERSON = b"candour-place"
"""BLAKE2b personalisations (zero-padded to 16 bytes, as `nacl.hash` pads them)."""


def keyed_digest(key: bytes, data: bytes) -> bytes:
    """BLAKE2b-128 of `data` under a subkey: a value no one without the key can compute (where a record's
    derived data is placed, so its place says nothing that its id does not already say)."""
    return sodium.blake2b(data, DIGEST_SIZE, _PLACE_PERSON, key)


def digest(*parts: bytes) -> bytes:
    """The digest that binds a stored row to the level above it: BLAKE2b-128 of the parts, each length-prefixed.

    Unkeyed: it is taken over ciphertext (and stored inside a sealed parent, or beside a row it chains),
    so it reveals nothing; its job is that a row copied from another copy of the journal, sealed under
    the same key at the same revision, no longer matches what its parent names.
    """
    joined = b"".join(struct.pack(">I", len(part)) + part for part in parts)
    return sodium.blake2b(joined, DIGEST_SIZE, _BIND_PERSON)


def envelope_nonce(envelope: object) -> bytes:
    """The random nonce of an envelope as stored: it tells one sealing from any other without the key.

    Returns:
        `NONCE_SIZE` bytes, or b"" for something that is not an envelope.
    """
    if not isinstance(envelope, bytes) or len(envelope) < HEADER_SIZE:
        return b""
    return envelope[1:HEADER_SIZE]


def open_envelope(key: bytes, envelope: object, table: str, record_id: bytes, revision: int) -> bytes:
    """Authenticate and decrypt one envelope read back from disk.

    The envelope is typed `object` because a damaged SQLite file can hand back
    any type where bytes were stored.

    Returns:
        The record's plaintext.
    Raises:
        DamagedRecord: the envelope was altered, moved, truncated or is not bytes.
    """
    padded = sodium.aead_decrypt(*_decryption_inputs(key, envelope, table, record_id, revision))
    plaintext = None if padded is None else sodium.unpad(padded, padding_bound(len(padded)))
    if plaintext is None:
        raise DamagedRecord(table, record_id.hex())
    return plaintext


def authenticate_envelope(key: bytes, envelope: object, table: str, record_id: bytes, revision: int) -> None:
    """Check that an envelope read back from disk opens, without keeping its plaintext (`verify` does this for
    every row). Its padding is not checked: it is inside what the tag authenticates, so only a fault in
    Candour's own sealing could leave it malformed, and every read checks it.

    Raises:
        DamagedRecord: the envelope was altered, moved, truncated or is not bytes.
    """
    if not sodium.aead_authentic(*_decryption_inputs(key, envelope, table, record_id, revision)):
        raise DamagedRecord(table, record_id.hex())


def _decryption_inputs(
    key: bytes, envelope: object, table: str, record_id: bytes, revision: int
) -> tuple[bytes, bytes, bytes, bytes]:
    """Ciphertext, associated data, nonce and key of an envelope, for libsodium.

    Raises:
        DamagedRecord: not an envelope of this version (too short, or not bytes).
    """
    if not isinstance(envelope, bytes) or len(envelope) < HEADER_SIZE + TAG_SIZE:
        raise DamagedRecord(table, record_id.hex())
    if envelope[0] != ENVELOPE_VERSION:
        # The file's format version (checked at open) fixes the envelope version, so
        # any other value here is damage to this record, not a newer format.
        raise DamagedRecord(table, record_id.hex())
    return envelope[HEADER_SIZE:], associated_data(table, record_id, revision), envelope[1:HEADER_SIZE], key
