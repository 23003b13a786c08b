"""Managing records in the app, driven with Textual's Pilot: edit any kind, history with what each revision
changed and revert, delete and restore (and the link rule), merge themes, end an engagement, a draft per
session that can be moved, and templates of one's own."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import Input, ListView, Static, TextArea, Tree

from journal import (
    Action,
    CheckIn,
    Draft,
    Engagement,
    FixedClock,
    Goal,
    Journal,
    Person,
    RecordNotFound,
    Reflection,
    Session,
    Template,
    Theme,
)
from journal.demo import DEMO_PASSPHRASE
from tests.conftest import unlock as unlock_vault
from tests.test_tui.test_app import SIZE, app_for, type_text, unlock, wait_for
from tui.app import CandourApp
from tui.screens.actions import ActionsScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.editor import EditorScreen
from tui.screens.ending import EndEngagementScreen
from tui.screens.goals import GoalsScreen
from tui.screens.main import MainScreen
from tui.screens.records import (
    DeletedScreen,
    HistoryScreen,
    ManageScreen,
    NamesScreen,
    PickScreen,
    RecordForm,
    TemplatesScreen,
    revision_changes,
)


def on(app: CandourApp, screen: type, selector: str | None = None) -> bool:
    """Whether `screen` is the one showing, composed (with `selector` in it, when given)."""
    return isinstance(app.screen, screen) and (selector is None or bool(app.screen.query(selector)))


def journal_of(app: CandourApp) -> Journal:
    assert app.journal is not None
    return app.journal


def select(app: CandourApp, wanted: object) -> None:
    """Put the timeline's cursor on the node holding `wanted` (a record, matched by id)."""
    tree = app.screen.query_one("#timeline", Tree)
    wanted_id = getattr(wanted, "record_id", None)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and getattr(node.data, "record_id", "") == wanted_id:
            tree.move_cursor(node)
            return
    raise AssertionError(f"{wanted!r} is not in the timeline")


def text_of(app: CandourApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def notified(app: CandourApp, words: str) -> bool:
    return any(words in str(note.message) for note in app._notifications)


async def choose(pilot: object, app: CandourApp, action: str) -> None:
    """Pick `action` in the open Manage menu, by keyboard."""
    assert isinstance(app.screen, ManageScreen)
    ids = [action_id for action_id, _ in app.screen.choices]
    await pilot.press(*["down"] * ids.index(action), "enter")  # type: ignore[attr-defined]


async def test_an_edit_shows_in_the_history_and_revert_brings_the_old_words_back(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        reflection = journal_of(app).recent_reflections(1)[0]
        select(app, reflection)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, ManageScreen, "#manage-choices"))
        await choose(pilot, app, "edit")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-mood", Input).focus()
        app.screen.query_one("#field-mood", Input).value = "1"
        app.screen.query_one("#field-title", Input).value = "A title given later"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        edited = journal_of(app).get(Reflection, reflection.saved_id)
        assert (edited.mood, edited.title, edited.text) == (1, "A title given later", reflection.text)
        assert edited.written_at == reflection.written_at  # untouched fields keep every detail, seconds included

        await pilot.press("h")
        await wait_for(pilot, lambda: on(app, HistoryScreen, "#revision-changes"))
        await wait_for(pilot, lambda: "+mood: 1" in text_of(app, "#revision-changes"))
        assert f"-mood: {reflection.mood}" in text_of(app, "#revision-changes")
        await pilot.press("r")  # the current revision: nothing to do, and it says so
        await wait_for(pilot, lambda: "already the current" in text_of(app, ".error"))
        await pilot.press("down", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        back = journal_of(app).get(Reflection, reflection.saved_id)
        assert (back.mood, back.title) == (reflection.mood, reflection.title)
        assert [revision for revision, _ in journal_of(app).history(reflection.saved_id)] == [1, 2, 3]


def test_what_a_revision_changed_is_marked_by_signs_not_colour() -> None:
    older = Theme("Conf", description="First line\nsecond line")
    newer = Theme("Conflict", description="First line\nsecond line")
    changes = revision_changes(older, newer)
    assert "-label: Conf" in changes and "+label: Conflict" in changes
    assert revision_changes(newer, None).endswith("+(deleted)")
    assert revision_changes(newer, newer) == "(no change in what is shown)"


async def test_delete_asks_then_deleted_records_restore_it(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        reflection = journal_of(app).recent_reflections(1)[0]
        select(app, reflection)
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, ConfirmScreen, "#yes"))
        await pilot.press("escape")  # not confirmed: nothing happens
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert not journal_of(app).is_deleted(reflection.saved_id)
        await pilot.press("d")
        await wait_for(pilot, lambda: on(app, ConfirmScreen, "#yes"))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: journal_of(app).is_deleted(reflection.saved_id))
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await app.run_action("main('deleted')")
        await wait_for(pilot, lambda: on(app, DeletedScreen, "#deleted"))
        listing = app.screen.query_one("#deleted", ListView)
        await wait_for(pilot, lambda: listing.highlighted_child is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not journal_of(app).is_deleted(reflection.saved_id))
        assert notified(app, "Restored the reflection")
        await wait_for(pilot, lambda: "Nothing is deleted" in str(listing.children[0].query_one(Static).render()))


