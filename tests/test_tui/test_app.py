"""The Candour app driven with Textual's Pilot: setup, unlock, recovery, writing with autosave, idle lock,
search, check-in, settings, and the guards against plaintext leaving behind the user's back."""

from __future__ import annotations

import dataclasses
import gc
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Select, Static, TextArea, Tree

from journal import (
    CheckIn,
    Engagement,
    FixedClock,
    Journal,
    Reflection,
    Session,
    WrongPassphrase,
    WrongRecoveryKey,
)
from journal.demo import DEMO_PASSPHRASE
from journal.vault import Vault
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tui.app import CRASH_MESSAGE, CandourApp, make_app
from tui.screens import editor
from tui.screens.base import Reopened
from tui.screens.editor import EditorScreen
from tui.screens.forms import CheckInForm, EngagementForm
from tui.screens.goals import GoalsScreen
from tui.screens.main import FREE_ENTRIES_SHOWN, MainScreen
from tui.screens.search import SearchScreen
from tui.screens.settings import NewRecoveryKeyScreen, SettingsScreen
from tui.screens.setup import RecoveryKeyScreen, SetupScreen
from tui.screens.unlock import RecoverScreen, UnlockScreen

ROOT = Path(__file__).resolve().parents[2]
SIZE = (120, 40)
TIMEOUT = 60.0
"""Generous: every wait ends as soon as its state is reached; this only bounds a broken run on a busy machine."""
NEVER = 24 * 3600.0
"""An auto-lock delay no test reaches by being slow."""


def app_for(path: Path, clock: FixedClock, **options: object) -> CandourApp:
    return make_app(path, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock, **options)  # type: ignore[arg-type]


async def type_text(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*[("space" if char == " " else char) for char in text])


