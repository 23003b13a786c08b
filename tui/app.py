"""The Candour app: a Textual app over the coachee's journal, built by `make_app` for the CLI and the tests.

The app owns the unlocked `Journal` (nothing below it holds keys or ciphertext) and
the locking: the lock key, idle auto-lock and quitting all save the open draft
encrypted, drop every decrypted value and return to the unlock screen. Being told to
stop (SIGTERM) or losing the terminal (SIGHUP) saves the draft the same way before
exiting. Its base, `GuardedApp`, closes the framework's paths for plaintext to leave
behind the user's back: crash reports with local variables, screenshots and clipboard
escape sequences.
"""

from __future__ import annotations

import gc
import signal
import time
from collections.abc import Iterable
from pathlib import Path

from rich.console import RenderableType
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from journal import (
    DEFAULT_KDF_LIMITS,
    CandourError,
    Clock,
    Engagement,
    Journal,
    KdfLimits,
    KdfParams,
    Model,
    Preferences,
    RecoveryKeyToConfirm,
    SystemClock,
)
from tui.commands import CandourCommands
from tui.exit_codes import stopped_by
from tui.screens.base import AppSettings, Lockable, Reopened, Unlocked, after_typed_keys
from tui.screens.editor import EditorScreen
from tui.screens.forms import EngagementForm
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.settings import SettingsScreen
from tui.screens.setup import RecoveryKeyScreen, SetupScreen
from tui.screens.unlock import UnlockScreen
from tui.textual_hooks import GuardedApp, SignalRelay

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

LOCK_WARNING_SECONDS = 15.0
"""How long before locking when idle the app says so (a third of the delay, when that is shorter)."""

HIGH_CONTRAST = Theme(
    name="candour-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF6E6E",
    dark=True,
    # Muted text at full strength: nothing the coachee must read is dimmed.
    variables={"text-muted": "#FFFFFF", "footer-key-foreground": "#FFFF00"},
)
"""White and yellow on black, no dimmed text: for low vision and bright rooms."""

APP_THEMES = {"dark": "textual-dark", "light": "textual-light", "high-contrast": HIGH_CONTRAST.name}
"""The coachee's theme preference → the theme the app draws with."""


