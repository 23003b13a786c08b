"""Counting key derivations: every Argon2id run, whatever calls it, by wrapping the KDF function itself."""

from __future__ import annotations

from collections import Counter

import pytest
from argon2.low_level import Type, hash_secret_raw

import crypto.kdf

Derivations = list[tuple[bytes, bytes]]
"""Each derivation made, as (passphrase bytes, salt): the same pair twice is the same key derived twice."""


def count_derivations(monkeypatch: pytest.MonkeyPatch) -> Derivations:
    """The list every Argon2id derivation is added to from now on (until `monkeypatch` undoes it)."""
    made: Derivations = []

    def counting(
        *,
        secret: bytes,
        salt: bytes,
        time_cost: int,
        memory_cost: int,
        parallelism: int,
        hash_len: int,
        type: Type,
        version: int,
    ) -> bytes:
        made.append((secret, salt))
        return hash_secret_raw(secret, salt, time_cost, memory_cost, parallelism, hash_len, type, version)

    monkeypatch.setattr(crypto.kdf, "hash_secret_raw", counting)
    return made


def passphrases(made: Derivations) -> list[str]:
    """The passphrase of each derivation, in order."""
    return [secret.decode() for secret, _ in made]


def assert_each_key_derived_once(made: Derivations) -> None:
    """No passphrase was derived twice under the same salt."""
    assert all(count == 1 for count in Counter(made).values()), passphrases(made)
