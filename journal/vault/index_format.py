"""The byte formats of the sealed index: entries, buckets, sections, the root and section snapshots, and the
table of kinds a listing reads from them. Bytes in, bytes out; `index` stores them. Layout in FORMAT.md."""

from __future__ import annotations

import heapq
import itertools
import operator
import struct
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from crypto import DIGEST_SIZE, NONCE_SIZE

BUCKET_BITS = 12
"""Bits at the start of a record id that pick its bucket."""

BUCKET_COUNT = 1 << BUCKET_BITS
"""Buckets of the index: the first twelve bits of a random id pick one, spreading records evenly.

4,096 keep a bucket near 1.6 KB at 100,000 records, so its row stays inside one SQLite
page and a write re-seals a small bucket whatever the size of the journal."""

SECTION_SIZE = 64
"""Buckets one section names (revision and digest of each): 1,280 bytes of plaintext."""

SECTION_COUNT = BUCKET_COUNT // SECTION_SIZE
"""Sections of the index; the root names the revision and digest of each, in 1,280 bytes.

Two small levels rather than one 80 KB root: a write re-seals one section and the root,
about 2.7 KB in all, and no index row spills into SQLite overflow pages."""

_ID_SIZE = 16

ROOT_ID = bytes(_ID_SIZE)
"""The id under which the root is sealed (number 0, like bucket and section 0 in their tables); no record takes it."""

Bucket = dict[bytes, bytes]
"""One bucket in memory: record id -> its packed entry, so a write packs only the entry it changes
and loading a bucket decodes nothing."""

_ENTRY = struct.Struct(">16sIIBq16p16s")
"""id, first revision, current revision, flags, sort key, kind (Pascal string, at most 15 bytes), and the
digest of the current revision's row."""

_ENTRY_HEAD = struct.Struct(">16sIIBq16p16x")
"""An entry without its row digest: what a listing filters and sorts by. Skipping the digest leaves one
object fewer to make per entry, a tenth of listing the latest ten of 100,000."""

_ID_AND_DIGEST = struct.Struct(">16s33x16s")
"""An entry's id and row digest alone."""

_CHILD = struct.Struct(">I16s")
"""What a section names of each bucket, and the root of each section: its revision and its row's digest."""

NO_DIGEST = bytes(DIGEST_SIZE)
"""The digest named for a child never written (revision 0, no row)."""

_Fields = tuple[Any, ...]
"""One entry as `_ENTRY` unpacks it."""

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
    row_digest: bytes = field(default=NO_DIGEST, compare=False, repr=False)
    """Digest of the current revision's row (`records.row_digest`): binds the row to this copy's index."""

    @property
    def id_hex(self) -> str:
        """The id as shown to users and used in the API."""
        return self.record_id.hex()


def bucket_of(record_id: bytes) -> int:
    """The bucket that holds a record's entry: the first `BUCKET_BITS` bits of its id."""
    return int.from_bytes(record_id[:2], "big") >> (16 - BUCKET_BITS)


def section_of(bucket: int) -> tuple[int, int]:
    """The section that holds a bucket's revision, and the bucket's place in it."""
    return divmod(bucket, SECTION_SIZE)


def buckets_in(section: int) -> range:
    """The buckets whose revisions a section holds."""
    return range(section * SECTION_SIZE, (section + 1) * SECTION_SIZE)


def sealed_id(number: int) -> bytes:
    """The 16-byte id under which bucket or section `number` is sealed (its number, big-endian)."""
    return number.to_bytes(_ID_SIZE, "big")


def pack_entry(entry: IndexEntry) -> bytes:
    """Serialise one entry (49 bytes)."""
    return _ENTRY.pack(
        entry.record_id,
        entry.first_revision,
        entry.revision,
        DELETED if entry.deleted else 0,
        entry.sort_key,
        entry.kind.encode("ascii"),
        entry.row_digest,
    )


def unpack_entry(packed: bytes) -> IndexEntry:
    """Parse one entry made by `pack_entry`."""
    return _from_fields(_ENTRY.unpack(packed))


def _from_fields(fields: _Fields, row_digest: bytes | None = None) -> IndexEntry:
    """An entry from `_ENTRY`'s fields, or from `_ENTRY_HEAD`'s and its row digest."""
    record_id, first, current, flags, sort_key, kind, *rest = fields
    digest = rest[0] if row_digest is None else row_digest
    return IndexEntry(record_id, first, current, kind.decode("ascii"), sort_key, bool(flags & DELETED), digest)


class EntryHead(NamedTuple):
    """The fields of an entry that name its rows in the file: what `verify` compares the file with."""

    record_id: bytes
    first_revision: int
    revision: int
    row_digest: bytes


def entry_heads(data: bytes) -> list[EntryHead]:
    """The heads of every entry in a bucket's plaintext, without building an `IndexEntry` for each.

    Raises:
        ValueError: the length is not a whole number of entries.
    """
    _check_whole_entries(data)
    return [EntryHead(fields[0], fields[1], fields[2], fields[6]) for fields in _ENTRY.iter_unpack(data)]


