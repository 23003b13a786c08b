"""Record envelopes: known answers, round trips, one-byte tampering per region, moved ciphertext."""

from __future__ import annotations

import nacl.secret
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import Purpose, authenticate_envelope, derive_subkey, open_envelope, padded_size, seal
from crypto.envelope import HEADER_SIZE, NONCE_SIZE, TAG_SIZE, padding_bound
from crypto.errors import DamagedRecord

KEY = bytes(range(32))
RECORD_ID = bytes(range(16))

# Sealed with KEY, nonce 0x24 * 24, table "records", RECORD_ID, revision 7.
KNOWN_ENVELOPE = bytes.fromhex(
    "01242424242424242424242424242424242424242424242424fcad390ab1de050d1236f7932300e9ce8a8c787d8e7a"
    "a2c892ed07f231ba975e46d940cd6c26a42696042ab4ecd44e08fe40cca53d0bc4fe0fe5cba5e8868833fc84f90020"
    "c91e394a75393f01bc3cf901da5d5e87388c4dbfc64f57c07e54389dfc641e1c343ebcf95360ec7f91f75d3a562e71"
    "dcb35f99c3a22bc1d4fc2ebc688c45464388f8c3b838c62ee7d414840103d815347a9cd4b7ad66a08be0535be3123b"
    "8089010a3664c42d6229b679bf422e403f80ef24e6cc104876754bac4213b739824631957c485e84aacaa261e78bbf"
    "f090595a0bda36cf10f64372b4df7b93c7e5e53224e1e376149c4e0f389d8ad064e9b5e5a5d349806b8aca1904d510"
    "ef92787e574e628cab5bd848f72f49"
)


def test_xchacha20_poly1305_draft_vector() -> None:
    # draft-irtf-cfrg-xchacha-03, appendix A.3.1: the primitive under every envelope.
    key = bytes(range(0x80, 0xA0))
    nonce = bytes(range(0x40, 0x58))
    aad = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
    plaintext = (
        b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        b"sunscreen would be it."
    )
    sealed = nacl.secret.Aead(key).encrypt(plaintext, aad, nonce).ciphertext
    assert sealed[:32].hex() == "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
    assert sealed[-16:].hex() == "c0875924c1c7987947deafd8780acf49"


def test_known_envelope_opens() -> None:
    assert open_envelope(KEY, KNOWN_ENVELOPE, "records", RECORD_ID, 7) == b"What shifted today?"


def test_seal_with_fixed_nonce_reproduces_known_envelope(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crypto.envelope.nacl.utils.random", lambda size: b"\x24" * size)
    assert seal(KEY, b"What shifted today?", "records", RECORD_ID, 7) == KNOWN_ENVELOPE


def test_subkeys_known_answers_and_independence() -> None:
    records = derive_subkey(KEY, Purpose.RECORDS)
    index = derive_subkey(KEY, Purpose.INDEX)
    assert records.hex() == "2c81831e0141ffacb31d94029d5f5cf5d3bd6f8d2dc6864868f0e46ef03aa9cc"
    assert index.hex() == "4627c17eb3a238b4d57448576f41af1d8481a8e0db887341e24f8f493cf95c7d"
    assert len({records, index, KEY}) == 3


@settings(max_examples=200)
@given(st.binary(max_size=5000), st.integers(min_value=0, max_value=2**32 - 1))
def test_round_trip(plaintext: bytes, revision: int) -> None:
    envelope = seal(KEY, plaintext, "records", RECORD_ID, revision)
    assert open_envelope(KEY, envelope, "records", RECORD_ID, revision) == plaintext


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=200_000))
def test_padding_hides_small_differences_and_costs_little(length: int) -> None:
    size = padded_size(length)
    assert size > length
    assert size >= 256
    assert size <= max(256, int(length * 1.12) + 2)


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=50_000_000))
def test_unpadding_scans_enough_of_the_tail(length: int) -> None:
    # Opening scans only `padding_bound` bytes for the padding marker: it must cover the padding.
    size = padded_size(length)
    assert size - length <= padding_bound(size) <= size