async def wait_for(pilot: Pilot[int], condition: Callable[[], object], seconds: float = TIMEOUT) -> None:
    """Let the app run until `condition()` holds (workers finish in their own time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the app did not reach the expected state in time")
        await pilot.pause(0.05)


def _focused_id(app: App[Any]) -> str | None:
    return app.focused.id if app.focused is not None else None


async def unlock(pilot: Pilot[int], passphrase: str = DEMO_PASSPHRASE) -> None:
    app = pilot.app
    # Ready once its field has the focus: after a lock the unlock screen is new, and may still be mounting.
    await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen) and _focused_id(app) == "passphrase")
    assert isinstance(app.screen, UnlockScreen)
    app.screen.query_one("#passphrase", Input).value = passphrase
    await pilot.press("enter")
    # The main view, or the editor or another screen that was open when the journal locked.
    await wait_for(pilot, lambda: isinstance(app.screen, (MainScreen, EditorScreen, Reopened)) or _unlock_error(app))


def _unlock_error(app: object) -> str:
    screen = getattr(app, "screen", None)
    if isinstance(screen, UnlockScreen):
        return str(screen.query_one("#unlock-error", Static).render())
    return ""


async def test_first_run_creates_the_journal_shows_the_key_once_and_the_first_engagement(
    journal_path: Path, clock: FixedClock
) -> None:
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "password1")
        await pilot.press("enter", "tab", "enter")
        assert not journal_path.exists()
        assert "weak" in str(app.screen.query_one("#strength-advice", Static).render())

        first = app.screen.query_one("#first", Input)
        first.value = PASSPHRASE
        app.screen.query_one("#second", Input).value = PASSPHRASE
        app.screen.query_one("#second", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
        key = str(app.screen.query_one("#recovery-key", Static).render())
        await type_text(pilot, "ZZZZ")
        await pilot.press("enter")
        assert isinstance(app.screen, RecoveryKeyScreen)  # a wrong group keeps the key on screen
        app.screen.query_one("#last-group", Input).value = key.rsplit("-", 1)[-1]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EngagementForm))
        await type_text(pilot, "Leadership 2026")
        app.screen.query_one("#sponsor-label", Input).value = "Leadership development"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.journal is not None
        assert [(e.title, e.sponsor_label) for e in app.journal.all(Engagement)] == [
            ("Leadership 2026", "Leadership development")
        ]
    assert journal_path.exists()
    Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS).close()


async def test_a_first_run_quit_on_the_recovery_key_resumes_there_with_a_new_key(
    journal_path: Path, clock: FixedClock
) -> None:
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#first", Input).value = PASSPHRASE
        app.screen.query_one("#second", Input).value = PASSPHRASE
        app.screen.query_one("#second", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
        never_confirmed = str(app.screen.query_one("#recovery-key", Static).render())
        await pilot.press("ctrl+q")
    assert journal_path.exists()

    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryKeyScreen))
        key = str(app.screen.query_one("#recovery-key", Static).render())
        assert key != never_confirmed
        app.screen.query_one("#last-group", Input).value = key.rsplit("-", 1)[-1]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EngagementForm))  # there is none yet
        await type_text(pilot, "Leadership 2026")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        assert isinstance(app.screen, MainScreen)  # confirmed now: straight to the journal
    with pytest.raises(WrongRecoveryKey):
        Journal.recover(journal_path, never_confirmed, "a passphrase after recovery", limits=CHEAP_LIMITS)
    Journal.recover(journal_path, key, "a passphrase after recovery", limits=CHEAP_LIMITS).close()


async def test_wrong_passphrase_says_so_and_keeps_the_screen(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, "not the passphrase")
        assert isinstance(app.screen, UnlockScreen)
        assert "Wrong passphrase" in _unlock_error(app)
        assert app.journal is None
        await unlock(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_forgotten_passphrase_is_reset_with_the_recovery_key(journal_path: Path, clock: FixedClock) -> None:
    journal, recovery_key = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    journal.close()
    app = app_for(journal_path, clock)
    new = "a fresh passphrase nobody guesses"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        assert isinstance(app.screen, RecoverScreen)
        app.screen.query_one("#recovery-key", Input).value = recovery_key.lower()
        app.screen.query_one("#first", Input).value = new
        app.screen.query_one("#second", Input).value = new
        app.screen.query_one("#second", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("ctrl+l")
    with pytest.raises(WrongPassphrase):
        Journal.open(journal_path, PASSPHRASE, limits=CHEAP_LIMITS)
    Journal.open(journal_path, new, limits=CHEAP_LIMITS).close()


@pytest.fixture
def fast_autosave(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(editor, "AUTOSAVE_SECONDS", 0.1)
    yield


async def test_writing_autosaves_an_encrypted_draft_then_saves_the_reflection(
    demo_path: Path, clock: FixedClock, fast_autosave: None
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, EditorScreen)
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await type_text(pilot, "Calmer today; @Sam decided")
        assert app.journal is not None
        journal = app.journal
        await wait_for(pilot, lambda: (d := journal.current_draft()) is not None and "@Sam decided" in d.text)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert journal.current_draft() is None
        latest = journal.recent_reflections(1)[0]
        assert latest.text.startswith("## What did I explore?\nCalmer today; @Sam decided")
        assert "What shifted for me?" not in latest.text  # unanswered prompts are dropped
        assert latest.session_id is not None


async def test_idle_lock_saves_the_draft_and_unlock_brings_it_back_exactly(demo_path: Path, clock: FixedClock) -> None:
    # Idle only once everything is typed: a slow machine must not lock the journal between two key presses.
    app = app_for(demo_path, clock, auto_lock_seconds=NEVER)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await type_text(pilot, "half a thought")
        area = app.screen.query_one("#text", TextArea)
        text, cursor = area.text, area.cursor_location
        app.settings = dataclasses.replace(app.settings, auto_lock_seconds=0.0)  # the next idle check locks
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        app.settings = dataclasses.replace(app.settings, auto_lock_seconds=NEVER)
        assert app.journal is None
        assert not app.query(TextArea)  # nothing decrypted is left in the app
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        area = app.screen.query_one("#text", TextArea)
        assert area.text == text
        assert area.cursor_location == cursor


async def test_the_lock_key_works_from_every_screen(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        for key, screen in (("g", GoalsScreen), ("slash", SearchScreen), ("comma", SettingsScreen)):
            await pilot.press(key)
            assert isinstance(app.screen, screen)
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen) and app.journal is None)
            await unlock(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, screen))  # noqa: B023 (awaited at once)
            await pilot.press("escape")  # the screen that was open comes back; the next one opens from the main view
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_search_finds_text_live_ignoring_case_and_accents(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "query")
        await type_text(pilot, "SUPPLIER")
        results = app.screen.query_one("#results", OptionList)
        await wait_for(pilot, lambda: results.option_count == 1)
        assert "supplier contract" in str(results.get_option_at_index(0).prompt)


async def test_a_check_in_is_saved_from_the_goals_view(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("g")
        assert app.journal is not None
        before = [c for c in app.journal.all(CheckIn) if c.rating == 8]
        await pilot.press("r")
        assert isinstance(app.screen, CheckInForm)
        await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "rating")
        await type_text(pilot, "8")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert len([c for c in app.journal.all(CheckIn) if c.rating == 8]) == len(before) + 1


async def test_a_goal_is_created_from_the_goals_view(demo_path: Path, clock: FixedClock) -> None:
    from journal import Goal
    from tui.screens.forms import GoalForm

    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("g", "n")
        await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "title")
        assert isinstance(app.screen, GoalForm)
        await type_text(pilot, "Say no more often")
        app.screen.query_one("#sponsor-wording", Input).value = "Prioritising"
        app.screen.query_one("#target-rating", Input).value = "eight"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "whole number" in str(app.screen.query_one(".error", Static).render()))
        app.screen.query_one("#target-rating", Input).value = "8"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GoalsScreen))
        assert app.journal is not None
        goal = next(goal for goal in app.journal.all(Goal) if goal.title == "Say no more often")
        assert goal.sponsor_wording == "Prioritising" and goal.engagement_id is not None
        assert goal.target_rating == 8


async def test_an_action_is_ticked_done_from_the_actions_view(demo_path: Path, clock: FixedClock) -> None:
    from textual.widgets import SelectionList

    from journal import Action
    from tui.screens.actions import ActionsScreen

    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionsScreen) and bool(app.screen.query(SelectionList)))
        await wait_for(pilot, lambda: isinstance(app.focused, SelectionList))
        assert app.journal is not None
        first_open = sorted((a for a in app.journal.all(Action) if not a.done), key=lambda a: a.due_on or date.max)[0]
        await pilot.press("space")
        await wait_for(pilot, lambda: app.journal is not None and app.journal.get(Action, first_open.saved_id).done)


async def test_settings_change_the_passphrase_and_preferences(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    new = "another passphrase for the demo"
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("comma")
        screen = app.screen
        screen.query_one("#auto-lock", Input).value = "12"
        screen.query_one("#theme", Select).value = "light"
        await pilot.click("#save-preferences")
        await wait_for(pilot, lambda: app.theme == "textual-light")  # the app applies what the screen saved
        assert app.journal is not None and app.journal.preferences().auto_lock_minutes == 12
        assert app.theme == "textual-light" and app.auto_lock_seconds == 12 * 60
        screen.query_one("#current", Input).value = DEMO_PASSPHRASE
        screen.query_one("#first", Input).value = new
        screen.query_one("#second", Input).value = new
        await pilot.click("#change-passphrase")
        await wait_for(pilot, lambda: not str(screen.query_one("#settings-status", Static).render()))
    Journal.open(demo_path, new, limits=CHEAP_LIMITS).close()


def _recovery_keys_that_open(path: Path, *candidates: str) -> list[str]:
    works = []
    for candidate in candidates:
        try:
            Journal.recover(path, candidate, PASSPHRASE, limits=CHEAP_LIMITS).close()
            works.append(candidate)
        except WrongRecoveryKey:
            pass
    return works


@pytest.mark.parametrize(
    ("field", "button"), [("#recovery-passphrase", "#new-recovery-key"), ("#rotate-passphrase", "#rotate")]
)
async def test_settings_commit_a_new_recovery_key_only_once_it_is_typed_back(
    journal_path: Path, clock: FixedClock, field: str, button: str
) -> None:
    journal, old = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock)
    journal.close()
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("comma")
        screen = app.screen
        status = screen.query_one("#settings-status", Static)
        screen.query_one(field, Input).value = "not the passphrase"
        screen.query_one(button, Button).press()  # below the fold at this size
        await wait_for(pilot, lambda: "Wrong passphrase" in str(status.render()))
        assert app.screen is screen  # no key is shown for a passphrase that cannot commit it

        screen.query_one(field, Input).value = PASSPHRASE
        screen.query_one(button, Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, NewRecoveryKeyScreen))
        cancelled = str(app.screen.query_one("#recovery-key", Static).render())
        await pilot.press("escape")  # the coachee did not write it down
        await wait_for(pilot, lambda: "Nothing was changed" in str(status.render()))

        assert app.journal is not None
        app.journal.note_recovery_key_confirmed(False)  # so that typing the key back is seen to confirm it
        screen.query_one(button, Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, NewRecoveryKeyScreen))
        shown = str(app.screen.query_one("#recovery-key", Static).render())
        assert shown != cancelled
        typed = app.screen.query_one("#typed-key", Input)
        typed.value = cancelled
        await pilot.press("enter")
        assert "not the key shown" in str(app.screen.query_one("#typed-key-error", Static).render())
        typed.value = shown.lower().replace("-", " ")  # case, spaces and dashes do not matter
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.journal is not None and app.journal.preferences().recovery_key_confirmed)
        assert app.screen is screen and not screen.query_one(field, Input).value  # the passphrase is forgotten
    assert _recovery_keys_that_open(journal_path, old, cancelled, shown) == [shown]


async def test_settings_leave_the_old_recovery_key_working_until_the_new_one_is_typed_back(
    journal_path: Path, clock: FixedClock
) -> None:
    journal, old = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock)
    journal.close()
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("comma")
        app.screen.query_one("#rotate-passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#rotate", Button).press()
        await wait_for(pilot, lambda: isinstance(app.screen, NewRecoveryKeyScreen))
        shown = str(app.screen.query_one("#recovery-key", Static).render())
        await pilot.press("ctrl+q")  # quit with the new key on screen, not typed back
    assert _recovery_keys_that_open(journal_path, old, shown) == [old]


async def test_settings_show_no_new_recovery_key_for_a_read_only_journal(journal_path: Path, clock: FixedClock) -> None:
    journal, old = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock)
    journal.close()
    journal_path.chmod(0o400)
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("comma")
        screen = app.screen
        screen.query_one("#rotate-passphrase", Input).value = PASSPHRASE
        screen.query_one("#rotate", Button).press()
        await wait_for(pilot, lambda: "can only be read" in str(screen.query_one("#settings-status", Static).render()))
        assert app.screen is screen
    journal_path.chmod(0o600)
    assert _recovery_keys_that_open(journal_path, old) == [old]


async def test_no_screenshot_command_and_no_clipboard_escape(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Lock" in titles
        assert app.deliver_screenshot() is None
        with pytest.raises(PermissionError):
            app.save_screenshot()
        written: list[str] = []
        assert app._driver is not None
        original = app._driver.write
        app._driver.write = lambda data: written.append(data) or original(data)  # type: ignore[method-assign,func-returns-value]
        app.copy_to_clipboard("private words")
        assert not any("\x1b]52" in data for data in written)
    assert not any(path.suffix == ".svg" for path in Path.cwd().iterdir())


CRASHING_APP = """
import sys
from pathlib import Path
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tui.app import make_app

