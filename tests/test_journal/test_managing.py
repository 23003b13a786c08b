"""Managing records in the journal: merging themes and people, one draft per session, erasing an engagement.
Each is one transaction: when it fails half-way, the journal is as it was."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import (
    Action,
    CheckIn,
    Draft,
    Engagement,
    ExportRecord,
    Goal,
    InvalidInput,
    Journal,
    Person,
    Reflection,
    Session,
    StorageError,
    Theme,
)


def _engagement_with_content(journal: Journal, title: str = "Leadership") -> tuple[Engagement, Session, Reflection]:
    engagement = journal.save(Engagement(title))
    session = journal.save(Session(engagement.saved_id, date(2026, 9, 10), 1))
    reflection = journal.write_reflection(
        "Hard talk with @Sam about scope", written_at=datetime(2026, 9, 10, 18), session=session, themes=["Scope"]
    )
    return engagement, session, reflection


def test_a_merge_relinks_everything_and_keeps_the_other_name(journal: Journal) -> None:
    keep = journal.save(Theme("Conflict", sponsor_wording=""))
    typo = journal.save(Theme("Conf", sponsor_wording="Difficult conversations", description="typo"))
    engagement = journal.save(Engagement("E").keeping({f"theme:{typo.saved_id}": "Difficult conversations"}))
    both = journal.save(Reflection("both", datetime(2026, 9, 1), theme_ids=(keep.saved_id, typo.saved_id)))
    only_typo = journal.save(Reflection("typo", datetime(2026, 9, 2), theme_ids=(typo.saved_id,)))
    merged = journal.merge(keep, typo)
    assert isinstance(merged, Theme)
    assert (merged.aliases, merged.sponsor_wording, merged.description) == (
        ("Conf",),
        "Difficult conversations",
        "typo",
    )
    assert journal.get(Reflection, both.saved_id).theme_ids == (keep.saved_id,)  # one link, not two
    assert journal.get(Reflection, only_typo.saved_id).theme_ids == (keep.saved_id,)
    assert journal.get(Engagement, engagement.saved_id).kept_wording(f"theme:{keep.saved_id}")
    assert journal.is_deleted(typo.saved_id)
    assert journal.theme_named("conf").saved_id == keep.saved_id


def test_a_merge_that_fails_half_way_changes_nothing(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    keep, other = journal.save(Person("Sam")), journal.save(Person("Samuel"))
    reflection = journal.write_reflection("Lunch with @Samuel", written_at=datetime(2026, 9, 1))
    assert reflection.person_ids == (other.saved_id,)

    def refused(record_id: str) -> None:
        raise StorageError("The disk is full.")

    monkeypatch.setattr(journal.vault, "delete", refused)
    with pytest.raises(StorageError):
        journal.merge(keep, other)
    monkeypatch.undo()
    assert journal.get(Reflection, reflection.saved_id).person_ids == (other.saved_id,)
    assert journal.get(Person, keep.saved_id).aliases == ()
    assert not journal.is_deleted(other.saved_id)
    with pytest.raises(InvalidInput):
        journal.merge(keep, keep)


# Several sessions' drafts, saved in any order: each session keeps the last words typed for it.
slots = st.sampled_from(["first", "second", "between", "edit"])
typed = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs")), min_size=1, max_size=30)  # as typed: no controls
saves = st.lists(st.tuples(slots, typed), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saves=saves)
def test_each_session_keeps_the_last_draft_typed_for_it(journal: Journal, saves: list[tuple[str, str]]) -> None:
    journal.discard_draft()
    engagement = journal.all(Engagement)[0] if journal.all(Engagement) else journal.save(Engagement("E"))
    sessions = journal.sessions_of(engagement) or [
        journal.save(Session(engagement.saved_id, date(2026, 9, day), number)) for number, day in ((1, 1), (2, 15))
    ]
    edited = journal.recent_reflections(1) or [journal.save(Reflection("saved", datetime(2026, 9, 1)))]
    where = {
        "first": {"session_id": sessions[0].saved_id, "engagement_id": engagement.saved_id},
        "second": {"session_id": sessions[1].saved_id, "engagement_id": engagement.saved_id},
        "between": {"engagement_id": engagement.saved_id},
        "edit": {"reflection_id": edited[0].saved_id},
    }
    open_drafts: dict[str, Draft] = {}
    last: dict[str, str] = {}
    for slot, text in saves:
        draft = open_drafts.get(slot) or Draft(text="", **where[slot])  # type: ignore[arg-type]
        open_drafts[slot] = journal.save_draft(draft.with_content(text=text))
        last[slot] = text
    kept = {draft.slot: draft.text for draft in journal.drafts()}
    # The last words typed for each, in Unicode's canonical form (NFC: the same text, one way of encoding it).
    expected = {
        Draft(text="", **where[slot]).slot: unicodedata.normalize("NFC", text)  # type: ignore[arg-type]
        for slot, text in last.items()
    }
    assert kept == expected
    assert journal.current_draft() == open_drafts[saves[-1][0]]


def test_a_draft_moves_to_a_free_session_only(journal: Journal) -> None:
    engagement = journal.save(Engagement("E"))
    one, two, three = (journal.save(Session(engagement.saved_id, date(2026, 9, n), n)) for n in (1, 2, 3))
    draft = journal.save_draft(Draft(text="for one", session_id=one.saved_id, engagement_id=engagement.saved_id))
    waiting = journal.save_draft(Draft(text="for two", session_id=two.saved_id, engagement_id=engagement.saved_id))
    with pytest.raises(InvalidInput, match="already has an unfinished draft"):
        journal.move_draft(draft, two)
    moved = journal.move_draft(draft, three)
    assert {d.session_id: d.text for d in journal.drafts()} == {three.saved_id: "for one", two.saved_id: "for two"}
    journal.discard_draft(moved)
    assert journal.drafts() == [journal.get(Draft, waiting.saved_id)]


def test_erasing_an_engagement_takes_everything_of_it_and_nothing_else(journal: Journal) -> None:
    engagement, session, reflection = _engagement_with_content(journal)
    other, _, kept = _engagement_with_content(journal, "Another")
    shared = journal.write_reflection("About shared things", engagement=engagement, themes=["Shared"])
    journal.write_reflection("Also shared", engagement=other, themes=["Shared"])
    goal = journal.save(Goal("Delegate", engagement_id=engagement.saved_id))
    check_in = journal.check_in(goal, 4)
    action = journal.save(Action("Ask Sam", session_id=session.saved_id))
    log = journal.save(
        ExportRecord(datetime(2026, 9, 20), "Dee", "markdown", "0" * 64, ("theme",), engagement.saved_id)
    )
    journal.save_draft(Draft(text="half", session_id=session.saved_id, engagement_id=engagement.saved_id))
    owned = {value.saved_id for value in journal.engagement_records(engagement)}
    scope = next(theme for theme in journal.all(Theme) if theme.label == "Scope")
    assert {engagement.saved_id, session.saved_id, reflection.saved_id, shared.saved_id, goal.saved_id} <= owned
    assert {check_in.saved_id, action.saved_id, log.saved_id} <= owned
    shared_theme = next(theme for theme in journal.all(Theme) if theme.label == "Shared")
    assert scope.saved_id not in owned  # both engagements' reflections name #Scope
    assert shared_theme.saved_id not in owned
    assert journal.erase_engagement(engagement) == len(owned)
    assert journal.all(Engagement) == [other]
    assert journal.get(Reflection, kept.saved_id) == kept
    assert not journal.drafts() and not journal.all(CheckIn) and not journal.all(Action)
    assert not [value for value in journal.deleted() if value.saved_id in owned]
    assert journal.verify().ok


def test_an_erasure_that_fails_half_way_erases_nothing(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    engagement, session, reflection = _engagement_with_content(journal)
    erased: list[str] = []
    real_purge = journal.vault.purge

    def failing_after_two(record_id: str) -> None:
        if len(erased) == 2:
            raise StorageError("The disk is full.")
        erased.append(record_id)
        real_purge(record_id)

    monkeypatch.setattr(journal.vault, "purge", failing_after_two)
    with pytest.raises(StorageError):
        journal.erase_engagement(engagement)
    monkeypatch.undo()
    assert journal.get(Reflection, reflection.saved_id) == reflection
    assert journal.get(Session, session.saved_id) == session
    assert journal.get(Engagement, engagement.saved_id) == engagement
    assert journal.verify().ok
