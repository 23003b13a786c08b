"""The journal header: magic, format version, KDF parameters, salt and journal id.

The header is the associated data of both key slots, so changing any byte of it
makes unlocking fail; its checksum additionally tells accidental damage apart from
a wrong passphrase. Layout in FORMAT.md.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import cast

import nacl.encoding
import nacl.hash
import nacl.utils

from crypto.errors import DamagedJournal, ForeignFile, UnsupportedFormat
from crypto.kdf import SALT_SIZE, KdfLimits, KdfParams

MAGIC = b"CANDOUR\x00"
FORMAT_VERSION = 1
"""Version of the file format this code writes and reads."""

KDF_ARGON2ID = 1
"""Algorithm id for Argon2id version 1.3 (0x13)."""

JOURNAL_ID_SIZE = 16
CHECKSUM_SIZE = 16

_FIELDS = struct.Struct(">8sHBBII16s16s")
"""magic, version, kdf algorithm, lanes, passes, memory KiB, salt, journal id."""

HEADER_SIZE = _FIELDS.size + CHECKSUM_SIZE


def checksum(data: bytes) -> bytes:
    """BLAKE2b-128 of `data`: detects accidental damage; authenticity comes from the AEAD tags."""
    return nacl.hash.blake2b(data, digest_size=CHECKSUM_SIZE, encoder=nacl.encoding.RawEncoder)


@dataclass(frozen=True)
class Header:
    """The decoded header of one journal."""

    kdf: KdfParams
    salt: bytes
    journal_id: bytes

    @classmethod
    def new(cls, kdf: KdfParams) -> Header:
        """A header with a fresh random salt and journal id."""
        return cls(kdf, nacl.utils.random(SALT_SIZE), nacl.utils.random(JOURNAL_ID_SIZE))

    def with_new_salt(self, kdf: KdfParams) -> Header:
        """The same journal with a fresh salt (and possibly new costs), for a new passphrase."""
        return Header(kdf, nacl.utils.random(SALT_SIZE), self.journal_id)

    def identity(self) -> bytes:
        """The parts that never change for a journal: magic, format version, journal id."""
        return MAGIC + struct.pack(">H", FORMAT_VERSION) + self.journal_id

    def encode(self) -> bytes:
        """The header's bytes, checksum included."""
        fields = _FIELDS.pack(
            MAGIC,
            FORMAT_VERSION,
            KDF_ARGON2ID,
            self.kdf.lanes,
            self.kdf.time_cost,
            self.kdf.memory_kib,
            self.salt,
            self.journal_id,
        )
        return fields + checksum(fields)


def read_format_version(data: object) -> int:
    """Check the magic and return the format version, reading nothing else.

    Raises:
        ForeignFile: not a Candour header.
    """
    if not isinstance(data, bytes) or len(data) < 10 or data[:8] != MAGIC:
        raise ForeignFile("This file is not a Candour journal (its header is missing or foreign).")
    version: int = struct.unpack(">H", data[8:10])[0]
    return version


def decode_header(data: object, limits: KdfLimits) -> Header:
    """Parse and check a header read from disk, before any key derivation.

    Order matters: magic, then version (a newer format may lay out the rest
    differently), then checksum, then the KDF limits.

    Raises:
        ForeignFile: no Candour magic.
        UnsupportedFormat: another format version.
        DamagedJournal: the checksum or the layout does not match.
        KdfParametersRefused: costs below the floor or above the cap.
    """
    version = read_format_version(data)
    if version != FORMAT_VERSION:
        raise UnsupportedFormat(version, FORMAT_VERSION)
    raw = cast(bytes, data)  # read_format_version checked the type
    if len(raw) != HEADER_SIZE or checksum(raw[: _FIELDS.size]) != raw[_FIELDS.size :]:
        raise DamagedJournal(
            "The journal header is damaged: the file was altered or only partly copied. "
            "Restore it from a backup; nothing was changed."
        )
    _, _, algorithm, lanes, passes, memory, salt, journal_id = _FIELDS.unpack(raw[: _FIELDS.size])
    if algorithm != KDF_ARGON2ID:
        raise DamagedJournal(f"The journal header names an unknown key derivation ({algorithm}).")
    params = KdfParams(time_cost=passes, memory_kib=memory, lanes=lanes)
    limits.check(params)
    return Header(params, salt, journal_id)
