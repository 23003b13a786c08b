"""The main view: engagements and their sessions as a timeline, the selected item in full beside it."""

from __future__ import annotations

import gc

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, TextArea, Tree
from textual.widgets.tree import TreeNode

from journal import (
    AFTER_SESSION,
    BETWEEN_SESSIONS,
    Draft,
    Engagement,
    Model,
    Reflection,
    Session,
)
from tui.describe import draft_context, record_markdown
from tui.screens.base import JournalView
from tui.screens.confirm import ConfirmScreen
from tui.screens.editor import EditorScreen, move_draft
from tui.screens.forms import EngagementForm, SessionForm
from tui.screens.records import (
    DeletedScreen,
    ManageScreen,
    NamesScreen,
    TemplatesScreen,
    act_on_record,
    manage_choices,
    manage_record,
)
from tui.widgets.timeline import FittingTree

RECENT_SHOWN = 15
"""Reflections listed under "Recent" (decrypted at once, however large the journal)."""

LARGE_TEXT = 20_000
"""Characters beyond which the detail pane shows a record's plain text instead of formatting it (see
`MainScreen.show_markdown`); a reflection of a few pages stays formatted."""

FREE_ENTRIES_SHOWN = 50
"""Free entries listed under an engagement; older ones are found with search."""

SESSION_ENTRIES_SHOWN = 50
"""Reflections listed under a session (the latest); its detail pane shows them all."""

Item = Engagement | Session | Reflection | Draft | None