async def test_a_session_with_reflections_is_not_deleted_and_the_message_says_why_in_words(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = journal_of(app)
        reflection = next(r for r in journal.recent_reflections(10) if r.session_id)
        session = journal.get(Session, reflection.session_id or "")
        select(app, session)
        await pilot.press("d")
        await wait_for(pilot, lambda: notified(app, "was not deleted"))
        [said] = [str(note.message) for note in app._notifications if "was not deleted" in str(note.message)]
        assert "1 reflection" in said and f"Session {session.number}" not in said
        assert isinstance(app.screen, MainScreen)
        assert not journal.is_deleted(session.saved_id)
        assert not any(session.saved_id[:8] in str(note.message) for note in app._notifications)  # no ids


async def test_sessions_goals_check_ins_and_actions_are_edited_in_the_app(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = journal_of(app)
        planned = next(s for s in journal.all(Session) if s.status.value == "planned")
        select(app, planned)
        await pilot.press("e")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-status", Input).value = "cancelled"
        app.screen.query_one("#field-held_on", Input).value = "2026-12-30"
        app.screen.query_one("#field-agenda", TextArea).text = "Moved to the new year"
        await app.screen.run_action("save")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        moved = journal.get(Session, planned.saved_id)
        assert (moved.status.value, moved.held_on.isoformat(), moved.agenda) == (
            "cancelled",
            "2026-12-30",
            "Moved to the new year",
        )

        # A goal's status, then one of its check-ins backdated.
        await app.run_action("main('goals')")
        await wait_for(pilot, lambda: on(app, GoalsScreen, "#goals"))
        goals = app.screen
        assert isinstance(goals, GoalsScreen)
        listing = goals.query_one("#goals", ListView)
        await wait_for(pilot, lambda: listing.highlighted_child is not None)
        await pilot.press("down")
        goal = goals._highlighted()
        assert goal is not None
        await pilot.press("e")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-status", Input).value = "achieved"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is goals)
        assert journal.get(Goal, goal.saved_id).status.value == "achieved"
        await wait_for(pilot, lambda: goals._highlighted() == journal.get(Goal, goal.saved_id))  # the selection stays
        before = journal.goal_history(goal)[-1]
        await pilot.press("c")
        await wait_for(pilot, lambda: on(app, PickScreen, "#pick-list"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on(app, ManageScreen, "#manage-choices"))
        await choose(pilot, app, "edit")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-rated_on", Input).value = "2026-10-01"
        await app.screen.run_action("save")
        await wait_for(pilot, lambda: app.screen is goals)
        assert journal.get(CheckIn, before.saved_id).rated_on.isoformat() == "2026-10-01"

        # An action: done is said in words, and its due date is edited.
        await app.run_action("main('actions')")
        await wait_for(pilot, lambda: on(app, ActionsScreen, "#actions"))
        actions = app.screen
        action = sorted(journal.all(Action), key=lambda a: (a.done, a.due_on or clock.today()))[0]
        await pilot.press("e")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-due_on", Input).value = "2027-01-15"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is actions)
        assert journal.get(Action, action.saved_id).due_on is not None
        await pilot.press("space")
        await wait_for(pilot, lambda: journal.get(Action, action.saved_id).done)
        labels = [str(option.prompt) for option in actions.query_one("#actions").options]  # type: ignore[attr-defined]
        assert any(action.text in label and "(done" in label for label in labels)


async def test_a_typo_theme_is_merged_into_the_right_one(demo_path: Path, clock: FixedClock) -> None:
    journal = Journal(unlock_vault(demo_path, DEMO_PASSPHRASE), clock)
    with journal:
        typo = journal.save(Theme("Conflct"))
        reflection = journal.recent_reflections(1)[0]
        journal.save(dataclasses.replace(reflection, record_id=None, theme_ids=(typo.saved_id,)))
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await app.run_action("main('names')")
        await wait_for(pilot, lambda: on(app, NamesScreen, "#names"))
        names = app.screen
        assert isinstance(names, NamesScreen)
        listing = names.query_one("#names", ListView)
        await wait_for(pilot, lambda: listing.highlighted_child is not None)
        while (highlighted := names._highlighted()) is None or highlighted.names[0] != "Conflict with peers":
            await pilot.press("down")
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, PickScreen, "#pick-list"))
        picker = app.screen
        assert isinstance(picker, PickScreen)
        await pilot.press(*["down"] * [v.saved_id for v in picker.values].index(typo.saved_id), "enter")
        await wait_for(pilot, lambda: on(app, ConfirmScreen, "#yes"))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: notified(app, "Merged “Conflct” into “Conflict with peers”"))
        journal = journal_of(app)
        kept = next(theme for theme in journal.all(Theme) if theme.label == "Conflict with peers")
        assert kept.aliases == ("Conflct",)
        assert typo.saved_id not in {theme.saved_id for theme in journal.all(Theme)}
        assert all(typo.saved_id not in r.theme_ids for r in journal.all(Reflection))
        assert journal.theme_named("conflct").saved_id == kept.saved_id


