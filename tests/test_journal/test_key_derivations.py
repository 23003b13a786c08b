"""Each key operation derives each passphrase key once. Argon2id is the slow step of every one of them, so
deriving the same key twice (unlocking, then checking the passphrase again) would only double the wait.

A derivation is counted by wrapping the KDF itself, whatever calls it (`tests.derivations`). A new salt
makes a new key: changing the passphrase derives the current one (the check) and the new one; a rotation
derives the passphrase under the old salt (the check) and under the new one (its new slot).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from journal import Journal, KeyChange, WrongPassphrase, draw_recovery_key
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.derivations import Derivations, assert_each_key_derived_once, count_derivations, passphrases

NEW_PASSPHRASE = "a different passphrase, long enough"


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> Derivations:
    """Every Argon2id derivation made from now on."""
    return count_derivations(monkeypatch)


@pytest.fixture
def created(journal_path: Path) -> Path:
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    journal.close()
    return journal_path


def open_to_change_keys(path: Path, passphrase: str = PASSPHRASE) -> KeyChange:
    return Journal.open_to_change_keys(path, passphrase, limits=CHEAP_LIMITS)


# --- a journal just unlocked to change its keys (the command line's passwd, new-recovery-key, rotate-keys) ---


def test_changing_the_passphrase_right_after_unlocking_derives_each_passphrase_once(
    created: Path, derivations: Derivations
) -> None:
    with open_to_change_keys(created) as keys:
        keys.change_passphrase(NEW_PASSPHRASE)
    assert passphrases(derivations) == [PASSPHRASE, NEW_PASSPHRASE]
    assert_each_key_derived_once(derivations)
    Journal.open(created, NEW_PASSPHRASE, limits=CHEAP_LIMITS).close()


def test_a_new_recovery_key_right_after_unlocking_derives_the_passphrase_once(
    created: Path, derivations: Derivations
) -> None:
    with open_to_change_keys(created) as keys:
        recovery_key = draw_recovery_key()
        keys.new_recovery_key(recovery_key)
    assert passphrases(derivations) == [PASSPHRASE]
    Journal.recover(created, recovery_key, NEW_PASSPHRASE, limits=CHEAP_LIMITS).close()


def test_rotating_right_after_unlocking_derives_the_passphrase_once_under_each_salt(
    created: Path, derivations: Derivations
) -> None:
    with open_to_change_keys(created) as keys:
        recovery_key = draw_recovery_key()
        keys.rotate_keys(recovery_key)
    assert passphrases(derivations) == [PASSPHRASE, PASSPHRASE]
    assert_each_key_derived_once(derivations)
    Journal.open(created, PASSPHRASE, limits=CHEAP_LIMITS).close()
    Journal.recover(created, recovery_key, NEW_PASSPHRASE, limits=CHEAP_LIMITS).close()


def test_resuming_a_first_run_derives_the_passphrase_once(journal_path: Path, derivations: Derivations) -> None:
    """The unlock checks the passphrase, so the replacement key it draws is written without another derivation."""
    journal, _ = Journal.create(
        journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, recovery_key_confirmed=False
    )
    journal.close()
    derivations.clear()
    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    with journal:
        assert replacement is not None
        replacement.confirm()
    assert passphrases(derivations) == [PASSPHRASE]
    Journal.recover(journal_path, replacement.recovery_key, NEW_PASSPHRASE, limits=CHEAP_LIMITS).close()


def test_a_wrong_passphrase_opens_nothing_to_change(created: Path, derivations: Derivations) -> None:
    with pytest.raises(WrongPassphrase):
        open_to_change_keys(created, "not the passphrase")
    assert len(derivations) == 1


# --- a journal unlocked a while ago (the app's settings): the passphrase is asked again and checked once ---


def test_key_operations_on_an_open_journal_check_the_passphrase_once(created: Path, derivations: Derivations) -> None:
    with Journal.open(created, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        derivations.clear()
        journal.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)
        assert passphrases(derivations) == [PASSPHRASE, NEW_PASSPHRASE]
        derivations.clear()
        journal.new_recovery_key(NEW_PASSPHRASE, draw_recovery_key())
        assert passphrases(derivations) == [NEW_PASSPHRASE]
        derivations.clear()
        journal.rotate_keys(NEW_PASSPHRASE, draw_recovery_key())
        assert passphrases(derivations) == [NEW_PASSPHRASE, NEW_PASSPHRASE]
        assert_each_key_derived_once(derivations)
        derivations.clear()
        operations: list[Callable[[], object]] = [
            lambda: journal.change_passphrase("wrong", NEW_PASSPHRASE),
            lambda: journal.new_recovery_key("wrong", draw_recovery_key()),
            lambda: journal.rotate_keys("wrong", draw_recovery_key()),
        ]
        for operation in operations:
            with pytest.raises(WrongPassphrase):
                operation()
        assert passphrases(derivations) == ["wrong"] * 3
