"""Candour's own personal export (`candour export-all --format json`) read back into a journal: every kind
the coachee made, links re-made to the new records, in one transaction, and never twice.

Records get new ids in the journal they are imported into (`BackupReport.new_ids` says which), so a file can
be imported into any journal. A record already there (the same fields, its links naming the same records) is
not added again, so importing a file twice adds nothing. A theme or person is known by its name: one of the
same name is the same theme or person, and the file's fields fill the ones it has empty; a theme or person
whose fields both hold, differently, is refused rather than losing either.
"""

from __future__ import annotations

import dataclasses
import json
import re
import stat
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from journal import codec
from journal.errors import InvalidInput
from journal.export.personal import PERSONAL_SCHEMA_ID, PERSONAL_SCHEMA_VERSION
from journal.importers import shown_path
from journal.models import (
    LINK_FIELDS,
    LOOSE_LINK_FIELDS,
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
from journal.search import normalize
from journal.store import Journal

IMPORTED_KINDS: tuple[type[Model], ...] = (
    Engagement,
    Template,
    Theme,
    Person,
    ConfidentialTerm,
    Session,
    Goal,
    Reflection,
    CheckIn,
    Action,
    ExportRecord,
    Draft,
)
"""The kinds a personal export brings back, each after every kind it links to (`LINK_FIELDS`)."""

LEFT_OUT_KINDS: dict[str, str] = {
    Preferences.KIND: "settings of the exported journal: this journal keeps its own",
    LintDismissal.KIND: "findings kept in past sponsor summaries: the next summary checks its items afresh",
}
"""Kinds a personal export holds that are not imported, and why: neither is anything the coachee wrote."""

_NAMED: dict[type[Model], str] = {Theme: "label", Person: "name"}
"""Kinds known by a name (`Journal.theme_named`, `person_named`): one of the same name is the same record."""

_MARKER = re.compile(rb'"schema"\s*:\s*"' + re.escape(PERSONAL_SCHEMA_ID.encode()) + rb'"')
"""How a personal export begins (its first key): enough to tell it from a jrnl export without parsing."""

_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Backup:
    """A personal export, read and checked: every record a valid value, not yet stored."""

    records: dict[str, list[tuple[str, Model]]]
    """Kind → (the record's id in the file, its value without an id), in the file's order."""
    left_out: Counter[str]
    """Kind (of `LEFT_OUT_KINDS`) → how many records of it the file holds."""
    origin: str
    """The path read, as it can appear in a message."""


@dataclass(frozen=True)
class BackupReport:
    """What `import_backup` did."""

    imported: Counter[str]
    """Kind → how many records were added."""
    already_there: Counter[str]
    """Kind → how many were in the journal already (and were not added again)."""
    left_out: tuple[str, ...]
    """One sentence per thing not imported: a kind (`LEFT_OUT_KINDS`), a draft, a link to a record not in the file."""
    new_ids: dict[str, str]
    """Id in the file → id of the same record in this journal (added, or already there)."""


def read_backup(path: Path) -> Backup | None:
    """The personal export at `path`, or None when the file is not one (it may be a jrnl export).

    Raises:
        InvalidInput: it is a personal export, but not one this version reads whole: not valid JSON, a newer
            version, an unknown kind or field, a value that does not fit. The message names the record by
            kind and id, never its words; nothing is stored.
    """
    shown = shown_path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as file:
            raw = file.read(4096)
            if _MARKER.search(raw) is None:
                return None
            raw += file.read()
        document = json.loads(raw.decode("utf-8-sig"))
    except OSError:
        return None  # `read_import` says why the file cannot be read
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidInput(f"{shown} starts as a Candour export but is not valid JSON; it may be cut short.") from None
    if not isinstance(document, dict) or document.get("schema") != PERSONAL_SCHEMA_ID:
        return None
    version = document.get("version")
    if type(version) is not int or version > PERSONAL_SCHEMA_VERSION or version < 1:
        raise InvalidInput(
            f"{shown} is a Candour export of version {version!r}; this Candour reads version "
            f"{PERSONAL_SCHEMA_VERSION}. Update Candour to import it."
        )
    records = document.get("records")
    if not isinstance(records, dict):
        raise InvalidInput(f'{shown} is a Candour export without its "records".')
    read: dict[str, list[tuple[str, Model]]] = {}
    left_out: Counter[str] = Counter()
    seen: set[str] = set()
    for kind, values in records.items():
        if not isinstance(values, list):
            raise InvalidInput(f'{shown}: "records.{kind}" must be a list.')
        if kind in LEFT_OUT_KINDS:
            left_out[kind] = len(values)
        else:
            read[kind] = [_record(kind, value, number, shown, seen) for number, value in enumerate(values, start=1)]
    return Backup(records=read, left_out=left_out, origin=shown)


def _record(kind: str, value: object, number: int, shown: str, seen: set[str]) -> tuple[str, Model]:
    where = f"{shown}, {kind} {number}"
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be an object. Nothing was imported.")
    fields = dict(value)
    record_id = fields.pop("id", None)
    if not isinstance(record_id, str) or not _ID.fullmatch(record_id):
        raise InvalidInput(f'{where}: "id" must be a record id (32 hexadecimal characters). Nothing was imported.')
    if record_id in seen:
        raise InvalidInput(f"{where}: the id {record_id[:8]} appears twice. Nothing was imported.")
    seen.add(record_id)
    try:
        return record_id, codec.from_fields(kind, fields)
    except InvalidInput as error:
        raise InvalidInput(f"{shown}, {kind} {record_id[:8]}: {error} Nothing was imported.") from None


def import_backup(journal: Journal, backup: Backup) -> BackupReport:
    """Store every record of `backup` that is not in the journal yet, links re-made, in one transaction.

    Raises:
        InvalidInput: a theme or person of the same name as one in the journal holds a different value in
            a field both have filled, or a record needs a link to a record the file does not hold. Nothing
            is stored then: the journal is as it was.
    """
    file_ids = {record_id for values in backup.records.values() for record_id, _ in values}
    new_ids: dict[str, str] = {}
    imported: Counter[str] = Counter()
    already_there: Counter[str] = Counter()
    left_out = [f"{_count(count, kind)}: {LEFT_OUT_KINDS[kind]}." for kind, count in backup.left_out.items()]
    with journal.transaction("import the journal"):
        for model in IMPORTED_KINDS:
            fresh: list[tuple[str, Model]] = []
            stored = _stored_by_content(journal, model)
            for file_id, value in backup.records.get(model.KIND, []):
                relinked = _relinked(value, file_id, new_ids, file_ids, backup.origin, left_out)
                same = stored.get(codec.encode(relinked))
                if same:
                    new_ids[file_id] = same.pop()
                    already_there[model.KIND] += 1
                elif model in _NAMED and (named := _same_name(journal, relinked)) is not None:
                    new_ids[file_id] = _merge_named(journal, named, relinked, file_id, backup.origin)
                    already_there[model.KIND] += 1
                elif isinstance(relinked, Draft) and journal.draft_like(relinked) is not None:
                    left_out.append(
                        f"draft {file_id[:8]}: this journal has its own draft for the same session; the file's is "
                        "in the file, to copy from."
                    )
                else:
                    fresh.append((file_id, relinked))
            for (file_id, _), saved in zip(fresh, journal.save_many(value for _, value in fresh), strict=True):
                new_ids[file_id] = saved.saved_id
            imported[model.KIND] += len(fresh)
    return BackupReport(imported=+imported, already_there=+already_there, left_out=tuple(left_out), new_ids=new_ids)


def _stored_by_content(journal: Journal, model: type[Model]) -> dict[bytes, list[str]]:
    """The journal's records of a kind by their sealed content (links included): how a record already there
    is recognised. Several identical records each answer for one copy in the file."""
    stored: dict[bytes, list[str]] = {}
    for value in journal.all(model):
        stored.setdefault(codec.encode(value), []).append(value.saved_id)
    return stored


def _relinked(
    value: Model, file_id: str, new_ids: dict[str, str], file_ids: set[str], origin: str, left_out: list[str]
) -> Model:
    """`value` with every link naming the record's id in this journal.

    A link to a record the file does not hold (left dangling by an older Candour) is dropped and listed, where
    the record can do without it; a required one (a session's engagement, a check-in's goal) is refused.
    """
    changes: dict[str, object] = {}
    links = {**LINK_FIELDS.get(type(value), {}), **LOOSE_LINK_FIELDS.get(type(value), {})}
    for name, target in links.items():
        linked = getattr(value, name)
        if isinstance(linked, tuple):
            kept = [new_ids[one] for one in linked if one in new_ids]
            for gone in (one for one in linked if one not in new_ids):
                left_out.append(_dropped(value, file_id, target, gone, file_ids))
            changes[name] = tuple(kept)
        elif linked is not None:
            if linked in new_ids:
                changes[name] = new_ids[linked]
            elif _is_optional(value, name):
                left_out.append(_dropped(value, file_id, target, linked, file_ids))
                changes[name] = None
            else:
                raise InvalidInput(
                    f"{origin}, {value.KIND} {file_id[:8]}: its {target.KIND} {linked[:8]} is not in the file. "
                    "Nothing was imported."
                )
    return replace(value, **changes) if changes else value  # type: ignore[arg-type]


def _is_optional(value: Model, name: str) -> bool:
    (field,) = (f for f in dataclasses.fields(value) if f.name == name)
    return field.default is None


def _dropped(value: Model, file_id: str, target: type[Model], gone: str, file_ids: set[str]) -> str:
    where = "left out of the import" if gone in file_ids else "not in the file"
    return f"{value.KIND} {file_id[:8]}: its link to {target.KIND} {gone[:8]} ({where}) was dropped."


def _same_name(journal: Journal, value: Model) -> Model | None:
    names = _names(value)
    return next((other for other in journal.all(type(value)) if names & _names(other)), None)


def _names(value: Model) -> set[str]:
    if isinstance(value, Person):
        return {normalize(name) for name in value.names}
    return {normalize(getattr(value, _NAMED[type(value)]))}


def _merge_named(journal: Journal, existing: Model, incoming: Model, file_id: str, origin: str) -> str:
    """The id of `existing`, given the fields it has empty that `incoming` fills and a person's other names as
    aliases (a new revision if anything is added).

    Raises:
        InvalidInput: a field filled in both, differently: keeping either would lose the other.
    """
    changes: dict[str, object] = {}
    merged = {"record_id", _NAMED[type(existing)]}
    if isinstance(existing, Person) and isinstance(incoming, Person):
        # Known by one shared name: every other name either goes by stays, as an alias.
        known = {normalize(name) for name in existing.names}
        if extra := tuple(name for name in incoming.names if normalize(name) not in known):
            changes["aliases"] = existing.aliases + extra
        merged.add("aliases")
    for field in dataclasses.fields(existing):
        if field.name in merged:
            continue
        mine, theirs = getattr(existing, field.name), getattr(incoming, field.name)
        if mine == theirs or not theirs:
            continue
        if mine:
            raise InvalidInput(
                f"{origin}, {incoming.KIND} {file_id[:8]}: this journal has a {incoming.KIND} of the same name "
                f"whose {field.name.replace('_', ' ')} differs. Rename one of them, then import again. "
                "Nothing was imported."
            )
        changes[field.name] = theirs
    if changes:
        existing = journal.save(replace(existing, **changes))  # type: ignore[arg-type]
    return existing.saved_id


def _count(number: int, kind: str) -> str:
    return f"{number} {kind} record{'s' if number != 1 else ''}"


__all__ = ["IMPORTED_KINDS", "LEFT_OUT_KINDS", "Backup", "BackupReport", "import_backup", "read_backup"]
