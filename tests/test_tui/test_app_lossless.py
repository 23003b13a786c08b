"""Nothing typed is lost, end to end: text typed anywhere in a built-in template, in the real app driven with
Textual's Pilot, is in the saved reflection once the journal is opened again from its file.

The app-level twin of `tests/test_journal/test_lossless.py::test_text_typed_anywhere_in_a_template_is_kept_when_saved`.
"""

from __future__ import annotations

import asyncio
import tempfile
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Static, TextArea

from journal import Draft, Engagement, FixedClock, Journal, Reflection, Session, Template
from journal.models import AFTER_SESSION, BETWEEN_SESSIONS, BUILT_IN_TEMPLATES, drop_untouched_prompts
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.conftest import unlock as unlock_vault
from tests.test_tui.conftest import TODAY
from tests.test_tui.test_app import SIZE, app_for, type_text, unlock, wait_for
from tui.screens.editor import EditorScreen
from tui.screens.main import MainScreen

OPENED_WITH = {AFTER_SESSION.name: "n", BETWEEN_SESSIONS.name: "f"}
"""The main view's key that opens a new reflection from each built-in template."""

TYPED = st.lists(
    # What a keyboard puts in the editor: letters, spaces, '#', line breaks, accents (precomposed, and as a
    # letter followed by its combining accent, which saving composes), CJK and emoji. Each piece starts with
    # a character that composes with nothing before it, so the typed text stays whole under NFC.
    st.one_of(
        st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")),
        st.sampled_from(["A", "Z", " ", "  ", "#", "## ", "\n", "é", "e\u0301", "Zoë", "中", "文字", "😀", "🌱"]),
    ),
    min_size=1,
    max_size=12,
).map("".join)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def prompt_lines(template: Template) -> set[str]:
    return {line for line in template.render().split("\n") if line.startswith("#")}


@st.composite
def positions(draw: st.DrawFn, template: Template) -> tuple[int, int]:
    """A cursor position (row, column) within the template's rendered text."""
    lines = template.render().split("\n")
    row = draw(st.integers(0, len(lines) - 1))
    return row, draw(st.integers(0, len(lines[row])))


def test_the_app_opens_every_built_in_template() -> None:
    assert {template.name for template in BUILT_IN_TEMPLATES} == set(OPENED_WITH)


def new_journal(folder: Path) -> tuple[Path, FixedClock]:
    """A fresh journal (cheap KDF) holding an engagement and yesterday's session, to reflect on (`n`) or write
    between sessions (`f`): less to show than the demo journal, so each run of the app is quicker."""
    path = folder / "data" / "journal.candour"
    clock = FixedClock.on(TODAY)
    journal, _ = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=clock)
    try:
        engagement = journal.save(Engagement("Leadership 2026", coach="Ana Ruiz"))
        journal.save(Session(engagement.saved_id, TODAY - timedelta(days=1), 1))
        assert journal.templates()[: len(BUILT_IN_TEMPLATES)] == list(BUILT_IN_TEMPLATES)
    finally:
        journal.close()
    return path, clock


async def write_in_the_app(
    path: Path, clock: FixedClock, template: Template, where: tuple[int, int], typed: str, *, press_keys: bool
) -> tuple[str, bool]:
    """Open a new reflection from `template` in the app, put `typed` at `where` (pressing every key, or through
    the text area's `insert`), and press ctrl+s. Returns the editor's text and whether the save went through."""
    app = app_for(path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        assert isinstance(app.screen, MainScreen)
        await pilot.press(OPENED_WITH[template.name])
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        area = editor.query_one("#text", TextArea)
        assert area.text == template.render()
        area.move_cursor(where)
        if press_keys:
            for number, line in enumerate(typed.split("\n")):
                if number:
                    await pilot.press("enter")
                await type_text(pilot, line)
        else:
            area.insert(typed, where)
            await pilot.pause()
        text = area.text
        status = editor.query_one("#editor-status", Static)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not editor or "cannot be empty" in str(status.render()))
        saved = app.screen is not editor
        if not saved:
            assert area.text == text  # a refused save leaves everything typed on screen
        await pilot.press("ctrl+q")  # quitting saves a draft still open in the editor
    return text, saved


