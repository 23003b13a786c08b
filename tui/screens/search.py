"""The search screen: live results over everything private as you type, narrowed by theme, goal, person,
engagement and a date phrase."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Markdown, OptionList, Select, Static
from textual.widgets.option_list import Option

from journal import CandourError, Engagement, Goal, Person, SearchFilters, SearchHit, Theme, match_spans, parse_range
from tui.describe import KIND_NAMES, record_markdown
from tui.screens.base import JournalView, Reopened
from tui.widgets.field import Field

RESULTS_SHOWN = 100


class SearchScreen(Screen[None], JournalView, Reopened):
    """Type to search; Down goes to the results; Enter on one shows it in the journal, `e` opens it to edit."""

    OPENED_BY = "search"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "to_results", "Results", show=False),  # from a field: no field uses Down
        Binding("e", "edit_result", "Edit", show=False),
    ]

    def compose(self) -> ComposeResult:
        journal = self.journal
        yield Field(placeholder='Search words or "a phrase" (case and accents ignored)', id="query")
        with Horizontal(id="filters"):
            yield Select([(t.label, t.saved_id) for t in journal.all(Theme)], prompt="Any theme", id="theme")
            yield Select([(g.title, g.saved_id) for g in journal.all(Goal)], prompt="Any goal", id="goal")
            yield Select([(p.name, p.saved_id) for p in journal.all(Person)], prompt="Anyone", id="person")
            yield Select(
                [(e.title, e.saved_id) for e in journal.all(Engagement)], prompt="Any engagement", id="engagement"
            )
            yield Field(placeholder="When: last month, since 2026-09-01", id="dates")
        yield Static("", id="search-status", classes="muted")
        with Horizontal():
            yield OptionList(id="results")
            with VerticalScroll(id="result-pane"):
                yield Markdown(id="result")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self.query_one("#search-status", Static).update("Preparing search…")
        self.run_search()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.run_search()

    def _filters(self) -> SearchFilters:
        def chosen(select_id: str) -> str | None:
            value = self.query_one(f"#{select_id}", Select).value
            return value if isinstance(value, str) else None

        dates = self.query_one("#dates", Input).value.strip()
        return SearchFilters(
            engagement_id=chosen("engagement"),
            theme_id=chosen("theme"),
            goal_id=chosen("goal"),
            person_id=chosen("person"),
            dates=parse_range(dates, self.journal.clock) if dates else None,
        )

    @work(thread=True, exclusive=True, group="search")
    def run_search(self) -> None:
        """Search off the UI thread: the first search reads the whole index and the search cache."""
        journal = self.candour.journal
        if journal is None:
            return
        query = self.query_one("#query", Input).value
        try:
            hits = journal.search(query, self._filters(), RESULTS_SHOWN)
        except CandourError as error:
            self.app.call_from_thread(self._show_status, str(error))
            return
        self.app.call_from_thread(self._show_hits, hits)

    def _show_status(self, message: str) -> None:
        self.query_one("#search-status", Static).update(message)

    def _show_hits(self, hits: list[SearchHit]) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        query = self.query_one("#query", Input).value
        for hit in hits:
            day = f"{hit.day:%d %b %Y}" if hit.day else ""
            shown = Text.assemble(
                f"{day:<12}{KIND_NAMES.get(hit.kind, hit.kind):<11}",
                _marked(hit.title, query),
                "\n",
                _marked(hit.snippet, query),
            )
            results.add_option(Option(shown, id=hit.record_id))
        count = f"{len(hits)}{'+' if len(hits) == RESULTS_SHOWN else ''}"
        self._show_status(f"{count} result{'s' if len(hits) != 1 else ''}")

    def action_to_results(self) -> None:
        results = self.query_one("#results", OptionList)
        if isinstance(self.focused, Input) and results.option_count:
            results.focus()
            results.highlighted = results.highlighted or 0

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.candour.reveal(self.journal.find(event.option.id))

    def action_edit_result(self) -> None:
        results = self.query_one("#results", OptionList)
        if self.focused is results and results.highlighted is not None:
            record_id = results.get_option_at_index(results.highlighted).id
            if record_id is not None:
                self.candour.reveal(self.journal.find(record_id), edit=True)

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        record_id = event.option.id
        if record_id is None:
            return
        self.query_one("#result", Markdown).update(record_markdown(self.journal, self.journal.find(record_id)))


def _marked(text: str, query: str) -> Text:
    """`text` with what the query matched in bold and underlined: seen without colour too."""
    shown = Text(text)
    for start, end in match_spans(text, query):
        shown.stylize("bold underline", start, end)
    return shown
