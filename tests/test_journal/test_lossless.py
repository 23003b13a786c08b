"""Nothing typed is lost: saving keeps every character the coachee typed, and one user action is one
transaction (a refused or failed save leaves the file and the journal as they were)."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from journal.errors import RecordInUse, StorageError
from journal.models import (
    AFTER_SESSION,
    BETWEEN_SESSIONS,
    BUILT_IN_TEMPLATES,
    Action,
    Draft,
    Engagement,
    Person,
    Reflection,
    Session,
    Template,
    Theme,
)
from journal.store import Journal
from tests.conftest import journal_files

TYPED = st.text(
    # What a keyboard can put in the editor: any character but controls (removed by design, they can
    # disguise text), surrogates (not text), and Unicode's own line separators (read as newlines).
    alphabet=st.one_of(
        st.characters(
            blacklist_categories=("Cc", "Cs"),
            blacklist_characters="\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        ),
        st.sampled_from("\n\t #"),
    ),
    min_size=1,
)


def _decomposed(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _file_hash(path: Path) -> str:
    """The journal's bytes, its write-ahead log included (where an uncommitted write would show); not the
    shared-memory file, which SQLite rewrites on every transaction, committed or not, and holds no content."""
    files = {name: data for name, data in journal_files(path).items() if not name.endswith("-shm")}
    return hashlib.sha256(b"".join(name.encode() + files[name] for name in sorted(files))).hexdigest()


def _draft(journal: Journal, template: Template, text: str) -> Draft:
    return journal.new_draft(template).with_content(text=text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(BUILT_IN_TEMPLATES), typed=TYPED, where=st.floats(0, 1))
def test_text_typed_anywhere_in_a_template_is_kept_when_saved(
    journal: Journal, template: Template, typed: str, where: float
) -> None:
    start = template.render()
    position = round(where * len(start))
    text = start[:position] + typed + start[position:]
    if not text.replace(start, "").strip() and not typed.strip():
        return  # only blank lines or spaces typed among untouched prompts: nothing to keep
    saved = journal.save_reflection_from(_draft(journal, template, text))
    reopened = journal.get(Reflection, saved.saved_id)
    kept = typed.strip("\n")
    assert _decomposed(kept) in _decomposed(reopened.text)


@given(template=st.sampled_from(BUILT_IN_TEMPLATES), typed=TYPED)
def test_text_with_every_prompt_removed_is_kept_whole(template: Template, typed: str) -> None:
    from journal.models import drop_untouched_prompts

    prompts = {line for line in template.render().split("\n") if line.startswith("#")}
    assume(not any(line in prompts for line in typed.split("\n")))
    assert drop_untouched_prompts(typed, template) == typed


def test_text_typed_on_a_prompt_line_keeps_that_line() -> None:
    """The repro: an answer under the first prompt, and words typed at the end of the second prompt's line."""
    start = AFTER_SESSION.render()
    text = start.replace("## What did I explore?\n", "## What did I explore?\nHow I delegate.\n").replace(
        "## What shifted for me?", "## What shifted for me? Less rescuing."
    )
    from journal.models import drop_untouched_prompts

    kept = drop_untouched_prompts(text, AFTER_SESSION)
    assert kept == "## What did I explore?\nHow I delegate.\n\n\n## What shifted for me? Less rescuing."


def test_only_untouched_prompts_go_and_a_heading_of_ones_own_stays() -> None:
    from journal.models import drop_untouched_prompts

    text = BETWEEN_SESSIONS.render().replace("## What happened?\n", "## What happened?\nA hard week.\n")
    text += "\n## Next: talk to Dee on Friday"
    kept = drop_untouched_prompts(text, BETWEEN_SESSIONS)
    assert "## What did I notice in myself?" not in kept
    assert kept.startswith("## What happened?\nA hard week.\n")
    assert kept.endswith("## Next: talk to Dee on Friday")
    # A space typed under a prompt is typed text: the prompt stays.
    spaced = BETWEEN_SESSIONS.render().replace("## What happened?\n", "## What happened?\n \n")
    assert drop_untouched_prompts(spaced, BETWEEN_SESSIONS) == "## What happened?\n "
    # Without a template nothing is dropped: a free text's headings are the coachee's own.
    assert drop_untouched_prompts("## Mine\n", None) == "## Mine\n"


def test_editing_a_reflection_keeps_its_own_empty_headings(journal: Journal) -> None:
    saved = journal.save_reflection_from(Draft(text="Notes\n## Next: talk to Dee on Friday", starting_text=""))
    edited = journal.save_reflection_from(journal.draft_for(saved).with_content(text=saved.text + "\n## Later"))
    assert journal.get(Reflection, edited.saved_id).text == "Notes\n## Next: talk to Dee on Friday\n## Later"


# --- one user action, one transaction -------------------------------------------------------------


