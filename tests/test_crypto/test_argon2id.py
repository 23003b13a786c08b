"""Argon2id with its memory on huge pages: the same bytes as argon2-cffi, memory given back, failures quiet."""

from __future__ import annotations

import mmap
import sys

import pytest
from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import argon2id as module
from crypto.argon2id import argon2id


def test_reference_vector() -> None:
    # Argon2 reference implementation test vector: Argon2id v1.3, t=2, m=64 MiB, p=1.
    digest = argon2id(b"password", b"somesalt", 2, 65536, 1, 32)
    assert digest.hex() == "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"


@settings(max_examples=40, deadline=None)
@given(
    secret=st.binary(max_size=64),
    salt=st.binary(min_size=8, max_size=32),
    time_cost=st.integers(1, 3),
    lanes=st.integers(1, 4),
    blocks_per_lane=st.integers(8, 64),
    length=st.sampled_from([16, 32, 64]),
)
def test_same_bytes_as_argon2_cffi(
    secret: bytes, salt: bytes, time_cost: int, lanes: int, blocks_per_lane: int, length: int
) -> None:
    memory_kib = lanes * blocks_per_lane
    ours = argon2id(secret, salt, time_cost, memory_kib, lanes, length)
    assert ours == hash_secret_raw(secret, salt, time_cost, memory_kib, lanes, length, Type.ID)
    assert not module._mapped, "every working memory is unmapped once the derivation ends"


@pytest.mark.skipif(sys.platform != "linux", reason="transparent huge pages are a Linux feature")
def test_linux_derives_in_a_mapping_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    assert module.HOOKS is not None, "the allocation hooks are in use on Linux"
    assert set(module._ADVICE) == {mmap.MADV_HUGEPAGE, mmap.MADV_DONTDUMP}
    mapped: list[int] = []
    make = mmap.mmap

    def watched(fileno: int, length: int, **options: int) -> mmap.mmap:
        mapped.append(length)
        return make(fileno, length, **options)

    monkeypatch.setattr(mmap, "mmap", watched)
    argon2id(b"secret", bytes(16), 1, 1024, 2, 32)
    assert mapped == [1024 * 1024]
    assert not module._mapped


@pytest.mark.skipif(module.HOOKS is None, reason="derivations use malloc'd memory on this system")
def test_memory_that_cannot_be_mapped_is_a_hashing_error_and_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_arguments: object, **_options: object) -> mmap.mmap:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(mmap, "mmap", refuse)
    with pytest.raises(HashingError, match=r"(?i)memory"):
        argon2id(b"secret", bytes(16), 1, 64, 1, 32)
    assert capfd.readouterr() == ("", "")
    monkeypatch.undo()
    assert argon2id(b"secret", bytes(16), 1, 64, 1, 32) == hash_secret_raw(b"secret", bytes(16), 1, 64, 1, 32, Type.ID)


def test_parameters_libargon2_refuses_raise_as_argon2_cffi_does() -> None:
    with pytest.raises(HashingError) as ours:
        argon2id(b"secret", bytes(16), 1, 4, 1, 32)  # less than 8 KiB per lane
    with pytest.raises(HashingError) as theirs:
        hash_secret_raw(b"secret", bytes(16), 1, 4, 1, 32, Type.ID)
    assert str(ours.value) == str(theirs.value)


def test_without_hooks_the_same_bytes_come_from_argon2_cffi(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = argon2id(b"secret", bytes(16), 1, 64, 2, 32)
    monkeypatch.setattr(module, "HOOKS", None)
    assert argon2id(b"secret", bytes(16), 1, 64, 2, 32) == expected
