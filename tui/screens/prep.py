"""The prep view: the pre-session digest (open and overdue actions, last commitments, goals to rate,
what to bring), rendered from the same Markdown as `candour prep`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from tui.describe import prep_markdown
from tui.screens.base import JournalView, Reopened


class PrepScreen(Screen[None], JournalView, Reopened):
    """Read before the next session."""

    OPENED_BY = "prep"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="prep-pane"):
            yield Markdown(id="prep")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        journal = self.candour.journal
        if journal is not None:
            self.query_one("#prep", Markdown).update(prep_markdown(journal.prep()))
        self.query_one("#prep-pane").focus()
