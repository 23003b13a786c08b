"""The libsodium calls every record read and write makes, called straight through PyNaCl's own libsodium.

PyNaCl's public bindings check each argument in Python and format every error message before
the call, whether it fails or not: for a 1.5 KB record that is three quarters of the time of a
BLAKE2b digest or an XChaCha20-Poly1305 open, and `verify` makes one of each for every row.
These functions make the same libsodium calls through the same cffi library PyNaCl ships (so no
primitive here is ours), with the few checks that matter done once. `pynacl` is pinned to one
version in `pyproject.toml`, and tests/test_crypto/test_sodium.py holds every function here to
PyNaCl's public binding on random inputs, so an upgrade that changed anything fails there.
"""

from __future__ import annotations

from nacl._sodium import ffi, lib

KEY_SIZE = 32
NONCE_SIZE = 24
TAG_SIZE = 16
_PERSON_SIZE = 16
_NO_SALT = bytes(16)


def seal_padded(prefix: bytes, nonce: bytes, plaintext: bytes, padded_length: int, aad: bytes, key: bytes) -> bytes:
    """`prefix | nonce |` the XChaCha20-Poly1305 (IETF) ciphertext and tag of `plaintext` padded to
    `padded_length` (ISO/IEC 7816-4, libsodium's `sodium_pad`) and bound to `aad`, built in one buffer:
    the plaintext is padded and encrypted in place (libsodium allows the ciphertext over the message), so
    sealing copies it in once and the envelope out once."""
    _check_key_and_nonce(key, nonce)
    if padded_length <= len(plaintext):
        raise ValueError("no room to pad")
    start = len(prefix) + NONCE_SIZE
    buffer = ffi.new("unsigned char[]", start + padded_length + TAG_SIZE)
    ffi.memmove(buffer, prefix + nonce, start)
    ffi.memmove(buffer + start, plaintext, len(plaintext))
    length = ffi.new("size_t *")
    padding_failed = lib.sodium_pad(length, buffer + start, len(plaintext), padded_length, padded_length)
    if padding_failed or length[0] != padded_length:
        raise ValueError("padding failed")
    if lib.crypto_aead_xchacha20poly1305_ietf_encrypt(
        buffer + start, ffi.NULL, buffer + start, padded_length, aad, len(aad), ffi.NULL, nonce, key
    ):
        raise ValueError("encryption failed")
    return _copied(buffer, start + padded_length + TAG_SIZE)


def aead_decrypt(ciphertext: bytes, aad: bytes, nonce: bytes, key: bytes) -> bytes | None:
    """The plaintext of what `seal_padded` encrypted (what follows its prefix and nonce), or None if it does
    not authenticate (altered, moved, the wrong key or associated data)."""
    opened = _decrypted(ciphertext, aad, nonce, key)
    return None if opened is None else _copied(*opened)


def aead_authentic(ciphertext: bytes, aad: bytes, nonce: bytes, key: bytes) -> bool:
    """Whether `aead_decrypt` would open this, without copying out the plaintext."""
    return _decrypted(ciphertext, aad, nonce, key) is not None


def _decrypted(ciphertext: bytes, aad: bytes, nonce: bytes, key: bytes) -> tuple[object, int] | None:
    """The cffi buffer libsodium decrypted into and the plaintext's length, or None if it does not authenticate."""
    _check_key_and_nonce(key, nonce)
    if len(ciphertext) < TAG_SIZE:
        return None
    message = ffi.new("unsigned char[]", max(1, len(ciphertext) - TAG_SIZE))
    length = ffi.new("unsigned long long *")
    if lib.crypto_aead_xchacha20poly1305_ietf_decrypt(
        message, length, ffi.NULL, ciphertext, len(ciphertext), aad, len(aad), nonce, key
    ):
        return None
    return message, length[0]


def blake2b(data: bytes, digest_size: int, person: bytes, key: bytes = b"") -> bytes:
    """BLAKE2b of `data`, personalised with `person` (zero-padded to 16 bytes, as PyNaCl pads it), keyed if
    `key` is given."""
    if not 16 <= digest_size <= 64 or len(person) > _PERSON_SIZE or len(key) > 64:
        raise ValueError("digest size, personalisation or key out of range")
    digest = ffi.new("unsigned char[]", digest_size)
    if lib.crypto_generichash_blake2b_salt_personal(
        digest, digest_size, data, len(data), key or ffi.NULL, len(key), _NO_SALT, person.ljust(_PERSON_SIZE, b"\0")
    ):
        raise ValueError("hashing failed")
    return _copied(digest, digest_size)


def unpad(padded: bytes, block_size: int) -> bytes | None:
    """`padded` without the padding `seal_padded` added to its last `block_size` bytes; None if there is none."""
    if not 0 < block_size <= len(padded):
        return None
    length = ffi.new("size_t *")
    if lib.sodium_unpad(length, padded, len(padded), block_size):
        return None
    return padded[: length[0]]


def _copied(buffer: object, length: int) -> bytes:
    """The first `length` bytes of a cffi buffer, as bytes."""
    copied: bytes = ffi.buffer(buffer, length)[:]
    return copied


def _check_key_and_nonce(key: bytes, nonce: bytes) -> None:
    # A wrong size would make libsodium read past the buffer: the one check that cannot be left to types.
    if len(key) != KEY_SIZE or len(nonce) != NONCE_SIZE:
        raise ValueError("key or nonce of the wrong size")
