"""First run: what Candour protects, choosing a passphrase, the recovery key (shown once, partly retyped),
then the first engagement. A first run stopped before the key was confirmed resumes at that step on the
next unlock, with a new key (`finish_first_run`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from journal import CandourError, Engagement, Journal
from tui.screens.forms import EngagementForm
from tui.widgets.passphrase import NewPassphrase

if TYPE_CHECKING:
    from tui.app import CandourApp

WELCOME = (
    "Candour keeps what you write after coaching sessions encrypted on this computer: without your "
    "passphrase the journal file is unreadable, even to someone who copies it. Nothing leaves it unless "
    "you export a summary for your sponsor, and you will see every word of it first."
)


class SetupScreen(Screen[None]):
    """Creates the journal on first run."""

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="setup", classes="card"):
            yield Static("Welcome to Candour", classes="title")
            yield Static(WELCOME, id="welcome")
            yield Static("Choose a passphrase. It cannot be recovered by anyone else, so pick one you will remember.")
            yield NewPassphrase()
            yield Static("", id="setup-error", classes="error")
            yield LoadingIndicator(id="creating")
            with Center():
                yield Button("Create my journal", variant="primary", id="create")

    def on_mount(self) -> None:
        self.query_one("#creating").display = False
        self.query_one("#first", Input).focus()

    @on(NewPassphrase.Chosen)
    @on(Button.Pressed, "#create")
    def create(self) -> None:
        passphrase = self.query_one(NewPassphrase).chosen()
        if passphrase is None:
            self.query_one("#setup-error", Static).update("Choose a strong passphrase and type it twice.")
            return
        self.query_one("#setup-error", Static).update("Measuring this computer to set the encryption cost...")
        self.query_one("#creating").display = True
        self.query_one("#create", Button).disabled = True
        self.create_journal(passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def create_journal(self, passphrase: str) -> None:
        settings = cast("CandourApp", self.app).settings
        try:
            journal, recovery_key = Journal.create(
                settings.journal_path, passphrase, kdf=settings.kdf, limits=settings.limits, clock=settings.clock
            )
        except CandourError as error:
            self.app.call_from_thread(self._failed, error)
            return
        try:
            # Until the key is confirmed: quitting on its screen must not leave a journal whose key nobody has.
            journal.note_recovery_key_confirmed(False)
        except CandourError as error:
            journal.close()
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._created, journal, recovery_key)

    def _failed(self, error: CandourError) -> None:
        self.query_one("#creating").display = False
        self.query_one("#create", Button).disabled = False
        self.query_one("#setup-error", Static).update(str(error))

    def _created(self, journal: Journal, recovery_key: str) -> None:
        app = cast("CandourApp", self.app)
        self.query_one(NewPassphrase).clear()
        app.adopt(journal)
        finish_first_run(app, recovery_key)


def finish_first_run(app: CandourApp, recovery_key: str) -> None:
    """The first run's last steps, for the journal the app holds: the recovery key, confirmed (and remembered
    as such), then the first engagement unless there is one, then the journal."""

    def engagement_done(_: object) -> None:
        app.show_journal()

    def key_confirmed(_: bool | None) -> None:
        journal = app.journal
        if journal is None:  # locked meanwhile: the next unlock starts these steps again
            return
        try:
            confirmed = journal.note_recovery_key_confirmed()
        except CandourError as error:  # safe to go on: the next unlock offers a new key again
            app.notify(f"Could not note that the recovery key was confirmed: {error}", severity="warning")
        else:
            app.apply_preferences(confirmed)
        if journal.all(Engagement):
            app.show_journal()
        else:
            app.push_screen(EngagementForm(first_run=True), engagement_done)

    app.push_screen(RecoveryKeyScreen(recovery_key), key_confirmed)


class RecoveryKeyScreen(ModalScreen[bool]):
    """Shows the recovery key once and asks for its last group back, so it was really written down."""

    def __init__(self, recovery_key: str) -> None:
        super().__init__()
        self._recovery_key = recovery_key

    def compose(self) -> ComposeResult:
        with Vertical(id="recovery", classes="card"):
            yield Static("Your recovery key", classes="title")
            yield Static(
                "Write it on paper now and keep it somewhere safe. It opens your journal if you forget your "
                "passphrase, and it will not be shown again. Anyone holding it can read your journal."
            )
            yield Static(self._recovery_key, id="recovery-key")
            yield Label("To check, type the last group of four characters:")
            with Horizontal():
                yield Input(placeholder="XXXX", max_length=4, id="last-group")
                yield Button("I have written it down", variant="primary", id="confirm")
            yield Static("", id="recovery-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#last-group", Input).focus()

    @on(Input.Submitted, "#last-group")
    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        typed = self.query_one("#last-group", Input).value.strip().upper()
        if typed != self._recovery_key.rsplit("-", 1)[-1]:
            self.query_one("#recovery-error", Static).update("That is not the last group. Look again at your copy.")
            return
        self._recovery_key = ""
        self.dismiss(True)
