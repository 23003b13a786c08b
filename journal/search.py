"""Full-text search over everything private, in memory after unlock: case- and accent-insensitive,
combinable filters by engagement, theme, goal, person and date range.

Nothing is indexed on disk in clear (an index would leak words). The journal builds a
`SearchIndex` the first time it is needed, from decrypted values and from the sealed search
cache (`journal.vault`), and keeps it up to date.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from journal.dates import DateRange
from journal.models import (
    Action,
    CheckIn,
    ConfidentialTerm,
    Draft,
    Engagement,
    ExportRecord,
    Goal,
    LintDismissal,
    Model,
    Person,
    Preferences,
    Reflection,
    Session,
    Template,
    Theme,
)
from journal.text import ELLIPSIS, Folded, fold
from journal.vault import SearchPage

normalize = fold
"""The fold search matches with, under the name the journal's other modules know it by: `journal.text.fold`,
the export linter's fold too, so that searching "lukasz" finds "Łukasz" as the linter flags it."""


_TERM = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Query:
    """What a search asks for: each group holds terms of which one must match, and no excluded term may."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def terms(self) -> list[str]:
        """Every term that may match, for snippets."""
        return [term for group in self.groups for term in group]

    def matches(self, folded: str) -> bool:
        """Whether a document's folded text answers the query."""
        return all(any(term in folded for term in group) for group in self.groups) and not any(
            term in folded for term in self.excluded
        )


def parse_query(query: str) -> Query:
    """Read a query: words or "quoted phrases", every one of which must match; `OR` between two terms lets
    either match; a term written `-word` (or `-"a phrase"`) must not. Case and accents are ignored; a hyphen
    inside a word ("self-esteem") is part of it."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    either = False
    for minus, phrase, word in _TERM.findall(query):
        if word == "OR" and groups:
            either = True
            continue
        negated = bool(minus) or (word.startswith("-") and len(word) > 1)
        term = fold((phrase if minus or phrase else word.removeprefix("-") if negated else word).strip())
        if not term:
            continue
        if negated:
            excluded.append(term)
        elif either:
            groups[-1].append(term)
        else:
            groups.append([term])
        either = False
    return Query(tuple(tuple(group) for group in groups), tuple(excluded))


def query_terms(query: str) -> list[str]:
    """The normalised terms a query looks for (see `parse_query`), without those it excludes."""
    return parse_query(query).terms


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search; every filter given must hold (they combine with AND)."""

    engagement_id: str | None = None
    theme_id: str | None = None
    all_themes: frozenset[str] = frozenset()
    """Linked to every one of these themes (beside `theme_id`)."""
    any_themes: frozenset[str] = frozenset()
    """Linked to at least one of these themes (when any are given)."""
    not_themes: frozenset[str] = frozenset()
    """Linked to none of these themes."""
    goal_id: str | None = None
    person_id: str | None = None
    dates: DateRange | None = None
    kinds: frozenset[str] = frozenset()
    """Only these kinds of record (empty: all)."""


NO_FILTERS = SearchFilters()


@dataclass(frozen=True)
class SearchHit:
    """One record that matched, with what a result list shows."""

    kind: str
    record_id: str
    day: date | None
    title: str
    snippet: str
    """A short extract of the text around the first match (or its start)."""


@dataclass(frozen=True)
class _Document:
    kind: str
    record_id: str
    day: date | None
    title: str
    text: str | None
    """The original text, for snippets; None when the document came from the search cache."""
    folded: str
    engagement_id: str | None
    """The engagement the record names itself (for an engagement, its own id); see `SearchIndex._engagement_of`."""
    links: frozenset[str] = field(default_factory=frozenset)
    """Ids of the themes, goals and people the record is linked to."""
    when: datetime = datetime.min
    """What orders results: the day, and for a reflection the time it was written (several a day)."""
    session_id: str | None = None
    """For a reflection or an action: its session, whose engagement is the record's."""
    goal_id: str | None = None
    """For a check-in or an action: its goal, whose engagement is the record's when it has no session."""


_SEPARATOR = "\x1f"
"""Separates a cached document's fields (the ASCII unit separator)."""
_SEPARATOR_BYTE = _SEPARATOR.encode("ascii")
_CACHED_FIELDS = 9
"""Fields of a cached document: kind, day, title, folded text, engagement, session, goal, links, time."""


