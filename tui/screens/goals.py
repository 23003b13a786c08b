"""The goals view: every goal with its status and latest ratings, the selected one's ratings as a dated chart on the
0-10 scale, and quick check-ins."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ListItem, ListView, Markdown, Static

from journal import CheckIn, Goal, GoalStatus, Model
from tui.describe import goal_markdown, sparkline
from tui.screens.base import Reopened
from tui.screens.forms import CheckInForm, GoalForm
from tui.screens.records import ActsOnHighlighted, PickScreen, manage_record
from tui.widgets.goal_chart import GoalChart


class GoalRow(ListItem):
    """One goal: title, status, latest rating and the ratings over time."""

    def __init__(self, goal: Goal, history: list[CheckIn]) -> None:
        super().__init__()
        self.goal = goal
        self.history = history

    def compose(self) -> ComposeResult:
        ratings = [check_in.rating for check_in in self.history]
        latest = f"{ratings[-1]}/10" if ratings else "not rated yet"
        with Horizontal(classes="goal-row"):
            with Vertical(classes="goal-text"):
                yield Label(self.goal.title, classes="goal-title")
                wording = self.goal.sponsor_wording or "no sponsor wording yet"
                state = f"{self.goal.status.value}{' · archived' if self.goal.archived else ''}"
                yield Label(f"{state} · {latest} · for the sponsor: {wording}", classes="muted")
            # Drawn on a fixed 0-10 scale (the framework's sparkline rescales to the data, so 4→5 would look
            # like 0→10), one bar per check-in, the latest twenty.
            yield Static(sparkline(ratings[-20:]), classes="goal-trend")


class GoalsScreen(Screen[None], ActsOnHighlighted, Reopened):
    """Goals with their progress; `r` checks in on the selected goal."""

    OPENED_BY = "goals"

    BINDINGS = [
        Binding("r", "check_in", "Check in"),
        Binding("n", "new_goal", "New goal"),
        Binding("e", "edit", "Edit"),
        Binding("c", "check_ins", "Edit a check-in"),
        Binding("m", "manage", "Manage"),
        Binding("h", "history", "History", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("a", "show_archived", "Archived too"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield ListView(id="goals")
            with VerticalScroll(id="goal-detail-pane"):
                yield GoalChart(id="goal-chart")
                yield Markdown(id="goal-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_goals()
        self.query_one("#goals", ListView).focus()

    def refresh_goals(self, select: Goal | None = None) -> None:
        """List the goals again, the highlight staying on `select` (or where it was) when that goal is still there."""
        if select is None:
            select = self._highlighted()
        goals = sorted(
            (goal for goal in self.journal.all(Goal) if self.showing_archived or not goal.archived),
            key=lambda goal: (goal.archived, goal.status is not GoalStatus.ACTIVE, goal.title),
        )
        listing = self.query_one("#goals", ListView)
        listing.clear()
        for goal in goals:
            listing.append(GoalRow(goal, self.journal.goal_history(goal)))
        if goals:
            ids = [goal.saved_id for goal in goals]
            wanted = ids.index(select.saved_id) if select is not None and select.saved_id in ids else 0
            # Set once the new rows are in place: set at once, it is lost as the old rows are removed.
            self.call_after_refresh(self._highlight, listing, wanted)
        else:
            self.query_one("#goal-detail", Markdown).update("No goals yet: press **n** to add one.")

    def _highlight(self, listing: ListView, index: int) -> None:
        """Put the cursor on the goal at `index` and show it (its chart and words, as they are now: the same index
        again after a check-in moves nothing, so no highlight event would draw them). Not once the screen has
        been left meanwhile: its widgets may be going."""
        listing.index = index
        if self.is_current:
            self._show_highlighted()

    @on(ListView.Highlighted)
    def _goal_highlighted(self, event: ListView.Highlighted) -> None:
        if isinstance(event.item, GoalRow):
            # The journal's history, not the row's: a row of the list as it was before a check-in may still be
            # the one highlighted while the list is rebuilt.
            self._show(event.item.goal, self.journal.goal_history(event.item.goal))

    showing_archived = False
    """Whether archived goals are listed too (`a` switches)."""

    def action_show_archived(self) -> None:
        self.showing_archived = not self.showing_archived
        self.notify("Archived goals are listed too." if self.showing_archived else "Archived goals are hidden.")
        self.refresh_goals()

    def _highlighted(self) -> Goal | None:
        """The goal the cursor is on."""
        item = self.query_one("#goals", ListView).highlighted_child
        return item.goal if isinstance(item, GoalRow) else None

    def action_check_ins(self) -> None:
        """Pick one of the highlighted goal's check-ins to edit or backdate."""
        goal = self._highlighted()
        if goal is None:
            return
        history: list[Model] = list(reversed(self.journal.goal_history(goal)))
        if not history:
            self.notify("No check-ins yet: r checks in.")
            return

        def picked(check_in: Model | None) -> None:
            if check_in is not None:
                manage_record(self, check_in, lambda _: self._changed(goal))

        self.app.push_screen(PickScreen(f"Which check-in of “{goal.title}”?", history), picked)

    def _changed(self, value: Model | None) -> None:
        self.refresh_goals(value if isinstance(value, Goal) else None)

    def _show_highlighted(self) -> None:
        goal = self._highlighted()
        if goal is not None:
            self._show(goal, self.journal.goal_history(goal))

    def _show(self, goal: Goal, history: list[CheckIn]) -> None:
        """The goal in full beside the list: its chart, then its words and every rating."""
        self.query_one("#goal-chart", GoalChart).show(goal, history)
        self.query_one("#goal-detail", Markdown).update(goal_markdown(goal, history, trend=False))

    def action_new_goal(self) -> None:
        def saved(goal: Goal | None) -> None:
            if goal is not None:
                self.notify("Goal saved. Check in on it with r.")
                self.refresh_goals(goal)

        self.app.push_screen(GoalForm(), saved)

    def action_check_in(self) -> None:
        item = self.query_one("#goals", ListView).highlighted_child
        if not isinstance(item, GoalRow):
            return

        def saved(check_in: CheckIn | None) -> None:
            if check_in is not None:
                self.notify("Check-in saved.")
                self.refresh_goals(item.goal)

        self.app.push_screen(CheckInForm(item.goal), saved)
