"""The sealed search cache: same results as decrypting everything, never stale, never outliving a purge."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import crypto
from journal import DamagedJournal, FixedClock, Journal, Reflection, SearchFilters, Theme, Vault, draw_recovery_key
from journal.search import NO_FILTERS, SearchIndex
from journal.vault import SearchDocuments
from journal.vault.schema import SEARCH_PAGES_TABLE as PAGE_TABLE
from journal.vault.search_pages import decode_page, page_id, search_page_of
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE

CLOCK = FixedClock.on(date(2026, 9, 15))


def reopen(path: Path) -> Journal:
    return Journal.open(path, PASSPHRASE, limits=CHEAP_LIMITS, clock=CLOCK)


def fill(path: Path, count: int = 40) -> list[Reflection]:
    journal, _ = Journal.create(path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    with journal:
        theme = journal.save(Theme("Delegation"))
        start = datetime(2026, 9, 1, 9, 0)
        saved = [
            journal.save(
                Reflection(
                    f"Entry {n}: the café talk with Zoë about Straße {n % 3}",
                    start + timedelta(hours=n),
                    theme_ids=(theme.saved_id,) if n % 2 else (),
                )
            )
            for n in range(count)
        ]
        journal.search("warm")  # builds and saves the cache
    return saved


def cached_documents(vault: Vault) -> SearchDocuments:
    """Every document of the sealed search cache, with the revision it was made from."""
    return {
        record_id: document
        for page in vault.cached_pages().values()
        for record_id, document in page.documents().items()
    }


def _decrypted_reflections(journal: Journal) -> list[int]:
    """From now on, how many reflections each read of many records decrypts."""
    decrypted: list[int] = []
    get_many = journal.vault.get_many

    def counting(entries: object, unreadable: object = None) -> object:
        records = get_many(entries, unreadable)  # type: ignore[arg-type]
        decrypted.append(sum(record.kind == "reflection" for record in records))
        return records

    journal.vault.get_many = counting  # type: ignore[method-assign, assignment]
    return decrypted


def results(journal: Journal, query: str, filters: SearchFilters = NO_FILTERS) -> list[tuple[str, str]]:
    return [(hit.record_id, hit.snippet) for hit in journal.search(query, filters, limit=None)]


def test_search_from_the_cache_matches_search_from_the_records(journal_path: Path) -> None:
    fill(journal_path)
    with reopen(journal_path) as cached:
        assert len(cached_documents(cached.vault)) == 41  # the theme too, as an empty document
        assert cached_documents(cached.vault)[bytes.fromhex(cached.all(Theme)[0].saved_id)] == (1, b"")
        decrypted = _decrypted_reflections(cached)
        assert len(results(cached, "entry 39")) == 1
        assert sum(decrypted) == 1  # only the hit, for its snippet: the other 39 came from the cache
        from_cache = {q: results(cached, q) for q in ("cafe", "zoe strasse", '"talk with"', "entry 7")}
        theme = cached.all(Theme)[0]
        by_theme = results(cached, "zoe", SearchFilters(theme_id=theme.saved_id))
    with reopen(journal_path) as uncached:
        uncached.all(Reflection)  # every reflection decrypted: search indexes the models instead
        assert {q: results(uncached, q) for q in from_cache} == from_cache
        assert results(uncached, "zoe", SearchFilters(theme_id=theme.saved_id)) == by_theme
    assert len(by_theme) == 20
    assert "café talk with Zoë" in from_cache["cafe"][0][1]  # snippets quote the original text


def test_an_edit_made_after_the_cache_is_found_and_the_cache_catches_up(journal_path: Path) -> None:
    first = fill(journal_path)[0]
    with reopen(journal_path) as journal:
        journal.save(Reflection("Now about hiring instead", first.written_at, record_id=first.saved_id))
    with reopen(journal_path) as journal:
        assert [hit.record_id for hit in journal.search("hiring")] == [first.saved_id]
        assert first.saved_id not in {hit.record_id for hit in journal.search("entry 0:")}
        revision = journal.vault.entry(first.saved_id).revision
        assert cached_documents(journal.vault)[bytes.fromhex(first.saved_id)][0] == revision


def test_purged_text_does_not_live_on_in_the_cache(journal_path: Path) -> None:
    first = fill(journal_path)[0]
    with reopen(journal_path) as journal:
        journal.purge(first.saved_id)
        assert bytes.fromhex(first.saved_id) not in cached_documents(journal.vault)
        assert len(cached_documents(journal.vault)) == 40  # the other 39 reflections and the theme


def test_a_damaged_or_missing_cache_is_rebuilt_without_an_error(journal_path: Path) -> None:
    saved = fill(journal_path)
    with reopen(journal_path) as journal:
        page = search_page_of(journal.vault._keyring.keys().search, bytes.fromhex(saved[0].saved_id))
    with sqlite3.connect(journal_path) as connection:
        connection.execute("UPDATE search_pages SET envelope = zeroblob(length(envelope)) WHERE page = ?", (page,))
    connection.close()
    with reopen(journal_path) as journal:
        assert len(results(journal, "cafe")) == 40
    with sqlite3.connect(journal_path) as connection:
        connection.execute("DROP TABLE search_pages")  # as in a journal made before the cache existed
    connection.close()
    with reopen(journal_path) as journal:
        assert len(results(journal, "cafe")) == 40
        assert len(cached_documents(journal.vault)) == 41


def test_rotating_keys_drops_the_cache_and_search_rebuilds_it(journal_path: Path) -> None:
    fill(journal_path)
    with reopen(journal_path) as journal:
        journal.vault.rotate_keys(PASSPHRASE, draw_recovery_key())
        assert cached_documents(journal.vault) == {}
    with reopen(journal_path) as journal:
        assert len(results(journal, "cafe")) == 40


def test_a_document_made_before_a_purge_or_an_edit_is_not_stored(journal_path: Path) -> None:
    saved = fill(journal_path)
    with reopen(journal_path) as journal:
        documents = cached_documents(journal.vault)
        purged, edited = bytes.fromhex(saved[0].saved_id), bytes.fromhex(saved[1].saved_id)
        old = {purged: documents[purged], edited: documents[edited]}
        journal.purge(saved[0].saved_id)
        journal.save(Reflection("rewritten", saved[1].written_at, record_id=saved[1].saved_id))
        journal.vault.store_documents(old)  # as a search that raced with the purge and the edit would
        assert purged not in cached_documents(journal.vault)
        journal.vault.prune(saved[1].saved_id)  # the old revision goes, and its document with it
        assert edited not in cached_documents(journal.vault)


def test_a_moved_session_moves_its_reflections_in_search(journal_path: Path) -> None:
    from journal import Engagement, Session

    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    with journal:
        first = journal.save(Engagement("First"))
        second = journal.save(Engagement("Second"))
        session = journal.save(Session(first.saved_id, date(2026, 9, 1), 1))
        journal.write_reflection("about delegation", session=session)
        journal.search("warm")
        journal.save(Session(second.saved_id, date(2026, 9, 1), 1, record_id=session.saved_id))
    with reopen(journal_path) as journal:
        assert len(journal.search("delegation", SearchFilters(engagement_id=second.saved_id))) == 1
        assert journal.search("delegation", SearchFilters(engagement_id=first.saved_id)) == []


def test_a_records_page_is_not_its_index_section(journal_path: Path) -> None:
    """Which cache page a search rewrote must not point at the record whose index section changed with it."""
    saved = fill(journal_path)
    with reopen(journal_path) as journal:
        search_key = journal.vault._keyring.keys().search
        places = [
            (bytes.fromhex(value.saved_id), search_page_of(search_key, bytes.fromhex(value.saved_id)))
            for value in saved
        ]
    assert any(raw_id[0] >> 2 != page for raw_id, page in places)
    assert len({page for _, page in places}) > 1


def test_a_purge_empties_a_page_it_cannot_read(journal_path: Path) -> None:
    # A page in an older layout (or damaged) may still hold the purged record's text: it must not survive.
    first = fill(journal_path)[0]
    raw_id = bytes.fromhex(first.saved_id)
    with reopen(journal_path) as journal:
        search_key = journal.vault._keyring.keys().search
        page = search_page_of(search_key, raw_id)
        older_layout = raw_id + "Entry 0: the café talk with Zoë".encode()
        envelope = crypto.seal(search_key, older_layout, PAGE_TABLE, page_id(page), 0)
        with journal.vault._file.transaction("put back a page in an older layout") as connection:
            connection.execute("UPDATE search_pages SET envelope = ? WHERE page = ?", (envelope, page))
        journal.purge(first.saved_id)
        rewritten = dict(journal.vault._search_cache.page_rows({page}))[page]
        plaintext = crypto.open_envelope(search_key, rewritten, PAGE_TABLE, page_id(page), 0)
        assert decode_page(plaintext).ids == []  # rewritten empty in the purge's transaction
        assert len(results(journal, "cafe")) == 39  # the page's other documents are rebuilt


def test_searches_from_many_threads_at_once_agree(journal_path: Path) -> None:
    # The app searches on every keystroke from worker threads; the first ones race to parse the cache.
    fill(journal_path, count=200)
    with reopen(journal_path) as journal:
        queries = ["cafe", "zoe", "entry 1", '"talk with"', "strasse 2", ""] * 4
        with ThreadPoolExecutor(max_workers=6) as pool:
            found = list(pool.map(lambda query: len(results(journal, query)), queries))
        assert found == [len(results(journal, query)) for query in queries]


def test_a_read_failing_midway_through_the_cache_is_passed_over_and_leaves_no_thread(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole cache is opened in worker threads while SQLite reads on: a read that fails part-way must
    # stop the workers and leave the search to the records (the cache is derived data), the journal usable.
    fill(journal_path, count=400)
    with reopen(journal_path) as journal:
        read_rows = journal.vault._search_cache.page_rows

        def failing_after_two(pages: set[int] | None = None) -> Iterator[tuple[int, object]]:
            rows = read_rows(pages)
            yield next(rows)
            yield next(rows)
            rows.close()
            raise DamagedJournal("Could not read the search cache: the journal file is damaged or truncated.")

        monkeypatch.setattr(journal.vault._search_cache, "page_rows", failing_after_two)
        assert len(results(journal, "cafe")) == 400
        assert journal.unreadable_summary() is None  # no record was left out: only the cache failed
        assert not [thread for thread in threading.enumerate() if thread.name.startswith("candour-search")]
        monkeypatch.undo()
        assert len(results(journal, "cafe")) == 400


def test_a_reflection_saved_while_reflections_are_in_memory_is_cached_with_its_new_text(journal_path: Path) -> None:
    # A process that read every reflection before its first search (an export of everything, say) seals, for a
    # reflection changed since the cache was written, what it holds in memory: the current revision's text.
    first = fill(journal_path)[0]
    raw_id = bytes.fromhex(first.saved_id)
    with reopen(journal_path) as journal:
        journal.save(Reflection("Now about hiring instead", first.written_at, record_id=first.saved_id))
    with reopen(journal_path) as journal:
        journal.all(Reflection)  # every reflection decrypted, then the search index built
        journal.search("")
        revision, document = cached_documents(journal.vault)[raw_id]
        assert revision == journal.vault.entry(first.saved_id).revision == 2
        assert b"now about hiring instead" in document
    with reopen(journal_path) as journal:
        assert [hit.record_id for hit in journal.search("hiring")] == [first.saved_id]


def test_a_save_stores_and_remembers_its_value_before_a_search_index_can_be_built(journal_path: Path) -> None:
    # Building the index takes the journal's lock; were the lock free between storing a revision and
    # remembering its value, a search could seal the older value held in memory as the new revision's.
    first = fill(journal_path)[0]
    with reopen(journal_path) as journal:
        journal.all(Reflection)
        journal.search("")
        free_while_storing: list[bool] = []
        put = journal.vault.put

        def storing(*args: object, **kwargs: object) -> object:
            entry = put(*args, **kwargs)  # type: ignore[arg-type]

            def try_lock() -> None:
                acquired = journal._lock.acquire(blocking=False)
                free_while_storing.append(acquired)
                if acquired:
                    journal._lock.release()

            other = threading.Thread(target=try_lock)
            other.start()
            other.join()
            return entry

        journal.vault.put = storing  # type: ignore[method-assign, assignment]
        journal.save(Reflection("Now about hiring instead", first.written_at, record_id=first.saved_id))
        assert free_while_storing == [False]


@pytest.mark.parametrize("in_a_transaction", [False, True], ids=["own", "inside a transaction"])
def test_records_saved_in_bulk_are_searched_from_the_cache_without_decrypting_them(
    journal_path: Path, in_a_transaction: bool
) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    start = datetime(2026, 9, 1, 9, 0)
    with journal:
        theme = journal.save(Theme("Delegation"))
        imported = [Reflection(f"Imported {n}: a talk with Zoë", start + timedelta(hours=n)) for n in range(30)]
        if in_a_transaction:
            with journal.transaction("import"):
                saved = journal.save_many(imported)
        else:
            saved = journal.save_many(imported)
    with reopen(journal_path) as reopened:
        documents = cached_documents(reopened.vault)
        assert {bytes.fromhex(value.saved_id) for value in saved} <= set(documents)
        assert bytes.fromhex(theme.saved_id) not in documents  # saved alone: the next search adds it
        decrypted = _decrypted_reflections(reopened)
        hits = reopened.search('"imported 7:"')
        assert [hit.record_id for hit in hits] == [saved[7].saved_id]
        assert sum(decrypted) == 1  # only the hit, for its snippet: the other 29 came from the cache
        assert len(reopened.search("zoe", limit=None)) == 30


def test_records_of_a_bulk_save_that_rolls_back_leave_nothing_in_the_cache(journal_path: Path) -> None:
    journal, _ = Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS, clock=CLOCK)
    with journal:
        with pytest.raises(RuntimeError), journal.transaction("import"):
            journal.save_many([Reflection("Never kept", datetime(2026, 9, 1, 9, 0))])
            raise RuntimeError("the import stops halfway")
        journal.save_many([Reflection("Kept", datetime(2026, 9, 2, 9, 0))])
    with reopen(journal_path) as reopened:
        assert len(cached_documents(reopened.vault)) == 1
        assert [hit.snippet for hit in reopened.search("kept")] == ["Kept"]
        assert reopened.search("never") == []


ONE_OFF_QUERIES = (
    "cafe",
    "zoe strasse",
    '"talk with"',
    "entry 7",
    '"entry 3" OR hiring',
    "zoe -strasse",
    "",
    "nothing",
)


def test_a_search_made_once_finds_what_the_kept_index_finds_and_is_not_kept(journal_path: Path) -> None:
    first = fill(journal_path)[0]
    with reopen(journal_path) as journal:  # a record the cache holds at an older revision, and one it lacks
        journal.save(Reflection("Now about hiring at the café", first.written_at, record_id=first.saved_id))
        journal.save(Reflection("Hiring Zoë", first.written_at))
        kept = {query: results(journal, query) for query in ONE_OFF_QUERIES}
        theme = journal.all(Theme)[0].saved_id
        narrowing = (
            SearchFilters(theme_id=theme),
            SearchFilters(not_themes=frozenset({theme}), kinds=frozenset({"reflection"})),
        )
        filtered = [results(journal, "zoe", filters) for filters in narrowing]
    for query in ONE_OFF_QUERIES:
        with reopen(journal_path) as journal:
            once = [(hit.record_id, hit.snippet) for hit in journal.search(query, limit=None, once=True)]
            assert once == kept[query], query
            assert journal._search is None  # made for that query alone
    for filters, expected in zip(narrowing, filtered, strict=True):
        with reopen(journal_path) as journal:
            once = [(hit.record_id, hit.snippet) for hit in journal.search("zoe", filters, limit=None, once=True)]
            assert once == expected and expected
    with reopen(journal_path) as journal:
        decrypted = _decrypted_reflections(journal)
        assert journal.search("nothing", once=True) == []
        assert sum(decrypted) == 0  # the cache was brought up to date by the searches before
    assert len(kept["cafe"]) == 40 and first.saved_id in dict(kept['"entry 3" OR hiring'])
    assert kept["nothing"] == [] and len(kept[""]) == 42  # the theme too


def test_an_index_made_for_one_query_answers_no_other() -> None:
    index = SearchIndex(narrowed_to=["cafe"])
    index.search("café -zoe")  # the same terms must hold
    with pytest.raises(ValueError, match="narrowed"):
        index.search("zoe")
