"""The sponsor summary in the app: tick items within the agreed level, see the linter's findings, preview the
exact bytes, then write them (atomically, owner-only, logged) or show them on screen only. And the log of
everything disclosed so far.

The rules live in `journal.export`; this screen only gathers the coachee's choices and shows the results.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from journal import CandourError, Engagement
from journal.export import (
    DEFAULT_FORMAT,
    EXPORT_FORMATS,
    PERSONAL_FORMATS,
    WARNING,
    Choice,
    Item,
    Linter,
    Proposal,
    Review,
    Summary,
    dismissed_findings,
    export_everything,
    export_log,
    export_summary,
    keep_findings,
    parse_period,
    propose,
    render,
    review_summary,
    show_summary,
    suggested_name,
)
from tui.screens.base import JournalView
from tui.screens.confirm import ConfirmScreen

WHOLE_ENGAGEMENT = "engagement"
"""The period phrase for the whole engagement (the default)."""


def item_label(item: Item, level: str) -> str:
    """How an item reads in the list: what the sponsor would see, and what stands in its way."""
    # The hint (e.g. a goal's private title) is for the coachee's eyes on this screen; it never leaves.
    shown = f"{item.hint} → needs a wording for the sponsor" if item.needs_wording else item.content.describe()
    flags = []
    if item.above_level:
        flags.append(f"above {level}")
    if item.needs_wording:
        flags.append("needs wording")
    return shown + (f"  [{', '.join(flags)}]" if flags else "")


class ExportScreen(Screen[None], JournalView):
    """Choose, check and preview a summary; nothing is written until the coachee confirms."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel (writes nothing)"),
        Binding("ctrl+w", "write", "Write file"),
        Binding("ctrl+o", "show_only", "Show on screen only"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.proposal: Proposal | None = None
        self.summary: Summary | None = None
        self.review: Review | None = None
        self.data = b""
        self.wording: dict[str, str] = {}
        self.use_private: set[str] = set()
        self._linter: Linter | None = None

    def compose(self) -> ComposeResult:
        journal = self.journal
        current = journal.current_engagement()
        yield Header()
        with Horizontal(id="export-options"):
            yield Select(
                [(engagement.title, engagement.saved_id) for engagement in journal.all(Engagement)],
                value=current.saved_id if current else Select.NULL,
                prompt="Engagement",
                id="engagement",
            )
            yield Input(WHOLE_ENGAGEMENT, placeholder="Period: engagement, last quarter, 2026-09", id="period")
            yield Select(
                [(name, name) for name in EXPORT_FORMATS], value=DEFAULT_FORMAT, allow_blank=False, id="format"
            )
            yield Input(placeholder="For (e.g. Dee, my manager)", id="recipient")
            yield Checkbox("Go beyond the agreed level", id="override")
        with Horizontal(id="export-body"):
            with Vertical(id="export-choices"):
                yield Label("Tick what the sponsor may see (space):")
                yield SelectionList[str](id="items")
                yield Label("Wording for the sponsor, for the highlighted item:")
                yield Input(placeholder="Your words for the sponsor", id="wording")
                yield Checkbox("Send my private wording for it instead", id="use-private")
                yield Label("Findings of the check (tick a blocked one to keep it):")
                yield SelectionList[str](id="findings")
            with Vertical(id="export-preview"):
                yield Static("", id="export-status", classes="error")
                yield Label("Preview: exactly what will be written")
                yield TextArea("", read_only=True, soft_wrap=True, id="preview")
        with Horizontal(id="export-actions"):
            yield Input(placeholder="Where to write it", id="destination")
            yield Button("Write file", variant="primary", id="write")
            yield Button("Show only", id="show-only")
            yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self._linter = Linter.for_journal(self.journal)
        self.load_proposal()
        self.query_one("#items", SelectionList).focus()

    # --- the proposal and the choice -------------------------------------------------------------

    def _engagement(self) -> Engagement | None:
        chosen = self.query_one("#engagement", Select).value
        if not isinstance(chosen, str):
            return None
        return self.journal.get(Engagement, chosen)

    @on(Select.Changed, "#engagement")
    @on(Input.Submitted, "#period")
    def load_proposal(self) -> None:
        """Propose the items of the chosen engagement and period (L0 logistics ticked, nothing else)."""
        engagement = self._engagement()
        items = self.query_one("#items", SelectionList)
        items.clear_options()
        # Findings kept for another engagement or period must not carry over: codes can coincide.
        self.query_one("#findings", SelectionList).clear_options()
        self.proposal, self.summary, self.data = None, None, b""
        self.query_one("#preview", TextArea).text = ""
        if engagement is None:
            self._status("Choose an engagement.")
            return
        try:
            period = parse_period(
                self.query_one("#period", Input).value or WHOLE_ENGAGEMENT, self.journal.clock, engagement
            )
            self.proposal = propose(self.journal, engagement, period)
        except CandourError as error:
            self._status(str(error))
            return
        self.wording.clear()
        self.use_private.clear()
        level = self.proposal.level.name
        for item in self.proposal.items:
            items.add_option(Selection(item_label(item, level), item.item_id, item.default))
        self.refresh_preview()

    @on(SelectionList.SelectedChanged, "#items")
    @on(SelectionList.SelectedChanged, "#findings")
    @on(Checkbox.Changed, "#override")
    @on(Select.Changed, "#format")
    def _choice_changed(self) -> None:
        self.refresh_preview()

    def _highlighted_item(self) -> str | None:
        items = self.query_one("#items", SelectionList)
        if items.highlighted is None:
            return None
        return str(items.get_option_at_index(items.highlighted).value)

    @on(SelectionList.SelectionHighlighted, "#items")
    def _show_wording(self) -> None:
        item_id = self._highlighted_item()
        self.query_one("#wording", Input).value = self.wording.get(item_id or "", "")
        with self.prevent(Checkbox.Changed):
            self.query_one("#use-private", Checkbox).value = item_id in self.use_private

    @on(Input.Changed, "#wording")
    def _wording_typed(self, event: Input.Changed) -> None:
        item_id = self._highlighted_item()
        if item_id is None or self.proposal is None or not self.proposal.item(item_id).kind.worded:
            return
        if event.value.strip():
            self.wording[item_id] = event.value
        else:
            self.wording.pop(item_id, None)
        self.refresh_preview()

    @on(Checkbox.Changed, "#use-private")
    def _private_chosen(self, event: Checkbox.Changed) -> None:
        item_id = self._highlighted_item()
        if item_id is None:
            return
        (self.use_private.add if event.value else self.use_private.discard)(item_id)
        self.refresh_preview()

    def choice(self) -> Choice:
        ticked = frozenset(str(value) for value in self.query_one("#items", SelectionList).selected)
        return Choice(
            ticked,
            override=self.query_one("#override", Checkbox).value,
            wording=dict(self.wording),
            use_private=frozenset(self.use_private),
        )

    def kept_codes(self) -> set[str]:
        return {str(code) for code in self.query_one("#findings", SelectionList).selected}

    # --- checking and previewing ------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Build the summary from the choice, lint exactly the text that would leave, and render the bytes."""
        preview = self.query_one("#preview", TextArea)
        self.summary, self.data = None, b""
        if self.proposal is None or self._linter is None:
            preview.text = ""
            return
        choice = self.choice()
        try:
            built = self.proposal.build(choice)
        except CandourError as error:
            self._status(str(error))
            preview.text = ""
            return
        kept = self.kept_codes()
        self.review = review_summary(built, self._linter, dismissed_findings(self.journal, self.proposal.engagement_id))
        blocked = self.review.blocking(kept)
        self.summary = built.without(blocked)
        self.data = render(self.summary, self._format())
        preview.text = self.data.decode("utf-8")
        self._show_findings(kept)
        notes = self.proposal.warnings(choice)
        notes += [
            f"{self.proposal.item(item_id).short_id} is left out: reword it, or keep the finding."
            for item_id in blocked
        ]
        self._status("\n".join(notes))
        destination = self.query_one("#destination", Input)
        if not destination.value:
            destination.value = str(Path.home() / suggested_name(self.summary, self._format()))

    def _show_findings(self, kept: set[str]) -> None:
        findings = self.query_one("#findings", SelectionList)
        if self.review is None or self.proposal is None:
            return
        with self.prevent(SelectionList.SelectedChanged):
            findings.clear_options()
            for code, (item_id, finding) in self.review.codes().items():
                short = self.proposal.item(item_id).short_id
                severity = "blocks" if finding.blocks else "warning"
                if self.review.is_dismissed(item_id, finding):
                    severity = "kept before"
                label = f"{code} {short}: {finding.describe()} ({severity})"
                findings.add_option(Selection(label, code, code in kept, disabled=not finding.blocks))

    def _format(self) -> str:
        chosen = self.query_one("#format", Select).value
        return chosen if isinstance(chosen, str) else DEFAULT_FORMAT

    def _status(self, message: str) -> None:
        self.query_one("#export-status", Static).update(message)

    # --- leaving the journal ----------------------------------------------------------------------

    def _recipient(self) -> str:
        return self.query_one("#recipient", Input).value.strip() or "sponsor"

    @on(Button.Pressed, "#write")
    def action_write(self) -> None:
        if self.summary is None or self.proposal is None:
            self.notify("Nothing to write yet: fix what the status line says.", severity="warning")
            return
        destination = Path(self.query_one("#destination", Input).value).expanduser()
        summary, data, review, kept = self.summary, self.data, self.review, self.kept_codes()
        engagement_id = self.proposal.engagement_id

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                record = export_summary(self.journal, summary, self._format(), destination, recipient=self._recipient())
                if kept and review is not None:
                    keep_findings(self.journal, engagement_id, review, kept)
            except CandourError as error:
                self._status(str(error))
                return
            self.notify(f"Written to {destination} and logged (SHA-256 {record.sha256[:12]}…).")
            self.dismiss()

        question = f"Write these {len(data):,} bytes to {destination}? The file is not encrypted."
        self.app.push_screen(ConfirmScreen(question, "Write"), confirmed)

    @on(Button.Pressed, "#show-only")
    def action_show_only(self) -> None:
        if self.summary is None:
            return
        data, _ = show_summary(self.journal, self.summary, self._format(), recipient=self._recipient())
        self.app.push_screen(ShownSummary(data.decode("utf-8")))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()


class ShownSummary(ModalScreen[None]):
    """A summary shown on screen only (logged, never written), e.g. for a three-way meeting."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="shown-summary", classes="card"):
            yield Static(self.text)
            yield Static("Shown only: no file was written. This showing is in your export log.", classes="muted")


class ExportEverythingScreen(ModalScreen[None], JournalView):
    """The whole journal, unencrypted, for the coachee's own use: behind a clear warning and a confirmation."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel (writes nothing)")]

    def compose(self) -> ComposeResult:
        with Vertical(id="export-everything", classes="card"):
            yield Static("Export everything for yourself", classes="title")
            yield Static(WARNING, classes="error")
            yield Select([(name, name) for name in PERSONAL_FORMATS], value="markdown", allow_blank=False, id="format")
            yield Input(str(Path.home() / "candour-journal-export.md"), id="destination")
            with Horizontal(classes="buttons"):
                yield Button("Write unencrypted file", variant="error", id="write-everything")
                yield Button("Cancel", id="cancel-everything")
            yield Static("", id="everything-status", classes="error")

    @on(Select.Changed, "#format")
    def _suffix_follows_format(self, event: Select.Changed) -> None:
        field = self.query_one("#destination", Input)
        suffix = ".json" if event.value == "json" else ".md"
        field.value = str(Path(field.value).with_suffix(suffix))

    @on(Button.Pressed, "#cancel-everything")
    def _cancel(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#write-everything")
    def write(self) -> None:
        journal = self.candour.journal
        chosen = self.query_one("#format", Select).value
        if journal is None or not isinstance(chosen, str):
            return
        destination = Path(self.query_one("#destination", Input).value).expanduser()
        try:
            export_everything(journal, chosen, destination)
        except CandourError as error:
            self.query_one("#everything-status", Static).update(str(error))
            return
        self.app.notify(f"Your whole journal was written, unencrypted, to {destination}.", severity="warning")
        self.dismiss()


class ExportLogScreen(Screen[None], JournalView):
    """Everything disclosed so far: when, for whom, at which level, which items, and a hash of the bytes."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="export-log", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#export-log", DataTable)
        table.add_columns("when", "for", "level", "format", "items", "where", "SHA-256")
        journal = self.candour.journal
        records = export_log(journal) if journal is not None else []
        for record in records:
            where = "on screen only" if record.shown_only else record.path
            level = f"{record.level.name}{' (override)' if record.override else ''}"
            table.add_row(
                f"{record.exported_at:%d %b %Y %H:%M}",
                record.recipient,
                level,
                record.format,
                str(len(record.items)),
                where,
                record.sha256[:16],
            )
        if not records:
            self.notify("Nothing disclosed yet: no summary was written or shown.")
        table.focus()
