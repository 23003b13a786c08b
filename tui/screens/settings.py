"""Settings: change the passphrase, replace the recovery key, rotate keys, auto-lock delay, light or dark."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from journal import CandourError, Preferences
from tui.screens.base import JournalView
from tui.screens.setup import RecoveryKeyScreen
from tui.widgets.passphrase import NewPassphrase

T = TypeVar("T")


class SettingsScreen(Screen[None], JournalView):
    """Each section acts on its own button; key operations run in a worker."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    class PreferencesSaved(Message):
        """The coachee saved new preferences: the app puts them in force (theme, auto-lock delay)."""

        def __init__(self, preferences: Preferences) -> None:
            super().__init__()
            self.preferences = preferences

    def compose(self) -> ComposeResult:
        preferences = self.candour.preferences
        yield Header()
        with VerticalScroll(id="settings"):
            yield Static("Appearance and locking", classes="title")
            with Horizontal(classes="setting"):
                yield Label("Lock after this many idle minutes")
                yield Input(str(preferences.auto_lock_minutes), type="integer", max_length=3, id="auto-lock")
            with Horizontal(classes="setting"):
                yield Label("Theme")
                yield Select(
                    [("Dark", "dark"), ("Light", "light")], value=preferences.theme, allow_blank=False, id="theme"
                )
            yield Button("Save preferences", id="save-preferences")

            yield Static("Change passphrase", classes="title")
            yield Input(placeholder="Current passphrase", password=True, id="current")
            yield NewPassphrase(id="new-passphrase")
            yield Button("Change passphrase", id="change-passphrase")

            yield Static("Recovery key", classes="title")
            yield Static("A new key replaces the old one, which stops opening this journal.", classes="muted")
            yield Input(placeholder="Passphrase", password=True, id="recovery-passphrase")
            yield Button("Show a new recovery key", id="new-recovery-key")

            yield Static("Rotate keys", classes="title")
            yield Static(
                "Re-encrypts everything under a new key, so an old copy of the file and an old passphrase "
                "cannot read anything written afterwards. You get a new recovery key.",
                classes="muted",
            )
            yield Input(placeholder="Passphrase", password=True, id="rotate-passphrase")
            yield Button("Rotate keys", id="rotate")
            yield Static("", id="settings-status", classes="error")
        yield Footer()

    def _status(self, message: str) -> None:
        self.query_one("#settings-status", Static).update(message)
        if message and not message.endswith("…"):
            self.notify(message, severity="warning")  # the status line may be scrolled out of view

    @on(Button.Pressed, "#save-preferences")
    def save_preferences(self) -> None:
        minutes = self.query_one("#auto-lock", Input).value.strip()
        theme = self.query_one("#theme", Select).value
        try:
            preferences = replace(
                self.candour.preferences,
                auto_lock_minutes=int(minutes) if minutes.isdigit() else 0,
                theme=theme if isinstance(theme, str) else "dark",
            )
            saved = self.journal.save_preferences(preferences)
        except CandourError as error:
            self._status(str(error))
            return
        self.post_message(self.PreferencesSaved(saved))
        self.notify("Preferences saved.")

    @on(Button.Pressed, "#change-passphrase")
    def change_passphrase(self) -> None:
        new = self.query_one(NewPassphrase).chosen()
        current = self.query_one("#current", Input).value
        if new is None or not current:
            self._status("Type your current passphrase, and a strong new one twice.")
            return
        self._status("Changing the passphrase…")
        journal = self.journal
        self._run_key_operation(lambda: journal.change_passphrase(current, new), lambda _: self._changed())

    @work(thread=True, exclusive=True, group="keys")
    def _run_key_operation(self, operation: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run a key operation (Argon2id, re-encryption) off the UI thread, then report back on it."""
        try:
            result = operation()
        except CandourError as error:
            self.app.call_from_thread(self._status, str(error))
            return
        self.app.call_from_thread(done, result)

    def _changed(self) -> None:
        self.query_one("#current", Input).value = ""
        self.query_one(NewPassphrase).clear()
        self._status("")
        self.notify("Passphrase changed. Copies of the file made before still open with the old one.")

    @on(Button.Pressed, "#new-recovery-key")
    def new_recovery_key(self) -> None:
        field = self.query_one("#recovery-passphrase", Input)
        if not field.value:
            self._status("Type your passphrase to replace the recovery key.")
            return
        self._status("Checking your passphrase…")
        journal, passphrase = self.journal, field.value
        self._run_key_operation(lambda: journal.new_recovery_key(passphrase), self._rotated)

    @on(Button.Pressed, "#rotate")
    def rotate(self) -> None:
        passphrase = self.query_one("#rotate-passphrase", Input).value
        if not passphrase:
            self._status("Type your passphrase to rotate keys.")
            return
        self._status("Re-encrypting the journal…")
        journal = self.journal
        self._run_key_operation(lambda: journal.rotate_keys(passphrase), self._rotated)

    def _rotated(self, key: str) -> None:
        """Show a new recovery key (after rotation or replacement) and forget the passphrases typed."""
        self.query_one("#rotate-passphrase", Input).value = ""
        self.query_one("#recovery-passphrase", Input).value = ""
        self._status("")
        self.app.push_screen(RecoveryKeyScreen(key))