def test_a_failed_editor_save_leaves_no_theme_person_action_or_reflection(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = journal.save_draft(
        journal.new_draft(AFTER_SESSION).with_content(
            text="## What did I explore?\nWith @Dee",
            themes=("Brand new theme",),
            people=("Sam",),
            actions=("Call Dee", "Ask Sam for feedback by 2026-12-04"),
        )
    )
    before = _file_hash(journal.vault.path)

    def full_disk(draft: Draft | None = None) -> None:
        raise StorageError("Could not erase the draft: the disk is full.")

    monkeypatch.setattr(journal, "discard_draft", full_disk)  # the last step of the save fails
    with pytest.raises(StorageError):
        journal.save_reflection_from(draft)
    assert _file_hash(journal.vault.path) == before
    for model in (Theme, Person, Action, Reflection):
        assert journal.all(model) == []
    assert journal.current_draft() is not None
    monkeypatch.undo()
    saved = journal.save_reflection_from(draft)  # and once the disk has room, the same save works
    assert [theme.label for theme in journal.all(Theme)] == ["Brand new theme"]
    assert {person.name for person in journal.all(Person)} == {"Sam", "Dee"}
    assert saved.text == "## What did I explore?\nWith @Dee"
    assert journal.current_draft() is None
    # Each action as typed; the one ending "by <day>" is due that day.
    due = {action.text: action.due_on for action in journal.all(Action)}
    assert due == {"Call Dee": None, "Ask Sam for feedback by 2026-12-04": date(2026, 12, 4)}


def test_a_failed_add_leaves_no_new_theme(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    original_save = Journal.save

    def save(self: Journal, value: object) -> object:
        if isinstance(value, Reflection):
            raise StorageError("Could not save the reflection: the disk is full.")
        return original_save(self, value)  # type: ignore[type-var]

    before = _file_hash(journal.vault.path)
    monkeypatch.setattr(Journal, "save", save)
    with pytest.raises(StorageError):
        journal.write_reflection("With @Ana", themes=["Delegation"])
    assert _file_hash(journal.vault.path) == before
    monkeypatch.undo()
    assert journal.all(Theme) == [] and journal.all(Person) == []
    with journal.vault as vault:
        assert vault.verify().ok


# --- links never dangle -----------------------------------------------------------------------------


def test_deleting_or_erasing_a_linked_record_is_refused_and_names_what_links_to_it(journal: Journal) -> None:
    reflection = journal.write_reflection("About @Dee", themes=["Conflict"])
    theme, person = journal.all(Theme)[0], journal.all(Person)[0]
    for record in (theme, person):
        with pytest.raises(RecordInUse, match=rf"1 reflection link to it \({reflection.saved_id[:8]}\)"):
            journal.delete(record.saved_id)
        with pytest.raises(RecordInUse):
            journal.purge(record.saved_id)
        assert not journal.is_deleted(record.saved_id)
    engagement = journal.save(Engagement("Leadership"))
    session = journal.save(Session(engagement.saved_id, date(2026, 9, 10), 1))
    with pytest.raises(RecordInUse, match="1 session link to it"):
        journal.delete(engagement.saved_id)
    journal.save_draft(journal.new_draft(AFTER_SESSION, session=session))
    with pytest.raises(RecordInUse, match="1 draft link to it"):
        journal.delete(session.saved_id)
    # Once nothing links to it, a record deletes as before.
    journal.delete(reflection.saved_id)
    journal.delete(theme.saved_id)
    assert journal.is_deleted(theme.saved_id)


def test_a_link_left_dangling_by_an_older_version_is_reported(journal: Journal) -> None:
    reflection = journal.write_reflection("About @Dee", themes=["Conflict"])
    theme = journal.all(Theme)[0]
    journal.vault.purge(theme.saved_id)  # below the journal's rule, as an older version could
    reopened = Journal(journal.vault, journal.clock)
    assert [(value.saved_id, kind, missing) for value, kind, missing in reopened.dangling_links()] == [
        (reflection.saved_id, "theme", theme.saved_id)
    ]


def test_a_draft_that_changes_nothing_is_told_apart_from_one_that_does(journal: Journal) -> None:
    saved = journal.save_reflection_from(Draft(text="What I said to Dee", title="Dee", starting_text=""))
    opened = journal.draft_for(saved)
    assert journal.changes_nothing(opened.with_content(cursor=(0, 4)))  # moved about, typed nothing
    assert not journal.changes_nothing(opened.with_content(text=saved.text + "."))
    assert not journal.changes_nothing(opened.with_content(title=""))  # a title taken away is a change too
    assert journal.changes_nothing(Draft(text="## Prompt\n", starting_text="## Prompt\n"))
    assert not journal.changes_nothing(Draft(text="## Prompt\nan answer", starting_text="## Prompt\n"))
    journal.delete(saved.saved_id)
    assert not journal.changes_nothing(opened)  # the reflection is gone: the draft holds its words