async def test_an_engagement_is_edited_archived_and_erased_for_good(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = journal_of(app)
        engagement = journal.all(Engagement)[0]
        select(app, engagement)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EngagementForm")
        app.screen.query_one("#ends", Input).value = "2027-06-30"
        app.screen.query_one("#note", TextArea).text = "Only a risk of serious harm is shared."
        await app.screen.run_action("save")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        changed = journal.get(Engagement, engagement.saved_id)
        assert changed.ends_on is not None and changed.ends_on.isoformat() == "2027-06-30"
        assert changed.agreement.confidentiality_note == "Only a risk of serious harm is shared."
        assert changed.agreement.agreed_on == engagement.agreement.agreed_on  # same level: same agreement day

        select(app, changed)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, ManageScreen, "#manage-choices"))
        await choose(pilot, app, "end")
        await wait_for(pilot, lambda: on(app, EndEngagementScreen, "#erase"))
        await pilot.click("#archive")
        await wait_for(pilot, lambda: journal.get(Engagement, engagement.saved_id).archived)

        owned = journal.engagement_records(journal.get(Engagement, engagement.saved_id))
        texts = [r.text for r in owned if isinstance(r, Reflection)]
        assert texts
        select(app, engagement)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, ManageScreen, "#manage-choices"))
        await choose(pilot, app, "end")
        await wait_for(pilot, lambda: on(app, EndEngagementScreen, "#erase"))
        await pilot.click("#erase")
        await wait_for(pilot, lambda: on(app, ConfirmScreen, "#yes"))
        await pilot.click("#yes")
        await wait_for(pilot, lambda: not journal.all(Engagement))
        assert not [value for value in journal.deleted() if value.saved_id in {v.saved_id for v in owned}]
        assert not journal.all(Reflection) or all(r.text not in texts for r in journal.all(Reflection))
    # Erased, not deleted: no revision of any of it is left in the file, which still opens.
    with Journal(unlock_vault(demo_path, DEMO_PASSPHRASE), clock) as reopened:
        for value in owned:
            with pytest.raises(RecordNotFound):
                reopened.vault.revisions(value.saved_id)
        assert reopened.verify().ok


