"""The reflection editor: Markdown in a soft-wrapped text area, autosaved as an encrypted draft every few
seconds and whenever the journal locks, so nothing typed is ever lost."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from journal import (
    CandourError,
    Draft,
    Engagement,
    Journal,
    Model,
    Person,
    Reflection,
    Session,
    Template,
    Theme,
    normalize,
)
from tui.describe import draft_context
from tui.screens.base import JournalView, Lockable, after_typed_keys
from tui.screens.confirm import ConfirmScreen
from tui.screens.records import PickScreen
from tui.widgets.field import Field

SCALE_ENDS = {1: " low", 5: " high"}
"""Mood and energy run from 1 (low) to 5 (high): the ends say which is which."""

AUTOSAVE_SECONDS = 3.0
"""How often typed text is saved as an encrypted draft (and only when it changed)."""

SCALE = [(f"{value}{SCALE_ENDS.get(value, '')}", value) for value in range(1, 6)]


class ListSuggester(Suggester):
    """Completes the last item of a comma-separated list from known names (themes, people)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._names = names

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        folded = normalize(typed)
        for name in self._names:
            if normalize(name).startswith(folded) and name != typed:
                prefix = f"{head}, " if head else ""
                return prefix + name
        return None


MENTION_BEFORE_CURSOR = re.compile(r"(?<![\w@])@([^\W\d_][\w'’.-]*)$")
"""`@` and the start of a name, just before the cursor (as `journal.MENTION` reads a whole one)."""