def assert_kept(path: Path, template: Template, where: tuple[int, int], typed: str, text: str) -> None:
    """The journal, opened again from its file, holds what the editor held: the typed text verbatim and every
    line but the prompts left untouched, in order (all after NFC, as the journal stores text)."""
    row, column = where
    lines = template.render().split("\n")
    assert text == "\n".join([*lines[:row], lines[row][:column] + typed + lines[row][column:], *lines[row + 1 :]])
    with unlock_vault(path) as vault:
        journal = Journal(vault)
        [reflection] = journal.all(Reflection)
        assert journal.current_draft() is None
    saved = reflection.text
    assert reflection.template == template.name
    assert nfc(typed.strip("\n")) in saved
    prompts = prompt_lines(template)
    typed_lines = [line for line in nfc(text).split("\n") if line and line not in prompts]
    assert typed_lines == [line for line in saved.split("\n") if line and line not in prompts]
    assert saved == drop_untouched_prompts(nfc(text), template)  # the one rule, applied on the way to the file


def assert_nothing_saved(path: Path, template: Template, text: str) -> None:
    """A save refused because nothing but blank lines was typed among untouched prompts: no reflection, and
    what was typed is kept in the draft the app saved as it closed."""
    assert not drop_untouched_prompts(nfc(text), template).strip()
    with unlock_vault(path) as vault:
        journal = Journal(vault)
        assert journal.all(Reflection) == []
        draft = journal.current_draft()
    assert draft is not None and draft.text == nfc(text)


def write_and_check(template: Template, where: tuple[int, int], typed: str, *, press_keys: bool) -> None:
    """One run of the app on its own fresh journal (hypothesis runs many in one test, sharing its fixtures)."""
    with tempfile.TemporaryDirectory() as folder:
        path, clock = new_journal(Path(folder))
        text, saved = asyncio.run(write_in_the_app(path, clock, template, where, typed, press_keys=press_keys))
        if saved:
            assert_kept(path, template, where, typed, text)
        else:
            assert_nothing_saved(path, template, text)


# Pilot presses a character by its Unicode name, and finds no character again for a name of several words
# (😀 is "grinning face"): the emoji typed here have one-word names. Typing them in a terminal works.
@pytest.mark.parametrize(
    ("template", "where", "typed"),
    [
        (AFTER_SESSION, (1, 0), "Calmer today, café with Zoë\n# mine 中文 🐙\n\nend"),
        (BETWEEN_SESSIONS, (0, 5), "Week é 🌱\n## not a prompt"),  # typed inside the first prompt's line
        (AFTER_SESSION, (6, 30), " Less rescuing."),  # at the end of the third prompt's line
    ],
)
def test_every_key_pressed_in_the_editor_is_in_the_saved_reflection(
    template: Template, where: tuple[int, int], typed: str
) -> None:
    write_and_check(template, where, typed, press_keys=True)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), template=st.sampled_from(BUILT_IN_TEMPLATES), typed=TYPED)
@example(data=None, template=BETWEEN_SESSIONS, typed="\n").via("blank lines only: refused, kept on screen")
def test_text_typed_anywhere_in_a_template_in_the_app_is_kept_when_saved(
    data: st.DataObject | None, template: Template, typed: str
) -> None:
    where = data.draw(positions(template), label="cursor") if data is not None else (1, 0)
    write_and_check(template, where, typed, press_keys=False)