app = make_app(Path(sys.argv[1]), kdf=CHEAP_KDF, limits=CHEAP_LIMITS)

def crash() -> None:
    secret_words = "CANARY journal text in a local variable"
    raise RuntimeError("boom")

async def drive(pilot):
    await pilot.pause()
    app.call_later(crash)

app.run(headless=True, auto_pilot=drive)
sys.exit(app.return_code or 0)
"""


def test_a_crash_prints_no_traceback_no_locals_and_exits_non_zero(tmp_path: Path) -> None:
    log = tmp_path / "textual.log"
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_APP, str(tmp_path / "new.candour")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TEXTUAL_LOG": str(log), "TEXTUAL": "devtools,debug"},
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "CANARY" not in output and "Traceback" not in output and "secret_words" not in output
    assert CRASH_MESSAGE.split(".")[0] in " ".join(output.split())
    assert not log.exists()  # the environment's log switch was removed before the framework read it


def test_the_demo_journal_has_sample_content(demo_path: Path) -> None:
    journal = Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS)
    try:
        assert len(journal.all(Reflection)) == 5
    finally:
        journal.close()


async def test_the_command_palette_offers_every_action(demo_path: Path, clock: FixedClock) -> None:
    from tui.commands import APP_COMMANDS

    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("g")
        await pilot.press("ctrl+p")
        await type_text(pilot, "prepare")
        await wait_for(pilot, lambda: _palette_offers(app, "Prepare for the next session"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PrepScreen")
        assert all(callable(getattr(MainScreen, f"action_{action}", None)) for _, _, action in APP_COMMANDS)


def _palette_offers(app: App[Any], title: str) -> bool:
    """Whether the command palette lists exactly one command, `title` (Enter then runs it)."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return False
    listed = app.screen.query_one(CommandList)
    return listed.option_count == 1 and title in str(listed.get_option_at_index(0).prompt)


