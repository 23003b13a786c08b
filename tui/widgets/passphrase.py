"""A new-passphrase field: typed twice, masked, with a strength meter that refuses weak passphrases."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, ProgressBar, Static

from journal import Strength, assess_passphrase


class NewPassphrase(Vertical):
    """Two masked inputs and a meter. `chosen()` is the passphrase once it is strong and typed twice alike."""

    DEFAULT_CSS = """
    NewPassphrase { height: auto; }
    NewPassphrase ProgressBar { margin: 0 0 0 1; }
    NewPassphrase #strength-advice { color: $text-muted; margin: 0 1; }
    """

    class Chosen(Message):
        """Enter was pressed in the second field with an acceptable passphrase."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="New passphrase (a few unrelated words work well)", password=True, id="first")
        yield ProgressBar(total=4, show_eta=False, show_percentage=False, id="strength-meter")
        yield Static("", id="strength-advice")
        yield Input(placeholder="Type it again", password=True, id="second")

    def on_mount(self) -> None:
        self._strength: Strength | None = None

    @on(Input.Changed, "#first")
    def _judge(self, event: Input.Changed) -> None:
        event.stop()
        self._strength = assess_passphrase(event.value) if event.value else None
        meter = self.query_one(ProgressBar)
        advice = self.query_one("#strength-advice", Static)
        if self._strength is None:
            meter.update(progress=0)
            advice.update("")
            return
        meter.update(progress=self._strength.score)
        if self._strength.acceptable:
            advice.update(f"Strength: {self._strength.label}. Guessing it would take {self._strength.crack_time}.")
        else:
            advice.update(f"Too weak ({self._strength.label}). {self._strength.advice}")

    @on(Input.Submitted, "#first")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if self._strength is not None and self._strength.acceptable:
            self.query_one("#second", Input).focus()

    @on(Input.Submitted, "#second")
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        if self.chosen() is None and self._strength is not None and self._strength.acceptable:
            self.query_one("#strength-advice", Static).update("The two entries differ.")
            return
        self.post_message(self.Chosen())

    def chosen(self) -> str | None:
        """The passphrase, when it is acceptable and both fields agree; else None."""
        first = self.query_one("#first", Input).value
        second = self.query_one("#second", Input).value
        if self._strength is None or not self._strength.acceptable or first != second:
            return None
        return first

    def clear(self) -> None:
        """Forget what was typed."""
        for field in self.query(Input):
            field.value = ""
