"""What the search cache's writes show someone comparing copies of the file: the same for every kind saved.

A settled journal (every kind of record, its cache up to date) takes one save; the search after it must
re-seal exactly one page, the one the keyed digest of the saved record's id picks, whatever kind the
record is. Erasing it must then rewrite that page in the erasure's own transaction, again for every kind.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from journal import (
    AFTER_SESSION,
    Action,
    CheckIn,
    ConfidentialTerm,
    Engagement,
    ExportRecord,
    FixedClock,
    Goal,
    Journal,
    LintDismissal,
    Model,
    Person,
    Preferences,
    Reflection,
    Session,
    Template,
    Theme,
)
from journal.models import MODEL_TYPES, Draft
from journal.vault.search_pages import search_page_of
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.every_kind import fill_with_every_kind

CLOCK = FixedClock.on(date(2026, 9, 15))

M = TypeVar("M", bound=Model)

Save = Callable[[Journal], Model]
"""One save a user can make; returns the record saved."""


def _first(journal: Journal, model: type[M]) -> M:
    return journal.all(model)[0]


NEW: dict[str, Save] = {
    "engagement": lambda journal: journal.save(Engagement("Second contract")),
    "session": lambda journal: journal.save(
        Session(_first(journal, Engagement).saved_id, date(2026, 4, 1), 9, agenda="Feedback")
    ),
    "reflection": lambda journal: journal.save(Reflection("Another thought", datetime(2026, 4, 2, 9, 0))),
    "theme": lambda journal: journal.save(Theme("Feedback")),
    "person": lambda journal: journal.save(Person("Kim Ito")),
    "goal": lambda journal: journal.save(Goal("Ask for feedback monthly")),
    "checkin": lambda journal: journal.save(CheckIn(_first(journal, Goal).saved_id, date(2026, 4, 3), 7)),
    "action": lambda journal: journal.save(Action("Book the one-to-one")),
    "template": lambda journal: journal.save(Template("Monthly", ("What changed?",))),
    "confidential": lambda journal: journal.save(ConfidentialTerm("Project Heron")),
    "dismissal": lambda journal: journal.save(
        LintDismissal(_first(journal, Engagement).saved_id, "goal:1", "name:kim", datetime(2026, 4, 4, 10, 0))
    ),
    "export": lambda journal: journal.save(
        ExportRecord(datetime(2026, 4, 5, 9, 0), "sponsor", "markdown", "6" * 64, ("theme: 1 record",))
    ),
    "draft": lambda journal: journal.save_draft(journal.new_draft(AFTER_SESSION).with_content(text="Half")),
}
"""A new record of every kind a user can save (the draft replaces the one left open)."""

EDIT: dict[str, Save] = {
    "engagement": lambda journal: journal.save(replace(_first(journal, Engagement), coach="Bea Cole")),
    "session": lambda journal: journal.save(replace(_first(journal, Session), agenda="Moved")),
    "reflection": lambda journal: journal.save(replace(_first(journal, Reflection), title="Renamed")),
    "theme": lambda journal: journal.save(replace(_first(journal, Theme), description="Trusting others")),
    "person": lambda journal: journal.save(replace(_first(journal, Person), note="Peer now")),
    "goal": lambda journal: journal.save(replace(_first(journal, Goal), success_criteria="Three panels")),
    "checkin": lambda journal: journal.save(replace(_first(journal, CheckIn), note="Steadier")),
    "action": lambda journal: journal.save(replace(_first(journal, Action), done=True)),
    "template": lambda journal: journal.save(replace(_first(journal, Template), prompts=("What held?",))),
    "confidential": lambda journal: journal.save(replace(_first(journal, ConfidentialTerm), term="Falcon")),
    "dismissal": lambda journal: journal.save(replace(_first(journal, LintDismissal), finding_key="name:lee")),
    "export": lambda journal: journal.save(replace(_first(journal, ExportRecord), recipient="me")),
    "preferences": lambda journal: journal.save_preferences(Preferences(auto_lock_minutes=15)),
    "draft": lambda journal: journal.save_draft(_first(journal, Draft).with_content(text="More")),
}
"""A new revision of a record of every kind (a draft is saved anew, its earlier self erased)."""


def test_every_kind_a_user_can_save_is_covered() -> None:
    kinds = {model.KIND for model in MODEL_TYPES}
    assert set(EDIT) == kinds
    assert set(NEW) == kinds - {Preferences.KIND}  # one settings record, always revised in place


def _open(path: Path) -> Journal:
    return Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK)


def _pages(path: Path) -> dict[int, bytes]:
    """The cache's rows as the file holds them, read by SQLite alone (no key)."""
    connection = sqlite3.connect(path)
    try:
        return dict(connection.execute("SELECT page, envelope FROM search_pages"))
    finally:
        connection.close()