def must_terms(query: str) -> list[str]:
    """The terms every hit of `query` holds (those not offered with `OR`): what narrows which cached documents are
    worth parsing."""
    return [group[0] for group in parse_query(query).groups if len(group) == 1]


class SearchIndex:
    """Decrypted, folded text of every record, kept in memory while the journal is unlocked.

    Args:
        narrowed_to: for an index made for one search alone (a command's): the terms its every hit holds
            (`must_terms`). Documents from the search cache that lack one are passed over, and pages are not
            kept, so the index holds only what could match instead of a copy of the journal's text.
    """

    def __init__(self, narrowed_to: list[str] | None = None) -> None:
        self._narrowed_to = narrowed_to
        self._current_in_cache: set[bytes] = set()
        """For a narrowed index: every record whose current document the cache held (see `has_cached`)."""
        self._documents: dict[str, _Document] = {}
        self._pages: dict[int, SearchPage] = {}
        """Pages of the search cache by number, holding only documents still to be found (see `add_cached`)."""
        self._unparsed: dict[bytes, int] = {}
        """Records indexed from the cache and not parsed yet: raw id → place of its document in its page."""
        self._page_of: dict[bytes, int] = {}
        """Records whose document `_pages` holds, parsed or not: raw id → the page's number."""
        self._session_engagement: dict[str, str] = {}
        self._goal_engagement: dict[str, str | None] = {}
        self._people: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._documents) + len(self._unparsed)

    def add(self, values: Iterable[Model]) -> None:
        """Index (or re-index) saved values. Sessions and goals should come before what links to them."""
        for value in values:
            if value.record_id is None:
                raise ValueError("only saved values can be indexed")
            if isinstance(value, Session):
                self._session_engagement[value.record_id] = value.engagement_id
            elif isinstance(value, Goal):
                self._goal_engagement[value.record_id] = value.engagement_id
            elif isinstance(value, Person):
                self._people[value.record_id] = tuple(fold(name) for name in value.names)
            self._forget_cached(value.record_id)
            document = self._document(value)
            if document is not None:
                self._documents[value.record_id] = document

    def _engagement_of(self, document: _Document) -> str | None:
        """A record's engagement: its session's, else the one it names, else its goal's (a reflection
        names a session or an engagement, an action a session or a goal, a check-in its goal).

        Resolved when a search filters by engagement, so a session or goal moved to another
        engagement moves what links to it, however the record was indexed.
        """
        if document.session_id is not None and document.session_id in self._session_engagement:
            return self._session_engagement[document.session_id]
        if document.engagement_id is not None:
            return document.engagement_id
        return self._goal_engagement.get(document.goal_id) if document.goal_id is not None else None

    def remove(self, record_id: str) -> None:
        """Forget a deleted or purged record."""
        self._documents.pop(record_id, None)
        self._forget_cached(record_id)
        self._people.pop(record_id, None)

    def search(
        self,
        query: str,
        filters: SearchFilters = NO_FILTERS,
        limit: int | None = 50,
        original_texts: Callable[[list[str]], dict[str, str]] | None = None,
    ) -> list[SearchHit]:
        """Records matching every term of `query` (all records if it is blank) and every filter, newest first.

        Args:
            query: words or "quoted phrases", `OR` and `-word` (see `parse_query`); case and accents are ignored.
            filters: narrow by engagement, theme, goal, person, date range, kinds.
            limit: at most this many hits (None for all).
            original_texts: fetches the original text of records indexed from the cache, for snippets.
        """
        parsed = parse_query(query)
        terms = parsed.terms
        if self._narrowed_to is not None and must_terms(query) != self._narrowed_to:
            raise ValueError("an index narrowed to some terms answers only a query that must hold them")
        self._parse_candidates(must_terms(query))
        person_names = self._people.get(filters.person_id, ()) if filters.person_id else ()
        hits = [
            document
            for document in self._documents.values()
            if parsed.matches(document.folded) and self._passes(document, filters, person_names)
        ]
        hits.sort(key=lambda document: (document.when, document.record_id), reverse=True)
        chosen = hits if limit is None else hits[:limit]
        missing = [doc.record_id for doc in chosen if doc.text is None]
        originals = original_texts(missing) if missing and original_texts is not None else {}

        def extract(doc: _Document) -> str:
            return snippet(originals.get(doc.record_id, doc.text) or "", terms)

        return [SearchHit(doc.kind, doc.record_id, doc.day, doc.title, extract(doc)) for doc in chosen]

    # --- the sealed search cache (see `journal.vault`, its FORMAT.md) ------------------------------

    def cached_form(self, record_id: str) -> bytes | None:
        """The document of an indexed record as the search cache stores it (no original text).

        Its fields are read back by `_parse_cached`; changing them needs a new `journal.vault` page layout.
        """
        document = self._documents.get(record_id)
        if document is None:
            return None
        # The record's own links, not the engagement resolved through its session: a session can move to
        # another engagement without the reflection's revision changing.
        fields = (
            document.kind,
            document.day.isoformat() if document.day else "",
            document.title,
            document.folded,
            document.engagement_id or "",
            document.session_id or "",
            document.goal_id or "",
            " ".join(sorted(document.links)),
            document.when.isoformat(),
        )
        # The unit separator cannot occur in stored text: control characters are removed when values are made.
        return _SEPARATOR.join(fields).encode("utf-8")

    def add_cached(self, number: int, page: SearchPage, current: Mapping[bytes, int]) -> None:
        """Index the documents of search-cache page `number` that were made from their record's current revision.

        Only for records not indexed otherwise. A document is parsed only when a search could
        match it: parsing every document of a large journal (about 10 µs each) was most of its
        first search. The page is kept without the documents that are not to be found (an older
        revision's text, a purged record's) so they do not stay in memory while the journal is open;
        the empty documents of kinds search decrypts or does not need (see `journal.vault`'s FORMAT.md)
        hold nothing, so a page holding only those besides its wanted ones is kept as it is.

        Args:
            current: each record that should be found (raw id) → its current revision.
        """
        pairs = zip(page.ids, page.revisions, strict=True)
        found = [current.get(record_id) == revision for record_id, revision in pairs]
        wanted = list(itertools.compress(range(len(found)), found))
        bounds = page.bounds
        if len(wanted) < len(found) and any(
            bounds[index] != bounds[index + 1] for index, kept in enumerate(found) if not kept
        ):
            page = page.subset(wanted)
            wanted = list(range(len(wanted)))
        if page.data.count(_SEPARATOR_BYTE, page.bounds[0]) != (_CACHED_FIELDS - 1) * len(wanted):
            return  # documents with other fields (only a bug writes them): rebuilt from the records instead
        ids = [page.ids[index] for index in wanted]
        if self._narrowed_to is not None:
            self._current_in_cache.update(ids)
            wanted_here = set(wanted)
            for index in _containing(page, [term.encode("utf-8") for term in self._narrowed_to]):
                if index in wanted_here:
                    self._parse_into_documents(page, index)
            return
        self._pages[number] = page
        self._unparsed.update(zip(ids, wanted, strict=True))
        self._page_of.update(dict.fromkeys(ids, number))

    @property
    def keeps_pages(self) -> bool:
        """Whether the index keeps the cache's pages (every search but a narrowed index's)."""
        return self._narrowed_to is None

    def has_cached(self, record_id: bytes) -> bool:
        """Whether a record (raw id) was indexed from the cache and not re-indexed or removed since."""
        return record_id in self._unparsed or record_id in self._current_in_cache

    def _forget_cached(self, record_id: str) -> None:
        """Drop a record's cached document, from memory too: it was re-indexed from its value, or removed."""
        try:
            raw_id = bytes.fromhex(record_id)
        except ValueError:
            return  # not a record id the cache could hold
        self._unparsed.pop(raw_id, None)
        self._current_in_cache.discard(raw_id)
        number = self._page_of.pop(raw_id, None)
        if number is None:
            return
        page = self._pages[number]
        page = page.subset(index for index, other in enumerate(page.ids) if other != raw_id)
        self._pages[number] = page
        for index, other in enumerate(page.ids):
            if other in self._unparsed:
                self._unparsed[other] = index

    def _parse_candidates(self, terms: list[str]) -> None:
        """Parse the cached documents that could match every term (all of them for no terms)."""
        if not self._unparsed:
            return
        encoded = [term.encode("utf-8") for term in terms]
        chosen = [
            (page, index)
            for page in self._pages.values()
            for index in _containing(page, encoded)
            if self._unparsed.get(page.ids[index]) == index
        ]
        for page, index in chosen:
            del self._unparsed[page.ids[index]]
            self._parse_into_documents(page, index)

    def _parse_into_documents(self, page: SearchPage, index: int) -> None:
        record_id = page.ids[index].hex()
        with contextlib.suppress(ValueError):  # only a bug writes an unreadable document: it is left out
            self._documents[record_id] = self._parse_cached(record_id, page.document(index))

    def _parse_cached(self, record_id: str, cached: bytes) -> _Document:
        kind, day, title, folded, engagement, session, goal, links, when = cached.decode("utf-8").split(_SEPARATOR)
        return _Document(
            kind,
            record_id,
            date.fromisoformat(day) if day else None,
            title,
            None,
            folded,
            engagement or None,
            frozenset(links.split()),
            datetime.fromisoformat(when),
            session or None,
            goal or None,
        )

    @staticmethod
    def cached_places(page: SearchPage, current: Mapping[bytes, int]) -> Iterator[tuple[bytes, str | None, str | None]]:
        """Where the reflections whose documents a search-cache page holds belong, as (raw id, session id,
        engagement id), for each document made from its record's current revision: read from the document's
        last fields alone, without parsing its text (see `journal.outline`). A document in another form is
        passed over, for the caller to decrypt the record instead.

        Args:
            current: each reflection (raw id) → its current revision.
        """
        reflection = Reflection.KIND.encode("ascii") + _SEPARATOR_BYTE
        for index, (record_id, revision) in enumerate(zip(page.ids, page.revisions, strict=True)):
            if current.get(record_id) != revision:
                continue
            document = page.document(index)
            if not document.startswith(reflection) or document.count(_SEPARATOR_BYTE) != _CACHED_FIELDS - 1:
                continue
            _, engagement, session, _goal, _links, _when = document.rsplit(_SEPARATOR_BYTE, 5)
            try:
                yield record_id, session.decode("ascii") or None, engagement.decode("ascii") or None
            except UnicodeDecodeError:  # not ids (only a bug writes that): the record is decrypted instead
                continue

    def _passes(self, document: _Document, filters: SearchFilters, person_names: tuple[str, ...]) -> bool:
        if filters.kinds and document.kind not in filters.kinds:
            return False
        if filters.engagement_id and self._engagement_of(document) != filters.engagement_id:
            return False
        if filters.dates is not None and (document.day is None or document.day not in filters.dates):
            return False
        for linked in (filters.theme_id, filters.goal_id, *filters.all_themes):
            if linked and linked not in document.links and linked != document.record_id:
                return False
        if filters.any_themes and not (filters.any_themes & document.links or document.record_id in filters.any_themes):
            return False
        if filters.not_themes & document.links or document.record_id in filters.not_themes:
            return False
        if filters.person_id and filters.person_id not in document.links:
            # An unlinked mention by name counts too (text typed before the person existed, or
            # imported), in words or as `@Anna_Lee`.
            return filters.person_id == document.record_id or any(
                re.search(rf"\b{_words(name)}\b", document.folded) for name in person_names
            )
        return True

    def _document(self, value: Model) -> _Document | None:
        record_id = value.record_id or ""
        texts = _texts(value)
        match value:
            case Reflection():
                links = frozenset(value.theme_ids + value.person_ids + value.goal_ids)
                document = self._make(value, value.day, value.heading(), texts, value.engagement_id, links)
                return dataclasses.replace(document, when=value.written_at, session_id=value.session_id)
            case Session():
                return self._make(value, value.held_on, f"Session {value.number}", texts, value.engagement_id)
            case Engagement():
                return self._make(value, value.starts_on, value.title, texts, record_id)
            case Goal():
                return self._make(value, None, value.title, texts, value.engagement_id)
            case CheckIn():
                title = f"Check-in {value.rating}/10"
                document = self._make(value, value.rated_on, title, texts, None, frozenset({value.goal_id}))
                return dataclasses.replace(document, goal_id=value.goal_id)
            case Action():
                links = frozenset({value.goal_id} if value.goal_id else ())
                document = self._make(value, value.due_on or value.created_on, value.text, texts, None, links)
                return dataclasses.replace(document, session_id=value.session_id, goal_id=value.goal_id)
            case Theme():
                return self._make(value, None, value.label, texts)
            case Person():
                return self._make(value, None, value.name, texts)
            case Template() | Draft() | Preferences() | ConfidentialTerm() | LintDismissal() | ExportRecord():
                return None  # not journal content: nothing to find

    @staticmethod
    def _make(
        value: Model,
        day: date | None,
        title: str,
        texts: list[str],
        engagement_id: str | None = None,
        links: frozenset[str] = frozenset(),
        when: datetime | None = None,
    ) -> _Document:
        text = "\n".join(part for part in texts if part)  # as `searchable_text` joins them
        when = when or datetime.combine(day or date.min, time())
        return _Document(value.KIND, value.record_id or "", day, title, text, fold(text), engagement_id, links, when)