def test_importing_the_ui_package_removes_the_frameworks_leaky_switches() -> None:
    probe = (
        "import os, tui\n"
        "from textual import constants\n"
        "from textual.app import App\n"
        "print(constants.LOG_FILE, constants.SCREENSHOT_DELAY, sorted(App().features))\n"
    )
    unsafe = {"TEXTUAL_LOG": "leak.log", "TEXTUAL": "devtools,debug", "TEXTUAL_SCREENSHOT": "1"}
    environment = {**os.environ, **unsafe}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, env=environment)
    assert result.stdout.split() == ["None", "-1", "[]"]


async def test_a_read_only_journal_opens_says_so_and_keeps_what_is_typed(demo_path: Path, clock: FixedClock) -> None:
    demo_path.chmod(0o400)
    before = demo_path.read_bytes()
    app = app_for(demo_path, clock, auto_lock_seconds=NEVER)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("can only be read" in str(note.message) for note in app._notifications)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await type_text(pilot, "typed where nothing can be saved")
        await pilot.press("ctrl+s")
        status = app.screen.query_one("#editor-status", Static)
        await wait_for(pilot, lambda: "can only be read" in str(status.render()))
        assert isinstance(app.screen, EditorScreen)  # still open, with every word typed
        assert "typed where nothing can be saved" in app.screen.query_one("#text", TextArea).text
    assert demo_path.read_bytes() == before
    assert stat.S_IMODE(demo_path.stat().st_mode) == 0o400


