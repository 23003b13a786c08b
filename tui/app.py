"""The Candour app: a Textual app over the coachee's journal, built by `make_app` for the CLI and the tests.

The app owns the unlocked `Journal` (nothing below it holds keys or ciphertext) and
the locking: the lock key, idle auto-lock and quitting all save the open draft
encrypted, drop every decrypted value and return to the unlock screen. Being told to
stop (SIGTERM) or losing the terminal (SIGHUP) saves the draft the same way before
exiting. It also closes the framework's paths for plaintext to leave behind the
user's back: crash reports with local variables, screenshots and clipboard escape
sequences.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.console import RenderableType
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from journal import DEFAULT_KDF_LIMITS, Clock, Journal, KdfLimits, KdfParams, Preferences, SystemClock
from tui.commands import CandourCommands

CRASH_MESSAGE = "Candour stopped after an internal error. Nothing was shown or written in clear."
"""What the terminal shows after a crash, instead of a traceback that would print local variables; followed by
what became of the draft (one of the messages below)."""

STOPPED_MESSAGE = "Candour was asked to stop (signal {name}). Nothing was shown or written in clear."
"""What the terminal shows after SIGTERM, followed by what became of the draft."""

DRAFT_SAVED = "Your draft was saved encrypted: it will be back when you unlock."
DRAFT_NOT_SAVED = "Your draft could not be saved: what you typed since its last autosave is lost."
NO_DRAFT_OPEN = "No draft was open, so nothing unsaved was lost."
NO_JOURNAL_OPEN = "No journal was open, so nothing unsaved was lost."

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end the app after saving the draft: `kill`, a shutdown, and the terminal closing."""

STOP_GRACE_SECONDS = 5.0
"""How long the framework gets to shut down after a stop signal before the process leaves without it."""

IDLE_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class AppSettings:
    """How the app is built: where the journal is and what costs new journals get (cheap only in tests)."""

    journal_path: Path
    kdf: KdfParams | None = None
    limits: KdfLimits = DEFAULT_KDF_LIMITS
    clock: Clock = field(default_factory=SystemClock)
    demo_passphrase: str | None = None
    """Shown on the unlock screen of the demo journal, so a newcomer can look around."""
    auto_lock_seconds: float | None = None
    """Overrides the journal's auto-lock delay (tests)."""


class Lockable:
    """A screen that holds unsaved work: asked to save it (encrypted) before the journal locks."""

    def save_before_lock(self, journal: Journal) -> None:
        raise NotImplementedError


class JournalView:
    """For screens shown while the journal is unlocked: the app, and the journal it holds open."""

    if TYPE_CHECKING:

        @property
        def app(self) -> App[Any]: ...

    @property
    def candour(self) -> CandourApp:
        return cast(CandourApp, self.app)

    @property
    def journal(self) -> Journal:
        """The open journal.

        Raises:
            RuntimeError: the journal was locked (a screen showing content is gone by then).
        """
        journal = self.candour.journal
        if journal is None:
            raise RuntimeError("the journal is locked")
        return journal


