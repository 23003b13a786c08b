"""The sealed manifest: which records exist, at which revision, of which kind, in what order.

It is both the integrity check (a row deleted, or rolled back to an older authentic
revision, disagrees with it) and the index that lets the journal list recent records
without decrypting them. It is split into `BUCKET_COUNT` buckets by the first bits
of the record id, so one write re-seals one small bucket plus the root (which holds
each bucket's revision), whatever the size of the journal.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

BUCKET_COUNT = 1024
"""Buckets of the index: the first ten bits of a random id pick one, spreading records evenly.

1,024 keeps a bucket under 5 KB at 100,000 records while the root stays 4 KB."""

ROOT_ID = bytes(16)
"""The record id under which the root is sealed."""

ROOT_TABLE = "index_root"
BUCKET_TABLE = "index_buckets"

Bucket = dict[bytes, bytes]
"""One bucket in memory: record id -> its packed entry, so a write packs only the entry it changes
and loading a bucket decodes nothing."""

_ENTRY = struct.Struct(">16sIIBq16p")
"""id, first revision, current revision, flags, sort key, kind (Pascal string, at most 15 bytes)."""

_ID_SIZE = 16

_ROOT = struct.Struct(f">{BUCKET_COUNT}I")

DELETED = 0x01
"""Entry flag: the current revision is a tombstone (the record can still be restored)."""

MAX_KIND_LENGTH = 15


@dataclass(frozen=True)
class IndexEntry:
    """What the sealed index knows about one record."""

    record_id: bytes
    first_revision: int
    """Oldest revision still stored; revisions below it were purged on purpose."""
    revision: int
    """Current revision."""
    kind: str
    """The record's kind, chosen by the domain (e.g. "reflection")."""
    sort_key: int
    """Orders records of a kind (the domain uses a timestamp); never stored in clear."""
    deleted: bool = False

    @property
    def id_hex(self) -> str:
        """The id as shown to users and used in the API."""
        return self.record_id.hex()


def bucket_of(record_id: bytes) -> int:
    """The bucket that holds a record's entry: the first ten bits of its id."""
    return int.from_bytes(record_id[:2], "big") >> 6


def bucket_id(bucket: int) -> bytes:
    """The 16-byte id under which a bucket is sealed (its number, big-endian)."""
    return bucket.to_bytes(16, "big")


def pack_entry(entry: IndexEntry) -> bytes:
    """Serialise one entry (49 bytes)."""
    return _ENTRY.pack(
        entry.record_id,
        entry.first_revision,
        entry.revision,
        DELETED if entry.deleted else 0,
        entry.sort_key,
        entry.kind.encode("ascii"),
    )


def unpack_entry(packed: bytes) -> IndexEntry:
    """Parse one entry made by `pack_entry`."""
    record_id, first, current, flags, sort_key, kind = _ENTRY.unpack(packed)
    return IndexEntry(record_id, first, current, kind.decode("ascii"), sort_key, bool(flags & DELETED))


def join_bucket(bucket: Bucket) -> bytes:
    """A bucket's plaintext: its packed entries, in no particular order."""
    return b"".join(bucket.values())


def split_bucket(data: bytes) -> Bucket:
    """Cut a bucket's plaintext into packed entries. `data` was authenticated, so only a bug could make it malformed.

    Raises:
        ValueError: the length is not a whole number of entries.
    """
    if len(data) % _ENTRY.size:
        raise ValueError("index bucket has a partial entry")
    size = _ENTRY.size
    return {data[start : start + _ID_SIZE]: data[start : start + size] for start in range(0, len(data), size)}


def encode_root(bucket_revisions: list[int]) -> bytes:
    """Serialise the root: the current revision of every bucket."""
    return _ROOT.pack(*bucket_revisions)


def decode_root(data: bytes) -> list[int]:
    """Parse the root.

    Raises:
        ValueError: wrong length.
    """
    if len(data) != _ROOT.size:
        raise ValueError("index root has the wrong size")
    return list(_ROOT.unpack(data))