async def test_a_damaged_record_is_named_and_the_rest_of_the_journal_shown(demo_path: Path, clock: FixedClock) -> None:
    with Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS, clock=clock) as journal:
        damaged, *others = journal.recent_reflections(3)
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute(
            "UPDATE records SET envelope = zeroblob(length(envelope)) WHERE id = ?", (bytes.fromhex(damaged.saved_id),)
        )
    connection.close()
    app = app_for(demo_path, clock, auto_lock_seconds=NEVER)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, MainScreen)
        await wait_for(pilot, lambda: any(damaged.saved_id[:8] in str(note.message) for note in app._notifications))
        shown = set()
        nodes = [app.screen.query_one("#timeline", Tree).root]
        while nodes:
            node = nodes.pop()
            nodes.extend(node.children)
            shown.add(getattr(node.data, "saved_id", None))
        assert {other.saved_id for other in others} <= shown  # the timeline lists the rest
        assert damaged.saved_id not in shown


async def test_the_app_says_it_is_about_to_lock_and_a_key_keeps_it_open(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock, auto_lock_seconds=60.0)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        app._last_activity = time.monotonic() - 50  # ten seconds from the lock, as after fifty idle ones

        def warned() -> bool:
            return any("Locking in" in str(note.message) for note in app._notifications)

        await wait_for(pilot, warned)
        assert app.journal is not None  # said before, not instead of, locking
        await pilot.press("down")  # any key: the idle time starts again
        assert app.journal is not None and not app._lock_warned