class CandourApp(App[int]):
    """The journal app. Screens reach the journal through `self.app.journal` only while unlocked."""

    CSS_PATH = "app.tcss"
    TITLE = "Candour"
    COMMANDS = App.COMMANDS | {CandourCommands}
    BINDINGS = [
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("f1", "help", "Keys"),
    ]

    def __init__(self, settings: AppSettings) -> None:
        super().__init__()
        self.settings = settings
        self.journal: Journal | None = None
        self.preferences = Preferences()
        self._last_activity = time.monotonic()

    # --- unlocking and locking ----------------------------------------------------------------

    def on_mount(self) -> None:
        from tui.screens.setup import SetupScreen
        from tui.screens.unlock import UnlockScreen

        if self.settings.journal_path.exists():
            self.push_screen(UnlockScreen())
        else:
            self.push_screen(SetupScreen())
        self.set_interval(IDLE_CHECK_SECONDS, self._lock_when_idle)
        self._handle_stop_signals(True)

    def _handle_stop_signals(self, handle: bool) -> None:
        """Catch SIGTERM and SIGHUP while the app runs; by default they end the process at once, losing
        whatever was typed since the last autosave. Handled in the event loop, so the draft is read
        from the editor on the thread that owns it."""
        loop = self._loop  # the framework's loop: the UI does not import asyncio, which can open sockets
        if loop is None:
            return
        try:
            for number in STOP_SIGNALS:
                if handle:
                    loop.add_signal_handler(number, self._stop_on_signal, number)
                else:
                    loop.remove_signal_handler(number)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # no signals on this platform, or not the main thread (a test harness): nothing to catch

    def _stop_on_signal(self, number: int) -> None:
        """Save the draft encrypted, close the journal and exit with the shell's code for the signal."""
        outcome = self.save_and_close()
        message = None
        if number != signal.SIGHUP:  # after a hangup there is no terminal left to read a message
            message = f"{STOPPED_MESSAGE.format(name=signal.Signals(number).name)} {outcome}"
        # With the terminal gone, the framework's output thread dies on its first write and its shutdown then
        # waits for it forever. The journal is saved and closed by now, so nothing is lost by leaving without it.
        watchdog = threading.Timer(STOP_GRACE_SECONDS, os._exit, (128 + number,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + number, message=message)

    def unlocked(self, journal: Journal, recovery_key: str | None = None) -> None:
        """Called by the unlock screens with the open journal: show it, or with a new recovery key when the
        first run was stopped before its key was confirmed: resume the first run there."""
        from tui.screens.setup import finish_first_run

        self.adopt(journal)
        if recovery_key is None:
            self.show_journal()
        else:
            finish_first_run(self, recovery_key)

    def adopt(self, journal: Journal) -> None:
        """Hold the open journal and apply its preferences (first run shows it after the setup steps)."""
        self.journal = journal
        self.apply_preferences(journal.preferences())
        self._last_activity = time.monotonic()

    def apply_preferences(self, preferences: Preferences) -> None:
        """Use the coachee's settings: auto-lock delay and light or dark theme."""
        self.preferences = preferences
        self.theme = "textual-light" if preferences.theme == "light" else "textual-dark"

    def show_journal(self) -> None:
        """Show the main view, and the editor again if a draft was left open when the journal locked."""
        from tui.screens.main import MainScreen

        self.push_screen(MainScreen())

    def action_lock(self) -> None:
        """Save any draft encrypted, drop every decrypted value, and return to the unlock screen."""
        from tui.screens.unlock import UnlockScreen

        journal = self.journal
        if journal is None:
            return
        self._save_drafts(journal)
        self.journal = None
        journal.close()
        # Pop every screen that showed journal content; their widgets (and the text in them) go with them.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, UnlockScreen):
            self.pop_screen()
        if not isinstance(self.screen, UnlockScreen):
            self.push_screen(UnlockScreen())
        self.notify("Locked. Your draft is saved, encrypted.", timeout=3)

    def _save_drafts(self, journal: Journal) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, Lockable):
                screen.save_before_lock(journal)

    @property
    def auto_lock_seconds(self) -> float:
        if self.settings.auto_lock_seconds is not None:
            return self.settings.auto_lock_seconds
        return self.preferences.auto_lock_minutes * 60.0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)
        ):
            self._last_activity = time.monotonic()
        await super().on_event(event)

    def _lock_when_idle(self) -> None:
        if self.journal is not None and time.monotonic() - self._last_activity >= self.auto_lock_seconds:
            self.action_lock()

    async def action_quit(self) -> None:
        """Quit, saving any draft first."""
        self.close_journal()
        self.exit(0)

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Every way out saves the draft first, while the editor holding it is still on the screen stack:
        by the time the app unmounts, Textual has emptied the stack, and the draft would be gone."""
        self.save_and_close()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        """However the app ends, the journal is closed (its file lock released); a draft was saved by `exit`."""
        self._handle_stop_signals(False)
        self.close_journal()

    def close_journal(self) -> None:
        """Save any draft, then close the journal and forget it."""
        journal = self.journal
        if journal is None:
            return
        try:
            self._save_drafts(journal)
        finally:
            self.journal = None
            journal.close()

    def save_and_close(self) -> str:
        """`close_journal` when the app is about to end abnormally: never raises, and says what became of
        the draft, so the exit message claims it was saved only when it was."""
        if self.journal is None:
            return NO_JOURNAL_OPEN
        editing = any(isinstance(screen, Lockable) for screen in self.screen_stack)
        try:
            self.close_journal()
        except Exception:  # the app is going down: say so in words, never with a traceback
            return DRAFT_NOT_SAVED if editing else NO_DRAFT_OPEN
        return DRAFT_SAVED if editing else NO_DRAFT_OPEN

    async def action_main(self, action: str) -> None:
        """Run one of the main view's actions from anywhere (the command palette): back to the main view first."""
        from tui.screens.editor import EditorScreen
        from tui.screens.main import MainScreen

        if self.journal is None:
            self.notify("Unlock the journal first.")
            return
        if isinstance(self.screen, EditorScreen):
            self.notify("Close the editor first (Escape keeps your draft).")
            return
        while len(self.screen_stack) > 1 and not isinstance(self.screen, MainScreen):
            self.pop_screen()
        if isinstance(self.screen, MainScreen):
            await self.screen.run_action(action)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- paths by which the framework could copy the screen elsewhere ---------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The framework's palette commands, without "Screenshot" (it writes the screen to a file)."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command
        yield SystemCommand("Lock", "Lock the journal now", self.action_lock)

    def deliver_screenshot(self, *args: object, **kwargs: object) -> str | None:
        """Refused: a screenshot is the journal's text in a file."""
        self.notify("Screenshots are turned off in Candour: they would save your journal in clear.")
        return None

    def save_screenshot(self, *args: object, **kwargs: object) -> str:
        raise PermissionError("Candour does not write screenshots")

    def action_screenshot(self, *args: object, **kwargs: object) -> None:
        self.deliver_screenshot()

    def copy_to_clipboard(self, text: str) -> None:
        """Copy within the app only. The framework would send the text to the terminal as an escape
        sequence (OSC 52), which terminals, multiplexers and remote sessions may log or forward."""
        self._clipboard = text

    # --- crashes --------------------------------------------------------------------------------

    def panic(self, *renderables: RenderableType) -> None:
        """The framework giving up (its input thread fails, for one, when the terminal closes): save the draft
        while the editor is still there to read it from, then let it stop."""
        self.save_and_close()
        super().panic(*renderables)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: save the draft if possible, then stop without a traceback.

        The framework's own report prints local variables, which would hold journal text or a passphrase.
        """
        self._return_code = 1
        if self._exception is None:  # keeps the test harness able to re-raise it
            self._exception = error
            self._exception_event.set()
        outcome = self.save_and_close()
        self._exit_renderables.clear()
        self._exit_renderables.append(f"{CRASH_MESSAGE} {outcome}")
        self._close_messages_no_wait()


def make_app(
    journal_path: Path,
    *,
    kdf: KdfParams | None = None,
    limits: KdfLimits = DEFAULT_KDF_LIMITS,
    clock: Clock | None = None,
    demo_passphrase: str | None = None,
    auto_lock_seconds: float | None = None,
) -> CandourApp:
    """The app for the journal at `journal_path` (created on first run).

    Args:
        kdf: costs for a new journal; None calibrates on this machine.
        limits: floor and cap accepted when unlocking (tests lower the floor).
        clock: where "now" comes from (fixed in tests and snapshots).
        demo_passphrase: shown on the unlock screen (the demo journal only).
        auto_lock_seconds: override the journal's auto-lock delay.
    """
    return CandourApp(
        AppSettings(journal_path, kdf, limits, clock or SystemClock(), demo_passphrase, auto_lock_seconds)
    )
