"""First run: what Candour protects and choosing a passphrase; and the recovery key (shown once, partly retyped),
which the app shows next, before the first engagement. A first run stopped before the key was confirmed resumes
at that step on the next unlock, with a new key that replaces the first only once it is typed back."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from journal import CandourError, Journal, RecoveryKeyToConfirm
from tui.screens.base import AppView, Unlocked
from tui.widgets.field import Field
from tui.widgets.passphrase import NewPassphrase

WELCOME = (
    "Candour keeps what you write after coaching sessions encrypted on this computer: without your "
    "passphrase the journal file is unreadable, even to someone who copies it. Nothing leaves it unless "
    "you export a summary for your sponsor, and you will see every word of it first."
)


class SetupScreen(Screen[Unlocked], AppView):
    """Creates the journal on first run; dismisses with it and its recovery key, still to be confirmed."""

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
        settings = self.candour.settings
        try:
            # Created noting its key as unconfirmed, in the same transaction: quitting or being killed before the
            # key's screen is done must not leave a journal whose key nobody has, looking as if somebody had it.
            journal, recovery_key = Journal.create(
                settings.journal_path,
                passphrase,
                kdf=settings.kdf,
                limits=settings.limits,
                clock=settings.clock,
                recovery_key_confirmed=False,
            )
        except CandourError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._created, journal, recovery_key)

    def _failed(self, error: CandourError) -> None:
        self.query_one("#creating").display = False
        self.query_one("#create", Button).disabled = False
        self.query_one("#setup-error", Static).update(str(error))

    def _created(self, journal: Journal, recovery_key: str) -> None:
        self.query_one(NewPassphrase).clear()
        self.dismiss(Unlocked(journal, RecoveryKeyToConfirm(journal, recovery_key)))


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
            with Horizontal(id="last-group-row"):
                yield Field(placeholder="XXXX", max_length=4, id="last-group")
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