@pytest.mark.parametrize("length", [0, 255, 256, 257, 4095, 4096, 65_537, 1_000_003])
def test_large_and_boundary_sizes_round_trip(length: int) -> None:
    plaintext = bytes([0x80]) * length  # the padding marker byte itself, everywhere
    assert open_envelope(KEY, seal(KEY, plaintext, "records", RECORD_ID, 1), "records", RECORD_ID, 1) == plaintext


def test_envelope_size_depends_only_on_padded_size() -> None:
    sizes = {len(seal(KEY, b"x" * n, "records", RECORD_ID, 1)) for n in range(0, 250)}
    assert sizes == {1 + NONCE_SIZE + 256 + TAG_SIZE}


CHECKS = (open_envelope, authenticate_envelope)
"""Both refuse exactly the same envelopes: opening (reads) and authenticating alone (verify)."""

REGIONS = {
    "version": 0,
    "nonce": 1,
    "nonce end": HEADER_SIZE - 1,
    "ciphertext": HEADER_SIZE,
    "ciphertext middle": HEADER_SIZE + 100,
    "tag": len(KNOWN_ENVELOPE) - TAG_SIZE,
    "tag end": len(KNOWN_ENVELOPE) - 1,
}


@pytest.mark.parametrize("offset", REGIONS.values(), ids=REGIONS.keys())
def test_one_changed_byte_in_any_region_is_detected(offset: int) -> None:
    for flip in (0x01, 0x80, 0xFF):
        tampered = bytearray(KNOWN_ENVELOPE)
        tampered[offset] ^= flip
        for check in CHECKS:
            with pytest.raises(DamagedRecord):
                check(KEY, bytes(tampered), "records", RECORD_ID, 7)


@pytest.mark.parametrize("length", [0, 1, HEADER_SIZE, HEADER_SIZE + TAG_SIZE, len(KNOWN_ENVELOPE) - 1])
def test_truncated_envelope_is_damaged(length: int) -> None:
    for check in CHECKS:
        with pytest.raises(DamagedRecord):
            check(KEY, KNOWN_ENVELOPE[:length], "records", RECORD_ID, 7)


@pytest.mark.parametrize("value", [None, 7, "text", 1.5, bytearray(b"x")])
def test_values_of_the_wrong_type_are_damaged(value: object) -> None:
    for check in CHECKS:
        with pytest.raises(DamagedRecord):
            check(KEY, value, "records", RECORD_ID, 7)


@pytest.mark.parametrize(
    ("table", "record_id", "revision"),
    [
        ("index_buckets", RECORD_ID, 7),  # moved to another table
        ("records", bytes(16), 7),  # moved to another record
        ("records", RECORD_ID, 6),  # relabelled as another revision
        ("records", RECORD_ID, 8),
    ],
)
def test_moved_ciphertext_fails(table: str, record_id: bytes, revision: int) -> None:
    for check in CHECKS:
        with pytest.raises(DamagedRecord) as caught:
            check(KEY, KNOWN_ENVELOPE, table, record_id, revision)
        assert record_id.hex() in str(caught.value)


def test_an_envelope_that_opens_also_authenticates() -> None:
    authenticate_envelope(KEY, KNOWN_ENVELOPE, "records", RECORD_ID, 7)


def test_another_envelope_version_byte_is_damage_to_that_record() -> None:
    newer = bytes([2]) + KNOWN_ENVELOPE[1:]
    with pytest.raises(DamagedRecord):
        open_envelope(KEY, newer, "records", RECORD_ID, 7)


def test_error_never_contains_plaintext() -> None:
    tampered = bytearray(KNOWN_ENVELOPE)
    tampered[-1] ^= 1
    with pytest.raises(DamagedRecord) as caught:
        open_envelope(KEY, bytes(tampered), "records", RECORD_ID, 7)
    assert "shifted" not in str(caught.value)