class CandourApp(GuardedApp):
    """The journal app. Screens reach the journal through `self.app.journal` only while unlocked."""

    CSS_PATH = "app.tcss"
    TITLE = "Candour"
    # Screens narrower than 100 columns get the class "-narrow", wider ones "-wide": app.tcss lays rows of fields
    # out in two lines on a narrow screen, so that no label is cut.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    COMMANDS = GuardedApp.COMMANDS | {CandourCommands}
    BINDINGS = [
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("f1", "help", "Keys"),
        # Tab moves the focus as soon as it arrives, before the keys queued behind it reach the field it leaves
        # (the screen's own Tab waits its turn in the focused field's queue, so a fast typist's next letters
        # landed in the field they had just left).
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(self, settings: AppSettings) -> None:
        super().__init__()
        self.register_theme(HIGH_CONTRAST)
        self._animation_level_given = self.animation_level
        self.settings = settings
        self.journal: Journal | None = None
        self.preferences = Preferences()
        self._last_activity = time.monotonic()
        self._reopen_after_unlock: str | None = None
        """The main view's action that opens the screen showing when the journal last locked (see `Reopened`)."""
        self._lock_warned = False
        """Whether the coachee was told the journal is about to lock, since they last typed."""
        # By default SIGTERM and SIGHUP end the process at once, losing whatever was typed since the last
        # autosave. Handled on the app's thread, so the draft is read from the editor where it lives.
        self._stop_signals = SignalRelay(self, STOP_SIGNALS, self._stop_on_signal)

    # --- unlocking and locking ----------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.journal_path.exists():
            self.push_screen(UnlockScreen(), self._unlocked)
        else:
            self.push_screen(SetupScreen(), self._unlocked)
        self.set_interval(IDLE_CHECK_SECONDS, self._lock_when_idle)
        self._stop_signals.start()

    def _stop_on_signal(self, number: int) -> None:
        """Save the draft encrypted, close the journal and exit with the shell's code for the signal."""
        outcome = self.save_and_close()
        message = None
        if number != signal.SIGHUP:  # after a hangup there is no terminal left to read a message
            message = f"{STOPPED_MESSAGE.format(name=signal.Signals(number).name)} {outcome}"
        self.exit_or_leave(stopped_by(number), message, STOP_GRACE_SECONDS)

    def _unlocked(self, unlocked: Unlocked | None) -> None:
        """The unlock, recovery or first-run screen opened the journal: hold it and show it, or first the
        recovery key it brought, which nobody has confirmed writing down yet."""
        if unlocked is None:
            return
        self.adopt(unlocked.journal)
        if unlocked.journal.read_only:
            self.notify(
                f"This journal can only be read ({unlocked.journal.read_only}): you can read, search and export "
                "it, but nothing can be saved.",
                title="Read-only",
                severity="warning",
                timeout=10,
            )
        if unlocked.recovery_key is None:
            self.show_journal()
        else:
            self._confirm_recovery_key(unlocked.recovery_key)

    def _confirm_recovery_key(self, recovery_key: RecoveryKeyToConfirm) -> None:
        """The first run's last steps, also resumed when it was stopped before them: the recovery key, confirmed
        (put in force if it replaces the first run's, and remembered as confirmed, in one transaction), then the
        first engagement unless there is one, then the journal."""

        def key_confirmed(_: bool | None) -> None:
            journal = self.journal
            if journal is None or journal is not recovery_key.journal:  # locked meanwhile: the next unlock resumes
                return
            try:
                confirmed = recovery_key.confirm()
            except CandourError as error:  # safe to go on: the next unlock offers a new key again
                if recovery_key.replaces:
                    message = (
                        f"Could not put the new recovery key in force: {error} Throw away the copy of this one; the "
                        "next unlock shows another."
                    )
                else:
                    message = f"Could not note that the recovery key was confirmed: {error}"
                self.notify(message, severity="warning", timeout=15)
            else:
                self.apply_preferences(confirmed)
            if journal.all(Engagement):
                self.show_journal()
            else:
                self.push_screen(EngagementForm(first_run=True), lambda _: self.show_journal())

        self.push_screen(RecoveryKeyScreen(recovery_key.recovery_key), key_confirmed)

    def adopt(self, journal: Journal) -> None:
        """Hold the open journal and apply its preferences."""
        self.journal = journal
        self.apply_preferences(journal.preferences())
        self._last_activity = time.monotonic()

    def apply_preferences(self, preferences: Preferences) -> None:
        """Use the coachee's settings: auto-lock delay, theme and motion."""
        self.preferences = preferences
        self.theme = APP_THEMES.get(preferences.theme, "textual-dark")
        # Reduced motion turns every animation off (Textual's loading indicator then says "Loading" instead of
        # pulsing); otherwise the level the environment asks for (TEXTUAL_ANIMATIONS) stands.
        self.animation_level = "none" if preferences.reduced_motion else self._animation_level_given

    def on_settings_screen_preferences_saved(self, message: SettingsScreen.PreferencesSaved) -> None:
        self.apply_preferences(message.preferences)

    def show_journal(self) -> None:
        """Show the main view, and the editor again if a draft was left open when the journal locked, else the
        screen that was showing then."""
        reopen, self._reopen_after_unlock = self._reopen_after_unlock, None
        self.push_screen(MainScreen(reopen=reopen))

    def action_lock(self) -> None:
        """Lock (Ctrl+L): once the keys typed before it have reached the editor, see `lock`."""
        after_typed_keys(self, self.lock)

    def lock(self) -> None:
        """Save any draft encrypted, drop every decrypted value, and return to the unlock screen."""
        journal = self.journal
        if journal is None:
            return
        editing = any(isinstance(screen, Lockable) for screen in self.screen_stack)
        self._save_drafts(journal)
        self.journal = None
        journal.close()
        self._reopen_after_unlock = next(
            (screen.OPENED_BY for screen in reversed(self.screen_stack) if isinstance(screen, Reopened)), None
        )
        gc.unfreeze()  # what the main view froze once it had placed the reflections (see MainScreen) is freed now
        # Pop every screen that showed journal content; their widgets (and the text in them) go with them.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, UnlockScreen):
            self.pop_screen()
        if not isinstance(self.screen, UnlockScreen):
            self.push_screen(UnlockScreen(), self._unlocked)
        self.notify("Locked. Your draft is saved, encrypted." if editing else "Locked.", timeout=3)

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
            self._lock_warned = False
        await super().on_event(event)

    def _lock_when_idle(self) -> None:
        if self.journal is None:
            return
        left = self.auto_lock_seconds - (time.monotonic() - self._last_activity)
        if left <= 0:
            self.lock()
        elif left <= min(LOCK_WARNING_SECONDS, self.auto_lock_seconds / 3) and not self._lock_warned:
            self._lock_warned = True
            self.notify(f"Locking in {left:.0f} s, as nothing was typed: press any key to stay.", timeout=left)

    async def action_quit(self) -> None:
        """Quit, saving any draft first, with the keys typed before Ctrl+Q in it."""

        def quit_now() -> None:
            self.close_journal()
            self.exit(0)

        after_typed_keys(self, quit_now)

    def exit(self, result: int | None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Every way out saves the draft first, while the editor holding it is still on the screen stack:
        by the time the app unmounts, Textual has emptied the stack, and the draft would be gone."""
        self.save_and_close()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        """However the app ends, the journal is closed (its file lock released); a draft was saved by `exit`."""
        self._stop_signals.stop()
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

    def crash_report(self) -> str:
        """After a crash: save the draft while the editor is still there to read it from, and say so."""
        return f"{CRASH_MESSAGE} {self.save_and_close()}"

    async def action_main(self, action: str) -> None:
        """Run one of the main view's actions from anywhere (the command palette): back to the main view first."""
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

    def reveal(self, record: Model, *, edit: bool = False) -> None:
        """Back to the main view with `record` selected (and opened to edit, with `edit`): where search results
        lead."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, MainScreen):
            self.pop_screen()
        if isinstance(self.screen, MainScreen):
            self.screen.reveal(record, edit=edit)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Lock", "Lock the journal now", self.action_lock)


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
