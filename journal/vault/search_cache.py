"""The search cache's storage: its sealed pages (format in `search_pages`), read whole or a few at a time,
written only with documents made from a record's current revision, and emptied of what a purge or a
prune removes. Derived data: a page that fails to open is simply absent, and rebuilt by the caller."""

from __future__ import annotations

import collections
import contextlib
import sqlite3
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING

import crypto
from journal.errors import DamagedJournal, DamagedRecord
from journal.vault import search_pages
from journal.vault.database import sqlite_errors
from journal.vault.file import JournalFile
from journal.vault.index import SealedIndex
from journal.vault.keyring import KeyRing
from journal.vault.schema import SEARCH_PAGES_TABLE, create_derived_table, has_table
from journal.vault.search_pages import SearchDocuments, SearchPage

if TYPE_CHECKING:
    from concurrent.futures import Future

_READ_PAGES = "SELECT page, CAST(envelope AS BLOB) FROM search_pages"
_WRITE_PAGE = (
    "INSERT INTO search_pages (page, envelope) VALUES (?, ?) "
    "ON CONFLICT (page) DO UPDATE SET envelope = excluded.envelope"
)
_ACTION = "read the search cache"


class SearchCache:
    """The `search_pages` table of an open journal."""

    def __init__(self, file: JournalFile, keyring: KeyRing, index: SealedIndex) -> None:
        self._file = file
        self._keyring = keyring
        self._index = index

    def cached_pages(self) -> dict[int, SearchPage]:
        """Every page of the sealed search cache that opens, by number.

        A page that is missing, or fails to open (damaged, sealed under a key since rotated, or in an
        older layout), is simply absent, and so is the whole cache when SQLite finds the table itself
        damaged: the caller rebuilds those documents from the records.
        """
        with self._file.mutex:
            try:
                opened = self._open_pages()
            except DamagedJournal:  # the table's own SQLite pages are damaged: derived data, rebuilt from records
                return {}
            return {number: page for number, page in opened.items() if page is not None}

    def pages_one_at_a_time(self) -> Iterator[SearchPage]:
        """Every page of the sealed search cache that opens, read and opened one at a time: for a caller that
        keeps only a little of each page, so that only one is held at once (a large journal's cache is as large
        as its text), and that leaves the file to other threads between pages (the screen's own reads)."""
        for number in range(search_pages.PAGE_COUNT):
            with self._file.mutex:
                try:
                    page = self._open_pages({number}).get(number)
                except DamagedJournal:  # the table's own SQLite pages are damaged: as in `cached_pages`
                    return
            if page is not None:
                yield page

    def store_documents(self, documents: SearchDocuments) -> None:
        """Add or replace documents in the search cache; each touched page is re-sealed once.

        Documents made from anything but a record's current revision are dropped here, under the
        lock: one made before a purge or an edit that raced with it must not bring the old text back.
        Every page is written, empty ones too, so which pages exist says nothing of which ids are
        searchable.

        Raises:
            StorageError, JournalBusy: the cache could not be written (the journal is unchanged).
        """
        with self._file.mutex:
            search_key = self._keyring.keys().search
            by_page: dict[int, SearchDocuments] = {}
            for record_id, (revision, document) in documents.items():
                entry = self._index.find(record_id)
                if entry is not None and entry.revision == revision and not entry.deleted:
                    place = search_pages.search_page_of(search_key, record_id)
                    by_page.setdefault(place, {})[record_id] = (revision, document)
            if not by_page:
                return
            # Only the pages that change are opened; pages never written are written empty.
            current = self._documents_of(set(by_page))
            with self._file.transaction("save the search cache") as connection:
                create_derived_table(connection, SEARCH_PAGES_TABLE)
                existing = {page for (page,) in connection.execute("SELECT page FROM search_pages")}
                for page in range(search_pages.PAGE_COUNT):
                    if page in by_page or page not in existing:
                        merged = {**current.get(page, {}), **by_page.get(page, {})}
                        _write_page(connection, search_key, page, merged)

    def forget_document(self, connection: sqlite3.Connection, raw_id: bytes, below_revision: int | None) -> None:
        """Drop a record's document from the cache (all of it, or if made from a revision below the one given),
        in the caller's transaction: purged and pruned text must not live on in the cache. A page that
        fails to open (damaged, or in an older layout) might hold it: it is written empty."""
        number = search_pages.search_page_of(self._keyring.keys().search, raw_id)
        opened = self._open_pages({number})
        if number not in opened:
            return  # no such page
        page = opened[number]
        documents = page.documents() if page is not None else {}
        if page is not None:
            found = documents.get(raw_id)
            if found is None or (below_revision is not None and found[0] >= below_revision):
                return
            del documents[raw_id]
        _write_page(connection, self._keyring.keys().search, number, documents)

    def drop(self, connection: sqlite3.Connection) -> None:
        """Delete every page in the caller's transaction (a rotation: none stays under the old key)."""
        if has_table(connection, SEARCH_PAGES_TABLE):
            connection.execute("DELETE FROM search_pages")

    def page_rows(self, pages: set[int] | None = None) -> Generator[tuple[int, object]]:
        """The cache's page envelopes with their numbers, as SQLite reads them: all of them, or only those
        asked for (a draft's prune every few seconds must not read the whole cache)."""
        with sqlite_errors(_ACTION):
            if not has_table(self._file.db(), SEARCH_PAGES_TABLE):
                return  # a journal made before the cache existed: it is created on first save
        if pages is None:
            yield from self._file.rows(_READ_PAGES, action=_ACTION)
            return
        query = f"{_READ_PAGES} WHERE page IN ({', '.join('?' * len(pages))})"
        yield from self._file.rows(query, sorted(pages), action=_ACTION)

    def _open_pages(self, pages: set[int] | None = None) -> dict[int, SearchPage | None]:
        """The cache's pages (all of them, or those asked for) by number; None for one that fails to open.

        The caller holds the mutex. The whole cache is opened in two threads while SQLite reads the
        next pages (see `_opened_in_two_threads`); the few pages a save or a purge needs, here.
        """
        open_page = self._page_opener()
        rows = self.page_rows(pages)
        if pages is not None:
            return {number: open_page(number, envelope) for number, envelope in rows}
        return dict(_opened_in_two_threads(open_page, rows))

    def _page_opener(self) -> Callable[[int, object], SearchPage | None]:
        """Opens one page's envelope under the search subkey; None for one that fails to open."""
        search_key = self._keyring.keys().search

        def open_page(number: int, envelope: object) -> SearchPage | None:
            try:
                plaintext = crypto.open_envelope(
                    search_key, envelope, SEARCH_PAGES_TABLE, search_pages.page_id(number), 0
                )
                return search_pages.decode_page(plaintext)
            except (DamagedRecord, ValueError):
                return None

        return open_page

    def each_page(self) -> Generator[tuple[int, SearchPage]]:
        """Every page that opens, by number, as `cached_pages` reads them (two threads, the file held throughout)
        but handed over one at a time, for a caller that keeps only a little of each: a search made once (a
        command) holds a few pages at a time instead of a copy of the journal's text. The file stays held until the
        last page is taken or the generator is closed: close it (`contextlib.closing`) if the loop can stop early."""
        with (
            self._file.mutex,
            contextlib.closing(_opened_in_two_threads(self._page_opener(), self.page_rows())) as pages,
        ):
            try:
                for number, page in pages:
                    if page is not None:
                        yield number, page
            except DamagedJournal:  # the table's own SQLite pages are damaged: as in `cached_pages`
                return

    def _documents_of(self, pages: set[int]) -> dict[int, SearchDocuments]:
        """The documents of these pages; a page that fails to open has none (they are rebuilt as found stale)."""
        opened = self._open_pages(pages)
        return {number: page.documents() if page is not None else {} for number, page in opened.items()}


