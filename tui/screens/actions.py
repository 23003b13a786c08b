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

from journal import Action, Model, format_day
from tui.screens.base import Reopened
from tui.screens.records import ActsOnHighlighted
from tui.widgets.ticks import TickList


class ActionsScreen(Screen[None], ActsOnHighlighted, Reopened):
    """Space ticks an action done; the change is saved at once (as a new revision). `m` edits, shows the
    history of, or deletes the highlighted one. Done or not is said in words, not by the tick's colour alone."""

    OPENED_BY = "actions"

    BINDINGS = [
        Binding("m", "manage", "Manage"),
        Binding("e", "edit", "Edit"),
        Binding("h", "history", "History", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Your actions (space marks one done, e edits, m for more):")
        yield TickList[str](id="actions")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_actions()
        self.query_one("#actions", SelectionList).focus()

    def refresh_actions(self, select: str | None = None) -> None:
        """List the actions again, keeping the highlight on `select` (an action's id) when it is still there."""
        today = self.journal.clock.today()
        actions = sorted(self.journal.all(Action), key=lambda action: (action.done, action.due_on or date.max))
        listing = self.query_one("#actions", SelectionList)
        with self.prevent(SelectionList.SelectionToggled):
            listing.clear_options()
            for action in actions:
                listing.add_option(Selection(_action_label(action, today), action.saved_id, action.done))
        ids = [action.saved_id for action in actions]
        if actions:
            listing.highlighted = ids.index(select) if select in ids else 0
        else:
            self.notify("No actions yet: add them below a reflection in the editor.")

    def _highlighted(self) -> Action | None:
        listing = self.query_one("#actions", SelectionList)
        if listing.highlighted is None:
            return None
        return self.journal.get(Action, listing.get_option_at_index(listing.highlighted).value)

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        action = self.journal.get(Action, event.selection.value)
        done = event.selection.value in event.selection_list.selected
        self.journal.save(dataclasses.replace(action, done=done))
        self.notify("Marked done." if done else "Marked not done.")
        self.refresh_actions(select=action.saved_id)

    def _changed(self, value: Model | None) -> None:
        self.refresh_actions(select=value.saved_id if value is not None else None)


def _action_label(action: Action, today: date) -> str:
    """The action's text, then whether it is done, overdue or open, in words."""
    state = "done" if action.done else "OVERDUE" if action.is_overdue(today) else "open"
    due = f", due {format_day(action.due_on)}" if action.due_on else ""
    return f"{action.text} ({state}{due})"