def _changed(before: dict[int, bytes], after: dict[int, bytes]) -> set[int]:
    return {page for page in before.keys() | after.keys() if before.get(page) != after.get(page)}


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal holding every kind of record, whose search cache a search brought up to date."""
    path = tmp_path_factory.mktemp("settled") / "journal.candour"
    journal, _ = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    with journal:
        fill_with_every_kind(journal)
    with _open(path) as journal:
        journal.search("a")
    before = _pages(path)
    with _open(path) as journal:
        journal.search("a")
    assert _pages(path) == before, "a second search found the cache out of date"
    assert len(before) == 64
    return path


def _page_of(journal: Journal, record_id: str) -> int:
    return search_page_of(journal.vault._keyring.keys().search, bytes.fromhex(record_id))


CASES = [(f"new {kind}", save) for kind, save in NEW.items()]
CASES += [(f"edited {kind}", save) for kind, save in EDIT.items()]


@pytest.mark.parametrize(("case", "save"), CASES, ids=[case for case, _ in CASES])
@pytest.mark.parametrize("reopened", [True, False], ids=["search after reopening", "search in the same session"])
def test_the_search_after_a_save_reseals_one_page_whatever_the_kind(
    settled: Path, tmp_path: Path, case: str, save: Save, reopened: bool
) -> None:
    path = tmp_path / "journal.candour"
    shutil.copyfile(settled, path)
    journal = _open(path)
    try:
        saved = save(journal)
        if reopened:
            journal.close()
            journal = _open(path)
        before = _pages(path)
        journal.search("a")
        assert _changed(before, _pages(path)) == {_page_of(journal, saved.saved_id)}, case
    finally:
        journal.close()


ERASABLE = [(case, save) for case, save in CASES if case.startswith("new ")] + [
    ("edited preferences", EDIT["preferences"])
]
"""What nothing else links to, so that it can be erased."""


@pytest.mark.parametrize(("case", "save"), ERASABLE, ids=[case for case, _ in ERASABLE])
def test_erasing_a_record_rewrites_its_page_in_the_same_transaction_whatever_the_kind(
    settled: Path, tmp_path: Path, case: str, save: Save
) -> None:
    path = tmp_path / "journal.candour"
    shutil.copyfile(settled, path)
    with _open(path) as journal:
        saved = save(journal)
    with _open(path) as journal:
        journal.search("a")
        before = _pages(path)
        page = _page_of(journal, saved.saved_id)
        transactions = journal.vault._file.transaction
        seen: list[dict[int, bytes]] = []

        def watched(action: str) -> object:
            seen.append(_pages(path))  # the cache as the erasure's transaction finds it
            return transactions(action)

        journal.vault._file.transaction = watched  # type: ignore[method-assign, assignment]
        journal.purge(saved.saved_id)
        journal.vault._file.transaction = transactions  # type: ignore[method-assign]
        assert [_changed(before, pages) for pages in seen] == [set()], case  # one transaction, nothing before it
        assert _changed(before, _pages(path)) == {page}, case
        cached = {record_id for found in journal.vault.cached_pages().values() for record_id in found.ids}
        assert bytes.fromhex(saved.saved_id) not in cached, case


def test_the_empty_documents_are_written_without_decrypting_what_search_does_not_need(
    settled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "journal.candour"
    shutil.copyfile(settled, path)
    with _open(path) as journal:
        saved = [NEW[kind](journal) for kind in ("template", "confidential", "dismissal", "export", "draft")]
        saved.append(EDIT["preferences"](journal))
    with _open(path) as journal:
        decrypted: list[str] = []
        get_many = journal.vault.get_many

        def counting(entries: object, unreadable: object = None) -> object:
            records = get_many(entries, unreadable)  # type: ignore[arg-type]
            decrypted.extend(record.kind for record in records)
            return records

        journal.vault.get_many = counting  # type: ignore[method-assign, assignment]
        journal.search("a")
        assert decrypted  # the hits' snippets, and the kinds search reads whole
        assert not {value.KIND for value in saved} & set(decrypted)
        cached = {
            record_id: document
            for page in journal.vault.cached_pages().values()
            for record_id, document in page.documents().items()
        }
        for value in saved:
            assert cached[bytes.fromhex(value.saved_id)] == (journal.vault.entry(value.saved_id).revision, b"")