async def test_the_main_view_decrypts_only_the_reflections_it_shows(
    journal_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock)
    with journal:
        older = journal.save(Engagement("Older", starts_on=date(2025, 1, 6)))
        current = journal.save(Engagement("Current", starts_on=date(2026, 9, 1)))
        old_session = journal.save(Session(older.saved_id, date(2025, 2, 3), 1))
        session = journal.save(Session(current.saved_id, date(2026, 9, 10), 1))
        start = datetime(2025, 2, 3, 18, 0)
        old = journal.save_many(
            Reflection(f"Old {n}", start + timedelta(hours=n), session_id=old_session.saved_id) for n in range(40)
        )
        start = datetime(2026, 9, 10, 18, 0)
        journal.save_many(
            Reflection(f"About it {n}", start + timedelta(hours=n), session_id=session.saved_id) for n in range(5)
        )
        journal.save_many(
            Reflection(f"Free {n}", start + timedelta(days=1, hours=n), engagement_id=current.saved_id)
            for n in range(80)
        )
    decrypted: list[str] = []
    get_many = Vault.get_many

    def counting(self: Vault, entries: Any, unreadable: Any = None) -> Any:
        records = get_many(self, entries, unreadable)
        decrypted.extend(record.record_id for record in records if record.kind == "reflection")
        return records

    monkeypatch.setattr(Vault, "get_many", counting)
    app = app_for(journal_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await wait_for(pilot, lambda: app.journal is not None and app.journal.outline is not None and not app.workers)
        await pilot.pause()
        tree = app.screen.query_one("#timeline", Tree)
        # The current engagement's 5 reflections about its session and its latest 50 free entries (the latest 15,
        # under Recent, among them); never the older engagement's, which is folded.
        assert len(set(decrypted)) == 5 + FREE_ENTRIES_SHOWN
        assert not set(decrypted) & {reflection.saved_id for reflection in old}
        older_node = next(node for node in tree.root.children if node.data == older)
        assert not older_node.is_expanded and not older_node.children[0].children
        tree.move_cursor(older_node)
        await pilot.press("enter")  # unfolds it: its session's reflections are decrypted now
        await wait_for(pilot, lambda: older_node.is_expanded and older_node.children[0].children)
        assert {reflection.saved_id for reflection in old} <= set(decrypted)
        labels = [str(node.label) for node in older_node.children[0].children]
        assert labels[:2] == ["05 Feb 2025 · Old 39", "05 Feb 2025 · Old 38"]


async def test_what_the_main_view_holds_is_frozen_from_the_collector_only_until_the_lock(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and gc.get_freeze_count() > 0)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert gc.get_freeze_count() == 0  # what was decrypted can be collected once locked
