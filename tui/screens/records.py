"""Managing what the coachee wrote, whatever its kind: edit a record's fields, see its history with what each
revision changed and revert, delete and restore, and merge themes and people.

The same screens serve every kind, driven by the journal's own list of the fields a record lets a person set
(`journal.editable_fields`), so a kind can never be left without a way to change it.
"""

from __future__ import annotations

import dataclasses
import difflib
import textwrap
import typing
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, ListItem, ListView, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from journal import (
    CandourError,
    Engagement,
    Goal,
    InvalidInput,
    Journal,
    Model,
    Person,
    Reflection,
    Session,
    Template,
    Theme,
    editable_fields,
    edited,
    normalize,
)
from tui.describe import counted, kind_name, summary_line
from tui.screens.base import JournalView, Reopened
from tui.screens.confirm import ConfirmScreen
from tui.screens.ending import EndEngagementScreen
from tui.screens.forms import EngagementForm, Form
from tui.widgets.field import Field

MULTILINE_FIELDS = frozenset({"agenda", "description", "success_criteria", "note"})
"""Fields typed on several lines: edited in a text area rather than a one-line field."""

FIELD_HINTS = {
    "written_at": "e.g. 2026-09-10 14:30, yesterday 3pm",
    "held_on": "e.g. 2026-09-10, next thursday",
    "rated_on": "e.g. 2026-09-10, yesterday",
    "recorded_at": "e.g. 2026-09-10 14:30",
    "due_on": "e.g. friday, 2026-10-01",
    "target_date": "e.g. 2027-03-31",
    "starts_on": "e.g. 2026-09-01",
    "ends_on": "e.g. 2027-03-31",
    "created_on": "e.g. 2026-09-10",
    "mood": "1 (low) to 5 (high), or empty",
    "energy": "1 (low) to 5 (high), or empty",
    "rating": "0 to 10",
    "target_rating": "0 to 10, or empty",
    "done": "yes or no",
    "archived": "yes or no",
    "ordinary_word": "yes if the name is also an everyday word, like Will or Grace",
}
"""What to type, shown beside a field's name."""


def as_words(content: object) -> str:
    """A field's value as the coachee would type it back (what `journal.edited` reads)."""
    if content is None:
        return ""
    if isinstance(content, bool):
        return "yes" if content else "no"
    if isinstance(content, datetime):
        return f"{content:%Y-%m-%d %H:%M}"
    if isinstance(content, date):
        return content.isoformat()
    value = getattr(content, "value", content)  # an enum: its word
    return str(value)