def join_bucket(bucket: Bucket) -> bytes:
    """A bucket's plaintext: its packed entries, in no particular order."""
    return b"".join(bucket.values())


def split_bucket(data: bytes) -> Bucket:
    """Cut a bucket's plaintext into packed entries. `data` was authenticated, so only a bug could make it malformed.

    Raises:
        ValueError: the length is not a whole number of entries.
    """
    _check_whole_entries(data)
    size = _ENTRY.size
    return {data[start : start + _ID_SIZE]: data[start : start + size] for start in range(0, len(data), size)}


def _check_whole_entries(data: bytes) -> None:
    if len(data) % _ENTRY.size:
        raise ValueError("index bucket has a partial entry")


class KindTable:
    """The whole index unpacked once, with each kind's entries picked out the first time it is asked
    for: a command lists several kinds in a row, and unpacking a large journal's index again for each would show."""

    def __init__(self, packed: Iterable[bytes], row_digest: Callable[[bytes], bytes]) -> None:
        """Args:
        packed: the whole index as runs of packed entries (buckets, or snapshots' entries).
        row_digest: the row digest of one record's entry, looked up in the index (for the few entries
            a listing returns; for many, one pass over `packed` is quicker).
        """
        self._runs = list(packed)
        # Unpacked and filtered by comprehensions, not grouped in a Python loop: appending each
        # entry to its kind's list took four times as long as unpacking everything.
        self._all: list[_Fields] = list(itertools.chain.from_iterable(map(_ENTRY_HEAD.iter_unpack, self._runs)))
        self._by_kind: dict[tuple[bytes | None, bool], list[_Fields]] = {}
        self._row_digest = row_digest
        self._row_digests: dict[bytes, bytes] | None = None

    def newest_first(self, kind: str | None, include_deleted: bool, limit: int | None = None) -> list[IndexEntry]:
        """Entries of `kind` (of any kind if None), highest sort key first; only the first `limit` if given.

        Only the entries returned become `IndexEntry`s: at 100,000 records, building one for
        every entry would cost more than reading the whole index.
        """
        if limit is not None and limit <= 0:
            return []
        found = self._matching(kind, include_deleted)
        if limit is not None and limit < len(found):
            # The `limit` highest sort keys, picked out in C and compared as plain integers (a Python key
            # function costs more than the rest of listing 50,000 entries); then every entry that ties with the lowest
            # of them, so that the id decides among equal keys exactly as a full sort would.
            lowest = heapq.nlargest(limit, map(_SORT_KEY, found))[-1]
            found = [fields for fields in found if fields[4] >= lowest]
        chosen = sorted(found, key=_newest)[:limit]
        few = self._row_digests is None and len(chosen) <= max(_LOOKUPS, len(self._all) // _LOOKUP_COST)
        digest_of = self._row_digest if few else self._all_row_digests().__getitem__
        return [_from_fields(fields, digest_of(fields[0])) for fields in chosen]

    def _all_row_digests(self) -> dict[bytes, bytes]:
        if self._row_digests is None:
            self._row_digests = dict(itertools.chain.from_iterable(map(_ID_AND_DIGEST.iter_unpack, self._runs)))
        return self._row_digests

    def record_ids(self) -> list[bytes]:
        """The raw id of every record, deleted ones included, in no particular order."""
        return list(map(_RECORD_ID, self._all))

    def current_revisions(self, kind: str) -> dict[bytes, int]:
        """Each live record of `kind` → its current revision."""
        return {fields[0]: fields[2] for fields in self._matching(kind, include_deleted=False)}

    def revisions_besides(self, kinds: Collection[str]) -> dict[bytes, int]:
        """Each live record of any kind but these → its current revision (in one pass over the index)."""
        skipped = {kind.encode("ascii") for kind in kinds if kind.isascii()}
        return {fields[0]: fields[2] for fields in self._all if fields[5] not in skipped and not fields[3] & DELETED}

    def count(self, kind: str | None) -> int:
        """Number of live entries of `kind` (of any kind if None)."""
        return len(self._matching(kind, include_deleted=False))

    def _matching(self, kind: str | None, include_deleted: bool) -> list[_Fields]:
        """The entries of `kind` (any kind if None), live ones only unless `include_deleted`: picked out in
        one pass the first time, then kept."""
        if kind is not None and not kind.isascii():
            return []  # every stored kind is ASCII
        wanted = None if kind is None else kind.encode("ascii")
        chosen = (wanted, include_deleted)
        if chosen not in self._by_kind:
            self._by_kind[chosen] = (
                self._all
                if wanted is None and include_deleted
                else [
                    fields
                    for fields in self._all
                    if (wanted is None or fields[5] == wanted) and (include_deleted or not fields[3] & DELETED)
                ]
            )
        return self._by_kind[chosen]


_SORT_KEY = operator.itemgetter(4)
_RECORD_ID = operator.itemgetter(0)

_LOOKUPS = 200
"""Up to this many entries returned, each row digest is looked up in its bucket; more, and one pass over
the whole index may be quicker (see `_LOOKUP_COST`)."""

_LOOKUP_COST = 4
"""Looking up one row digest in its bucket costs about as much as this many entries of a pass over the whole
index: a listing returning fewer than that share of the index looks its digests up (a decade's 1,200 sessions
among 220,000 records, 4 ms instead of 190 ms)."""


def _newest(fields: _Fields) -> tuple[int, bytes]:
    """Sort key of `newest_first`: highest sort key first, then by id so the order is stable."""
    return (-fields[4], fields[0])


class Level(NamedTuple):
    """A section (naming its buckets) or the root (naming its sections): each child's revision and row digest."""

    revisions: list[int]
    digests: list[bytes]

    @classmethod
    def empty(cls, slots: int) -> Level:
        """A level whose children were never written."""
        return cls([0] * slots, [NO_DIGEST] * slots)

    def with_child(self, place: int, revision: int, row_digest: bytes) -> Level:
        """A copy naming a child's new revision and digest."""
        revisions, digests = list(self.revisions), list(self.digests)
        revisions[place], digests[place] = revision, row_digest
        return Level(revisions, digests)


_LEVEL = struct.Struct(">" + "I16s" * SECTION_SIZE)
"""A whole section, or the root (which names as many sections as a section names buckets)."""


def encode_level(level: Level) -> bytes:
    """Serialise a section or the root (packed in one call: every write encodes two levels)."""
    layout = _LEVEL if len(level.revisions) == SECTION_SIZE else struct.Struct(">" + "I16s" * len(level.revisions))
    return layout.pack(*itertools.chain.from_iterable(zip(*level, strict=True)))


def decode_level(data: bytes, slots: int) -> Level:
    """Parse a section or the root, which names `slots` children.

    Raises:
        ValueError: wrong length.
    """
    if len(data) != _CHILD.size * slots:
        raise ValueError("index section or root has the wrong size")
    children = list(_CHILD.iter_unpack(data))
    return Level([revision for revision, _ in children], [row_digest for _, row_digest in children])


def encode_snapshot(section: Level, buckets: list[Bucket], nonces: list[bytes]) -> bytes:
    """A section and its 64 buckets in one plaintext: the section as it names its buckets, entry counts,
    the nonce of each bucket row it was made from (zeros for none), then the entries.

    A command that needs the whole index opens 64 snapshots instead of 4,096 buckets. The
    snapshot is sealed at its section's revision and names the digests of the bucket rows it was
    made from, so it stands for a section only while the authentic section names exactly those
    rows; the nonces tell whether the file still holds them (an older section put back around newer
    bucket rows would otherwise name an older snapshot); the buckets stay the authority.
    """
    return (
        encode_level(section)
        + struct.pack(f">{SECTION_SIZE}I", *(len(bucket) for bucket in buckets))
        + b"".join(nonce.rjust(NONCE_SIZE, b"\0")[:NONCE_SIZE] for nonce in nonces)
        + b"".join(join_bucket(bucket) for bucket in buckets)
    )


class Snapshot(NamedTuple):
    """A section as its snapshot holds it: what it names of its buckets, then each bucket's entries, packed."""

    section: Level
    counts: list[int]
    """Entries in each of the section's buckets, in order."""
    nonces: list[bytes]
    """The nonce of each bucket row the snapshot was made from (zeros where the bucket had none)."""
    entries: bytes
    """Every entry of the section, bucket after bucket: iterating the index needs nothing more."""

    def bucket(self, place: int) -> Bucket:
        """The bucket at `place` in the section, split (what a lookup needs)."""
        start = _ENTRY.size * sum(self.counts[:place])
        return split_bucket(self.entries[start : start + _ENTRY.size * self.counts[place]])

    def buckets(self) -> list[Bucket]:
        """The section's buckets, split (what a lookup or a write needs)."""
        return [self.bucket(place) for place in range(len(self.counts))]


def decode_snapshot(data: bytes) -> Snapshot:
    """Parse `encode_snapshot`'s plaintext.

    Raises:
        ValueError: the lengths do not add up.
    """
    head = _CHILD.size * SECTION_SIZE
    section = decode_level(data[:head], SECTION_SIZE)
    counts = list(struct.unpack(f">{SECTION_SIZE}I", data[head : head + 4 * SECTION_SIZE]))
    nonces_start = head + 4 * SECTION_SIZE
    entries_start = nonces_start + NONCE_SIZE * SECTION_SIZE
    if len(data) != entries_start + _ENTRY.size * sum(counts):
        raise ValueError("index snapshot has the wrong size")
    nonces = [data[start : start + NONCE_SIZE] for start in range(nonces_start, entries_start, NONCE_SIZE)]
    return Snapshot(section, counts, nonces, data[entries_start:])
