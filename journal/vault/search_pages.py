"""The byte format of the search cache's pages: what search needs of each record, grouped in a few large pages.

Decrypting and parsing tens of thousands of records one by one dominates the first search
of a session (about 100 µs a record in Python). The cache keeps, for each record of the
kinds that grow with the journal, an opaque document (the folded text and the fields
filters need) tagged with the record's revision, in `PAGE_COUNT` pages chosen by a keyed
digest of the record id; every other live record has an empty document, so that which
pages a save changes never depends on the record's kind. A page is one envelope, so loading the cache costs a few large
decryptions instead of one per record. A page lists its ids, revisions and document lengths
ahead of the documents, so it is read with a few calls written in C, and a search looks for
its words in the page as a whole rather than document by document. Everything after a page's
layout is compressed before it is sealed: the cache holds a copy of the journal's text, and folded
text shrinks to about a third.

It is derived data: a document whose revision is not the record's current one is ignored
and rebuilt from the record, and a page that fails to open is rebuilt whole.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Iterable
from typing import NamedTuple

import crypto

PAGE_COUNT = 64
"""Pages of the cache; a keyed digest of a record's id picks one (see `search_page_of`)."""

PAGE_LAYOUT = b"CSP\x05"
"""The first bytes of a page's plaintext, naming its layout and its documents' fields. A page in
any other layout (written by an older Candour) is treated as missing and rebuilt; change this
whenever either changes, the way text is folded included (3: `journal.text.fold`, which folds ł to l;
4: pages picked by a keyed digest of the id, so documents moved; 5: the rest of the page compressed)."""

COMPRESSION_LEVEL = 1
"""zlib's level for a page's contents: folded text shrinks to about a third even at the fastest level, and
the cache is as large as the journal's text; higher levels gained a few percent for several times the time.
What compressed sizes can show is in the README's privacy section."""

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
        kept = {self.ids[index]: (self.revisions[index], self.document(index)) for index in indices}
        return _parse_contents(_contents(kept))

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
    """Serialise one page: its layout, then its contents compressed (see `_contents`)."""
    return PAGE_LAYOUT + zlib.compress(_contents(documents), COMPRESSION_LEVEL)


def decode_page(data: bytes) -> SearchPage:
    """Parse a page. `data` was authenticated, so only another layout or a bug could make it malformed.

    Raises:
        ValueError: another layout, contents that do not decompress, or lengths that do not add up.
    """
    if not data.startswith(PAGE_LAYOUT):
        raise ValueError("search page in another layout")
    try:
        contents = zlib.decompress(memoryview(data)[len(PAGE_LAYOUT) :])
    except zlib.error:
        raise ValueError("search page does not decompress") from None
    return _parse_contents(contents)


def _contents(documents: SearchDocuments) -> bytes:
    """A page's contents: count, ids, revisions, document lengths, then the documents."""
    count = len(documents)
    revisions = [revision for revision, _ in documents.values()]
    texts = [document for _, document in documents.values()]
    return b"".join(
        [
            _COUNT.pack(count),
            *documents,
            struct.pack(f">{count}I", *revisions),
            struct.pack(f">{count}I", *map(len, texts)),
            *texts,
        ]
    )


def _parse_contents(data: bytes) -> SearchPage:
    """Read what `_contents` made.

    Raises:
        ValueError: lengths that do not add up.
    """
    start = _COUNT.size
    if len(data) < start:
        raise ValueError("search page is truncated")
    (count,) = _COUNT.unpack_from(data, 0)
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