def _containing(page: SearchPage, terms: list[bytes]) -> Iterator[int]:
    """The documents of a page whose bytes hold every term (all of them for no terms).

    The first term is looked for in the whole page at once, jumping to the next document after
    each hit, and only those documents are checked for the others. A hit may lie in another field
    than the folded text, or run into the next document; search checks the parsed document, so
    this only has to miss nothing, and UTF-8 keeps a substring of a text a substring of its bytes.
    """
    bounds, data = page.bounds, page.data
    if not terms:
        yield from range(len(page.ids))
        return
    first, *others = terms
    position = data.find(first, bounds[0])
    while position != -1:
        index = bisect.bisect_right(bounds, position) - 1
        start, end = bounds[index], bounds[index + 1]
        if all(data.find(term, start, end) != -1 for term in others):
            yield index
        position = data.find(first, end)


def _texts(value: Model) -> list[str]:
    """The private text fields of a value that search looks in (none for settings and logs)."""
    match value:
        case Reflection():
            return [value.title, value.text]
        case Session():
            return [value.agenda]
        case Engagement():
            return [value.title, value.coach, value.sponsor, value.agreement.confidentiality_note]
        case Goal():
            return [value.title, value.sponsor_wording, value.success_criteria]
        case CheckIn():
            return [value.note, value.sponsor_statement]
        case Action():
            return [value.text]
        case Theme():
            return [*value.names, value.sponsor_wording, value.description]
        case Person():
            return [*value.names, value.note]
        case _:
            return []


