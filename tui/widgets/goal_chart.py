"""A goal's ratings over time as a chart: dates along the bottom, the 0-10 scale up the side, the target marked.

Drawn by textual-plotext (see pyproject.toml for why a library rather than hand-drawn cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from textual_plotext import PlotextPlot

from journal import CheckIn, Goal

DATE_FORM = "Y-m-d"
"""How plotext reads and prints the check-ins' days (its own notation): ISO dates, the same in every locale."""


ONE_WEEK = timedelta(days=7)


class GoalChart(PlotextPlot):
    """The ratings of one goal, one point per check-in, on a fixed 0-10 scale (so 4 → 5 never looks like 0 → 10)."""

    DEFAULT_CSS = "GoalChart { height: 14; }"

    points: tuple[tuple[date, int], ...] = ()
    """The check-ins drawn last: day and rating."""

    def show(self, goal: Goal, history: Sequence[CheckIn]) -> None:
        """Draw `goal`'s check-ins (nothing to draw says so in words)."""
        plt = self.plt
        plt.clear_figure()
        plt.date_form(DATE_FORM)
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        self.points = tuple((check_in.rated_on, check_in.rating) for check_in in history)
        if not history:
            plt.title("No check-ins yet: r rates this goal")
        else:
            days = [check_in.rated_on.isoformat() for check_in in history]
            ratings = [check_in.rating for check_in in history]
            # A thin line between check-ins and a dot on each: one check-in still shows, and reads without colour.
            plt.plot(days, ratings, marker="braille")
            plt.scatter(days, ratings, marker="●")
            if len(set(days)) == 1:  # left to itself, plotext spreads one day over decades either side
                only = history[0].rated_on
                # plotext takes days in its date form wherever it takes numbers; its types only say numbers.
                plt.xlim((only - ONE_WEEK).isoformat(), (only + ONE_WEEK).isoformat())  # type: ignore[arg-type]
                plt.xticks([only.isoformat()])  # type: ignore[list-item]
            if goal.target_rating is not None:
                plt.hline(goal.target_rating)
                plt.title(f"Ratings over time; target {goal.target_rating}/10 is the level line")
            else:
                plt.title("Ratings over time")
        self.refresh()
