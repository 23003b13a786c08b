"""When an engagement ends: archive it, keep a personal copy of it, or erase it and everything in it for good."""

from __future__ import annotations

import dataclasses
from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from journal import CandourError, Engagement
from tui.describe import counted, kind_name
from tui.screens.base import JournalView
from tui.screens.confirm import ConfirmScreen
from tui.screens.export import ExportEverythingScreen


class EndEngagementScreen(ModalScreen[str | None], JournalView):
    """The three ways to close an engagement; dismisses with "archived" or "erased", or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, engagement: Engagement) -> None:
        super().__init__()
        self.engagement = engagement

    def compose(self) -> ComposeResult:
        with Vertical(id="end-engagement", classes="card"):
            yield Static(f"End “{self.engagement.title}”", classes="title")
            yield Static(
                "Archive keeps everything, searchable, and stops it being the current engagement. "
                "A copy is written unencrypted, for you to keep. Erasing removes the engagement, its sessions, "
                "reflections, goals, check-ins and actions, the log of what you exported for it, and the themes "
                "and people only it names: every revision, for good."
            )
            with Horizontal(classes="buttons"):
                yield Button("Archive", variant="primary", id="archive")
                yield Button("Export a copy…", id="copy")
                yield Button("Erase for good…", variant="error", id="erase")
                yield Button("Cancel", id="cancel")
            yield Static("", classes="error")

    def on_mount(self) -> None:
        self.query_one("#archive", Button).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#archive")
    def archive(self) -> None:
        today = self.journal.clock.today()
        engagement = self.engagement
        ended = dataclasses.replace(
            engagement, archived=True, ends_on=engagement.ends_on or max(today, engagement.starts_on or today)
        )
        try:
            self.journal.save(ended)
        except CandourError as error:
            self.query_one(".error", Static).update(str(error))
            return
        self.app.notify(f"Archived “{engagement.title}”. It stays searchable; Manage (m) on it un-archives it.")
        self.dismiss("archived")

    @on(Button.Pressed, "#copy")
    def copy(self) -> None:
        self.app.push_screen(ExportEverythingScreen(self.engagement))

    @on(Button.Pressed, "#erase")
    def erase(self) -> None:
        doomed = self.journal.engagement_records(self.engagement)
        counts = Counter(kind_name(value) for value in doomed)
        listed = ", ".join(counted(count, kind) for kind, count in sorted(counts.items()))

        def answered(yes: bool | None) -> None:
            if not yes or self.candour.journal is None:
                return
            try:
                erased = self.journal.erase_engagement(self.engagement)
            except CandourError as error:
                self.query_one(".error", Static).update(str(error))
                return
            self.app.notify(f"Erased “{self.engagement.title}” and {erased - 1} records with it, for good.")
            self.dismiss("erased")

        self.app.push_screen(
            ConfirmScreen(
                f"Erase “{self.engagement.title}” for good: {listed}? This cannot be undone, and nothing can "
                "restore it. Export a copy first if you may want it.",
                "Erase for good",
            ),
            answered,
        )