def searchable_text(value: Model) -> str:
    """What search matches and quotes from a value: its private text fields, one per line."""
    return "\n".join(part for part in _texts(value) if part)


def _words(name: str) -> str:
    """A pattern for a folded name whose words may be separated by spaces or underscores."""
    return r"[\s_]+".join(re.escape(word) for word in name.split())


SNIPPET_WIDTH = 90
"""Characters of context shown around a match."""


MARKUP_AT_LINE_START = re.compile(r"^[ \t]{0,3}(?:#{1,6}|>|[-*+]|\d+[.)])[ \t]+", re.MULTILINE)
"""Markdown's heading, quote and list marks, which say nothing in a one-line extract."""
EMPHASIS_MARKS = re.compile(r"\*\*|__|`")


def snippet(text: str, terms: list[str], width: int = SNIPPET_WIDTH) -> str:
    """A one-line extract of `text` around the first match of any term (or its start when none match), read as
    words: Markdown's marks left out."""
    folded = Folded.of(text)
    positions = [found for term in terms if (found := folded.folded.find(term)) >= 0]
    centre = folded.origin[min(positions)] if positions else 0
    begin = max(0, centre - width // 3)
    words = EMPHASIS_MARKS.sub("", MARKUP_AT_LINE_START.sub("", text[begin : begin + width]))
    extract = " ".join(words.split())
    return (ELLIPSIS if begin else "") + extract + (ELLIPSIS if begin + width < len(text) else "")


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the terms a query looks for appear in `text` (case and accents ignored, as search matches them), as
    (start, end) spans of `text` in order, overlapping ones joined: what a result list highlights."""
    terms = [term for term in parse_query(query).terms if term]
    if not terms:
        return []
    folded = Folded.of(text)
    spans = []
    for term in terms:
        start = folded.folded.find(term)
        while start >= 0:
            spans.append(folded.span(start, start + len(term)))
            start = folded.folded.find(term, start + len(term))
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined
