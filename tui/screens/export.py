"""The sponsor summary in the app: tick items within the agreed level, see the linter's findings, preview the
exact bytes, then write them (atomically, owner-only, logged) or show them on screen only. And the log of
everything disclosed so far.

The flow is `journal.export.ExportSession`'s, the one the command line drives too: this screen only passes on
the coachee's choices and shows what the session makes of them.
"""

from __future__ import annotations

from collections.abc import Callable
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
    UNCONFIRMED,
    UNCONFIRMED_MEANING,
    WARNING,
    WHOLE_ENGAGEMENT,
    Check,
    ExportSession,
    ExportStatus,
    Item,
    Linter,
    Variant,
    export_everything,
    export_log,
    preparation_sheet,
)
from tui.screens.base import JournalView
from tui.screens.confirm import ConfirmScreen


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
        # Function keys: no text field uses them (Ctrl+W deletes a word in one), so they work wherever the focus is.
        Binding("f5", "write", "Write file", priority=True),
        Binding("f4", "show_only", "Show on screen only", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: ExportSession | None = None
        """The summary being prepared; a new one for each engagement and period."""
        self.data = b""
        """The bytes previewed, empty while the choice builds no summary."""
        self.worded_item: Item | None = None
        """The item the wording field and the private-wording box are for: the one highlighted last."""
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
            # Empty means the whole engagement: the placeholder says so, rather than a word to delete first.
            yield Input(placeholder="Period: all of it, or last quarter, 2026-09…", id="period")
            yield Select(
                [(name, name) for name in EXPORT_FORMATS], value=DEFAULT_FORMAT, allow_blank=False, id="format"
            )
            yield Select(
                [(variant.title, variant.value) for variant in Variant],
                value=Variant.SUMMARY.value,
                allow_blank=False,
                id="variant",
            )
            yield Input(placeholder="For (e.g. Dee, my manager)", id="recipient")
        with Horizontal(id="export-body"):
            with Vertical(id="export-choices"):
                yield Label("Tick what the sponsor may see (space):")
                yield SelectionList[str](id="items")
                yield Label("Wording for the sponsor, for the highlighted item:")
                yield Input(placeholder="Your words for the sponsor", id="wording")
                yield Checkbox("Send my private wording for it instead", id="use-private")
                yield Checkbox("Let it in beyond the agreed level", id="beyond", disabled=True)
                yield Label("Findings of the check (tick a blocked one to keep it):")
                yield SelectionList[str](id="findings")
            with Vertical(id="export-preview"):
                yield Static("", id="export-status", classes="error")
                yield Label("Preview: exactly what will be written")
                yield TextArea("", read_only=True, soft_wrap=True, id="preview")
        with Horizontal(id="export-actions"):
            yield Input(placeholder="Where to write it", id="destination")
            yield Button("Write file", variant="primary", id="write")
            yield Checkbox("Keep my new wordings for next time", id="remember")
            yield Button("Show only", id="show-only")
            yield Button("Preparation sheet", id="prepare")
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
        """Start a session for the chosen engagement and period (L0 logistics ticked, nothing else)."""
        engagement = self._engagement()
        items = self.query_one("#items", SelectionList)
        items.clear_options()
        # Findings kept for another engagement or period must not carry over: codes can coincide.
        self.query_one("#findings", SelectionList).clear_options()
        self.session, self.data, self.worded_item = None, b"", None
        self.query_one("#preview", TextArea).text = ""
        if engagement is None:
            self._status("Choose an engagement.")
            return
        period = self.query_one("#period", Input).value or WHOLE_ENGAGEMENT
        try:
            self.session = ExportSession.start(self.journal, engagement, period, linter=self._linter)
        except CandourError as error:
            self._status(str(error))
            return
        self.session.format = self._format()
        self.session.variant = self._variant()
        self.session.remember_wordings = self.query_one("#remember", Checkbox).value
        level = self.session.proposal.level.name
        for item in self.session.items:
            items.add_option(Selection(item_label(item, level), item.item_id, item.item_id in self.session.ticked))
        self.refresh_preview()

    @on(SelectionList.SelectedChanged, "#items")
    def _ticks_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self._apply(lambda session: session.choose(event.selection_list.selected))

    @on(SelectionList.SelectedChanged, "#findings")
    def _kept_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self._apply(lambda session: session.set_kept(event.selection_list.selected))

    @on(Checkbox.Changed, "#beyond")
    def _beyond_chosen(self, event: Checkbox.Changed) -> None:
        item = self.worded_item
        if item is not None:
            self._apply(lambda session: session.allow_beyond_level(item.item_id, event.value))

    @on(Checkbox.Changed, "#remember")
    def _remember_chosen(self, event: Checkbox.Changed) -> None:
        def remember(session: ExportSession) -> None:
            session.remember_wordings = event.value

        self._apply(remember)

    @on(Select.Changed, "#variant")
    def _variant_changed(self) -> None:
        def choose(session: ExportSession) -> None:
            session.variant = self._variant()

        self._apply(choose)

    @on(Select.Changed, "#format")
    def _format_changed(self) -> None:
        def choose(session: ExportSession) -> None:
            session.format = self._format()

        self._apply(choose)

    def _apply(self, change: Callable[[ExportSession], None]) -> None:
        """Pass one decision on to the session, then show what it makes of the summary."""
        if self.session is None:
            return
        try:
            change(self.session)
        except CandourError as error:
            self._status(str(error))
            return
        self.refresh_preview()

    @on(SelectionList.SelectionHighlighted, "#items")
    def _show_wording(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        session = self.session
        # A highlight from the list of an earlier engagement or period may still arrive: it names no item here.
        offered = session.items if session else ()
        self.worded_item = next((item for item in offered if item.item_id == event.selection.value), None)
        item_id = self.worded_item.item_id if self.worded_item else ""
        self.query_one("#wording", Input).value = session.wording.get(item_id, "") if session else ""
        with self.prevent(Checkbox.Changed):
            self.query_one("#use-private", Checkbox).value = session is not None and item_id in session.use_private
            beyond = self.query_one("#beyond", Checkbox)
            beyond.value = session is not None and item_id in session.overridden
            beyond.disabled = self.worded_item is None or not self.worded_item.above_level  # only above the level

    @on(Input.Changed, "#wording")
    def _wording_typed(self, event: Input.Changed) -> None:
        item = self.worded_item
        if item is None or not item.kind.worded:
            return
        if event.value.strip():
            self._apply(lambda session: session.set_wording(item.item_id, event.value))
        else:
            self._apply(lambda session: session.clear_wording(item.item_id))

    @on(Checkbox.Changed, "#use-private")
    def _private_chosen(self, event: Checkbox.Changed) -> None:
        item = self.worded_item
        if item is not None:
            self._apply(lambda session: session.send_private(item.item_id, event.value))

    # --- checking and previewing ------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Show what the session makes of the choice: the findings, the notes, and the exact bytes."""
        preview = self.query_one("#preview", TextArea)
        self.data = b""
        if self.session is None:
            preview.text = ""
            return
        try:
            check = self.session.check()
        except CandourError as error:
            self._status(str(error))
            preview.text = ""
            return
        self.data = self.session.preview()
        preview.text = self.data.decode("utf-8")
        self._show_findings(check)
        notes = list(check.warnings)
        notes += [f"{item.short_id} is left out: reword it, or keep the finding." for item in check.left_out]
        try:
            check.require_answers()
        except CandourError as unanswered:
            notes.append(str(unanswered))
        self._status("\n".join(notes))
        destination = self.query_one("#destination", Input)
        if not destination.value:
            destination.value = str(self.session.destination(None, folder=Path.home()))

    def _show_findings(self, check: Check) -> None:
        findings = self.query_one("#findings", SelectionList)
        with self.prevent(SelectionList.SelectedChanged):
            findings.clear_options()
            for flag in check.flags:
                severity = "blocks" if flag.finding.blocks else "warning"
                if flag.kept_before:
                    severity = "kept before"
                label = f"{flag.code} {flag.item.short_id}: {flag.finding.describe()} ({severity})"
                # A sensitive topic is kept (ticked) to say it may go out as written; other warnings need no answer.
                answerable = flag.finding.blocks or flag.unacknowledged or flag.kept_now
                findings.add_option(Selection(label, flag.code, flag.kept_now, disabled=not answerable))

    def _format(self) -> str:
        chosen = self.query_one("#format", Select).value
        return chosen if isinstance(chosen, str) else DEFAULT_FORMAT

    def _variant(self) -> Variant:
        chosen = self.query_one("#variant", Select).value
        return Variant(chosen) if isinstance(chosen, str) else Variant.SUMMARY

    def _status(self, message: str) -> None:
        self.query_one("#export-status", Static).update(message)

    # --- leaving the journal ----------------------------------------------------------------------

    def _recipient(self) -> str:
        return self.query_one("#recipient", Input).value

    @on(Button.Pressed, "#write")
    def action_write(self) -> None:
        session = self.session
        if session is None or not self.data:
            self.notify("Nothing to write yet: fix what the status line says.", severity="warning")
            return
        try:
            session.check().require_answers()  # before asking where: the answer would be refused anyway
        except CandourError as error:
            self._status(str(error))
            return
        typed = self.query_one("#destination", Input).value.strip()
        destination = session.destination(Path(typed).expanduser() if typed else None, folder=Path.home())

        replacing = destination.exists()  # asked here; should one appear meanwhile, the write still refuses

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                done = session.write(destination, recipient=self._recipient(), overwrite=replacing)
            except CandourError as error:
                self._status(str(error))
                return
            saved = " Your new wordings are kept for this engagement's next summaries." if done.reworded else ""
            self.notify(f"Written to {destination} and logged (SHA-256 {done.record.sha256[:12]}…).{saved}")
            self.dismiss()

        question = f"Write these {len(self.data):,} bytes to {destination}? The file is not encrypted."
        if replacing:
            question = f"{destination} already exists. Replace it with these {len(self.data):,} bytes? "
            question += "The file is not encrypted; the log will mark the earlier export as replaced."
        self.app.push_screen(ConfirmScreen(question, "Replace" if replacing else "Write"), confirmed)

    @on(Button.Pressed, "#show-only")
    def action_show_only(self) -> None:
        if self.session is None or not self.data:
            return
        try:
            data, _ = self.session.show(recipient=self._recipient())
        except CandourError as error:
            self._status(str(error))
            return
        self.refresh_preview()  # what was kept now shows as kept before
        self.app.push_screen(ShownSummary(data.decode("utf-8")))

    @on(Button.Pressed, "#prepare")
    def action_prepare(self) -> None:
        """The coachee's private preparation sheet for the review: shown, never written or logged."""
        if self.session is None:
            return
        note = "For you alone: nothing was written or logged."
        self.app.push_screen(ShownSummary(preparation_sheet(self.session), note=note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss()


class ShownSummary(ModalScreen[None]):
    """A summary shown on screen only (logged, never written), e.g. for a three-way meeting; or the coachee's
    private preparation sheet for it (neither written nor logged)."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(
        self, text: str, *, note: str = "Shown only: no file was written. This showing is in your export log."
    ) -> None:
        super().__init__()
        self.text = text
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="shown-summary", classes="card"):
            yield Static(self.text, markup=False)
            yield Static(self.note, classes="muted")


class ExportEverythingScreen(ModalScreen[bool], JournalView):
    """The whole journal (or one engagement's records, a copy to keep when it ends), unencrypted, for the
    coachee's own use: behind a clear warning. Dismisses with whether a file was written."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel (writes nothing)")]

    def __init__(self, engagement: Engagement | None = None) -> None:
        super().__init__()
        self.engagement = engagement

    def compose(self) -> ComposeResult:
        what = f"“{self.engagement.title}”" if self.engagement else "everything"
        name = "candour-engagement-copy.md" if self.engagement else "candour-journal-export.md"
        with Vertical(id="export-everything", classes="card"):
            yield Static(f"Export {what} for yourself", classes="title")
            yield Static(WARNING, classes="error")
            yield Select([(name, name) for name in PERSONAL_FORMATS], value="markdown", allow_blank=False, id="format")
            yield Input(str(Path.home() / name), id="destination")
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
        self.dismiss(False)

    @on(Button.Pressed, "#write-everything")
    def write(self) -> None:
        journal = self.candour.journal
        chosen = self.query_one("#format", Select).value
        if journal is None or not isinstance(chosen, str):
            return
        destination = Path(self.query_one("#destination", Input).value).expanduser()
        try:
            export_everything(journal, chosen, destination, engagement=self.engagement)
        except CandourError as error:
            self.query_one("#everything-status", Static).update(str(error))
            return
        what = "A copy of the engagement" if self.engagement else "Your whole journal"
        self.app.notify(f"{what} was written, unencrypted, to {destination}.", severity="warning")
        self.dismiss(True)


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
            where = record.path
            if record.shown_only:
                where = "to standard output" if record.personal else "on screen only"
            if record.status is ExportStatus.PENDING:
                where += f" ({UNCONFIRMED})"
            level = f"{record.level.name}{f' (+{len(record.beyond_level)} beyond)' if record.override else ''}"
            if record.replaced_by:
                where += " (replaced)"
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
        unconfirmed = sum(record.status is ExportStatus.PENDING for record in records)
        if unconfirmed:
            entries = f"{unconfirmed} export{'s are' if unconfirmed != 1 else ' is'} {UNCONFIRMED}"
            self.notify(f"{entries} (marked in the table): {UNCONFIRMED_MEANING}.", severity="warning", timeout=30)
        table.focus()
