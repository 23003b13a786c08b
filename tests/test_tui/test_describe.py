"""How the app puts records into words: a preview reads as words, never as a dump of fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from journal import Action, Goal, Journal, Person
from journal.demo import DEMO_PASSPHRASE
from tests.conftest import CHEAP_LIMITS
from tui.describe import record_markdown


def test_a_record_without_a_page_of_its_own_reads_as_words(demo_path: Path) -> None:
    with Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        action = record_markdown(journal, Action("Book the scope talk", due_on=date(2026, 11, 23)))
        person = record_markdown(journal, Person("Will", aliases=("Bill",), ordinary_word=True))
    assert "**Due on**: 23 November 2026" in action and "**Done**: no" in action
    assert "**Ordinary word**: yes" in person and "**Aliases**: Bill" in person
    for shown in (action, person):
        assert "False" not in shown and "True" not in shown and "2026-11-23" not in shown


def test_a_goal_says_its_target_rating_and_day(demo_path: Path) -> None:
    with Journal.open(demo_path, DEMO_PASSPHRASE, limits=CHEAP_LIMITS) as journal:
        shown = record_markdown(journal, Goal("Speak up", target_rating=8, target_date=date(2027, 3, 1)))
    assert "Target: 8/10 by 1 March 2027" in shown
