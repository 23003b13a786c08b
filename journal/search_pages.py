"""The sealed search cache's page format: what search needs of each record, grouped in a few large pages.

Decrypting and parsing tens of thousands of records one by one dominates the first search
of a session (about 100 µs a record in Python). The cache keeps, for each searchable
record, an opaque document (the folded text and the fields filters need) tagged with the
record's revision, in `PAGE_COUNT` pages chosen by the first bits of the record id. A page
is one envelope, so loading the cache costs a few large decryptions instead of one per
record. It is derived data: a document whose revision is not the record's current one is
ignored and rebuilt from the record, and a page that fails to open is rebuilt whole.
"""

from __future__ import annotations

import struct

PAGE_COUNT = 64
"""Pages of the cache: the first six bits of a random id pick one."""

PAGE_TABLE = "search_pages"
"""The table (and associated-data name) of the cache's pages."""

_ENTRY_HEAD = struct.Struct(">16sII")
"""Record id, its revision the document was made from, the document's length."""

Documents = dict[bytes, tuple[int, bytes]]
"""Record id → (revision, document)."""


def page_of(record_id: bytes) -> int:
    """The page that holds a record's document: the first six bits of its id."""
    return record_id[0] >> 2


def page_id(page: int) -> bytes:
    """The 16-byte id a page is sealed under (its number, big-endian)."""
    return page.to_bytes(16, "big")


def encode_page(documents: Documents) -> bytes:
    """Serialise one page's documents."""
    return b"".join(
        _ENTRY_HEAD.pack(record_id, revision, len(document)) + document
        for record_id, (revision, document) in documents.items()
    )


def decode_page(data: bytes) -> Documents:
    """Parse a page. `data` was authenticated, so only a bug could make it malformed.

    Raises:
        ValueError: a truncated entry.
    """
    documents: Documents = {}
    offset = 0
    while offset < len(data):
        if offset + _ENTRY_HEAD.size > len(data):
            raise ValueError("search page has a partial entry")
        record_id, revision, length = _ENTRY_HEAD.unpack_from(data, offset)
        offset += _ENTRY_HEAD.size
        if offset + length > len(data):
            raise ValueError("search page has a partial document")
        documents[record_id] = (revision, data[offset : offset + length])
        offset += length
    return documents
