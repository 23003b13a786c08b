"""Argon2id key derivation: known answers, NFC, limits refused fast, calibration, the real default."""

from __future__ import annotations

import time
import unicodedata

import nacl.pwhash
import pytest
from argon2.low_level import Type, hash_secret_raw
from hypothesis import given, settings
from hypothesis import strategies as st

import crypto
from crypto import KdfParams
from crypto.errors import KdfParametersRefused
from crypto.kdf import DEFAULT_LIMITS, DEFAULT_PARAMS, MIB, calibrate, derive_key

SALT = bytes(range(16))


def test_argon2id_reference_vector() -> None:
    # Argon2 reference implementation test vector: Argon2id v1.3, t=2, m=64 MiB, p=1.
    digest = hash_secret_raw(b"password", b"somesalt", 2, 65536, 1, 32, Type.ID, 19)
    assert digest.hex() == "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"


def test_derive_key_known_answer_matches_libsodium() -> None:
    key = derive_key("pässwörd", SALT, KdfParams(time_cost=2, memory_kib=1024, lanes=1))
    assert key.hex() == "c7c3d525e294e9544329f8cc8ae5017e8785366de771146b5f2e4071a1f7e259"
    # An independent implementation (libsodium) agrees at one lane.
    assert key == nacl.pwhash.argon2id.kdf(32, "pässwörd".encode(), SALT, opslimit=2, memlimit=1024 * 1024)


def test_two_lanes_known_answer() -> None:
    key = derive_key("pässwörd", SALT, KdfParams(time_cost=2, memory_kib=1024, lanes=2))
    assert key.hex() == "cd943b7d164238ff036818d81610ed2419b72523682462719dd5eb88f53cff1d"


def test_nfd_and_nfc_passphrases_derive_the_same_key() -> None:
    params = KdfParams(1, 8, 1)
    nfc = unicodedata.normalize("NFC", "Zoë café ñandú")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert derive_key(nfc, SALT, params) == derive_key(nfd, SALT, params)


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_different_passphrases_give_different_keys(first: str, second: str) -> None:
    params = KdfParams(1, 8, 1)
    same = unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second)
    assert (derive_key(first, SALT, params) == derive_key(second, SALT, params)) == same


def test_salt_must_be_sixteen_bytes() -> None:
    with pytest.raises(ValueError):
        derive_key("x", b"short", KdfParams(1, 8, 1))


@pytest.mark.parametrize(
    "params",
    [
        KdfParams(time_cost=3, memory_kib=8, lanes=1),  # below the memory floor
        KdfParams(time_cost=1, memory_kib=256 * MIB, lanes=1),  # below the passes floor
        KdfParams(time_cost=3, memory_kib=2**32 - 1, lanes=1),  # 4 TiB
        KdfParams(time_cost=2**32 - 1, memory_kib=256 * MIB, lanes=1),  # forever
        KdfParams(time_cost=3, memory_kib=256 * MIB, lanes=255),
        KdfParams(time_cost=3, memory_kib=256 * MIB, lanes=0),
    ],
)
def test_absurd_parameters_are_refused_before_any_work(params: KdfParams) -> None:
    began = time.perf_counter()
    with pytest.raises(KdfParametersRefused):
        DEFAULT_LIMITS.check(params)
    assert time.perf_counter() - began < 0.05


def test_default_is_accepted_and_at_least_256_mib() -> None:
    DEFAULT_LIMITS.check(DEFAULT_PARAMS)
    assert DEFAULT_PARAMS.memory_kib >= 256 * MIB


def test_calibration_raises_memory_first_and_stays_within_target() -> None:
    # A machine where the default takes 0.1 s: doubling memory twice gives 0.4 s, under 0.45.
    chosen = calibrate(target_seconds=0.45, timer=lambda params: 0.1)
    assert chosen == KdfParams(time_cost=3, memory_kib=1024 * MIB, lanes=2)


def test_calibration_never_goes_below_the_default_on_a_slow_machine() -> None:
    assert calibrate(target_seconds=0.4, timer=lambda params: 2.0) == DEFAULT_PARAMS


def test_calibration_adds_passes_after_the_memory_cap() -> None:
    chosen = calibrate(target_seconds=0.4, timer=lambda params: 0.01)
    assert chosen.memory_kib == DEFAULT_LIMITS.cap.memory_kib
    assert chosen.time_cost == DEFAULT_LIMITS.cap.time_cost
    DEFAULT_LIMITS.check(chosen)


@pytest.mark.slow
def test_real_default_parameters_derive_in_reasonable_time() -> None:
    """The one test at the real cost: 256 MiB, 3 passes, 2 lanes."""
    began = time.perf_counter()
    key = crypto.derive_key("correct horse battery staple", SALT, DEFAULT_PARAMS)
    elapsed = time.perf_counter() - began
    assert len(key) == 32
    assert elapsed < 10  # a sanity bound for CI, not a benchmark (see benchmarks/)