def _opened_in_two_threads(
    open_page: Callable[[int, object], SearchPage | None], rows: Generator[tuple[int, object]]
) -> Generator[tuple[int, SearchPage | None]]:
    """Open search-cache pages in two threads while SQLite reads the next rows, yielding them in order with at
    most `_IN_FLIGHT` opened ahead of the one the caller is at.

    libsodium, zlib and SQLite let go of Python's lock while they work, so on two cores loading the whole
    cache takes about two thirds of the time it takes in one thread. The threads touch only the
    envelopes and the key, never the connection.
    """
    from concurrent.futures import ThreadPoolExecutor  # imported by the commands that search, not by every one

    with contextlib.closing(rows), ThreadPoolExecutor(max_workers=2, thread_name_prefix="candour-search") as pool:
        opening: collections.deque[tuple[int, Future[SearchPage | None]]] = collections.deque()
        try:
            for number, envelope in rows:
                opening.append((number, pool.submit(open_page, number, envelope)))
                if len(opening) > _IN_FLIGHT:
                    number, future = opening.popleft()
                    yield number, future.result()
            while opening:
                number, future = opening.popleft()
                yield number, future.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # a failed read or Ctrl-C need not wait for pages nobody will use
            raise


_IN_FLIGHT = 4
"""Pages opened ahead while a caller goes through the cache one page at a time (see `SearchCache.each_page`):
enough to keep both threads busy, few enough that only a few pages are held at once."""


def _write_page(connection: sqlite3.Connection, search_key: bytes, page: int, documents: SearchDocuments) -> None:
    envelope = crypto.seal(
        search_key, search_pages.encode_page(documents), SEARCH_PAGES_TABLE, search_pages.page_id(page), 0
    )
    connection.execute(_WRITE_PAGE, (page, envelope))
