"""`--json` for the commands that print records: one versioned document a script can parse, described in
`tui/JSON.md` (schema `candour.records`).

Each record is printed whole (full text included) under the field names it is sealed with in the journal
file, which change only with the file's own payload version; what a command adds about a record (a search
match, a goal's check-ins, a theme's counts) sits beside the record, never inside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import click

from journal import Model, fields_as_json

JSON_SCHEMA_ID = "candour.records"
JSON_SCHEMA_VERSION = 1
"""Raised whenever a key changes meaning or is removed; adding a key does not raise it."""

F = TypeVar("F", bound=Callable[..., None])


def json_option(function: F) -> F:
    """The `--json` flag, handed to the command as `as_json`."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print one JSON document (schema candour.records, see tui/JSON.md)."
    )(function)


def json_item(value: Model, **about: object) -> dict[str, object]:
    """One entry of the document: the record's id, kind and fields, and what the command adds about it."""
    return {"id": value.saved_id, "kind": value.KIND, "record": fields_as_json(value), **about}


def echo_document(command: str, items: Iterable[Mapping[str, object]]) -> None:
    """Print the document for `command`: every item, in the order the command lists them."""
    document = {
        "schema": JSON_SCHEMA_ID,
        "version": JSON_SCHEMA_VERSION,
        "command": command,
        "items": list(items),
    }
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))