def _choices(annotation: object) -> str:
    """The words a field of a fixed set of values takes ("planned, held, cancelled"), or "" for other fields."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return ", ".join(str(member.value) for member in annotation)
    return ""


def describe(value: Model) -> str:
    """A record named for a person: its kind and what tells it apart, never its id."""
    return f"{kind_name(value)} “{summary_line(value, 50)}”"


def what_links_to(journal: Journal, value: Model) -> str | None:
    """What links to a record (and so stops its deletion), in words ("3 reflections and 1 action"), or None."""
    linking = journal.links_to(value.saved_id)
    if not linking:
        return None
    counts = Counter(kind_name(linked) for linked in linking)
    return " and ".join(counted(count, kind) for kind, count in sorted(counts.items()))


def delete_record(screen: JournalView, value: Model, then: Callable[[], None]) -> None:
    """Ask, then delete `value` (restorable from "Deleted records"); refuse, saying why, when others link to it."""
    journal = screen.journal
    linked = what_links_to(journal, value)
    app = screen.app
    if linked is not None:
        app.notify(
            f"The {describe(value)} was not deleted: it has {linked} linked to it. Delete those first "
            "(a draft: open it and save or discard it)"
            + (", or keep the session and mark it cancelled (e)." if isinstance(value, Session) else "."),
            title="Not deleted",
            severity="warning",
            timeout=10,
        )
        return

    def answered(yes: bool | None) -> None:
        if not yes or screen.candour.journal is None:
            return
        try:
            journal.delete(value.saved_id)
        except CandourError as error:
            app.notify(str(error), title="Not deleted", severity="error")
            return
        app.notify(f"Deleted the {describe(value)}. Restore it from Deleted records (palette: Ctrl+P).")
        then()

    app.push_screen(
        ConfirmScreen(f"Delete the {describe(value)}? You can restore it later from Deleted records.", "Delete"),
        answered,
    )


# --- editing ----------------------------------------------------------------------------------


class RecordForm(Form[Model]):
    """Every field of one record that a person may set, each as words; saved as a new revision (the old one
    stays in its history). A reflection's text is edited in the editor instead, with its draft kept safe."""

    def __init__(self, value: Model) -> None:
        super().__init__()
        self.value = value
        # A reflection's text is the editor's, and the template it started from only tells which prompts were
        # left untouched: neither is a field to type here.
        self.fields = [
            name
            for name in editable_fields(value)
            if not (isinstance(value, Reflection) and name in ("text", "template"))
        ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record-form", classes="card form"):
            heading = f"Edit the {describe(self.value)}" if self.value.record_id else f"New {kind_name(self.value)}"
            yield Static(heading, classes="title")
            hints = typing.get_type_hints(type(self.value))
            for name in self.fields:
                kind = hints[name]
                choices = (
                    ", ".join(str(m.value) for m in kind) if isinstance(kind, type) and issubclass(kind, Enum) else ""
                )
                hint = FIELD_HINTS.get(name, choices)
                yield Label(name.replace("_", " ").capitalize() + (f" ({hint})" if hint else ""))
                content = as_words(getattr(self.value, name))
                if name in MULTILINE_FIELDS:
                    yield TextArea(content, id=f"field-{name}", classes="record-text")
                elif self.value.record_id is None:  # a new record: its example stays an example
                    yield Field(placeholder=f"e.g. {content}", id=f"field-{name}")
                else:
                    yield Field(content, id=f"field-{name}")
            if isinstance(self.value, (Theme, Person)):
                yield Label("Other names (aliases), separated by commas")
                yield Field(", ".join(self.value.aliases), id="field-aliases")
            if isinstance(self.value, Template):
                yield Label("Prompts, one a line (each becomes a heading of the reflection)")
                prompts = "\n".join(self.value.prompts)
                if self.value.record_id is None:
                    yield TextArea(placeholder=prompts, id="field-prompts", classes="record-text")
                else:
                    yield TextArea(prompts, id="field-prompts", classes="record-text")
            yield Static("", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query(".card Input, .card TextArea").first().focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def _typed(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}")
        return widget.text if isinstance(widget, TextArea) else widget.value if isinstance(widget, Input) else ""

    def save(self) -> Model:
        # Only fields whose words changed are read again: an unchanged time keeps its seconds.
        changes = {
            name: self._typed(name) for name in self.fields if self._typed(name) != as_words(getattr(self.value, name))
        }
        value = edited(self.value, changes, self.journal.clock)
        if isinstance(value, (Theme, Person)) and isinstance(self.value, (Theme, Person)):
            aliases = tuple(name.strip() for name in self._typed("aliases").split(",") if name.strip())
            old_name = self.value.names[0]
            if normalize(value.names[0]) != normalize(old_name) and old_name not in aliases:
                # Renamed: the old name goes on meaning it, as after a merge, so `@Sam` in older text still links here.
                aliases = (*aliases, old_name)
            self._refuse_names_in_use(value, aliases)
            value = dataclasses.replace(value, aliases=aliases)
        if isinstance(value, Template):
            prompts = tuple(line.strip() for line in self._typed("prompts").splitlines() if line.strip())
            value = dataclasses.replace(value, prompts=prompts)
            if any(
                normalize(other.name) == normalize(value.name) and other.record_id != value.record_id
                for other in self.journal.templates()
            ):
                raise InvalidInput(f"There is already a template called “{value.name}”: choose another name.")
        if value == self.value and value.record_id is not None:
            return value
        return self.journal.save(value)

    def _refuse_names_in_use(self, value: Theme | Person, aliases: tuple[str, ...]) -> None:
        other = self.journal.goes_by(value, (value.names[0], *aliases))
        if other is not None:
            raise InvalidInput(
                f"Another {kind_name(value)} already goes by “{other.names[0]}”: merge the two instead "
                "(Themes and people, m)."
            )


# --- history ----------------------------------------------------------------------------------


CREATED = "(created)"
"""What stands before a record's first revision in its history."""

CHANGES_WIDTH = 72
"""Where a changed line is wrapped, each piece keeping its sign."""


def _lines(value: Model | str | None, prefix: str = "") -> list[str]:
    """A revision as lines to compare: each filled-in field as words (yes and no, dates as typed back), a nested
    part's fields under its name, long text on lines of its own; links (ids) left out."""
    if value is None:
        return ["(deleted)"]
    if isinstance(value, str):
        return [value]
    lines = []
    for field in dataclasses.fields(value):
        content = getattr(value, field.name)
        name = prefix + field.name.replace("_", " ")
        if field.name.endswith(("_id", "_ids")) or content in (None, "", ()):
            continue
        if dataclasses.is_dataclass(content) and not isinstance(content, type):
            lines += _lines(typing.cast(Model, content), f"{name} ")
            continue
        if isinstance(content, tuple):
            text = ", ".join(getattr(item, "text", None) or as_words(item) for item in content)
        elif field.name == "level":
            text = content.name  # the sharing level as agreed: L0 to L3
        else:
            text = as_words(content)
        parts = text.splitlines() or [""]
        lines.append(f"{name}: {parts[0]}")
        lines += [f"    {part}" for part in parts[1:]]
    return lines


def revision_changes(older: Model | str | None, newer: Model | None) -> str:
    """What a revision changed, line by line: "-" before what it took away, "+" before what it put in (signs,
    not only colours, carry the meaning, and a long line wrapped keeps its sign on every piece). `older` is
    `CREATED` for a record's first revision."""
    changed = []
    for line in difflib.unified_diff(_lines(older), _lines(newer), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            changed.append("…")
            continue
        sign, text = line[:1], line[1:]
        pieces = textwrap.wrap(text, CHANGES_WIDTH, drop_whitespace=False) or [""]
        changed += [sign + piece for piece in pieces]
    return "\n".join(changed) if changed else "(no change in what is shown)"


class RevisionRow(ListItem):
    def __init__(self, revision: int, value: Model | None, previous: Model | str | None, current: bool) -> None:
        super().__init__()
        self.revision = revision
        self.value = value
        self.previous = previous
        self.current = current

    def compose(self) -> ComposeResult:
        what = "deleted" if self.value is None else summary_line(self.value, 40)
        yield Label(f"{self.revision}{' (current)' if self.current else ''} · {what}")


class HistoryScreen(ModalScreen[Model | None]):
    """Every kept revision of a record, newest first, with what each changed; `r` makes the highlighted one
    current again (as a new revision, so nothing is lost)."""

    BINDINGS = [
        Binding("r", "revert", "Revert to this revision"),
        Binding("escape", "dismiss(None)", "Back"),
    ]

    def __init__(self, journal: Journal, value: Model) -> None:
        super().__init__()
        self.value = value
        kept = journal.history(value.saved_id)
        previous: list[Model | str | None] = [CREATED, *(old for _, old in kept[:-1])]
        last = kept[-1][0] if kept else 0
        self.rows = [
            (revision, old, before, revision == last) for (revision, old), before in zip(kept, previous, strict=True)
        ][::-1]
        self._journal = journal

    def compose(self) -> ComposeResult:
        with Vertical(id="history", classes="card"):
            yield Static(f"History of the {describe(self.value)}", classes="title")
            yield ListView(*(RevisionRow(*row) for row in self.rows), id="revisions")
            yield Static("Changes made by this revision ( - taken out, + put in):", classes="muted")
            with VerticalScroll(id="revision-changes-pane"):
                yield Static("", id="revision-changes")
            yield Static("", classes="error")
            yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        listing = self.query_one("#revisions", ListView)
        listing.index = 0
        listing.focus()

    @on(ListView.Highlighted)
    def _highlighted(self, event: ListView.Highlighted) -> None:
        if isinstance(event.item, RevisionRow):
            changes = revision_changes(event.item.previous, event.item.value)
            self.query_one("#revision-changes", Static).update(changes)

    @on(ListView.Selected)
    def _selected(self) -> None:
        self.action_revert()

    def action_revert(self) -> None:
        row = self.query_one("#revisions", ListView).highlighted_child
        if not isinstance(row, RevisionRow):
            return
        if row.current:
            self.query_one(".error", Static).update("This is already the current revision.")
            return
        if row.value is None:
            self.query_one(".error", Static).update("That revision is a deletion: choose the one before it.")
            return
        try:
            reverted = self._journal.revert(self.value.saved_id, row.revision)
        except CandourError as error:
            self.query_one(".error", Static).update(str(error))
            return
        self.app.notify(f"Back to revision {row.revision} (saved as a new revision; nothing was lost).")
        self.dismiss(reverted)


# --- what can be done with one record -----------------------------------------------------------


class ManageScreen(ModalScreen[str | None]):
    """The things that can be done with one record, as a menu: dismisses with the chosen action's name."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, value: Model, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.value = value
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="manage", classes="card"):
            yield Static(f"The {describe(self.value)}", classes="title")
            yield OptionList(*(Option(label, id=action) for action, label in self.choices), id="manage-choices")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def manage_choices(value: Model) -> list[tuple[str, str]]:
    """(action, label) for what the record's kind allows."""
    choices = []
    if isinstance(value, Reflection):
        choices.append(("edit_text", "Edit the text (e)"))
        choices.append(("edit", "Edit the date, title, mood and energy"))
    elif isinstance(value, Engagement):
        choices.append(("edit", "Edit the engagement and its sharing agreement (e)"))
        if value.archived:
            choices.append(("unarchive", "Take it out of the archive"))
        choices.append(("end", "End the engagement: archive, export a copy, or erase it"))
    else:
        choices.append(("edit", f"Edit the {kind_name(value)} (e)"))
    if isinstance(value, (Theme, Person)):
        choices.append(("merge", f"Merge another {kind_name(value)} into this one"))
    if isinstance(value, Goal):
        choices.append(("unarchive", "Take it out of the archive") if value.archived else ("archive", "Archive it"))
    choices.append(("history", "History: every revision, what it changed, revert (h)"))
    choices.append(("delete", "Delete (d): restorable from Deleted records"))
    return choices


# --- deleted records ----------------------------------------------------------------------------


class RecordRow(ListItem):
    """One record in a list, named by its kind and what tells it apart."""

    def __init__(self, value: Model, label: str | None = None) -> None:
        super().__init__()
        self.value = value
        self.label = label or describe(value)

    def compose(self) -> ComposeResult:
        yield Label(self.label)


class DeletedScreen(Screen[None], JournalView, Reopened):
    """Everything deleted and not yet erased, newest kinds first; Enter or `r` restores the highlighted one."""

    OPENED_BY = "deleted"

    BINDINGS = [
        Binding("r", "restore", "Restore"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Deleted records (Enter restores one):", classes="muted")
        yield ListView(id="deleted")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#deleted", ListView).focus()

    def refresh_list(self) -> None:
        listing = self.query_one("#deleted", ListView)
        listing.clear()
        deleted = self.journal.deleted()
        listing.extend(RecordRow(value) for value in deleted)
        if deleted:
            listing.index = 0
        else:
            listing.append(ListItem(Label("Nothing is deleted: there is nothing to restore.")))

    @on(ListView.Selected)
    def _selected(self) -> None:
        self.action_restore()

    def action_restore(self) -> None:
        row = self.query_one("#deleted", ListView).highlighted_child
        if not isinstance(row, RecordRow):
            return
        try:
            restored = self.journal.restore(row.value.saved_id)
        except CandourError as error:
            self.notify(str(error), title="Not restored", severity="error")
            return
        self.notify(f"Restored the {describe(restored)}.")
        if isinstance(restored, (Theme, Person)):
            other = self.journal.goes_by(restored, restored.names)
            if other is not None:
                self.notify(
                    f"“{other.names[0]}” also goes by one of its names (it was merged there): rename one of the two, "
                    "or merge them again (Themes and people).",
                    severity="warning",
                    timeout=15,
                )
        self.refresh_list()


# --- themes and people ---------------------------------------------------------------------------


class NamesScreen(Screen[None], JournalView, Reopened):
    """Themes and people: rename and give aliases (e), merge another into the highlighted one (m), delete (d),
    history (h)."""

    OPENED_BY = "names"

    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("m", "merge", "Merge another in"),
        Binding("d", "delete", "Delete"),
        Binding("h", "history", "History"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Themes and people (e edit, m merge another into this one, d delete):", classes="muted")
        yield ListView(id="names")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#names", ListView).focus()

    def refresh_list(self, select: Model | None = None) -> None:
        journal = self.journal
        frequency = journal.theme_frequency()
        listing = self.query_one("#names", ListView)
        listing.clear()
        rows: list[RecordRow] = []
        for theme in sorted(journal.all(Theme), key=lambda theme: normalize(theme.label)):
            count = sum(frequency.get(theme.saved_id, {}).values())
            rows.append(RecordRow(theme, f"theme   {_named(theme)} · {counted(count, 'reflection')}"))
        for person in sorted(journal.all(Person), key=lambda person: normalize(person.name)):
            rows.append(RecordRow(person, f"person  {_named(person)}"))
        listing.extend(rows)
        wanted = select.saved_id if select is not None else None
        listing.index = next((n for n, row in enumerate(rows) if row.value.saved_id == wanted), 0) if rows else None
        if not rows:
            listing.append(ListItem(Label("No themes or people yet: #theme and @Name in a reflection add them.")))

    def _highlighted(self) -> Theme | Person | None:
        row = self.query_one("#names", ListView).highlighted_child
        value = row.value if isinstance(row, RecordRow) else None
        return value if isinstance(value, (Theme, Person)) else None

    def action_edit(self) -> None:
        value = self._highlighted()
        if value is not None:
            self.app.push_screen(RecordForm(value), lambda saved: self.refresh_list(saved or value))

    def action_history(self) -> None:
        value = self._highlighted()
        if value is not None:
            self.app.push_screen(HistoryScreen(self.journal, value), lambda saved: self.refresh_list(saved or value))

    def action_delete(self) -> None:
        value = self._highlighted()
        if value is not None:
            delete_record(self, value, self.refresh_list)

    def action_merge(self) -> None:
        keep = self._highlighted()
        if keep is not None:
            merge_into(self, keep, lambda: self.refresh_list(keep))


def _named(value: Theme | Person) -> str:
    return value.names[0] + (f" (also {', '.join(value.aliases)})" if value.aliases else "")


class PickScreen(ModalScreen[Model | None]):
    """Choose one record from a list: dismisses with it, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, question: str, values: list[Model], labels: list[str] | None = None) -> None:
        super().__init__()
        self.question = question
        self.values = values
        self.labels = labels or [describe(value) for value in values]

    def compose(self) -> ComposeResult:
        with Vertical(id="pick", classes="card"):
            yield Static(self.question, classes="title")
            rows = (RecordRow(value, label) for value, label in zip(self.values, self.labels, strict=True))
            yield ListView(*rows, id="pick-list")

    def on_mount(self) -> None:
        listing = self.query_one("#pick-list", ListView)
        listing.index = 0
        listing.focus()

    @on(ListView.Selected)
    def _selected(self, event: ListView.Selected) -> None:
        if isinstance(event.item, RecordRow):
            self.dismiss(event.item.value)


def merge_into(screen: JournalView, keep: Theme | Person, then: Callable[[], None]) -> None:
    """Pick another theme (or person) and merge it into `keep`, after saying what will happen."""
    journal = screen.journal
    others: list[Model] = [value for value in journal.all(type(keep)) if value.saved_id != keep.saved_id]
    app = screen.app
    if not others:
        app.notify(f"There is no other {kind_name(keep)} to merge into this one.")
        return

    def picked(other: Model | None) -> None:
        if not isinstance(other, (Theme, Person)) or screen.candour.journal is None:
            return
        linked = what_links_to(journal, other) or "nothing"

        def answered(yes: bool | None) -> None:
            if not yes or screen.candour.journal is None:
                return
            try:
                merged = journal.merge(keep, other)
            except CandourError as error:
                app.notify(str(error), title="Not merged", severity="error")
                return
            app.notify(f"Merged “{other.names[0]}” into “{merged.names[0]}”, which it now also goes by.")
            then()

        app.push_screen(
            ConfirmScreen(
                f"Merge “{other.names[0]}” into “{keep.names[0]}”? What links to it ({linked}) will link to "
                f"“{keep.names[0]}”, which will also go by “{other.names[0]}”; then “{other.names[0]}” is deleted.",
                "Merge",
            ),
            answered,
        )

    app.push_screen(PickScreen(f"Merge which {kind_name(keep)} into “{keep.names[0]}”?", others), picked)


def manage_record(screen: JournalView, value: Model, then: Callable[[Model | None], None]) -> None:
    """Offer what can be done with `value` (`manage_choices`) and do the one chosen; `then` is called after a
    change with the record as it now is (None when it is gone). Editing a reflection's text is the caller's:
    it answers to "edit_text" through `then`'s screen, which holds the editor."""

    def chosen(action: str | None) -> None:
        if action is not None and screen.candour.journal is not None:
            act_on_record(screen, value, action, then)

    screen.app.push_screen(ManageScreen(value, manage_choices(value)), chosen)


def act_on_record(screen: JournalView, value: Model, action: str, then: Callable[[Model | None], None]) -> None:
    """Do one of `manage_choices`'s actions on `value`."""
    app = screen.app

    def changed(saved: Model | None) -> None:
        if saved is not None:
            app.notify(f"Saved the {describe(saved)}.")
            then(saved)

    match action:
        case "edit" if isinstance(value, Engagement):
            app.push_screen(EngagementForm(existing=value), changed)
        case "edit":
            app.push_screen(RecordForm(value), changed)
        case "history":
            app.push_screen(HistoryScreen(screen.journal, value), changed)
        case "delete":
            delete_record(screen, value, lambda: then(None))
        case "merge" if isinstance(value, (Theme, Person)):
            merge_into(screen, value, lambda: then(value))
        case "archive" | "unarchive" if isinstance(value, (Engagement, Goal)):
            then(screen.journal.save(dataclasses.replace(value, archived=action == "archive")))
            app.notify(f"“{value.title}” is {'archived' if action == 'archive' else 'out of the archive'}.")
        case "end" if isinstance(value, Engagement):
            app.push_screen(EndEngagementScreen(value), lambda ended: then(None if ended == "erased" else value))
        case _:
            pass


class TemplatesScreen(Screen[None], JournalView, Reopened):
    """Reflection templates: the built-in ones to read, the coachee's own to make (n), edit (e) and delete (d).
    The editor offers them all (F4)."""

    OPENED_BY = "templates"

    BINDINGS = [
        Binding("n", "new", "New template"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Templates (n new, e edit, d delete; built-in ones cannot be changed):", classes="muted")
        yield ListView(id="templates")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#templates", ListView).focus()

    def refresh_list(self, select: Model | None = None) -> None:
        listing = self.query_one("#templates", ListView)
        listing.clear()
        rows = [
            RecordRow(
                template,
                f"{template.name}{'' if template.record_id else ' (built in)'}: {' / '.join(template.prompts)}",
            )
            for template in self.journal.templates()
        ]
        listing.extend(rows)
        wanted = select.record_id if select is not None else None
        listing.index = next((n for n, row in enumerate(rows) if row.value.record_id == wanted), 0)

    def _own(self) -> Template | None:
        row = self.query_one("#templates", ListView).highlighted_child
        value = row.value if isinstance(row, RecordRow) else None
        if isinstance(value, Template) and value.record_id is None:
            self.notify("A built-in template cannot be changed: make your own with n.")
            return None
        return value if isinstance(value, Template) else None

    def action_new(self) -> None:
        blank = Template("My template", ("What happened?", "What did I learn?"))
        self.app.push_screen(RecordForm(blank), lambda saved: self.refresh_list(saved))

    def action_edit(self) -> None:
        template = self._own()
        if template is not None:
            self.app.push_screen(RecordForm(template), lambda saved: self.refresh_list(saved or template))

    def action_delete(self) -> None:
        template = self._own()
        if template is not None:
            delete_record(self, template, self.refresh_list)


class ActsOnHighlighted(JournalView):
    """m, e, h and d on a screen that lists records: manage, edit, history or delete the highlighted one.

    The screen says which record is highlighted (`_highlighted`) and what to refresh once it changed
    (`_changed`, given the record as it now is, or None when it is gone)."""

    def _highlighted(self) -> Model | None:
        raise NotImplementedError

    def _changed(self, value: Model | None) -> None:
        raise NotImplementedError

    def action_manage(self) -> None:
        record = self._highlighted()
        if record is not None:
            manage_record(self, record, self._changed)

    def action_edit(self) -> None:
        self._act("edit")

    def action_history(self) -> None:
        self._act("history")

    def action_delete(self) -> None:
        self._act("delete")

    def _act(self, action: str) -> None:
        record = self._highlighted()
        if record is not None:
            act_on_record(self, record, action, self._changed)
