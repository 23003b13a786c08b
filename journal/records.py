"""The journal's records and what it holds of them in memory: saving, reading, history, deletion and
transactions over the encrypted vault, with the one rule for links between records.

Small kinds (engagements, sessions, goals, ...) are decrypted once, on first use, and cached.
Reflections can number tens of thousands, so listing the latest ones decrypts only those.
`RecordStore` is the base `Journal` is built on (see journal/store.py); writing and queries add to it.
"""

from __future__ import annotations

import calendar
import contextlib
import itertools
import operator
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, time
from typing import Self, TypeVar, cast

from journal import codec
from journal.clock import Clock, SystemClock
from journal.errors import DamagedJournal, InvalidInput, RecordInUse, RecordNotFound
from journal.models import LINK_FIELDS, Model, Reflection, Session
from journal.outline import Outline
from journal.search import SearchIndex
from journal.vault import IndexEntry, Vault

M = TypeVar("M", bound=Model)

MIN_ID_PREFIX = 4
"""Shortest id prefix accepted where a user types an id (`candour show 3f9a`)."""


def sort_key(value: Model) -> int:
    """The sealed index's ordering key: seconds since 1970 of the value's date (local wall clock)."""
    moment = value.sort_key
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    return calendar.timegm(moment.timetuple())


