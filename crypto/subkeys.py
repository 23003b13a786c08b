"""Named-purpose subkeys derived from the journal key, so no key is used for two jobs."""

from __future__ import annotations

import enum

import nacl.encoding
import nacl.hash
import nacl.secret

KEY_SIZE = nacl.secret.Aead.KEY_SIZE


class Purpose(enum.Enum):
    """What a subkey is for; the value is the BLAKE2b personalisation (at most 16 bytes)."""

    RECORDS = b"candour-records"
    """Seals the journal's records."""
    INDEX = b"candour-index"
    """Seals the index (ids, revisions, kinds, sort keys and the digests that bind its levels)."""
    SEARCH = b"candour-search"
    """Seals the search cache (derived from the records, rebuilt when stale)."""
    HEADER = b"candour-header"
    """Seals the header seal: the header and a digest of each key slot, checked once unlocked."""


def derive_subkey(journal_key: bytes, purpose: Purpose) -> bytes:
    """Derive the subkey for one purpose: keyed BLAKE2b of nothing, personalised by the purpose.

    Args:
        journal_key: the 32-byte journal key.
        purpose: which subkey.
    Returns:
        `KEY_SIZE` bytes, independent of every other purpose's subkey.
    """
    if len(journal_key) != KEY_SIZE:
        raise ValueError(f"journal key must be {KEY_SIZE} bytes")
    return nacl.hash.blake2b(
        b"",
        digest_size=KEY_SIZE,
        key=journal_key,
        person=purpose.value,
        encoder=nacl.encoding.RawEncoder,
    )
