"""The goals view: every goal with its status and rating history drawn as a sparkline, and quick check-ins."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ListItem, ListView, Markdown, Static

from journal import CheckIn, Goal, GoalStatus
from tui.describe import goal_markdown, sparkline
from tui.screens.base import JournalView
from tui.screens.forms import CheckInForm, GoalForm


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
                yield Label(f"{self.goal.status.value} · {latest} · for the sponsor: {wording}", classes="muted")
            # Drawn on a fixed 0-10 scale (the framework's sparkline rescales to the data, so 4→5 would look
            # like 0→10), one bar per check-in, the latest twenty.
            yield Static(sparkline(ratings[-20:]), classes="goal-trend")


class GoalsScreen(Screen[None], JournalView):
    """Goals with their progress; `r` checks in on the selected goal."""

    BINDINGS = [
        Binding("r", "check_in", "Check in"),
        Binding("n", "new_goal", "New goal"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield ListView(id="goals")
            with VerticalScroll(id="goal-detail-pane"):
                yield Markdown(id="goal-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_goals()
        self.query_one("#goals", ListView).focus()

    def refresh_goals(self) -> None:
        goals = sorted(self.journal.all(Goal), key=lambda goal: (goal.status is not GoalStatus.ACTIVE, goal.title))
        listing = self.query_one("#goals", ListView)
        listing.clear()
        for goal in goals:
            listing.append(GoalRow(goal, self.journal.goal_history(goal)))
        if goals:
            listing.index = 0
        else:
            self.query_one("#goal-detail", Markdown).update("No goals yet: press **n** to add one.")

    @on(ListView.Highlighted)
    def _highlighted(self, event: ListView.Highlighted) -> None:
        if isinstance(event.item, GoalRow):
            self.query_one("#goal-detail", Markdown).update(goal_markdown(event.item.goal, event.item.history))

    def action_new_goal(self) -> None:
        def saved(goal: Goal | None) -> None:
            if goal is not None:
                self.notify("Goal saved. Check in on it with r.")
                self.refresh_goals()

        self.app.push_screen(GoalForm(), saved)

    def action_check_in(self) -> None:
        item = self.query_one("#goals", ListView).highlighted_child
        if not isinstance(item, GoalRow):
            return

        def saved(check_in: CheckIn | None) -> None:
            if check_in is not None:
                self.notify("Check-in saved.")
                self.refresh_goals()
                self.query_one("#goal-detail", Markdown).update(
                    goal_markdown(item.goal, self.journal.goal_history(item.goal))
                )

        self.app.push_screen(CheckInForm(item.goal), saved)
