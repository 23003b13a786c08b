"""Editing a saved record from words, as `candour edit ID` does: a new text and fields given as NAME=VALUE.

The change is applied to a copy of the record, so the model's own checks run on the result before
anything is saved, and the saved record becomes a new revision (the old one stays in its history).
Only what the coachee writes can be edited here; what Candour keeps for itself (settings, the export
log, kept findings, drafts) cannot.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime

from journal.clock import Clock
from journal.dates import parse_day, parse_moment
from journal.errors import InvalidInput
from journal.models import Action, CheckIn, Engagement, Goal, Model, Person, Reflection, Session, Template, Theme

M = typing.TypeVar("M", bound=Model)

EDITABLE = (Engagement, Session, Reflection, Theme, Goal, CheckIn, Action, Person, Template)
"""The kinds the coachee writes, and so may edit."""

BODY_FIELD = {
    Reflection.KIND: "text",
    Action.KIND: "text",
    Session.KIND: "agenda",
    Theme.KIND: "description",
    Goal.KIND: "success_criteria",
    CheckIn.KIND: "note",
    Person.KIND: "note",
}
"""The field that text given on its own (on standard input) replaces, for the kinds that have one."""

AHEAD_FIELDS = frozenset({"due_on", "target_date", "ends_on"})
"""Date fields that look ahead: a weekday name in them is the coming one (see `parse_day`)."""


def editable_fields(value: Model) -> list[str]:
    """The fields of a record that can be set from words (its links and id are not among them: a link is
    changed where its records are managed, so that the link rules hold)."""
    hints = typing.get_type_hints(type(value))
    return [
        field.name
        for field in dataclasses.fields(value)
        if not field.name.endswith("_id") and _reader(hints[field.name]) is not None
    ]


def edited(value: M, changes: Mapping[str, str], clock: Clock, *, text: str | None = None) -> M:
    """`value` with the fields named in `changes` set from their words, and its body replaced by `text`.

    Args:
        value: a saved record of a kind in `EDITABLE`.
        changes: field name → the new value as typed ("" clears an optional field).
        clock: what "today" and weekday names are read against.
        text: the new body (`BODY_FIELD`), or None to keep it.
    Raises:
        InvalidInput: a kind that cannot be edited, an unknown field, a value that does not fit its field,
            text for a kind without a body, or a result the model refuses.
    """
    if not isinstance(value, EDITABLE):
        raise InvalidInput(f"A {value.KIND} is kept by Candour itself and cannot be edited.")
    updates: dict[str, object] = {}
    if text is not None:
        body = BODY_FIELD.get(value.KIND)
        if body is None:
            raise InvalidInput(f"A {value.KIND} has no text to replace; set its fields with --set NAME=VALUE.")
        updates[body] = text
    hints = typing.get_type_hints(type(value))
    allowed = editable_fields(value)
    for name, typed in changes.items():
        if name not in allowed:
            raise InvalidInput(f"A {value.KIND} has no field {name!r} that can be set; it has: {', '.join(allowed)}.")
        read = _reader(hints[name])
        assert read is not None  # `allowed` holds only fields with a reader
        updates[name] = read(typed.strip(), clock, name)
    return dataclasses.replace(value, **updates)  # type: ignore[arg-type]  # each value was read for its field


Reader = typing.Callable[[str, Clock, str], object]


def _reader(annotation: object) -> Reader | None:
    """How to read a field of this type from words, or None for fields not set from words (links, lists)."""
    arguments = typing.get_args(annotation)
    optional = typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in arguments
    if optional:
        (annotation,) = [argument for argument in arguments if argument is not type(None)] or [None]
    base = _base_reader(annotation)
    if base is None or not optional:
        return base

    def optional_reader(typed: str, clock: Clock, name: str) -> object:
        return None if typed == "" else base(typed, clock, name)

    return optional_reader


def _base_reader(annotation: object) -> Reader | None:
    if annotation is str:
        return lambda typed, _clock, _name: typed
    if annotation is bool:
        return _boolean
    if annotation is int:
        return _whole_number
    if annotation is date:
        return lambda typed, clock, name: parse_day(typed, clock, ahead=name in AHEAD_FIELDS)
    if annotation is datetime:
        return _moment
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choice_of(annotation)
    return None


def _boolean(typed: str, _clock: Clock, name: str) -> bool:
    words = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
    if typed.lower() not in words:
        raise InvalidInput(f"{name} is yes or no, not {typed!r}.")
    return words[typed.lower()]


def _whole_number(typed: str, _clock: Clock, name: str) -> int:
    if not typed.lstrip("-").isdigit():
        raise InvalidInput(f"{name} is a whole number, not {typed!r}.")
    return int(typed)


def _moment(typed: str, clock: Clock, _name: str) -> datetime:
    day, at = parse_moment(typed, clock)
    return datetime.combine(day, at or clock.now().time().replace(microsecond=0))


def _choice_of(kind: type[enum.Enum]) -> Reader:
    def read(typed: str, _clock: Clock, name: str) -> enum.Enum:
        wanted = typed.lower().replace("-", " ").replace("_", " ")
        for member in kind:
            if wanted in (str(member.value).lower(), member.name.lower().replace("_", " ")):
                return member
        choices = ", ".join(str(member.value) if isinstance(member.value, str) else member.name for member in kind)
        raise InvalidInput(f"{name} is one of: {choices}; not {typed!r}.")

    return read


__all__ = ["AHEAD_FIELDS", "BODY_FIELD", "EDITABLE", "editable_fields", "edited"]
