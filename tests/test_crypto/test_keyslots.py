"""Header and key slots: known answers, tampering per region, recovery keys, refused headers."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crypto
from crypto import Header, KdfParams, SlotKind
from crypto.errors import (
    DamagedJournal,
    ForeignFile,
    InvalidRecoveryKey,
    KdfParametersRefused,
    UnsupportedFormat,
    WrongPassphrase,
    WrongRecoveryKey,
)
from crypto.header import HEADER_SIZE, decode_header
from crypto.keyslots import SLOT_SIZE, open_slot, seal_slot
from tests.conftest import CHEAP_LIMITS

JOURNAL_KEY = bytes(range(32))
HEADER = Header(KdfParams(3, 262144, 2), b"\x01" * 16, b"\x02" * 16)
KNOWN_HEADER = bytes.fromhex(
    "43414e444f5552000001010200000003000400000101010101010101010101010101010102020202020202020202020202020202"
    "c05e20d1f6b2e76c9a46279729bb0bb1"
)
# The journal key wrapped under 0x09 * 32 with nonce 0x33 * 24, bound to KNOWN_HEADER.
KNOWN_SLOT = bytes.fromhex(
    "013333333333333333333333333333333333333333333333333f4cbf9cee3d4afa75ca3d8cddf993b5ded83ad7b405bdacdb5dc7bdff"
    "cae4eff1548dee4cc993831397614c321b8e451dff71f9a1e1f46e704b357e3fe863c7"
)
WRAPPING_KEY = b"\x09" * 32


def test_header_known_answer_and_round_trip() -> None:
    assert HEADER.encode() == KNOWN_HEADER
    assert len(KNOWN_HEADER) == HEADER_SIZE
    assert decode_header(KNOWN_HEADER, crypto.DEFAULT_LIMITS) == HEADER


def test_slot_known_answer() -> None:
    assert open_slot(SlotKind.PASSPHRASE, WRAPPING_KEY, KNOWN_SLOT, HEADER) == JOURNAL_KEY
    assert len(KNOWN_SLOT) == SLOT_SIZE


def test_recovery_wrapping_key_known_answer() -> None:
    key = crypto.recovery_wrapping_key("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", HEADER)
    assert key.hex() == "ade7e938b9299c51b150c38cf7729fc51645d3aaa93b274c99f74c6311ce5c14"


HEADER_REGIONS = {
    "magic": (0, ForeignFile),
    "version": (9, UnsupportedFormat),
    "kdf algorithm": (10, DamagedJournal),
    "lanes": (11, DamagedJournal),
    "passes": (15, DamagedJournal),
    "memory": (17, DamagedJournal),
    "salt": (20, DamagedJournal),
    "journal id": (40, DamagedJournal),
    "checksum": (HEADER_SIZE - 1, DamagedJournal),
}


@pytest.mark.parametrize(("offset", "error"), HEADER_REGIONS.values(), ids=HEADER_REGIONS.keys())
def test_one_changed_header_byte_gives_a_clear_error(offset: int, error: type[Exception]) -> None:
    tampered = bytearray(KNOWN_HEADER)
    tampered[offset] ^= 0x01
    with pytest.raises(error):
        decode_header(bytes(tampered), crypto.DEFAULT_LIMITS)


def test_header_with_recomputed_checksum_still_cannot_open_the_slot() -> None:
    # A deliberate edit (salt changed, checksum recomputed) passes the checksum but not the AEAD.
    forged = Header(HEADER.kdf, b"\x07" * 16, HEADER.journal_id)
    with pytest.raises(WrongPassphrase):
        open_slot(SlotKind.PASSPHRASE, WRAPPING_KEY, KNOWN_SLOT, forged)


@pytest.mark.parametrize("memory_kib", [8, 2**31])
def test_hostile_kdf_header_is_refused_fast(memory_kib: int) -> None:
    hostile = Header(KdfParams(3, memory_kib, 1), b"\x01" * 16, b"\x02" * 16).encode()
    began = time.perf_counter()
    with pytest.raises(KdfParametersRefused):
        decode_header(hostile, crypto.DEFAULT_LIMITS)
    assert time.perf_counter() - began < 0.05


@pytest.mark.parametrize("data", [None, b"", b"CANDOUR\x00", b"SQLite format 3\x00" + bytes(60), 42, "text"])
def test_missing_or_foreign_header(data: object) -> None:
    with pytest.raises(DamagedJournal):
        decode_header(data, crypto.DEFAULT_LIMITS)


SLOT_REGIONS = {"kind": 0, "nonce": 1, "wrapped key": 30, "tag": SLOT_SIZE - 17, "checksum": SLOT_SIZE - 1}


@pytest.mark.parametrize("offset", SLOT_REGIONS.values(), ids=SLOT_REGIONS.keys())
def test_one_changed_slot_byte_is_a_damaged_slot(offset: int) -> None:
    tampered = bytearray(KNOWN_SLOT)
    tampered[offset] ^= 0x01
    with pytest.raises(DamagedJournal, match="slot is damaged"):
        open_slot(SlotKind.PASSPHRASE, WRAPPING_KEY, bytes(tampered), HEADER)


def test_wrong_wrapping_key_is_a_wrong_passphrase_not_damage() -> None:
    with pytest.raises(WrongPassphrase):
        open_slot(SlotKind.PASSPHRASE, b"\x0a" * 32, KNOWN_SLOT, HEADER)


def test_passphrase_slot_binds_salt_but_recovery_slot_survives_a_new_salt() -> None:
    recovery_key = crypto.new_recovery_key()
    recovery = seal_slot(SlotKind.RECOVERY, crypto.recovery_wrapping_key(recovery_key, HEADER), JOURNAL_KEY, HEADER)
    resalted = HEADER.with_new_salt(HEADER.kdf)
    assert resalted.journal_id == HEADER.journal_id and resalted.salt != HEADER.salt
    wrapping = crypto.recovery_wrapping_key(recovery_key, resalted)
    assert open_slot(SlotKind.RECOVERY, wrapping, recovery, resalted) == JOURNAL_KEY
    with pytest.raises(WrongPassphrase):
        open_slot(SlotKind.PASSPHRASE, WRAPPING_KEY, KNOWN_SLOT, resalted)


def test_recovery_key_format_and_entropy() -> None:
    keys = {crypto.new_recovery_key() for _ in range(100)}
    assert len(keys) == 100
    for key in keys:
        groups = key.split("-")
        assert len(groups) == 8 and all(len(group) == 4 for group in groups)
        assert len(crypto.parse_recovery_key(key)) * 8 >= 128


@settings(max_examples=100)
@given(st.binary(min_size=20, max_size=20))
def test_recovery_key_forgives_case_spacing_and_look_alike_digits(raw: bytes) -> None:
    import base64

    text = base64.b32encode(raw).decode()
    sloppy = " ".join(text[i : i + 4] for i in range(0, 32, 4)).lower().replace("o", "0").replace("i", "1")
    assert crypto.parse_recovery_key(sloppy) == raw


@pytest.mark.parametrize("typed", ["", "ABCD", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHH9", "é" * 32, "\ud800" * 32])
def test_text_that_cannot_be_a_recovery_key(typed: str) -> None:
    with pytest.raises(InvalidRecoveryKey):
        crypto.parse_recovery_key(typed)


def test_wrong_recovery_key() -> None:
    recovery = seal_slot(
        SlotKind.RECOVERY, crypto.recovery_wrapping_key(crypto.new_recovery_key(), HEADER), JOURNAL_KEY, HEADER
    )
    with pytest.raises(WrongRecoveryKey):
        open_slot(SlotKind.RECOVERY, crypto.recovery_wrapping_key(crypto.new_recovery_key(), HEADER), recovery, HEADER)


def test_cheap_limits_fixture_is_only_lower_at_the_floor() -> None:
    assert CHEAP_LIMITS.cap == crypto.DEFAULT_LIMITS.cap
