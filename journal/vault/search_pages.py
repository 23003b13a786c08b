"""The byte format of the search cache's pages: what search needs of each record, grouped in a few large pages.

Decrypting and parsing tens of thousands of records one by one dominates the first search
of a session (about 100 µs a record in Python). The cache keeps, for each record of the
kinds that grow with the journal, an opaque document (the folded text and the fields
filters need) tagged with the record's revision, in `PAGE_COUNT` pages chosen by a keyed
digest of the record id; every other live record has an empty document, so that which
pages a save changes never depends on the record's kind. A page is one envelope, so loading the cache costs a few large
decryptions instead of one per record. A page lists its ids, revisions and document lengths
ahead of the documents, so it is read with a few calls written in C, and a search looks for
its words in the page as a whole rather than document by document.

It is derived data: a document whose revision is not the record's current one is ignored
and rebuilt from the record, and a page that fails to open is rebuilt whole.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterable
from typing import NamedTuple

import crypto

PAGE_COUNT = 64
"""Pages of the cache; a keyed digest of a record's id picks one (see `search_page_of`)."""

PAGE_LAYOUT = b"CSP\x04"
"""The first bytes of a page's plaintext, naming its layout and its documents' fields. A page in
any other layout (written by an older Candour) is treated as missing and rebuilt; change this
whenever either changes, the way text is folded included (3: `journal.text.fold`, which folds ł to l;
4: pages picked by a keyed digest of the id, so documents moved)."""

_ID_SIZE = 16
_COUNT = struct.Struct(">I")

SearchDocuments = dict[bytes, tuple[int, bytes]]
"""Record id → (revision, document)."""


class SearchPage(NamedTuple):
    """One decrypted page: document `i` belongs to record `ids[i]` and was made from `revisions[i]`."""

    ids: list[bytes]
    revisions: tuple[int, ...]
    bounds: list[int]
    """Where each document starts in `data`, and where the last one ends (one more than the ids)."""
    data: bytes

    def document(self, index: int) -> bytes:
        """Document `index`, as stored."""
        return self.data[self.bounds[index] : self.bounds[index + 1]]

    def subset(self, indices: Iterable[int]) -> SearchPage:
        """A page holding only the documents at these places."""
        return decode_page(
            encode_page({self.ids[index]: (self.revisions[index], self.document(index)) for index in indices})
        )

    def documents(self) -> SearchDocuments:
        """Every document of the page, by record id."""
        return {
            record_id: (revision, self.document(index))
            for index, (record_id, revision) in enumerate(zip(self.ids, self.revisions, strict=True))
        }


def search_page_of(search_key: bytes, record_id: bytes) -> int:
    """The page that holds a record's document: the first byte of a digest of its id under the search
    subkey. Not bits of the id itself, which also pick its index section: which page changed would
    otherwise tie a cache write to the record whose index row changed with it."""
    return crypto.keyed_digest(search_key, record_id)[0] % PAGE_COUNT


def page_id(page: int) -> bytes:
    """The 16-byte id a page is sealed under (its number, big-endian)."""
    return page.to_bytes(16, "big")


def encode_page(documents: SearchDocuments) -> bytes:
    """Serialise one page: layout, count, ids, revisions, document lengths, then the documents."""
    count = len(documents)
    revisions = [revision for revision, _ in documents.values()]
    texts = [document for _, document in documents.values()]
    return b"".join(
        [
            PAGE_LAYOUT,
            _COUNT.pack(count),
            *documents,
            struct.pack(f">{count}I", *revisions),
            struct.pack(f">{count}I", *map(len, texts)),
            *texts,
        ]
    )


def decode_page(data: bytes) -> SearchPage:
    """Parse a page. `data` was authenticated, so only another layout or a bug could make it malformed.

    Raises:
        ValueError: another layout, or lengths that do not add up.
    """
    if not data.startswith(PAGE_LAYOUT):
        raise ValueError("search page in another layout")
    start = len(PAGE_LAYOUT) + _COUNT.size
    if len(data) < start:
        raise ValueError("search page is truncated")
    (count,) = _COUNT.unpack_from(data, len(PAGE_LAYOUT))
    ids_end = start + _ID_SIZE * count
    documents_start = ids_end + 8 * count
    if len(data) < documents_start:
        raise ValueError("search page is truncated")
    ids = [data[offset : offset + _ID_SIZE] for offset in range(start, ids_end, _ID_SIZE)]
    revisions = struct.unpack_from(f">{count}I", data, ids_end)
    lengths = struct.unpack_from(f">{count}I", data, ids_end + 4 * count)
    bounds = list(itertools.accumulate(lengths, initial=documents_start))
    if bounds[-1] != len(data):
        raise ValueError("search page has the wrong size")
    return SearchPage(ids, revisions, bounds, data)