def split_list(value: str) -> list[str]:
    """The items of a comma-separated field, trimmed, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


class EditorScreen(Screen[Reflection | None], Lockable, JournalView):
    """Writes a new reflection, or edits one; returns the saved reflection (None if closed unsaved)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Close, draft kept"),
        Binding("f2", "discard", "Discard"),  # ctrl+d deletes a character in the text area
        Binding("f3", "move", "Move"),
        Binding("f4", "template", "Template"),
        # The text area moves to a line's start and end; these go to the whole text's (it has no binding of its own).
        Binding("ctrl+n", "complete_name", "Complete @name"),  # shown while a name can be completed
        Binding("ctrl+home", "text_edge(True)", "Start of the text", show=False),
        Binding("ctrl+end", "text_edge(False)", "End of the text", show=False),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        # Autosaves run in a worker thread. Every write of the draft (autosave, save, close, discard, lock)
        # holds this lock, and an autosave writes only if it is still the newest one and the editor has not
        # finished: otherwise one still running as the reflection is saved would bring the draft back after
        # the save erased it, or an older autosave could land after a newer one.
        self._draft_writes = threading.Lock()
        self._newest_autosave = 0
        self._finished = False

    def compose(self) -> ComposeResult:
        journal = self.journal
        with Vertical(id="editor"):
            yield Static(self._heading(journal), id="editor-context", classes="title")
            yield Field(self.draft.title, placeholder="Title (optional)", id="title")
            # Tab moves to the next field (themes, people, mood...), as in every other form of the app.
            yield TextArea(self.draft.text, soft_wrap=True, tab_behavior="focus", id="text")
            with Horizontal(id="editor-links"):
                with Vertical():
                    yield Label("Themes")
                    yield Field(
                        ", ".join(self.draft.themes),
                        placeholder="e.g. Delegation",
                        suggester=ListSuggester([theme.label for theme in journal.all(Theme)]),
                        id="themes",
                    )
                with Vertical():
                    yield Label("People (or @Name)")
                    yield Field(
                        ", ".join(self.draft.people),
                        suggester=ListSuggester([name for person in journal.all(Person) for name in person.names]),
                        id="people",
                    )
                with Vertical(classes="narrow"):
                    yield Label("Mood 1-5")
                    yield Select(SCALE, value=self.draft.mood or Select.NULL, prompt="-", id="mood")
                with Vertical(classes="narrow"):
                    yield Label("Energy 1-5")
                    yield Select(SCALE, value=self.draft.energy or Select.NULL, prompt="-", id="energy")
            yield Label("Actions: type one and press Enter")
            yield Field(placeholder="e.g. Ask Sam for feedback by Friday", id="new-action")
            yield Static(self._actions_text(), id="actions")
            yield Static("", id="editor-status", classes="muted")
        yield Footer(compact=True, show_command_palette=False)

    def _heading(self, journal: Journal) -> str:
        return draft_context(journal, self.draft)

    def _actions_text(self) -> str:
        return "\n".join(f"• {action}" for action in self.draft.actions)

    _completion = ""
    """The rest of the name `@…` before the cursor could be completed with (Ctrl+N), or nothing."""

    @on(TextArea.Changed, "#text")
    @on(TextArea.SelectionChanged, "#text")
    def _offer_completion(self) -> None:
        """After `@` and the start of a known name, say which name Ctrl+N completes (the first in order)."""
        area = self.query_one("#text", TextArea)
        row, column = area.cursor_location
        typed = MENTION_BEFORE_CURSOR.search(area.document.get_line(row)[:column])
        completion = ""
        if typed:
            start = typed.group(1).casefold()
            names = sorted(name.replace(" ", "_") for person in self.journal.all(Person) for name in person.names)
            whole = next((name for name in names if name.casefold().startswith(start) and len(name) > len(start)), "")
            completion = whole[len(start) :]
            if completion:
                self._status(f"@{typed.group(1)}{completion}? Ctrl+N completes it.")
        if completion != self._completion:
            self._completion = completion
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "complete_name":
            return bool(self._completion)  # in the footer only while there is a name to complete
        return True

    def action_complete_name(self) -> None:
        if self._completion:
            self.query_one("#text", TextArea).insert(self._completion)

    def on_mount(self) -> None:
        area = self.query_one("#text", TextArea)
        area.focus()
        row, column = self.draft.cursor
        area.move_cursor((row, column))
        # Moved before the area has its size, the view scrolls as if one line tall, hiding a template's first
        # prompt: once laid out, show the text from its top if the cursor is on the first screen of it.
        self.call_after_refresh(self._show_from_the_top, area)
        self.set_interval(AUTOSAVE_SECONDS, self.autosave)

    @staticmethod
    def _show_from_the_top(area: TextArea) -> None:
        area.scroll_to(y=0, animate=False)
        area.scroll_cursor_visible(animate=False)

    # --- the draft ------------------------------------------------------------------------

    def current_draft(self) -> Draft:
        """What is on screen now, as a draft."""
        mood = self.query_one("#mood", Select).value
        energy = self.query_one("#energy", Select).value
        return self.draft.with_content(
            text=self.query_one("#text", TextArea).text,
            title=self.query_one("#title", Input).value,
            themes=tuple(split_list(self.query_one("#themes", Input).value)),
            people=tuple(split_list(self.query_one("#people", Input).value)),
            mood=mood if isinstance(mood, int) else None,
            energy=energy if isinstance(energy, int) else None,
            cursor=self.query_one("#text", TextArea).cursor_location,
        )

    def autosave(self) -> None:
        draft = self.current_draft()
        if draft.same_content(self.draft):
            return
        self.draft = draft
        self._newest_autosave += 1
        self._write_draft(draft, self._newest_autosave)

    @work(thread=True, group="draft")
    def _write_draft(self, draft: Draft, autosave: int) -> None:
        # Reports go to the app's loop only once the lock is let go: that loop may be waiting for it.
        with self._draft_writes:
            journal = self.candour.journal
            if journal is None or self._finished or autosave != self._newest_autosave:
                return
            try:
                saved: Draft | CandourError = journal.save_draft(draft)
            except CandourError as error:
                saved = error
        if isinstance(saved, CandourError):
            self.app.call_from_thread(self._status, f"Draft not saved: {saved}")
        else:
            self.app.call_from_thread(self._draft_saved, saved)

    def _draft_saved(self, draft: Draft) -> None:
        self.draft = self.draft.with_content(record_id=draft.record_id)
        self._status("Draft saved (encrypted).")

    def _status(self, message: str) -> None:
        self.query_one("#editor-status", Static).update(message)

    def save_before_lock(self, journal: Journal) -> None:
        """Called as the journal locks: save what is on screen, synchronously, before the keys go."""
        with self._draft_writes:
            self.draft = journal.save_draft(self.current_draft())

    # --- actions --------------------------------------------------------------------------

    @on(Input.Submitted, "#new-action")
    def add_action(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.draft = self.current_draft().with_content(actions=(*self.draft.actions, text))
            self.query_one("#actions", Static).update(self._actions_text())
            event.input.value = ""

    def action_save(self) -> None:
        after_typed_keys(self.app, self._save)

    def _save(self) -> None:
        if self._finished:  # a second Ctrl+S typed before the first one was handled
            return
        with self._draft_writes:
            try:
                reflection = self.journal.save_reflection_from(self.current_draft())
            except CandourError as error:
                self._status(str(error))
                return
            self._finished = True
        self.dismiss(reflection)

    def action_close(self) -> None:
        draft = self.current_draft()
        with self._draft_writes:
            if not self.journal.changes_nothing(draft):
                self.draft = self.journal.save_draft(draft)
                self.app.notify("Draft kept (encrypted); it reopens when you start a reflection.")
            else:
                self.journal.discard_draft(draft)
            self._finished = True
        self.dismiss(None)

    def action_text_edge(self, start: bool) -> None:
        """Put the cursor at the start or the end of the text, and the text there in view."""
        area = self.query_one("#text", TextArea)
        area.focus()
        area.move_cursor((0, 0) if start else area.document.end, center=True)

    def action_move(self) -> None:
        """Move the draft to another session (written after the wrong one, or before it was added)."""

        def moved(draft: Draft) -> None:
            self.draft = draft
            self.query_one("#editor-context", Static).update(self._heading(self.journal))

        self._newest_autosave += 1  # an autosave still on its way would save the draft where it was
        move_draft(self, self.current_draft(), moved, lock=self._draft_writes)

    def action_template(self) -> None:
        """Start from one of the templates, the coachee's own beside the built-in ones: its prompts replace an
        untouched text, and are added after a text already written (nothing typed is ever replaced)."""
        templates: list[Model] = list(self.journal.templates())

        def picked(template: Model | None) -> None:
            if not isinstance(template, Template):
                return
            draft = self.current_draft()
            area = self.query_one("#text", TextArea)
            if draft.text.strip() == draft.starting_text.strip():
                text = template.render()
                self.draft = draft.with_content(text=text, starting_text=text, template=template.name)
                area.load_text(text)
                area.move_cursor((1, 0))
            else:
                area.move_cursor(area.document.end)
                area.insert("\n\n" + template.render())
            area.focus()

        self.app.push_screen(PickScreen("Start from which template?", templates), picked)

    def action_discard(self) -> None:
        def answered(discard: bool | None) -> None:
            if discard:
                with self._draft_writes:
                    self.journal.discard_draft(self.draft)
                    self._finished = True
                self.app.notify("Draft discarded.")
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Throw away this draft? It cannot be brought back.", "Discard"), answered)


def move_draft(
    screen: JournalView, draft: Draft, then: Callable[[Draft], None], *, lock: threading.Lock | None = None
) -> None:
    """Ask which session `draft` is for (or the time between sessions of an engagement), move it there (saved at
    once) and hand the moved draft to `then`. Places that already have a draft are not offered: neither would
    be overwritten. `lock`: the editor's lock on writing its draft, held while the moved one is saved."""
    journal = screen.journal
    if draft.reflection_id is not None:
        screen.app.notify("This draft edits a saved reflection: it stays with it.")
        return
    taken = {saved.slot for saved in journal.drafts() if saved.saved_id != draft.record_id} | {draft.slot}
    places: list[Model] = []
    labels: list[str] = []
    for engagement in journal.all(Engagement):
        if Draft(text="", engagement_id=engagement.saved_id).slot not in taken:
            places.append(engagement)
            labels.append(f"Between sessions · {engagement.title}")
        for session in reversed(journal.sessions_of(engagement)):
            if Draft(text="", session_id=session.saved_id).slot not in taken:
                places.append(session)
                labels.append(f"Session {session.number} · {session.held_on:%d %b %Y} · {engagement.title}")
    if not places:
        screen.app.notify("There is nowhere else to move it: every other session has a draft already.")
        return

    def picked(place: Model | None) -> None:
        if not isinstance(place, (Session, Engagement)) or screen.candour.journal is None:
            return
        session = place if isinstance(place, Session) else None
        engagement = place if isinstance(place, Engagement) else None
        try:
            with lock or threading.Lock():
                moved = journal.move_draft(draft, session, engagement)
        except CandourError as error:
            screen.app.notify(str(error), title="Not moved", severity="warning")
            return
        screen.app.notify(f"Draft moved: {draft_context(journal, moved)}.")
        then(moved)

    screen.app.push_screen(PickScreen("Move the draft to which session?", places, labels), picked)
