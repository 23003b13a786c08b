"""The app's first run stopped before its recovery key was confirmed, resumed at the next unlock: the replacement is
shown and typed back before it is written, with the note that it was confirmed, in one transaction (Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from journal import FixedClock, Journal, Preferences, StorageError, WrongRecoveryKey
from journal.writing import Writing
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.test_tui.test_app import SIZE, app_for, unlock, wait_for
from tui.screens.forms import EngagementForm
from tui.screens.main import MainScreen
from tui.screens.setup import RecoveryKeyScreen
from tui.screens.unlock import UnlockScreen


def _keys_that_open(path: Path, *candidates: str) -> list[str]:
    works = []
    for candidate in candidates:
        try:
            Journal.recover(path, candidate, PASSPHRASE, limits=CHEAP_LIMITS).close()
            works.append(candidate)
        except WrongRecoveryKey:
            pass
    return works


def _first_run_stopped_on_its_key(path: Path) -> str:
    """A journal whose first run showed its key and stopped before it was typed back; returns that key."""
    journal, first = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, recovery_key_confirmed=False)
    journal.close()
    return first


async def _unlock_to_the_key(pilot: Pilot[int]) -> str:
    """Unlock; the first run resumes at its recovery key: the key shown."""
    app = pilot.app
    # Ready once its field has the focus: after a lock the unlock screen is new, and may still be mounting.
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, UnlockScreen) and app.focused is not None and app.focused.id == "passphrase",
    )
    app.screen.query_one("#passphrase", Input).value = PASSPHRASE
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
    return str(app.screen.query_one("#recovery-key", Static).render())


async def _type_back(pilot: Pilot[int], key: str) -> None:
    pilot.app.screen.query_one("#last-group", Input).value = key.rsplit("-", 1)[-1]
    await pilot.press("enter")


async def test_the_first_key_works_until_the_replacement_is_typed_back(journal_path: Path, clock: FixedClock) -> None:
    first = _first_run_stopped_on_its_key(journal_path)
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        shown = await _unlock_to_the_key(pilot)
        assert shown != first
        assert app.journal is not None and not app.journal.preferences().recovery_key_confirmed
        await pilot.press("ctrl+q")  # stopped on the replacement's screen too
    assert _keys_that_open(journal_path, first, shown) == [first]  # nothing was written

    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        replacement = await _unlock_to_the_key(pilot)
        assert replacement not in (first, shown)
        app.screen.query_one("#last-group", Input).value = "ZZZZ"
        await pilot.press("enter")
        assert isinstance(app.screen, RecoveryKeyScreen)  # a wrong group writes nothing and keeps the key shown
        await _type_back(pilot, replacement)
        await wait_for(pilot, lambda: isinstance(app.screen, EngagementForm))
        assert app.journal is not None and app.journal.preferences().recovery_key_confirmed
        assert app.preferences.recovery_key_confirmed
    assert _keys_that_open(journal_path, first, shown, replacement) == [replacement]

    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        assert isinstance(app.screen, MainScreen)  # confirmed: nothing to resume, no other key drawn
    assert _keys_that_open(journal_path, replacement) == [replacement]


async def test_a_replacement_that_cannot_be_stored_says_so_and_the_first_key_still_works(
    journal_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _first_run_stopped_on_its_key(journal_path)
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        shown = await _unlock_to_the_key(pilot)

        def refused(self: Writing, preferences: Preferences) -> Preferences:
            raise StorageError("Could not save the settings: the disk is full.")

        with monkeypatch.context() as patch:
            patch.setattr(Writing, "save_preferences", refused)
            await _type_back(pilot, shown)
            await wait_for(pilot, lambda: isinstance(app.screen, EngagementForm))  # the first run goes on
        messages = [str(note.message) for note in app._notifications]
        assert any("Could not put the new recovery key in force" in message for message in messages), messages
        assert app.journal is not None and not app.journal.preferences().recovery_key_confirmed
    assert _keys_that_open(journal_path, first, shown) == [first]


async def test_locking_on_the_replacement_writes_nothing_and_the_next_unlock_draws_another(
    journal_path: Path, clock: FixedClock
) -> None:
    first = _first_run_stopped_on_its_key(journal_path)
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        shown = await _unlock_to_the_key(pilot)
        app.lock()
        assert app.journal is None
        again = await _unlock_to_the_key(pilot)  # the next unlock resumes at the key, with another one
        assert again != shown
        await pilot.press("ctrl+q")
    assert _keys_that_open(journal_path, first, shown, again) == [first]
