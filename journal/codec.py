"""The bytes a model value is sealed as: versioned JSON, decoded back into the same frozen dataclass.

One generic codec (driven by each dataclass's type hints) rather than a pair of
functions per model, so a new field cannot be forgotten on one side. `record_id` is
not stored in the payload: the store knows it from the record itself.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from journal.errors import DamagedJournal, InvalidInput
from journal.models import MODEL_TYPES, Model

PAYLOAD_VERSION = 1
"""Version of the JSON shape inside a record; bumped (with a migration) when a field changes meaning."""

KINDS: dict[str, type[Model]] = {model.KIND: model for model in MODEL_TYPES}
"""Record kind (as stored in the sealed index) → the model type it holds."""

M = TypeVar("M", bound=Model)


def encode(value: Model) -> bytes:
    """The JSON bytes sealed for `value` (without its record id)."""
    body: dict[str, object] = {**fields_as_json(value), "v": PAYLOAD_VERSION}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fields_as_json(value: Model) -> dict[str, object]:
    """Every field of `value` but its record id, as JSON-ready values under the names they are sealed with:
    what the personal export and the command line's `--json` print, so their field names are the file's own."""
    return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "record_id"}


def decode(kind: str, payload: bytes, record_id: str) -> Model:
    """The model value of a record.

    Raises:
        DamagedJournal: unknown kind, newer payload version, or a payload that does not fit the model
            (only possible if the file was made by a broken or newer program: payloads are authenticated).
    """
    model = KINDS.get(kind)
    if model is None:
        raise DamagedJournal(f"Record {record_id} has an unknown kind; a newer Candour may have written it.")
    try:
        body = json.loads(payload)
        # `type(...) is int`: JSON's `true` and `1.0` equal 1 in Python, but are not this version.
        if not isinstance(body, dict) or type(version := body.pop("v", None)) is not int or version != PAYLOAD_VERSION:
            raise ValueError("payload version")
        body["record_id"] = record_id
        # Classes are hashable; mypy reads a frozen dataclass's instance __hash__ as the class's own.
        return typing.cast(Model, _decoder(typing.cast(type, model))(body))
    except (ValueError, TypeError, KeyError, RecursionError, InvalidInput):  # RecursionError: JSON nested too deep
        raise DamagedJournal(
            f"Record {record_id} could not be read as a {kind}; a newer or broken Candour may have written it."
        ) from None


def identify(payload: bytes, record_id: str) -> Model | None:
    """The value a payload holds when nothing says its kind (a repair rebuilding the index, which alone
    names kinds): the one kind whose fields are exactly the payload's, or None if no kind, or several, fit.
    A payload written before a kind gained fields (with defaults) lacks them: when no kind's fields are exactly
    the payload's, the one kind that has all of the payload's fields and all its own required ones fits."""
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    given = set(body) - {"v"}
    fitting = [kind for kind, names in _stored_fields().items() if names == given]
    if not fitting:
        fitting = [kind for kind, names in _stored_fields().items() if _required_fields()[kind] <= given <= names]
    if len(fitting) != 1:
        return None
    try:
        return decode(fitting[0], payload, record_id)
    except DamagedJournal:
        return None


@cache
def _stored_fields() -> dict[str, frozenset[str]]:
    """Each kind's field names as `encode` writes them."""
    return {
        kind: frozenset(f.name for f in dataclasses.fields(model) if f.name != "record_id")
        for kind, model in KINDS.items()
    }


@cache
def _required_fields() -> dict[str, frozenset[str]]:
    """Each kind's fields without a default: every payload of that kind, however old, has them."""
    no_default = dataclasses.MISSING
    return {
        kind: frozenset(
            f.name
            for f in dataclasses.fields(model)
            if f.name != "record_id" and f.default is no_default and f.default_factory is no_default
        )
        for kind, model in KINDS.items()
    }


def from_fields(kind: str, fields: dict[str, object]) -> Model:
    """A new value (no record id) of `kind` from the fields `encode` writes, as a personal export holds them.

    Unlike `decode`, a field this version does not know is refused, not passed over: the value comes from
    outside the journal (a newer Candour's export, an edited file), and leaving a field out would lose it.

    Raises:
        InvalidInput: an unknown kind, an unknown or missing field, or a value that does not fit the model;
            the message names the field, never the value.
    """
    model = KINDS.get(kind)
    if model is None:
        raise InvalidInput(f"Candour has no kind of record called {kind!r}; a newer Candour may have written it.")
    known = {f.name for f in dataclasses.fields(model) if f.init and f.name != "record_id"}
    if unknown := sorted(set(fields) - known):
        raise InvalidInput(
            f"It has fields this Candour does not know ({', '.join(unknown)}); a newer Candour wrote it."
        )
    try:
        return typing.cast(Model, _decoder(typing.cast(type, model))(fields))
    except InvalidInput:
        raise
    except (ValueError, TypeError, KeyError, RecursionError):
        raise InvalidInput(
            f"It is not a {kind} as Candour writes one (a field is missing or of the wrong type)."
        ) from None


def _to_json(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    return value


Decoder = Callable[[object], object]
"""Turns a JSON value into an instance of one type; raises ValueError/TypeError if it does not fit."""


@cache
def _decoder(hint: Any) -> Decoder:
    """The decoder for a type, built once per type: looking at type hints for every value of every
    record would dominate the time to load a large journal."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [option for option in typing.get_args(hint) if option is not type(None)]
        decode_inner = _decoder(inner)
        return lambda value: None if value is None else decode_inner(value)
    if origin is tuple:
        decode_item = _decoder(typing.get_args(hint)[0])
        return lambda value: tuple(decode_item(element) for element in _require(list, value))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = typing.get_type_hints(hint)
        fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(hint) if f.init}
        model = hint

        def decode_object(value: object) -> object:
            given = _require(dict, value)
            return model(**{name: fields[name](given[name]) for name in given if name in fields})

        return decode_object
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        # Only the JSON type the enum's values have: `true` and `2.0` would otherwise pass as levels 1 and 2.
        value_types = {type(member.value) for member in hint}

        def decode_enum(value: object) -> object:
            if type(value) not in value_types:
                raise TypeError(f"expected a {hint.__name__}")
            return hint(value)

        return decode_enum
    if hint is datetime:
        return lambda value: datetime.fromisoformat(_require(str, value))
    if hint is date:
        return lambda value: date.fromisoformat(_require(str, value))
    if hint in (str, int, bool):
        return lambda value: _require(hint, value)
    raise TypeError(f"no decoder for {hint!r}")


T = TypeVar("T")


def _require(kind: type[T], value: object) -> T:
    # bool is an int in Python; a rating of `true` must not pass as 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}")
    return value


__all__ = ["KINDS", "PAYLOAD_VERSION", "decode", "encode", "from_fields"]
