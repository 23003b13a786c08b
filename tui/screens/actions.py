"""The actions view: every commitment, overdue ones first; ticking one marks it done (and unticking, not done)."""

from __future__ import annotations

import dataclasses
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, SelectionList
from textual.widgets.selection_list import Selection

from journal import Action, format_day
from tui.screens.base import JournalView


class ActionsScreen(Screen[None], JournalView):
    """Space ticks an action done; the change is saved at once (as a new revision)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Your actions (space marks one done):")
        yield SelectionList[str](id="actions")
        yield Footer()

    def on_mount(self) -> None:
        today = self.journal.clock.today()
        actions = sorted(self.journal.all(Action), key=lambda action: (action.done, action.due_on or date.max))
        listing = self.query_one("#actions", SelectionList)
        for action in actions:
            due = ""
            if action.due_on:
                due = f" (due {format_day(action.due_on)}{', OVERDUE' if action.is_overdue(today) else ''})"
            listing.add_option(Selection(action.text + due, action.saved_id, action.done))
        if actions:
            listing.highlighted = 0
        else:
            self.notify("No actions yet: add them below a reflection in the editor.")
        listing.focus()

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        action = self.journal.get(Action, event.selection.value)
        done = event.selection.value in event.selection_list.selected
        self.journal.save(dataclasses.replace(action, done=done))
        self.notify("Marked done." if done else "Marked not done.")
