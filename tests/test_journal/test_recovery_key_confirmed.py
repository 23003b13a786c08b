"""A recovery key is never committed unseen: a first run's journal is created already noting its key as
unconfirmed, resuming it draws a replacement that is written only once typed back, and every new key is
committed with the note that it was confirmed, in one transaction (the crash tests kill these at any moment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal import (
    Journal,
    JournalLocked,
    Preferences,
    RecoveryKeyToConfirm,
    StorageError,
    WrongRecoveryKey,
    draw_recovery_key,
)
from journal.writing import Writing
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE


def _first_run(path: Path) -> tuple[Journal, str]:
    return Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, recovery_key_confirmed=False)


def _opens_with(path: Path, recovery_key: str) -> bool:
    try:
        Journal.recover(path, recovery_key, PASSPHRASE, limits=CHEAP_LIMITS).close()
    except WrongRecoveryKey:
        return False
    return True


def _refuse_saving_preferences(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: Writing, preferences: Preferences) -> Preferences:
        raise StorageError("Could not save the settings: the disk is full.")

    monkeypatch.setattr(Writing, "save_preferences", refused)


def test_a_first_run_journal_is_created_noting_its_key_unconfirmed(journal_path: Path) -> None:
    journal, _ = _first_run(journal_path)
    with journal:
        assert journal.preferences().recovery_key_confirmed is False
        assert journal.vault.verify().ok
    with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        assert journal.preferences().recovery_key_confirmed is False
        assert [entry.kind for entry in journal.vault.entries()] == [Preferences.KIND]  # nothing else written


def test_a_journal_created_otherwise_has_no_settings_and_counts_as_confirmed(journal_path: Path) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with journal:
        assert journal.vault.entries() == []
        assert journal.preferences().recovery_key_confirmed


def test_a_first_run_that_cannot_note_its_key_unconfirmed_creates_no_journal(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_saving_preferences(monkeypatch)
    with pytest.raises(StorageError):
        _first_run(journal_path)
    assert not journal_path.exists()
    assert list(journal_path.parent.iterdir()) == []  # no half-built file left beside it either


def test_confirming_the_first_runs_key_notes_it_and_keeps_it(journal_path: Path) -> None:
    journal, recovery_key = _first_run(journal_path)
    with journal:
        to_confirm = RecoveryKeyToConfirm(journal, recovery_key)
        assert not to_confirm.replaces
        assert to_confirm.confirm().recovery_key_confirmed
    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    journal.close()
    assert replacement is None  # confirmed: nothing to resume
    assert _opens_with(journal_path, recovery_key)


def test_resuming_draws_a_replacement_and_writes_nothing_until_it_is_confirmed(journal_path: Path) -> None:
    first_journal, first = _first_run(journal_path)
    first_journal.close()
    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    assert replacement is not None and replacement.replaces
    assert replacement.recovery_key != first
    journal.close()  # stopped again on the key's screen
    assert _opens_with(journal_path, first)
    assert not _opens_with(journal_path, replacement.recovery_key)

    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    assert replacement is not None
    with journal:
        assert replacement.confirm().recovery_key_confirmed
        assert not replacement.replaces  # done: it holds no passphrase any more
        assert journal.preferences().recovery_key_confirmed
    assert _opens_with(journal_path, replacement.recovery_key)
    assert not _opens_with(journal_path, first)
    journal, again = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    journal.close()
    assert again is None


def test_a_replacement_that_cannot_be_noted_confirmed_is_not_put_in_force(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _first_run(journal_path)[0].close()  # created, then stopped on the key's screen
    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    assert replacement is not None
    with journal:
        with monkeypatch.context() as patch:
            _refuse_saving_preferences(patch)
            with pytest.raises(StorageError):
                replacement.confirm()
        assert not journal.preferences().recovery_key_confirmed
    assert not _opens_with(journal_path, replacement.recovery_key)


def test_a_replacement_confirmed_after_the_journal_locked_changes_nothing(journal_path: Path) -> None:
    _first_run(journal_path)[0].close()
    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    assert replacement is not None
    journal.close()
    with pytest.raises(JournalLocked):
        replacement.confirm()
    assert not _opens_with(journal_path, replacement.recovery_key)


def test_a_read_only_journal_resumes_nothing(journal_path: Path) -> None:
    _first_run(journal_path)[0].close()
    journal_path.chmod(0o400)
    journal, replacement = Journal.open_resuming_first_run(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    with journal:
        assert journal.read_only
        assert replacement is None  # nothing could be written, so no key is shown that would not be kept
    journal_path.chmod(0o600)


@pytest.mark.parametrize("change", ["new recovery key", "rotate"])
def test_a_new_key_and_its_confirmation_are_one_transaction(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    journal, old = _first_run(journal_path)
    with journal:
        journal.write_reflection("written before the change")
        new = draw_recovery_key()
        commit = journal.rotate_keys if change == "rotate" else journal.new_recovery_key
        with monkeypatch.context() as patch:
            _refuse_saving_preferences(patch)
            with pytest.raises(StorageError):
                commit(PASSPHRASE, new)
        # Rolled back whole, in the file and in memory: the journal still reads and writes under its keys.
        assert not journal.preferences().recovery_key_confirmed
        assert journal.vault.verify().ok
        journal.write_reflection("written after the refused change")
        assert commit(PASSPHRASE, new).recovery_key_confirmed
        assert journal.vault.verify().ok
    with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        assert journal.vault.verify().ok
        assert journal.preferences().recovery_key_confirmed
        assert len(journal.recent_reflections()) == 2
    assert _opens_with(journal_path, new)
    assert not _opens_with(journal_path, old)


@pytest.mark.parametrize("change", ["new recovery key", "rotate"])
def test_a_command_line_key_change_notes_its_key_confirmed_in_the_same_transaction(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    journal, old = _first_run(journal_path)
    journal.close()
    new = draw_recovery_key()
    with Journal.open_to_change_keys(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as keys:
        commit = keys.rotate_keys if change == "rotate" else keys.new_recovery_key
        with monkeypatch.context() as patch:
            _refuse_saving_preferences(patch)
            with pytest.raises(StorageError):
                commit(new)
        commit(new)
    with Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        assert journal.vault.verify().ok
        assert journal.preferences().recovery_key_confirmed
    assert _opens_with(journal_path, new)
    assert not _opens_with(journal_path, old)
