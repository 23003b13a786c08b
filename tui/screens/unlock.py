"""The unlock screen (masked passphrase, key derivation in a worker) and the recovery-key path."""

from __future__ import annotations

import contextlib

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from journal import CandourError, Journal, RecoveryKeyToConfirm, WrongPassphrase
from tui.screens.base import AppView, Unlocked
from tui.widgets.field import Field
from tui.widgets.passphrase import NewPassphrase


class UnlockScreen(Screen[Unlocked], AppView):
    """Asks for the passphrase; a wrong one says so and keeps the screen. Dismisses with the open journal."""

    BINDINGS = [("ctrl+r", "recover", "Forgot passphrase")]

    def compose(self) -> ComposeResult:
        demo = self.candour.settings.demo_passphrase
        with Center(), Vertical(id="unlock", classes="card"):
            yield Static("Candour", classes="brand")
            yield Label("Your journal is locked.")
            yield Field(placeholder="Passphrase", password=True, id="passphrase")
            if demo:
                yield Static(f"Demo journal. Its passphrase is the whole line: [b]{demo}[/b]", id="demo-hint")
            yield Static("", id="unlock-error", classes="error")
            yield LoadingIndicator(id="unlocking")
            with Center():
                yield Button("Unlock", variant="primary", id="unlock-button")
            yield Button("Forgot passphrase? Use your recovery key", id="recover-button", classes="link")

    def on_mount(self) -> None:
        self.query_one("#unlocking").display = False
        self.query_one("#passphrase", Input).focus()

    _tried: str | None = None
    """The passphrase being tried, while its key is derived."""

    @on(Input.Submitted, "#passphrase")
    @on(Button.Pressed, "#unlock-button")
    def start_unlock(self) -> None:
        field = self.query_one("#passphrase", Input)
        if self._tried is not None:
            return
        if not field.value:
            self.query_one("#unlock-error", Static).update("Type your passphrase, then press Enter.")
            return
        self._tried = field.value
        self._busy(True)
        self.unlock(field.value)

    def _busy(self, busy: bool) -> None:
        """While the key is derived the buttons are off, and the field keeps the focus: disabled, it would hand
        the focus to the "Forgot passphrase?" link, which the next space typed would press."""
        self.query_one("#unlocking").display = busy
        self.query_one("#unlock-button", Button).disabled = busy
        self.query_one("#recover-button", Button).disabled = busy
        if not busy:
            self._tried = None

    @work(thread=True, exclusive=True, group="unlock")
    def unlock(self, passphrase: str) -> None:
        """Derive the key off the UI thread (it takes a noticeable fraction of a second by design)."""
        settings = self.candour.settings
        try:
            # A first run stopped before its recovery key was confirmed (so it may never have been written down)
            # resumes at that step, with a replacement drawn here and written only once it is typed back: until
            # then the first key works. The unlock is the passphrase's one derivation.
            journal, recovery_key = Journal.open_resuming_first_run(
                settings.journal_path, passphrase, limits=settings.limits, clock=settings.clock
            )
        except CandourError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._succeeded, journal, recovery_key)

    def _failed(self, error: CandourError) -> None:
        tried = self._tried
        self._busy(False)
        field = self.query_one("#passphrase", Input)
        if isinstance(error, WrongPassphrase) and tried is not None and field.value.startswith(tried):
            field.value = field.value[len(tried) :]  # the wrong one goes; what was typed after it stays
        self.query_one("#unlock-error", Static).update(str(error))
        field.focus()

    def _succeeded(self, journal: Journal, recovery_key: RecoveryKeyToConfirm | None) -> None:
        self._busy(False)
        self.query_one("#passphrase", Input).value = ""
        self.query_one("#unlock-error", Static).update("")
        self.dismiss(Unlocked(journal, recovery_key))

    @on(Button.Pressed, "#recover-button")
    def action_recover(self) -> None:
        self.app.push_screen(RecoverScreen(), self._recovered)

    def _recovered(self, journal: Journal | None) -> None:
        if journal is not None:
            self.dismiss(Unlocked(journal))
            return
        field = self.query_one("#passphrase", Input)  # back from the recovery screen: ready for the passphrase
        field.value = ""
        field.focus()


class RecoverScreen(Screen[Journal], AppView):
    """Opens the journal with the recovery key and sets a new passphrase; dismisses with the open journal, or
    with nothing when the coachee goes back."""

    BINDINGS = [("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="recover", classes="card"):
            yield Static("Recover with your recovery key", classes="title")
            yield Label("The key you wrote down when you created the journal (8 groups of 4).")
            # Shown as typed: 32 characters are hard to get right blind, and the key is no use without this file.
            yield Field(placeholder="e.g. ABCD-EFGH-… (8 groups of 4)", id="recovery-key")
            yield Label("Choose a new passphrase:")
            yield NewPassphrase(id="new-passphrase")
            yield Static("", id="recover-error", classes="error")
            yield LoadingIndicator(id="recovering")
            with Center():
                yield Button("Recover", variant="primary", id="recover-submit")

    def on_mount(self) -> None:
        self.query_one("#recovering").display = False
        self.query_one("#recovery-key", Input).focus()

    def action_back(self) -> None:
        self.dismiss()

    @on(NewPassphrase.Chosen)
    @on(Button.Pressed, "#recover-submit")
    def submit(self) -> None:
        chosen = self.query_one(NewPassphrase).chosen()
        key = self.query_one("#recovery-key", Input).value
        if chosen is None or not key:
            self.query_one("#recover-error", Static).update(
                "Type your recovery key and a strong new passphrase (twice)." if chosen is None else ""
            )
            return
        self.query_one("#recovering").display = True
        self.recover(key, chosen)

    @work(thread=True, exclusive=True, group="unlock")
    def recover(self, recovery_key: str, new_passphrase: str) -> None:
        settings = self.candour.settings
        try:
            journal = Journal.recover(
                settings.journal_path, recovery_key, new_passphrase, limits=settings.limits, clock=settings.clock
            )
        except CandourError as error:
            self.app.call_from_thread(self._failed, error)
            return
        # They just typed the key: no need to offer a new one. If this cannot be noted, the next unlock
        # offers a new key, which is safe.
        with contextlib.suppress(CandourError):
            journal.note_recovery_key_confirmed()
        self.app.call_from_thread(self._succeeded, journal)

    def _failed(self, error: CandourError) -> None:
        self.query_one("#recovering").display = False
        self.query_one("#recover-error", Static).update(str(error))

    def _succeeded(self, journal: Journal) -> None:
        self.app.notify("Passphrase reset. Your recovery key still works; keep it safe.")
        self.dismiss(journal)
