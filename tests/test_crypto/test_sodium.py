"""The direct libsodium calls give exactly what PyNaCl's public bindings give, and refuse what they refuse."""

from __future__ import annotations

import nacl.bindings
import nacl.exceptions
import nacl.utils
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import sodium

keys = st.binary(min_size=32, max_size=32)
nonces = st.binary(min_size=24, max_size=24)
messages = st.binary(max_size=3000)
persons = st.binary(max_size=16)


@given(message=messages, aad=st.binary(max_size=80), nonce=nonces, key=keys)
def test_aead_opens_what_pynacl_seals(message: bytes, aad: bytes, nonce: bytes, key: bytes) -> None:
    sealed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(message, aad, nonce, key)
    assert sodium.aead_decrypt(sealed, aad, nonce, key) == message
    assert sodium.aead_authentic(sealed, aad, nonce, key)


@given(message=messages, aad=st.binary(max_size=80), nonce=nonces, key=keys, data=st.data())
def test_aead_refuses_any_change_pynacl_refuses(
    message: bytes, aad: bytes, nonce: bytes, key: bytes, data: st.DataObject
) -> None:
    sealed = bytearray(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(message, aad, nonce, key))
    place = data.draw(st.integers(0, len(sealed) - 1))
    sealed[place] ^= data.draw(st.integers(1, 255))
    with pytest.raises(nacl.exceptions.CryptoError):
        nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(bytes(sealed), aad, nonce, key)
    assert sodium.aead_decrypt(bytes(sealed), aad, nonce, key) is None
    assert not sodium.aead_authentic(bytes(sealed), aad, nonce, key)
    assert sodium.aead_decrypt(bytes(sealed[: data.draw(st.integers(0, 15))]), aad, nonce, key) is None


def test_aead_refuses_a_key_or_nonce_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="wrong size"):
        sodium.seal_padded(b"", bytes(24), b"x", 16, b"", bytes(31))
    with pytest.raises(ValueError, match="wrong size"):
        sodium.aead_decrypt(bytes(40), b"", bytes(23), bytes(32))


@given(message=messages, extra=st.integers(1, 600), aad=st.binary(max_size=80), nonce=nonces, key=keys)
def test_sealing_in_place_matches_padding_then_encrypting_with_pynacl(
    message: bytes, extra: int, aad: bytes, nonce: bytes, key: bytes
) -> None:
    padded = nacl.bindings.sodium_pad(message, len(message) + extra)
    expected = b"\x01" + nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, aad, nonce, key)
    assert sodium.seal_padded(b"\x01", nonce, message, len(message) + extra, aad, key) == expected


@given(data=st.binary(max_size=3000), person=persons, key=st.binary(max_size=64), size=st.integers(16, 64))
def test_blake2b_matches_pynacl(data: bytes, person: bytes, key: bytes, size: int) -> None:
    expected = nacl.bindings.crypto_generichash_blake2b_salt_personal(data, digest_size=size, key=key, person=person)
    assert sodium.blake2b(data, size, person, key) == expected


@given(data=st.binary(max_size=2000), extra=st.integers(1, 600))
def test_unpad_matches_pynacl(data: bytes, extra: int) -> None:
    padded = nacl.bindings.sodium_pad(data, len(data) + extra)
    assert sodium.unpad(padded, extra) == nacl.bindings.sodium_unpad(padded, extra) == data


def test_unpad_refuses_what_has_no_padding() -> None:
    assert sodium.unpad(bytes(64), 64) is None  # no 0x80 marker
    assert sodium.unpad(b"", 16) is None
    with pytest.raises(ValueError, match="no room"):
        sodium.seal_padded(b"", bytes(24), bytes(16), 16, b"", bytes(32))


def test_random_inputs_are_not_all_one_value() -> None:
    """The comparisons above would pass for two functions that ignore their input; these do not."""
    key, nonce = nacl.utils.random(32), nacl.utils.random(24)
    assert sodium.seal_padded(b"", nonce, b"a", 16, b"", key) != sodium.seal_padded(b"", nonce, b"b", 16, b"", key)
    assert sodium.blake2b(b"a", 16, b"p") != sodium.blake2b(b"a", 16, b"q")