class RecordStore:
    """Typed records over an unlocked vault, cached once decrypted. The base of `Journal`.

    Args:
        vault: the unlocked vault it stores values in.
        clock: where "today" comes from (fixed in tests).
    """

    def __init__(self, vault: Vault, clock: Clock | None = None) -> None:
        self.vault = vault
        self.clock: Clock = clock or SystemClock()
        self._cache: dict[str, dict[str, Model]] = {}
        self._search: SearchIndex | None = None
        """The search index once `Queries` has built it: every save and deletion here keeps it current."""
        self._outline: Outline | None = None
        """Where each reflection belongs, once `Queries.place_reflections` has learnt it: kept current the same way."""
        self._touched: set[str] | None = None
        """Ids saved or forgotten inside the current `transaction` (None outside one): what to read again
        from the file if it rolls back."""
        # The app loads and searches in worker threads while the screen reads: one load at a time.
        self._lock = threading.RLock()
        self.unreadable: dict[str, DamagedJournal] = {}
        """Records found damaged while reading many (a list, a search, an export), by id: they were left out
        and the rest shown; `unreadable_summary` says so to the user."""

    def close(self) -> None:
        """Lock: drop every decrypted value and close the file."""
        with self._lock:
            self._cache.clear()
            self._search = None
            self._outline = None
            self.vault.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- saving and reading -----------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, action: str) -> Iterator[None]:
        """Make everything saved, deleted or purged inside the block one transaction: one user action
        (a reflection with its new themes, people and actions; an import) is stored whole or not at all.

        If the block fails, the file is as it was and so is every value held in memory.

        Args:
            action: what the user is doing, for the message if the disk refuses it ("save the reflection").
        """
        with self._lock:
            outer = self._touched is None
            if outer:
                self._touched = set()
            try:
                with self.vault.batch(action):
                    yield
            except BaseException:
                if outer:
                    self._transaction_ended(committed=False)
                    self._reload_touched()
                raise
            else:
                if outer:
                    self._transaction_ended(committed=True)
            finally:
                if outer:
                    self._touched = None

    def save(self, value: M) -> M:
        """Store a new value, or a new revision of a saved one (older revisions are kept until pruned).

        Returns:
            The value carrying its record id.
        Raises:
            RecordNotFound: the value links to a record that does not exist, or updates one that does not.
        """
        self._check_links(value)
        if isinstance(value, Session):
            self._check_session_number(value)
        if value.record_id is not None and self.vault.entry(value.record_id).kind != value.KIND:
            # The vault would relabel the record, and the cache of its real kind would keep the old value.
            raise RecordNotFound(f"Record {value.record_id} is not a {value.KIND}.")
        # Stored and remembered under the lock, as in a transaction: a search index being built meanwhile
        # must never see a revision in the file whose value it does not hold yet (it seals what it holds in
        # the search cache as that revision's document).
        with self._lock:
            entry = self.vault.put(value.KIND, codec.encode(value), record_id=value.record_id, sort_key=sort_key(value))
            saved = replace(value, record_id=entry.id_hex)
            self._remember([saved])
        return saved

    def save_many(self, values: Iterable[Model]) -> list[Model]:
        """Store many new values in one transaction (imports): all or nothing."""
        pending = list(values)
        for value in pending:
            if value.record_id is not None:
                raise InvalidInput("save_many only stores new values.")
            self._check_links(value)
        with self._lock:  # as in `save`
            entries = self.vault.put_many((value.KIND, codec.encode(value), sort_key(value)) for value in pending)
            saved = [replace(value, record_id=entry.id_hex) for value, entry in zip(pending, entries, strict=True)]
            self._remember(saved, new=True)
            self._saved_in_bulk(list(zip(saved, entries, strict=True)))
            if self._touched is None:  # its own transaction, committed by now
                self._transaction_ended(committed=True)
        return saved

    def _saved_in_bulk(self, saved: list[tuple[Model, IndexEntry]]) -> None:
        """Many records were just stored (an import): `Queries` prepares their search documents."""

    def _transaction_ended(self, *, committed: bool) -> None:
        """The outermost transaction committed, or rolled back: `Queries` seals or drops what it prepared."""

    def get(self, model: type[M], record_id: str) -> M:
        """The current revision of a record, which must be of type `model`.

        Raises:
            RecordNotFound: no such record of that kind (or it is deleted).
        """
        cached = self._cache.get(model.KIND)
        if cached is not None:
            if record_id not in cached:
                raise RecordNotFound(f"There is no {model.KIND} {record_id}.")
            return cast(M, cached[record_id])
        # The full id, as with the cache above: `find` would also accept a prefix.
        record = self.vault.get(record_id)
        value = codec.decode(record.kind, record.payload, record.record_id)
        if not isinstance(value, model):
            raise RecordNotFound(f"Record {record_id} is a {value.KIND}, not a {model.KIND}.")
        return value

    def find(self, id_or_prefix: str) -> Model:
        """The record a user means by an id or an unambiguous id prefix of at least four characters.

        Raises:
            InvalidInput: not an id, too short, or several records match.
            RecordNotFound: nothing matches.
        """
        entry = self._entry_by_prefix(id_or_prefix, deleted=False)
        record = self.vault.get(entry.id_hex)
        return codec.decode(record.kind, record.payload, record.record_id)

    def find_deleted(self, id_or_prefix: str) -> Model:
        """A deleted record by an id or an unambiguous prefix, as it was just before its deletion.

        Raises:
            InvalidInput: not an id, too short, or several deleted records match.
            RecordNotFound: no deleted record matches (purged ones are gone for good).
        """
        return self._before_deletion(self._entry_by_prefix(id_or_prefix, deleted=True))

    def deleted(self) -> list[Model]:
        """Every deleted record that can still be restored, newest first, as it was before its deletion."""
        return [self._before_deletion(entry) for entry in self.vault.entries(include_deleted=True) if entry.deleted]

    def unambiguous_id_length(self, minimum: int) -> int:
        """The fewest hex characters, at least `minimum` (even), that tell every record's id from every other's,
        deleted ones included (they can be restored by prefix): what lists should print.

        Random ids rarely share `minimum` characters, so the common case costs one count of prefixes; only ids
        that share them are sorted and compared (at 50,000 records two sharing eight are likely).
        """
        raw = self.vault.record_ids()
        heads = list(map(operator.itemgetter(slice(0, minimum // 2)), raw))
        counts = Counter(heads)
        if len(counts) == len(raw):
            return minimum
        repeated = {head for head, count in counts.items() if count > 1}
        # Picked out in C: a Python loop over a decade's 220,000 ids took longer than the rest of `candour add`.
        alike = sorted(record_id.hex() for record_id in itertools.compress(raw, map(repeated.__contains__, heads)))
        shared = (_shared_length(before, after) for before, after in itertools.pairwise(alike))
        return max(minimum, max(shared, default=0) + 1)

    def _before_deletion(self, entry: IndexEntry) -> Model:
        record = self.vault.get(entry.id_hex, entry.revision - 1)  # the revision before the tombstone
        return codec.decode(record.kind, record.payload, entry.id_hex)

    def _entry_by_prefix(self, id_or_prefix: str, *, deleted: bool) -> IndexEntry:
        """The index entry of the live (or, with `deleted`, the deleted) record an id or prefix names."""
        wanted = id_or_prefix.strip().lower()
        if len(wanted) < MIN_ID_PREFIX or not re.fullmatch(r"[0-9a-f]+", wanted):
            raise InvalidInput(f"{id_or_prefix!r} is not a record id (give at least {MIN_ID_PREFIX} hex characters).")
        entries = self.vault.entries(include_deleted=deleted)
        matches = [entry for entry in entries if entry.deleted == deleted and entry.id_hex.startswith(wanted)]
        state = "deleted record" if deleted else "record"
        if not matches:
            raise RecordNotFound(f"There is no {state} whose id starts with {wanted}.")
        if len(matches) > 1:
            raise InvalidInput(f"Several {state}s start with {wanted}; type more of the id.")
        return matches[0]

    def all(self, model: type[M]) -> list[M]:
        """Every live value of a kind, newest first (decrypted once, then cached)."""
        values = self._kind(model.KIND).values()
        return sorted(cast(Iterable[M], values), key=sort_key, reverse=True)

    def recent_reflections(self, limit: int = 10) -> list[Reflection]:
        """The latest reflections, decrypting only those (fast in a large journal)."""
        entries = self.vault.recent(Reflection.KIND, limit)
        values = {value.record_id: value for value in self._read_many(entries)}
        return [cast(Reflection, values[entry.id_hex]) for entry in entries if entry.id_hex in values]

    def history(self, record_id: str) -> list[tuple[int, Model | None]]:
        """Every kept revision of a record, oldest first; None marks a deletion."""
        revisions = []
        for revision in self.vault.revisions(record_id):
            record = self.vault.get(record_id, revision)
            value = None if not record.payload else codec.decode(record.kind, record.payload, record_id)
            revisions.append((revision, value))
        return revisions

    def revert(self, record_id: str, revision: int) -> Model:
        """Make an older revision current again (as a new revision): the undo of an accidental edit."""
        record = self.vault.get(record_id, revision)
        if not record.payload:
            raise InvalidInput(f"Revision {revision} of {record_id} is a deletion; use restore instead.")
        return self.save(codec.decode(record.kind, record.payload, record_id))

    def delete(self, record_id: str) -> None:
        """Delete a record, reversibly until purged.

        Raises:
            RecordInUse: other records link to it (they are named); nothing is deleted.
        """
        self._refuse_if_linked(record_id, "delete")
        self.vault.delete(record_id)
        self._forget(record_id)

    def is_deleted(self, record_id: str) -> bool:
        """Whether a record is deleted (and can still be restored)."""
        return self.vault.entry(record_id).deleted

    def restore(self, record_id: str) -> Model:
        """Undo a deletion (a record that is not deleted is left as it is)."""
        self.vault.restore(record_id)
        record = self.vault.get(record_id)
        value = codec.decode(record.kind, record.payload, record_id)
        self._remember([value])
        return value

    def purge(self, record_id: str) -> None:
        """Remove a record and all its revisions for good.

        Raises:
            RecordInUse: other records link to it (they are named); nothing is erased.
        """
        self._refuse_if_linked(record_id, "erase")
        self.vault.purge(record_id)
        self._forget(record_id)

    # --- what is held in memory -------------------------------------------------------------

    def _kind(self, kind: str) -> dict[str, Model]:
        # A kind already held is returned without the lock, which work in the background (placing the reflections
        # after unlock, a search) can hold for a second or more in a large journal: the screen must not wait for it.
        held = self._cache.get(kind)
        if held is not None:
            return held
        with self._lock:
            cached = self._cache.get(kind)
            if cached is None:
                cached = {value.saved_id: value for value in self._read_many(self.vault.entries(kind))}
                self._cache[kind] = cached
            return cached

    def _read_many(self, entries: Iterable[IndexEntry]) -> list[Model]:
        """The current values of many records; a damaged one is left out and noted in `unreadable`."""
        return [
            codec.decode(record.kind, record.payload, record.record_id)
            for record in self.vault.get_many(entries, self.unreadable)
        ]

    def unreadable_summary(self) -> str | None:
        """What to tell the user when records were left out of what they were shown, or None if none was."""
        if not self.unreadable:
            return None
        ids = sorted(self.unreadable)
        named = ", ".join(record_id[:8] for record_id in ids[:10]) + (" and more" if len(ids) > 10 else "")
        count = f"{len(ids)} record{'s' if len(ids) > 1 else ''}"
        return (
            f"{count} could not be read and {'were' if len(ids) > 1 else 'was'} left out ({named}): damaged, or "
            "altered outside Candour. Everything else was read; `candour verify` names each problem."
        )

    def _reload_touched(self) -> None:
        """After a rolled-back transaction: hold the values it touched as the file has them again."""
        touched, self._touched = self._touched or set(), None
        for record_id in touched:
            self._forget(record_id)
            with contextlib.suppress(RecordNotFound):  # created by the rolled-back transaction, or deleted
                record = self.vault.get(record_id)
                self._remember([codec.decode(record.kind, record.payload, record_id)])

    def _remember(self, values: list[Model], *, new: bool = False) -> None:
        """Hold saved values, in the caches of kinds held and in the search index and outline once built; `new`:
        records just created (a bulk save), which the outline need not look for first."""
        with self._lock:
            if self._touched is not None:
                self._touched.update(value.saved_id for value in values)
            for value in values:
                cached = self._cache.get(value.KIND)
                if cached is not None:
                    cached[value.saved_id] = value
            if self._search is not None:
                self._search.add(values)
            if self._outline is not None:
                self._outline.add((value for value in values if isinstance(value, Reflection)), new=new)

    def _forget(self, record_id: str) -> None:
        with self._lock:
            if self._touched is not None:
                self._touched.add(record_id)
            for cached in self._cache.values():
                cached.pop(record_id, None)
            if self._search is not None:
                self._search.remove(record_id)
            if self._outline is not None:
                self._outline.remove(record_id)

    # --- links ------------------------------------------------------------------------------

    def links_to(self, record_id: str) -> list[Model]:
        """The live records (drafts included) that link to `record_id`."""
        # Only the kinds that can link to this one are read: a draft's purge on every save must not
        # decrypt every reflection.
        linking = _LINKED_FROM.get(self.vault.entry(record_id).kind, ())
        return [
            value
            for model in linking
            for value in self.all(model)
            if any(linked == record_id for _, linked in _links(value))
        ]

    def dangling_links(self) -> list[tuple[Model, str, str]]:
        """Links to records that are gone (deleted or purged, e.g. by an older version of Candour): each
        as (the record holding the link, the kind it expects, the missing id)."""
        return [
            (value, model.KIND, linked)
            for kind in _LINKING_KINDS
            for value in self.all(kind)
            for model, linked in _links(value)
            if linked is not None and linked not in self._kind(model.KIND)
        ]

    def _refuse_if_linked(self, record_id: str, doing: str) -> None:
        """The one rule for records others link to: deleting (or erasing) one is refused, naming what links to it,
        so no reflection, session or draft is left pointing at nothing."""
        linking = self.links_to(record_id)
        if not linking:
            return
        counts = Counter(value.KIND for value in linking)
        what = ", ".join(f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in sorted(counts.items()))
        ids = ", ".join(value.saved_id[:8] for value in linking[:5]) + (", ..." if len(linking) > 5 else "")
        raise RecordInUse(
            f"Cannot {doing} {record_id[:8]}: {what} link to it ({ids}). "
            "Delete those, or remove the link from them, first."
        )

    def _check_session_number(self, session: Session) -> None:
        """Refuse a session numbered as another of its engagement: "session 5" must name one session."""
        for other in self.all(Session):
            if (
                other.engagement_id == session.engagement_id
                and other.number == session.number
                and other.saved_id != session.record_id
            ):
                raise InvalidInput(
                    f"This engagement already has a session {session.number} (on {other.held_on:%d %B %Y}): "
                    "give this one another number."
                )

    def _check_links(self, value: Model) -> None:
        """Refuse a value that links to a record that does not exist (or is of the wrong kind)."""
        for model, linked in _links(value):
            if linked is not None and not self._exists(model, linked):
                raise RecordNotFound(f"The linked {model.KIND} {linked} does not exist.")

    def _exists(self, model: type[Model], record_id: str) -> bool:
        """Whether a live record of this kind has this id: from the values held, else from the index alone. A
        draft of an edit links to its reflection, and checking that by decrypting every reflection made the first
        autosave of an edit in a large journal take seconds, and keep them all."""
        held = self._cache.get(model.KIND)
        if held is not None:
            return record_id in held
        try:
            entry = self.vault.entry(record_id)
        except RecordNotFound:  # no such record, or not an id
            return False
        return entry.kind == model.KIND and not entry.deleted


def _links(value: Model) -> list[tuple[type[Model], str | None]]:
    """The records `value` links to, as (their type, their id or None)."""
    links: list[tuple[type[Model], str | None]] = []
    for name, model in LINK_FIELDS.get(type(value), {}).items():
        linked = getattr(value, name)
        links += [(model, one) for one in linked] if isinstance(linked, tuple) else [(model, linked)]
    return links


_LINKING_KINDS: tuple[type[Model], ...] = tuple(LINK_FIELDS)
"""The kinds whose values link to other records."""

_LINKED_FROM: dict[str, tuple[type[Model], ...]] = {
    target.KIND: tuple(model for model, fields in LINK_FIELDS.items() if target in fields.values())
    for target in {target for fields in LINK_FIELDS.values() for target in fields.values()}
}
"""For each kind that others link to, the kinds whose values can hold such a link."""


def _shared_length(first: str, second: str) -> int:
    """How many leading characters two strings share."""
    return sum(1 for _ in itertools.takewhile(lambda pair: pair[0] == pair[1], zip(first, second, strict=False)))
