"""The sponsor summary in the app, in steps that each fit a small terminal: choose the items within the agreed
level, word them for the sponsor, answer the linter's findings, preview the exact bytes, then write them
(atomically, owner-only, logged) or show them on screen only. And the log of everything disclosed so far.

Items are named to the coachee as they know them (a goal by its title): on their own screen only, while the
journal's messages, which the command line prints and the log keeps, name them by id.

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
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    OptionList,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.option_list import Option
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
    ItemError,
    Linter,
    Variant,
    export_everything,
    export_log,
    preparation_sheet,
    resolve_destination,
    suggested_name,
)
from tui.screens.base import JournalView, Reopened, after_typed_keys
from tui.screens.confirm import ConfirmScreen
from tui.widgets.field import Field
from tui.widgets.ticks import TickBox, TickList

STEPS = {"choose": "1 Choose", "word": "2 Word", "check": "3 Check", "preview": "4 Preview", "write": "5 Write"}
"""The summary's steps, in order: each a tab of its own (pane "step-choose"…), so that each fits a small terminal."""

FINDINGS_HELP = "What the check found in the words that would leave. Tick a finding to let it go out as written."
NOTHING_FOUND = "Nothing found in the words that would leave: no names, no sensitive topics. Nothing to answer here."

STEP_FOCUS = {
    "choose": "#items",
    "word": "#to-word",
    "check": "#findings",
    "preview": "#preview",
    "write": "#recipient",
}
"""Where the focus goes when a step opens: the field the step is about."""


def item_name(item: Item) -> str:
    """An item as the coachee knows it ("goal Lead the team's planning"): on their own screen only, never sent."""
    return item.hint


def item_label(item: Item, session: ExportSession) -> Content:
    """How an item reads in the list of step 1: what the sponsor would see, and what it still needs."""
    # The hint (e.g. a goal's private title) is for the coachee's eyes on this screen; it never leaves.
    wording = session.wording.get(item.item_id, "")
    if item.needs_wording and wording:
        shown = f"{item.hint}: “{wording}”"
    elif item.needs_wording and item.item_id in session.use_private:
        shown = f"{item.hint}: in your private wording"
    elif item.needs_wording:
        shown = f"{item.hint}, needs a wording (step 2)"
    else:
        shown = item.content.describe()
    if item.above_level:
        let_in = "let in" if item.item_id in session.overridden else "needs your say in step 2"
        shown += f"  (above {session.proposal.level.name}: {let_in})"
    return Content(shown)  # plain text: a title with brackets is not markup