class MainScreen(Screen[None], JournalView):
    """Engagements → sessions → reflections, and the selected one in full."""

    # In the order a new user needs them: the footer shows the first ones that fit, F1 lists them all.
    BINDINGS = [
        Binding("f1", "app.help", "Keys"),
        Binding("a", "new_session", "Add session"),
        Binding("n", "reflect", "Reflect"),
        Binding("slash", "search", "Search"),
        Binding("g", "goals", "Goals"),
        Binding("x", "export", "Summary"),
        Binding("ctrl+l", "app.lock", "Lock"),  # the app's own key, listed here to be seen before the rest
        Binding("q", "app.quit", "Quit"),
        Binding("e", "edit", "Edit"),
        Binding("f", "free_entry", "Free entry"),
        Binding("m", "manage", "Manage"),
        Binding("t", "actions", "Actions"),
        Binding("p", "prep", "Prep", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("h", "history", "History", show=False),
        Binding("X", "exports", "What I disclosed", show=False),
        Binding("comma", "settings", "Settings", show=False),
        Binding("E", "new_engagement", "New engagement", show=False),
        Binding("N", "names", "Themes and people", show=False),
        Binding("T", "templates", "Templates", show=False),
        Binding("D", "deleted", "Deleted records", show=False),
    ]

    def __init__(self, *, reopen: str | None = None) -> None:
        super().__init__()
        self.reopen = reopen
        """The action that opens the screen to show over this one once it is up (see `Reopened`)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal():
            yield FittingTree[Item]("Journal", id="timeline")
            with VerticalScroll(id="detail-pane"):
                yield Markdown(id="detail")
            yield TextArea(id="detail-text", read_only=True, soft_wrap=True, show_cursor=False)
        yield Footer(compact=True, show_command_palette=False)

    _filled: set[str]
    """The engagements whose reflections the tree holds (see `_fill`)."""

    _left_out_said: str | None = None
    """The last word about unreadable records this screen gave, so it is said once, not at every refresh."""

    def on_mount(self) -> None:
        tree = self.query_one("#timeline", Tree)
        tree.show_root = False
        self.refresh_timeline()
        tree.focus()
        self.place_reflections()
        draft = self.journal.current_draft()
        if draft is not None:
            self.open_editor(draft)
        elif self.reopen is not None:
            self.call_after_refresh(self.run_action, self.reopen)

    # --- the timeline -------------------------------------------------------------------------

    def refresh_timeline(self, select: Item = None) -> None:
        """Rebuild the tree from the journal. Reflections are decrypted only where the tree is open: the recent
        ones, and those of the engagement shown open (the current one, or one opened with the cursor), once the
        journal knows where each reflection belongs (learnt in the background after unlock)."""
        journal = self.journal
        tree: Tree[Item] = self.query_one("#timeline", Tree)
        tree.clear()
        self._filled = set()
        drafts = journal.drafts()
        if drafts:
            waiting = tree.root.add(f"Unfinished drafts ({len(drafts)})", None, expand=True)
            for draft in drafts:
                waiting.add_leaf(f"✎ {draft_context(journal, draft)}", draft)
        recent = tree.root.add("Recent", None, expand=True)
        for reflection in journal.recent_reflections(RECENT_SHOWN):
            recent.add_leaf(_reflection_label(reflection), reflection)
        current = journal.current_engagement()
        outline = journal.outline
        for engagement in journal.all(Engagement):
            progress = journal.progress(engagement)
            archived = " · archived" if engagement.archived else ""
            node = tree.root.add(
                f"{engagement.title} · {progress.describe()}{archived}", engagement, expand=engagement == current
            )
            for session in reversed(journal.sessions_of(engagement)):
                written = outline is not None and outline.has_session_reflections(session.saved_id)
                # A session with nothing under it shows no expander.
                node.add(_session_label(session), session, expand=written, allow_expand=written)
            if node.is_expanded:
                self._fill(node)
        if not journal.all(Engagement):
            self.show_markdown(
                "# Welcome\n\nCreate your first engagement with **E**, then add a session with **a** "
                "and reflect on it with **n**. Free entries between sessions: **f**."
            )
        elif (select is None or not self._move_cursor_to(tree, select)) and not self._move_cursor_to(tree, current):
            self.show(current)
        self._say_what_was_left_out()

    @on(Tree.NodeExpanded)
    def _opened(self, event: Tree.NodeExpanded[Item]) -> None:
        self._fill(event.node)

    def _fill(self, node: TreeNode[Item]) -> None:
        """Put an engagement's reflections under its sessions, and its latest free entries after them, decrypting
        only those; once per engagement each time the tree is built."""
        engagement, outline = node.data, self.journal.outline
        if outline is None or not isinstance(engagement, Engagement) or engagement.saved_id in self._filled:
            return
        self._filled.add(engagement.saved_id)
        for session_node in node.children:
            if isinstance(session_node.data, Session):
                written = outline.of_session(session_node.data.saved_id)
                for reflection in self.journal.reflections(written, SESSION_ENTRIES_SHOWN):
                    session_node.add_leaf(_reflection_label(reflection), reflection)
        free = self.journal.reflections(outline.free_entries(engagement.saved_id), FREE_ENTRIES_SHOWN)
        if free:
            between = node.add("Between sessions", None)
            for reflection in free:
                between.add_leaf(_reflection_label(reflection), reflection)

    def _say_what_was_left_out(self) -> None:
        """Name the records that could not be read (damaged) once each time more are found: the rest is shown."""
        left_out = self.journal.unreadable_summary()
        if left_out is not None and left_out != self._left_out_said:
            self._left_out_said = left_out
            self.notify(left_out, title="Some records could not be read", severity="error", timeout=20)

    def _move_cursor_to(self, tree: Tree[Item], item: Item) -> bool:
        """Put the tree's cursor on `item` (so what the keys act on is what the pane shows)."""
        wanted = getattr(item, "record_id", None)
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is not None and wanted is not None and getattr(node.data, "record_id", None) == wanted:
                tree.move_cursor(node)
                self.show(node.data)
                return True
        return False

    @work(thread=True, exclusive=True, group="load")
    def place_reflections(self) -> None:
        """Learn in the background where each reflection belongs (without keeping their text), then show those of
        the open engagement under their sessions."""
        journal = self.candour.journal
        if journal is None:
            return
        journal.place_reflections()
        self.app.call_from_thread(self._reflections_placed)

    def _reflections_placed(self) -> None:
        if self.candour.journal is not None and self.is_attached:
            self.refresh_timeline(select=self.selected)
            # What is held by now (the journal's index, the outline, the app's own widgets) lives until the lock:
            # the cycle collector need not walk it again. Its full passes over a large journal's index stalled the
            # screen for 150 ms at a time (the app unfreezes and collects them when it locks).
            gc.freeze()

    @property
    def selected(self) -> Item:
        node = self.query_one("#timeline", Tree).cursor_node
        return node.data if node is not None else None

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        self.show(event.node.data)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Item]) -> None:
        """Enter on a reflection or a draft opens it in the editor (on a heading it folds or unfolds it)."""
        if isinstance(event.node.data, (Reflection, Draft)):
            self.action_edit()

    # --- the detail pane ---------------------------------------------------------------------

    def show(self, item: Item) -> None:
        journal = self.journal
        match item:
            case Reflection() | Session() | Engagement():
                self.show_markdown(record_markdown(journal, item))
            case Draft():
                saved = f", saved {item.saved_at:%d %b %Y %H:%M}" if item.saved_at else ""
                self.show_markdown(
                    f"*{draft_context(journal, item)}: unfinished{saved}. **e** opens it; **m** moves or "
                    f"discards it.*\n\n{item.text}"
                )
            case _:
                pass

    def show_markdown(self, text: str) -> None:
        """Show `text` as formatted Markdown; a long one as the plain text of its first pages, in a pane that
        draws only the lines in view. Formatting a 200 KB reflection built thousands of widgets and froze the
        app for two seconds each time the cursor passed over it; the whole text is in the editor (e)."""
        large = len(text) > LARGE_TEXT
        pane, plain = self.query_one("#detail-pane"), self.query_one("#detail-text", TextArea)
        pane.display, plain.display = not large, large
        if large:
            rest = f"{len(text) - LARGE_TEXT:,} more characters"
            plain.load_text(f"{text[:LARGE_TEXT]}…\n\n({rest}: e opens the whole text.)")
            self.query_one("#detail", Markdown).update("")
        else:
            plain.load_text("")
            self.query_one("#detail", Markdown).update(text)

    # --- actions ------------------------------------------------------------------------------

    def _session_for_reflection(self) -> Session | None:
        item = self.selected
        if isinstance(item, Session):
            return item
        if isinstance(item, Reflection) and item.session_id:
            return self.journal.get(Session, item.session_id)
        engagement = item if isinstance(item, Engagement) else self.journal.current_engagement()
        sessions = self.journal.sessions_of(engagement) if engagement else []
        held = [session for session in sessions if session.held_on <= self.journal.clock.today()]
        return held[-1] if held else None

    def action_reflect(self) -> None:
        session = self._session_for_reflection()
        if session is None:
            self.notify("Add a session first (a), or write a free entry (f).")
            return
        self.open_editor(self.journal.new_draft(AFTER_SESSION, session=session))

    def action_free_entry(self) -> None:
        item = self.selected
        engagement = item if isinstance(item, Engagement) else self.journal.current_engagement()
        self.open_editor(self.journal.new_draft(BETWEEN_SESSIONS, engagement=engagement))

    def action_edit(self) -> None:
        item = self.selected
        if isinstance(item, Draft):
            self.open_editor(item)
        elif isinstance(item, Reflection):
            self.open_editor(self.journal.draft_for(item))
        elif item is not None:
            act_on_record(self, item, "edit", self._record_changed)
        else:
            self.notify("Select a reflection, session or engagement to edit.")

    def action_manage(self) -> None:
        """Everything that can be done with the selected record: edit, history, delete, end an engagement."""
        item = self.selected
        if item is None:
            self.notify("Select a reflection, session or engagement first.")
            return
        if isinstance(item, Draft):
            self._manage_draft(item)
            return

        def chosen(action: str | None) -> None:
            if action == "edit_text":
                self.action_edit()
            elif action is not None and self.candour.journal is not None:
                act_on_record(self, item, action, self._record_changed)

        self.app.push_screen(ManageScreen(item, manage_choices(item)), chosen)

    def _manage_draft(self, draft: Draft) -> None:
        choices = [
            ("open", "Open it in the editor (e)"),
            ("move", "Move it to another session"),
            ("discard", "Discard it"),
        ]

        def chosen(action: str | None) -> None:
            if action == "open":
                self.open_editor(draft)
            elif action == "move":
                move_draft(self, draft, lambda moved: self.refresh_timeline(select=moved))
            elif action == "discard":
                self.app.push_screen(
                    ConfirmScreen("Throw away this draft? It cannot be brought back.", "Discard"),
                    lambda yes: self._discard(draft) if yes else None,
                )

        self.app.push_screen(ManageScreen(draft, choices), chosen)

    def _discard(self, draft: Draft) -> None:
        self.journal.discard_draft(draft)
        self.notify("Draft discarded.")
        self.refresh_timeline()

    def action_delete(self) -> None:
        if isinstance(self.selected, Draft):
            self._manage_draft(self.selected)
        elif self.selected is None:
            self.notify("Select a reflection, session or engagement first.")
        elif self.selected is not None:
            act_on_record(self, self.selected, "delete", self._record_changed)

    def action_history(self) -> None:
        if self.selected is None or isinstance(self.selected, Draft):
            self.notify("Select a reflection, session or engagement to see its history.")
        else:
            act_on_record(self, self.selected, "history", self._record_changed)

    def reveal(self, record: Model, *, edit: bool = False) -> None:
        """Select `record` where the timeline shows it (a reflection, session or engagement; anything else opens
        its Manage menu here), and open it to edit with `edit`."""
        if isinstance(record, (Engagement, Session, Reflection)):
            tree: Tree[Item] = self.query_one("#timeline", Tree)
            if not self._move_cursor_to(tree, record):
                self.show(record)  # not listed (an entry older than those shown): shown all the same
            if edit:
                if isinstance(record, Reflection):
                    self.open_editor(self.journal.draft_for(record))
                else:
                    act_on_record(self, record, "edit", self._record_changed)
        elif edit:
            act_on_record(self, record, "edit", self._record_changed)
        else:
            manage_record(self, record, self._record_changed)

    def _record_changed(self, value: object) -> None:
        """A record was edited, reverted, archived (select it) or deleted (None): show the journal as it now is."""
        self.refresh_timeline(select=value if isinstance(value, (Engagement, Session, Reflection, Draft)) else None)

    _left = False
    """Whether another screen has been over this one since the timeline was last built."""

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        """Back from another screen (deleted records restored, themes merged): show what changed there. Not when
        first shown: `on_mount` has just built the timeline, and building it again would wait for the
        reflections loading in the background."""
        if self._left and self.candour.journal is not None:
            self._left = False
            self.refresh_timeline(select=self.selected)

    def action_deleted(self) -> None:
        self.app.push_screen(DeletedScreen())

    def action_names(self) -> None:
        self.app.push_screen(NamesScreen())

    def action_templates(self) -> None:
        self.app.push_screen(TemplatesScreen())

    def open_editor(self, draft: Draft) -> None:
        """Open the editor on `draft`, or on the unfinished draft for the same session (or reflection), which
        comes first: one is kept for each, and it is never overwritten."""
        existing = self.journal.draft_like(draft)
        if existing is not None and existing.record_id != draft.record_id:
            if not existing.same_content(draft):
                self.notify("Your unfinished draft for this is open again: save it, or discard it (F2).")
            draft = existing
        self.app.push_screen(EditorScreen(draft), self._editor_closed)

    def _editor_closed(self, reflection: Reflection | None) -> None:
        if reflection is not None:
            self.notify("Reflection saved.")
            self.refresh_timeline(select=reflection)

    def action_new_session(self) -> None:
        item = self.selected
        engagement = item if isinstance(item, Engagement) else self.journal.current_engagement()
        if engagement is None:
            self.notify("Create an engagement first (E).")
            return

        def added(session: Session | None) -> None:
            if session is not None:
                self.refresh_timeline()

        self.app.push_screen(SessionForm(engagement), added)

    def action_new_engagement(self) -> None:
        def added(engagement: Engagement | None) -> None:
            if engagement is not None:
                self.refresh_timeline()

        self.app.push_screen(EngagementForm(), added)

    def action_goals(self) -> None:
        from tui.screens.goals import GoalsScreen

        self.app.push_screen(GoalsScreen())

    def action_search(self) -> None:
        from tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_prep(self) -> None:
        from tui.screens.prep import PrepScreen

        self.app.push_screen(PrepScreen())

    def action_actions(self) -> None:
        from tui.screens.actions import ActionsScreen

        self.app.push_screen(ActionsScreen())

    def action_export(self) -> None:
        from tui.screens.export import ExportScreen

        if not self.journal.all(Engagement):
            self.notify("Create an engagement first (E): a summary is about one engagement.")
            return
        self.app.push_screen(ExportScreen())

    def action_export_everything(self) -> None:
        from tui.screens.export import ExportEverythingScreen

        self.app.push_screen(ExportEverythingScreen())

    def action_exports(self) -> None:
        from tui.screens.export import ExportLogScreen

        self.app.push_screen(ExportLogScreen())

    def action_settings(self) -> None:
        from tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())


def _reflection_label(reflection: Reflection) -> str:
    return f"{reflection.written_at:%d %b %Y} · {reflection.heading(40)}"


def _session_label(session: Session) -> str:
    status = "" if session.status.value == "held" else f" ({session.status.value})"
    return f"Session {session.number} · {session.held_on:%d %b %Y}{status}"
