"""Editing records from words: each field read for its type, the model's checks kept, nothing else touched."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from journal import FixedClock, InvalidInput, edited
from journal.models import Action, ConfidentialTerm, Goal, GoalStatus, Model, Reflection, Theme

CLOCK = FixedClock.on(date(2026, 9, 16))  # a Wednesday


def test_each_field_is_read_for_its_type() -> None:
    reflection = Reflection("Words", datetime(2026, 9, 1, 9), mood=2, record_id="a" * 32)
    changed = edited(reflection, {"mood": "", "written_at": "yesterday 3pm", "title": " Board "}, CLOCK)
    assert changed.mood is None and changed.written_at == datetime(2026, 9, 15, 15) and changed.title == "Board"
    assert changed.text == "Words" and changed.record_id == reflection.record_id
    goal = edited(Goal("Delegate"), {"status": "not-started", "target_rating": "7", "target_date": "friday"}, CLOCK)
    assert (goal.status, goal.target_rating, goal.target_date) == (GoalStatus.NOT_STARTED, 7, date(2026, 9, 18))
    assert edited(Action("Call"), {"done": "yes"}, CLOCK).done is True
    assert edited(Theme("Voice"), {}, CLOCK, text="Speaking up").description == "Speaking up"


@pytest.mark.parametrize(
    ("value", "changes", "text", "said"),
    [
        (Goal("Delegate"), {"target_rating": "11"}, None, "target rating"),  # the model's own check
        (Goal("Delegate"), {"status": "finished"}, None, "one of"),
        (Action("Call"), {"done": "maybe"}, None, "yes or no"),
        (Goal("Delegate"), {"engagement_id": "ab" * 16}, None, "no field"),
        (Goal("Delegate"), {}, "words", None),  # a goal's text is its success criteria: allowed
        (ConfidentialTerm("Falcon"), {"term": "Eagle"}, None, "cannot be edited"),
        (Reflection("Words", datetime(2026, 9, 1, 9)), {"written_at": "yesterday 25:00"}, None, "time of day"),
    ],
)
def test_what_does_not_fit_is_refused(
    value: Model, changes: dict[str, str], text: str | None, said: str | None
) -> None:
    if said is None:
        edited(value, changes, CLOCK, text=text)
        return
    with pytest.raises(InvalidInput, match=said):
        edited(value, changes, CLOCK, text=text)


def test_a_time_given_without_a_day_is_today() -> None:
    reflection = Reflection("Words", datetime(2026, 9, 1, 9))
    assert edited(reflection, {"written_at": "noon"}, CLOCK).written_at == datetime.combine(CLOCK.today(), time(12))