class ExportScreen(Screen[None], JournalView, Reopened):
    """Choose, word, check and preview a summary, then write it; nothing is written until the coachee confirms."""

    OPENED_BY = "export"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # Function keys: no text field uses them (Ctrl+W deletes a word in one), so they work wherever the focus is.
        Binding("f2", "step(-1)", "Back", priority=True),
        Binding("f3", "step(1)", "Next step", priority=True),
        Binding("f5", "write", "Write file", priority=True),
        Binding("f4", "show_only", "Show only", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: ExportSession | None = None
        """The summary being prepared; a new one for each engagement and period."""
        self.data = b""
        """The bytes previewed (of the items that can go in now), empty while the choice builds no summary."""
        self.worded_item: Item | None = None
        """The item the wording field and its boxes are for: the one highlighted last."""
        self._linter: Linter | None = None

    def compose(self) -> ComposeResult:
        journal = self.journal
        current = journal.current_engagement()
        yield Header()
        with TabbedContent(id="steps"):
            with TabPane(STEPS["choose"], id="step-choose"):
                with Horizontal(classes="export-row"):
                    yield Select(
                        [(engagement.title, engagement.saved_id) for engagement in journal.all(Engagement)],
                        value=current.saved_id if current else Select.NULL,
                        prompt="Engagement",
                        id="engagement",
                    )
                    yield Select(
                        [(variant.title, variant.value) for variant in Variant],
                        value=Variant.SUMMARY.value,
                        allow_blank=False,
                        id="variant",
                    )
                # Empty means the whole engagement: the placeholder says so, rather than a word to delete first.
                yield Field(placeholder="Period: empty for all of it, or last quarter, 2026-09…", id="period")
                yield Static("Tick what the sponsor may see (space). F3: the next step.", classes="step-help")
                yield TickList[str](id="items")
            with TabPane(STEPS["word"], id="step-word"):
                yield Static(
                    "Ticked items that take your words or your say: pick one, then answer below.", classes="step-help"
                )
                yield OptionList(id="to-word")
                yield Static("", id="worded-for", classes="muted")
                yield Field(placeholder="Your words for the sponsor", id="wording")
                yield TickBox("Send my private wording instead", id="use-private")
                yield TickBox("Let it in beyond the agreed level", id="beyond", disabled=True)
            with TabPane(STEPS["check"], id="step-check"):
                yield Static(FINDINGS_HELP, id="check-help", classes="step-help")
                yield TickList[str](id="findings")
            with TabPane(STEPS["preview"], id="step-preview"):
                with Horizontal(classes="export-row"):
                    yield Static("Exactly what will be written, as", classes="inline")
                    yield Select(
                        [(name, name) for name in EXPORT_FORMATS], value=DEFAULT_FORMAT, allow_blank=False, id="format"
                    )
                yield TextArea("", read_only=True, soft_wrap=True, id="preview")
            with TabPane(STEPS["write"], id="step-write"):
                yield Static("For whom (the log records it; empty: the engagement's sponsor)", classes="step-help")
                yield Field(placeholder="e.g. Dee, my manager", id="recipient")
                yield Static("Where to write it (the file is not encrypted)", classes="step-help")
                yield Field(placeholder="A file, or a folder for the suggested name", id="destination")
                yield TickBox("Keep my new wordings for next time", id="remember")
                with Horizontal(classes="buttons"):
                    yield Button("Write file", variant="primary", id="write")
                    yield Button("Show only", id="show-only")
                    yield Button("Preparation sheet", id="prepare")
                    yield Button("Cancel", id="cancel")
        yield Static("", id="export-status", classes="error")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._linter = Linter.for_journal(self.journal)
        self.load_proposal()
        self.query_one("#items", SelectionList).focus()

    # --- the steps --------------------------------------------------------------------------------

    def action_step(self, by: int) -> None:
        """Go to the next (1) or the previous (-1) step."""
        tabs = self.query_one("#steps", TabbedContent)
        order = [f"step-{step}" for step in STEPS]
        tabs.active = order[max(0, min(len(order) - 1, order.index(tabs.active) + by))]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No "Back" on the first step, no "Next step" on the last (the footer leaves them out)."""
        if action == "step" and self.is_mounted:
            active = self.query_one("#steps", TabbedContent).active
            edge = "step-choose" if parameters == (-1,) else f"step-{list(STEPS)[-1]}"
            return active != edge
        return True

    @on(TabbedContent.TabActivated, "#steps")
    def _step_opened(self, event: TabbedContent.TabActivated) -> None:
        step = (event.pane.id or "").removeprefix("step-")
        self.refresh_bindings()
        if step in STEP_FOCUS:
            self.query_one(STEP_FOCUS[step]).focus()
        listed = self.query_one("#to-word", OptionList)
        if step == "word" and listed.highlighted is None and listed.option_count and listed.get_option_at_index(0).id:
            listed.highlighted = 0  # the wording field is about an item from the start

    def _named(self, error: CandourError) -> str:
        """An error's message, with the item it is about named as the coachee knows it rather than by id."""
        if isinstance(error, ItemError) and self.session is not None:
            return error.note.naming(item_name(self.session.proposal.item(error.note.item_id)))
        return str(error)

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
            self._status(self._named(error))
            return
        self.session.format = self._format()
        self.session.variant = self._variant()
        self.session.remember_wordings = self.query_one("#remember", Checkbox).value
        for item in self.session.items:
            items.add_option(
                Selection(item_label(item, self.session), item.item_id, item.item_id in self.session.ticked)
            )
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
            self._status(self._named(error))
            return
        self.refresh_preview()

    @on(SelectionList.SelectionHighlighted, "#items")
    def _item_highlighted(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        self._word(event.selection.value)

    @on(OptionList.OptionHighlighted, "#to-word")
    def _to_word_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._word(event.option.id)

    def _word(self, item_id: str) -> None:
        """Make the wording field and its boxes about one item."""
        session = self.session
        # A highlight from the list of an earlier engagement or period may still arrive: it names no item here.
        offered = session.items if session else ()
        self.worded_item = next((item for item in offered if item.item_id == item_id), None)
        item = self.worded_item
        about = f"Wording {item_name(item)}: only the words below can leave, never this name." if item else ""
        self.query_one("#worded-for", Static).update(Content(about))
        with self.prevent(Input.Changed, Checkbox.Changed):
            wording = self.query_one("#wording", Input)
            wording.value = session.wording.get(item_id, "") if session and item else ""
            stored = item.content.text if item and item.kind.worded else ""
            wording.placeholder = f"Now “{stored}”: type to reword it" if stored else "Your words for the sponsor"
            wording.disabled = item is None or not item.kind.worded
            private = self.query_one("#use-private", Checkbox)
            private.value = session is not None and item_id in session.use_private
            private.disabled = item is None or not item.private_wording
            beyond = self.query_one("#beyond", Checkbox)
            beyond.value = session is not None and item_id in session.overridden
            beyond.disabled = item is None or not item.above_level  # only above the level

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
        """Show what the session makes of the choice: the items' state, the findings, the notes, and the exact
        bytes of what can go in now (an item still waiting for words leaves the rest in view)."""
        preview = self.query_one("#preview", TextArea)
        self.data = b""
        session = self.session
        if session is None:
            preview.text = ""
            return
        self._show_items(session)
        try:
            check, waiting = session.check_ready()
        except CandourError as error:
            self._status(self._named(error))
            preview.text = ""
            return
        self.data = session.preview(check)
        preview.text = self.data.decode("utf-8")
        self._show_findings(check)
        self._show_to_word(session, waiting)
        notes = [self._named(error) for error in waiting]
        notes += [note.naming(item_name(session.proposal.item(note.item_id))) for note in check.notes]
        if check.unanswered:
            notes.append(self._unanswered(check))
        self._status("\n".join(notes))
        self._show_step_state(check, waiting)
        destination = self.query_one("#destination", Input)
        if not destination.value:
            name = suggested_name(check.summary, session.format)
            destination.value = str(resolve_destination(None, name, folder=Path.home()))

    def _show_items(self, session: ExportSession) -> None:
        """Each item's line in step 1 says its current state (a wording written now shows at once)."""
        items = self.query_one("#items", SelectionList)
        for index, item in enumerate(session.items[: items.option_count]):
            items.replace_option_prompt_at_index(index, item_label(item, session))

    def _show_to_word(self, session: ExportSession, waiting: tuple[ItemError, ...]) -> None:
        """Step 2 lists the ticked items that take words or a say: waiting ones first, each with its state."""
        listed = self.query_one("#to-word", OptionList)
        waits = {error.note.item_id for error in waiting}
        wanted = [
            item for item in session.items if item.item_id in session.ticked and (item.kind.worded or item.above_level)
        ]
        wanted.sort(key=lambda item: item.item_id not in waits)
        options = []
        for item in wanted:
            state = "waiting: " if item.item_id in waits else "ready: "
            wording = session.wording.get(item.item_id) or item.content.text
            said = f"“{wording}”" if wording else ("private wording" if item.item_id in session.use_private else "")
            options.append(Option(Content(f"{state}{item_name(item)}{f' → {said}' if said else ''}"), item.item_id))
        highlighted = listed.highlighted_option.id if listed.highlighted_option else None
        with self.prevent(OptionList.OptionHighlighted):
            listed.clear_options()
            listed.add_options(options or [Option("Nothing ticked needs words: tick themes or goals in step 1.")])
            ids = [item.item_id for item in wanted]
            if highlighted in ids:
                listed.highlighted = ids.index(highlighted)

    def _show_step_state(self, check: Check, waiting: tuple[ItemError, ...]) -> None:
        """The step tabs say what is still open there, so the coachee sees where to go next."""
        tabs = self.query_one("#steps", TabbedContent)
        open_findings = len(check.unanswered)
        tabs.get_tab("step-word").label = STEPS["word"] + (f" ({len(waiting)} waiting)" if waiting else "")
        tabs.get_tab("step-check").label = STEPS["check"] + (f" ({open_findings} to answer)" if open_findings else "")

    def _unanswered(self, check: Check) -> str:
        names = sorted({item_name(flag.item) for flag in check.unanswered})
        return f"{len(check.unanswered)} finding(s) need an answer before anything leaves (step 3): " + "; ".join(names)

    def _show_findings(self, check: Check) -> None:
        findings = self.query_one("#findings", SelectionList)
        with self.prevent(SelectionList.SelectedChanged):
            findings.clear_options()
            for flag in check.flags:
                if flag.kept_before:
                    severity = "kept before"
                elif flag.finding.blocks:
                    severity = "keeps it out" if flag.holds_back else "kept: goes out as written"
                else:
                    severity = "warning"
                label = Content(f"{item_name(flag.item)}: {flag.finding.describe()} ({severity})")
                # A sensitive topic is kept (ticked) to say it may go out as written; other warnings need no answer.
                answerable = flag.finding.blocks or flag.unacknowledged or flag.kept_now
                findings.add_option(Selection(label, flag.code, flag.kept_now, disabled=not answerable))
        # Said in words above the list rather than as a line of it, which would carry an empty tick box.
        self.query_one("#check-help", Static).update(FINDINGS_HELP if check.flags else NOTHING_FOUND)

    def _format(self) -> str:
        chosen = self.query_one("#format", Select).value
        return chosen if isinstance(chosen, str) else DEFAULT_FORMAT

    def _variant(self) -> Variant:
        chosen = self.query_one("#variant", Select).value
        return Variant(chosen) if isinstance(chosen, str) else Variant.SUMMARY

    def _status(self, message: str) -> None:
        self.query_one("#export-status", Static).update(Content(message))

    # --- leaving the journal ----------------------------------------------------------------------

    def _recipient(self) -> str:
        return self.query_one("#recipient", Input).value

    def _ready_to_leave(self) -> ExportSession | None:
        """The session when everything ticked can go in and every finding is answered; else say what is open."""
        session = self.session
        if session is None or not self.data:
            self.notify("Nothing to write yet: fix what the status line says.", severity="warning")
            return None
        try:
            check = session.check()  # refuses while anything ticked is waiting for words or a say
        except CandourError as error:
            self._status(self._named(error))
            return None
        if check.unanswered:  # before asking where: the answer would be refused anyway
            self._status(self._unanswered(check) + ". Reword or untick the item, or keep the finding.")
            return None
        return session

    def action_write(self) -> None:
        after_typed_keys(self.app, self.write)  # a wording typed just before F5 is part of what is written

    def action_show_only(self) -> None:
        after_typed_keys(self.app, self.show_only)

    @on(Button.Pressed, "#write")
    def write(self) -> None:
        session = self._ready_to_leave()
        if session is None:
            return
        typed = self.query_one("#destination", Input).value.strip()
        destination = session.destination(Path(typed).expanduser() if typed else None, folder=Path.home())

        replacing = destination.exists()  # asked here; should one appear meanwhile, the write still refuses

        def confirmed(yes: bool | None) -> None:
            if not yes:
                self._status(f"Nothing written. {destination} is as it was." if replacing else "Nothing written.")
                return
            try:
                done = session.write(destination, recipient=self._recipient(), overwrite=replacing)
            except CandourError as error:
                self._status(self._named(error))
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
    def show_only(self) -> None:
        session = self._ready_to_leave()
        if session is None:
            return
        try:
            data, _ = session.show(recipient=self._recipient())
        except CandourError as error:
            self._status(self._named(error))
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
            yield Field(str(Path.home() / name), id="destination")
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


class ExportLogScreen(Screen[None], JournalView, Reopened):
    """Everything disclosed so far: when, for whom, at which level, which items, and a hash of the bytes."""

    OPENED_BY = "exports"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="export-log", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)

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
