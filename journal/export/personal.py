"""The personal export: everything in the journal, unencrypted, for the coachee's own use (portability, archive).

It is the only way other than the sponsor summary that plaintext leaves the journal, and only
on the coachee's explicit request, behind a warning that the file is not encrypted.
"""

from __future__ import annotations

import json
from pathlib import Path

from journal import codec
from journal.errors import InvalidInput
from journal.export.log import sha256_hex, write_logged
from journal.export.write import DEFAULT_MODE
from journal.models import MODEL_TYPES, Engagement, ExportRecord, Model, Reflection
from journal.store import Journal

PERSONAL_FORMATS = ("markdown", "json")

PERSONAL_SCHEMA_ID = "candour.personal-export"
PERSONAL_SCHEMA_VERSION = 1

PERSONAL_MARKDOWN_TITLE = "# My Candour journal"
"""The first line of a personal export in Markdown (how an import recognises one)."""

WARNING = (
    "This file holds your whole journal in plain text, NOT encrypted: anyone who can read it can read everything. "
    "Keep it somewhere only you can reach, and delete it when you no longer need it."
)
"""Shown before a personal export is written, and at the top of the file."""


def _records(journal: Journal, engagement: Engagement | None = None) -> dict[str, list[dict[str, object]]]:
    """Every live record of every kind (or only those of one engagement) as JSON-ready values, oldest first
    within a kind."""
    everything: dict[str, list[dict[str, object]]] = {}
    only = None if engagement is None else _engagement_copy(journal, engagement)
    for model in MODEL_TYPES:
        values: list[Model] = [v for v in reversed(journal.all(model)) if only is None or v.saved_id in only]
        if values:
            everything[model.KIND] = [_fields(value) for value in values]
    return everything


def _engagement_copy(journal: Journal, engagement: Engagement) -> set[str]:
    """The ids a copy of one engagement holds: its records, and every theme and person its reflections name
    (also those other engagements name, which erasing it would keep)."""
    records = journal.engagement_records(engagement)
    named = {
        linked for value in records if isinstance(value, Reflection) for linked in (*value.theme_ids, *value.person_ids)
    }
    return {value.saved_id for value in records} | named


def _fields(value: Model) -> dict[str, object]:
    # The codec's own JSON, so that every field of every kind is included without a list to keep in step.
    return {"id": value.saved_id, **codec.fields_as_json(value)}


def render_everything(journal: Journal, format: str, *, exported_at: str) -> bytes:
    """The whole journal in one format.

    Args:
        journal: the unlocked journal.
        format: "markdown" or "json".
        exported_at: when, as the file states it (ISO date and time).
    Raises:
        InvalidInput: another format.
    """
    return _render(_records(journal), format, exported_at)


def _render(records: dict[str, list[dict[str, object]]], format: str, exported_at: str) -> bytes:
    if format == "json":
        body = {
            "schema": PERSONAL_SCHEMA_ID,
            "version": PERSONAL_SCHEMA_VERSION,
            "exported_at": exported_at,
            "notice": WARNING,
            "records": records,
        }
        return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if format != "markdown":
        raise InvalidInput(f"A personal export is written as {' or '.join(PERSONAL_FORMATS)}.")
    lines = [PERSONAL_MARKDOWN_TITLE, "", f"*Exported {exported_at}. {WARNING}*"]
    for kind, values in records.items():
        lines += ["", f"## {kind.capitalize()} records ({len(values)})"]
        for value in values:
            lines += ["", f"### {kind} {value['id']}", ""]
            lines += _markdown_fields(value)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _markdown_fields(value: dict[str, object], prefix: str = "") -> list[str]:
    """One record's fields: short ones as a list, long or multi-line text (a reflection) as it was written."""
    lines: list[str] = []
    blocks: list[str] = []
    for name, content in value.items():
        if name == "id" or content in (None, "", [], {}):
            continue
        if isinstance(content, dict):
            lines += _markdown_fields(content, f"{prefix}{name}.")
        elif isinstance(content, str) and "\n" in content:
            blocks += ["", f"**{prefix}{name}:**", "", content]
        else:
            shown = ", ".join(map(str, content)) if isinstance(content, list) else str(content)
            lines.append(f"- **{prefix}{name}:** {shown}")
    return lines + blocks


def export_everything(
    journal: Journal,
    format: str,
    destination: Path,
    *,
    overwrite: bool = False,
    mode: int = DEFAULT_MODE,
    engagement: Engagement | None = None,
) -> ExportRecord:
    """Write the whole journal (or one engagement's part of it: a copy to keep before erasing it) to
    `destination` (atomically, owner-only), logged first as a personal export.

    Raises:
        InvalidInput: a format other than Markdown or JSON.
        ExportExists, StorageError, ExportUnconfirmed: see `write_logged`.
    """
    data, entry = _everything(journal, format, shown_only=False, engagement=engagement)
    return write_logged(journal, entry, data, destination, overwrite=overwrite, mode=mode)


def everything_for_output(journal: Journal, format: str) -> tuple[bytes, ExportRecord]:
    """The whole journal as bytes for the caller to hand on (`candour export-all -` writes them to standard
    output), logged as a personal export that wrote no file.

    Raises:
        InvalidInput: a format other than Markdown or JSON.
    """
    data, entry = _everything(journal, format, shown_only=True)
    return data, journal.save(entry)


def _everything(
    journal: Journal, format: str, *, shown_only: bool, engagement: Engagement | None = None
) -> tuple[bytes, ExportRecord]:
    """The whole journal (or one engagement's records) rendered, and its log entry (not yet saved)."""
    now = journal.clock.now().replace(tzinfo=None, microsecond=0)
    records = _records(journal, engagement)
    data = _render(records, format, now.isoformat(sep=" "))
    entry = ExportRecord(
        exported_at=now,
        recipient="myself",
        format=format,
        sha256=sha256_hex(data),
        items=tuple(
            f"{kind}: {len(values)} record{'s' if len(values) != 1 else ''}" for kind, values in records.items()
        ),
        personal=True,
        shown_only=shown_only,
        engagement_id=engagement.saved_id if engagement else None,
    )
    return data, entry


__all__ = [
    "PERSONAL_FORMATS",
    "PERSONAL_MARKDOWN_TITLE",
    "PERSONAL_SCHEMA_ID",
    "PERSONAL_SCHEMA_VERSION",
    "WARNING",
    "everything_for_output",
    "export_everything",
    "render_everything",
]