async def exit_while_typing(path: Path, clock: FixedClock, typed: str) -> None:
    app = app_for(path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await type_text(pilot, typed)
        app.exit()  # any way out but ctrl+q, before the next autosave
        await wait_for(pilot, lambda: app.journal is None)


def test_an_exit_other_than_quit_saves_what_was_typed_as_a_draft(tmp_path: Path) -> None:
    path, clock = new_journal(tmp_path)

    asyncio.run(exit_while_typing(path, clock, "Typed just now"))

    with unlock_vault(path) as vault:
        draft = Journal(vault).current_draft()
    assert draft is not None and "Typed just now" in draft.text


async def autosave_written_late(screen: EditorScreen, draft: Draft, autosave: int) -> None:
    """Run the body of one autosave in a thread of its own, as its worker would if it got there only now
    (the app's loop keeps running meanwhile: the autosave reports back through it)."""
    await asyncio.to_thread(EditorScreen._write_draft.__wrapped__, screen, draft, autosave)  # type: ignore[attr-defined]


async def save_then_late_autosave(path: Path, clock: FixedClock) -> None:
    app = app_for(path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await type_text(pilot, "Saved for good")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        typed = editor.current_draft()
        editor._newest_autosave += 1  # an autosave of this text was started...
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await autosave_written_late(editor, typed, editor._newest_autosave)  # ...and reaches the journal after the save


def test_an_autosave_that_lands_after_the_save_does_not_bring_the_draft_back(tmp_path: Path) -> None:
    path, clock = new_journal(tmp_path)

    asyncio.run(save_then_late_autosave(path, clock))

    with unlock_vault(path) as vault:
        journal = Journal(vault)
        assert journal.current_draft() is None
        [saved] = journal.all(Reflection)
        assert saved.text.endswith("Saved for good")


async def older_autosave_lands_last(path: Path, clock: FixedClock) -> Draft | None:
    app = app_for(path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        await type_text(pilot, "first")
        older = editor.current_draft()
        editor._newest_autosave += 1
        started_first = editor._newest_autosave
        await type_text(pilot, " and then more")
        newer = editor.current_draft()
        editor._newest_autosave += 1
        await autosave_written_late(editor, newer, editor._newest_autosave)
        await autosave_written_late(editor, older, started_first)  # the older thread was slower
        assert app.journal is not None
        return app.journal.current_draft()  # before quitting, which saves what is on screen anyway


def test_an_older_autosave_finishing_last_does_not_replace_a_newer_draft(tmp_path: Path) -> None:
    path, clock = new_journal(tmp_path)

    draft = asyncio.run(older_autosave_lands_last(path, clock))

    assert draft is not None and "first and then more" in draft.text


BURST = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABC0123456789 .,é中"), min_size=1, max_size=40)
"""What a fast typist or a paste sends to the terminal in one read."""


async def type_in_one_burst_then(path: Path, clock: FixedClock, typed: str, key: str) -> None:
    """Open a free entry, then send `typed` and `key` as a terminal sends one read: every key event queued
    before the app handles any of them."""
    app = app_for(path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, PASSPHRASE)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        for character in typed:
            app.post_message(events.Key(_character_to_key(character), character))
        app.post_message(events.Key(key, None))
        await wait_for(pilot, lambda: not isinstance(app.screen, EditorScreen) or app.journal is None)


@settings(max_examples=9, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed=BURST, key=st.sampled_from(["ctrl+s", "ctrl+l", "ctrl+q"]))
def test_keys_typed_in_one_burst_before_save_lock_or_quit_are_all_kept(typed: str, key: str) -> None:
    """Ctrl+S, Ctrl+L and Ctrl+Q act at once (priority keys) while the keys before them still wait for the
    editor: what they save must hold every one of those keys."""
    with tempfile.TemporaryDirectory() as folder:
        path, clock = new_journal(Path(folder))
        asyncio.run(type_in_one_burst_then(path, clock, typed, key))
        with unlock_vault(path) as vault:
            journal = Journal(vault)
            reflections, draft = journal.all(Reflection), journal.current_draft()
    kept = reflections[0].text if key == "ctrl+s" and reflections else (draft.text if draft else "")
    if typed.strip() or key != "ctrl+s":
        assert nfc(typed).strip() in kept, (typed, key, kept)