async def test_each_session_keeps_its_own_draft_and_a_draft_moves_to_another(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = journal_of(app)
        held = [s for s in journal.all(Session) if s.status.value == "held"]
        first, second = sorted(held, key=lambda s: s.number)[-2:]
        for session, words in ((first, "about the fourth"), (second, "about the fifth")):
            select(app, session)
            await pilot.press("n")
            await wait_for(pilot, lambda: on(app, EditorScreen, "#text"))
            await type_text(pilot, words)
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        drafts = {draft.session_id: draft for draft in journal.drafts()}
        assert set(drafts) == {first.saved_id, second.saved_id}
        assert "about the fourth" in drafts[first.saved_id].text and "about the fifth" in drafts[second.saved_id].text

        # Reopening a session's reflection brings back its own draft, not the other one.
        select(app, first)
        await pilot.press("n")
        await wait_for(pilot, lambda: on(app, EditorScreen, "#text"))
        editor = app.screen
        assert "about the fourth" in editor.query_one("#text", TextArea).text
        # A session that has a draft is not offered (neither would be overwritten); between sessions is.
        await pilot.press("f3")
        await wait_for(pilot, lambda: on(app, PickScreen, "#pick-list"))
        picker = app.screen
        assert isinstance(picker, PickScreen)
        offered = [v.saved_id for v in picker.values]
        assert second.saved_id not in offered and first.saved_id not in offered
        assert any(label.startswith("Between sessions") for label in picker.labels)
        target = next(s for s in held if s.saved_id not in drafts)
        await pilot.press(*["down"] * offered.index(target.saved_id), "enter")
        await wait_for(pilot, lambda: {d.session_id for d in journal.drafts()} == {target.saved_id, second.saved_id})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        saved = journal.recent_reflections(1)[0]
        assert saved.session_id == target.saved_id and "about the fourth" in saved.text
        assert [d.session_id for d in journal.drafts()] == [second.saved_id]  # the other draft is untouched


async def test_a_template_of_ones_own_is_made_in_the_app_and_offered_in_the_editor(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await app.run_action("main('templates')")
        await wait_for(pilot, lambda: on(app, TemplatesScreen, "#templates"))
        templates = app.screen
        await pilot.press("n")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-name", Input).value = "Weekly"
        app.screen.query_one("#field-prompts", TextArea).text = "What went well?\nWhat was hard?"
        await app.screen.run_action("save")
        await wait_for(pilot, lambda: app.screen is templates)
        journal = journal_of(app)
        assert [(t.name, t.prompts) for t in journal.all(Template)] == [
            ("Weekly", ("What went well?", "What was hard?"))
        ]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("f")
        await wait_for(pilot, lambda: on(app, EditorScreen, "#text"))
        await pilot.press("f4")
        await wait_for(pilot, lambda: on(app, PickScreen, "#pick-list"))
        picker = app.screen
        assert isinstance(picker, PickScreen)
        names = [t.name for t in picker.values if isinstance(t, Template)]
        assert names[-1] == "Weekly" and len(names) > 1  # beside the built-in ones
        await pilot.press(*["down"] * (len(names) - 1), "enter")
        await wait_for(pilot, lambda: on(app, EditorScreen, "#text"))
        area = app.screen.query_one("#text", TextArea)
        assert area.text.startswith("## What went well?")
        # Once something is typed, choosing a template adds its prompts and replaces nothing.
        await type_text(pilot, "Kept words")
        await pilot.press("f4")
        await wait_for(pilot, lambda: on(app, PickScreen, "#pick-list"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: on(app, EditorScreen, "#text"))
        assert "Kept words" in area.text and area.text.count("## ") > 2
        draft = app.screen.current_draft()  # type: ignore[attr-defined]
        assert isinstance(draft, Draft)


async def test_an_archived_goal_leaves_the_list_and_comes_back_on_request(demo_path: Path, clock: FixedClock) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = journal_of(app)
        await app.run_action("main('goals')")
        await wait_for(pilot, lambda: on(app, GoalsScreen, "#goals"))
        goals = app.screen
        assert isinstance(goals, GoalsScreen)
        listing = goals.query_one("#goals", ListView)
        await wait_for(pilot, lambda: listing.highlighted_child is not None)
        goal = goals._highlighted()
        assert goal is not None
        listed = len(listing.children)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, ManageScreen, "#manage-choices"))
        await choose(pilot, app, "archive")
        await wait_for(pilot, lambda: journal.get(Goal, goal.saved_id).archived)
        await wait_for(pilot, lambda: app.screen is goals and len(listing.children) == listed - 1)
        assert goal.saved_id not in {g.saved_id for g, _ in journal.prep().goals_to_rate}
        await pilot.press("a")
        await wait_for(pilot, lambda: len(listing.children) == listed)


async def test_a_renamed_person_keeps_the_old_name_and_sessions_keep_their_numbers(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        journal = journal_of(app)
        await app.run_action("main('names')")
        await wait_for(pilot, lambda: on(app, NamesScreen, "#names"))
        names = app.screen
        assert isinstance(names, NamesScreen)
        listing = names.query_one("#names", ListView)
        await wait_for(pilot, lambda: listing.highlighted_child is not None)
        while (highlighted := names._highlighted()) is None or highlighted.names[0] != "Priya":
            await pilot.press("down")
        await pilot.press("e")
        await wait_for(pilot, lambda: on(app, RecordForm, "#field-name"))
        app.screen.query_one("#field-name", Input).value = "Priya Shah"
        await app.screen.run_action("save")
        await wait_for(pilot, lambda: app.screen is names)
        renamed = next(person for person in journal.all(Person) if person.name == "Priya Shah")
        assert "Priya" in renamed.aliases
        assert journal.person_named("Priya").saved_id == renamed.saved_id  # older `@Priya` still means her
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

        sessions = sorted(journal.all(Session), key=lambda s: s.number)
        select(app, sessions[-1])
        await pilot.press("e")
        await wait_for(pilot, lambda: on(app, RecordForm, ".error"))
        app.screen.query_one("#field-number", Input).value = str(sessions[0].number)
        await app.screen.run_action("save")
        await wait_for(pilot, lambda: "already has a session" in text_of(app, ".error"))
        assert journal.get(Session, sessions[-1].saved_id).number == sessions[-1].number


async def test_opening_a_reflection_and_closing_it_unchanged_leaves_no_draft(
    demo_path: Path, clock: FixedClock
) -> None:
    app = app_for(demo_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        journal = journal_of(app)
        reflection = journal.recent_reflections(1)[0]
        select(app, reflection)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        await pilot.press("ctrl+end")  # moving about is not a change
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert journal.drafts() == []
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: notified(app, "Locked."))
        assert not notified(app, "draft")
