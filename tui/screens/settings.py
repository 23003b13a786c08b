"""Settings: change the passphrase, replace the recovery key, rotate keys, auto-lock delay, light or dark; and the
screen that shows a new recovery key and has it typed back before it replaces the old one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from journal import CandourError, Preferences, draw_recovery_key, recovery_key_matches
from tui.screens.base import JournalView, Reopened
from tui.widgets.field import Field
from tui.widgets.passphrase import NewPassphrase
from tui.widgets.ticks import TickBox

T = TypeVar("T")


class SettingsScreen(Screen[None], JournalView, Reopened):
    """Each section acts on its own button; key operations run in a worker."""

    OPENED_BY = "settings"

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
                yield Field(str(preferences.auto_lock_minutes), type="integer", max_length=3, id="auto-lock")
            with Horizontal(classes="setting"):
                yield Label("Colours")
                yield Select(
                    [("Dark", "dark"), ("Light", "light"), ("High contrast", "high-contrast")],
                    value=preferences.theme,
                    allow_blank=False,
                    id="theme",
                )
            yield TickBox("Reduce motion (no animations)", preferences.reduced_motion, id="reduced-motion")
            yield Button("Save preferences", id="save-preferences")

            yield Static("Change passphrase", classes="title")
            yield Field(placeholder="Current passphrase", password=True, id="current")
            yield NewPassphrase(id="new-passphrase")
            yield Button("Change passphrase", id="change-passphrase")

            yield Static("Recovery key", classes="title")
            yield Static("A new key replaces the old one, which stops opening this journal.", classes="muted")
            yield Field(placeholder="Passphrase", password=True, id="recovery-passphrase")
            yield Button("Show a new recovery key", id="new-recovery-key")

            yield Static("Rotate keys", classes="title")
            yield Static(
                "Re-encrypts everything under a new key, so an old copy of the file and an old passphrase "
                "cannot read anything written afterwards. You get a new recovery key.",
                classes="muted",
            )
            yield Field(placeholder="Passphrase", password=True, id="rotate-passphrase")
            yield Button("Rotate keys", id="rotate")
            yield Static("", id="settings-status", classes="error")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#auto-lock", Input).focus()

    # Enter in a section's last field does what its button does.
    @on(Input.Submitted, "#auto-lock")
    def _auto_lock_entered(self) -> None:
        self.save_preferences()

    @on(Input.Submitted, "#current")
    def _current_entered(self) -> None:
        self.query_one("#first", Input).focus()

    @on(NewPassphrase.Chosen)
    def _new_passphrase_entered(self) -> None:
        self.change_passphrase()

    @on(Input.Submitted, "#recovery-passphrase")
    def _recovery_passphrase_entered(self) -> None:
        self.new_recovery_key()

    @on(Input.Submitted, "#rotate-passphrase")
    def _rotate_passphrase_entered(self) -> None:
        self.rotate()

    _working: Widget | None = None
    """Where the user was when a key operation started: it shows the operation running until it ends."""

    def _status(self, message: str) -> None:
        """Say what is happening: a message ending in "…" is an operation under way, shown running where the user
        is (the field or button they used); any other is also a notification, as the status line may be out of
        view."""
        self.query_one("#settings-status", Static).update(message)
        busy = message.endswith("…")
        if busy and self._working is None and self.focused is not None:
            self._working = self.focused
            self._working.loading = True
        elif not busy and self._working is not None:
            self._working.loading = False
            self._working = None
        if message and not busy:
            self.notify(message, severity="warning")

    @on(Button.Pressed, "#save-preferences")
    def save_preferences(self) -> None:
        minutes = self.query_one("#auto-lock", Input).value.strip()
        theme = self.query_one("#theme", Select).value
        try:
            preferences = replace(
                self.candour.preferences,
                auto_lock_minutes=int(minutes) if minutes.isdigit() else 0,
                theme=theme if isinstance(theme, str) else "dark",
                reduced_motion=self.query_one("#reduced-motion", Checkbox).value,
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
        self.query_one("#current", Input).focus()
        self.notify("Passphrase changed. Copies of the file made before still open with the old one.")

    @on(Button.Pressed, "#new-recovery-key")
    def new_recovery_key(self) -> None:
        passphrase = self.query_one("#recovery-passphrase", Input).value
        if not passphrase:
            self._status("Type your passphrase to replace the recovery key.")
            return
        journal = self.journal
        self._change_recovery_key(
            "replace the recovery key",
            passphrase,
            lambda key: journal.new_recovery_key(passphrase, key),
            "Replacing the recovery key…",
            "The new recovery key is in force; the old one no longer opens this journal.",
        )

    @on(Button.Pressed, "#rotate")
    def rotate(self) -> None:
        passphrase = self.query_one("#rotate-passphrase", Input).value
        if not passphrase:
            self._status("Type your passphrase to rotate keys.")
            return
        journal = self.journal
        self._change_recovery_key(
            "rotate the journal keys",
            passphrase,
            lambda key: journal.rotate_keys(passphrase, key),
            "Re-encrypting the journal…",
            "Keys rotated: everything is re-encrypted, and the new recovery key is in force.",
        )

    def _change_recovery_key(
        self, action: str, passphrase: str, commit: Callable[[str], Preferences], busy: str, done: str
    ) -> None:
        """Check that the journal can be written and the passphrase, show a new recovery key and have it typed
        back, and only then `commit` it, noted as confirmed in the same transaction: until the commit the old
        key works, after it the new one, and the coachee has seen both."""
        journal = self.journal

        def typed_back(key: str, confirmed: bool | None) -> None:
            if not confirmed:
                self._status("Nothing was changed: your old recovery key still works.")
                return
            self._status(busy)
            self._run_key_operation(lambda: commit(key), lambda saved: self._key_replaced(saved, done))

        def show_key(_: None) -> None:
            self._status("")
            key = draw_recovery_key()
            self.app.push_screen(NewRecoveryKeyScreen(key), lambda confirmed: typed_back(key, confirmed))

        self._status("Checking your passphrase…")
        self._run_key_operation(lambda: journal.check_key_change(action, passphrase), show_key)

    def _key_replaced(self, saved: Preferences, done: str) -> None:
        """Forget the passphrases typed and say that the new recovery key is in force."""
        self.query_one("#rotate-passphrase", Input).value = ""
        self.query_one("#recovery-passphrase", Input).value = ""
        self._status("")
        self.post_message(self.PreferencesSaved(saved))
        self.notify(done)


class NewRecoveryKeyScreen(ModalScreen[bool]):
    """Shows a new recovery key, not yet in force, and dismisses with True once it is typed back whole (False
    when the coachee cancels: the old key stays)."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, recovery_key: str) -> None:
        super().__init__()
        self._recovery_key = recovery_key

    def compose(self) -> ComposeResult:
        with Vertical(id="new-recovery", classes="card"):
            yield Static("Your new recovery key", classes="title")
            yield Static(
                "Write it on paper now and keep it somewhere safe. It replaces your current recovery key only "
                "once you have typed it back below; until then the current one still works. Anyone holding it "
                "can read your journal."
            )
            yield Static(self._recovery_key, id="recovery-key")
            # A Static, not a Label: it wraps, so at 80 columns the end of the instruction is not cut off.
            yield Static("Type the whole key back from your copy (case, spaces and dashes do not matter):")
            yield Field(placeholder="ABCD-EFGH-… (8 groups of 4)", id="typed-key")
            with Horizontal(classes="buttons"):
                yield Button("Use this key", variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")
            yield Static("", id="typed-key-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#typed-key", Input).focus()

    @on(Input.Submitted, "#typed-key")
    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        if not recovery_key_matches(self._recovery_key, self.query_one("#typed-key", Input).value):
            self.query_one("#typed-key-error", Static).update("That is not the key shown. Look again at your copy.")
            return
        self._recovery_key = ""
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self._recovery_key = ""
        self.dismiss(False)
