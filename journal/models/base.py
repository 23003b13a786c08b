"""What every model shares: text cleaned and checked as it is stored, the checks of dates, scales and ids,
and a base whose repr shows no content."""

from __future__ import annotations

import re
from datetime import date, datetime

from journal.errors import InvalidInput
from journal.text import clean

MAX_TITLE_LENGTH = 200
"""Titles, labels, names and sponsor wordings: one line, at most this many characters."""


MAX_TEXT_LENGTH = 1_000_000
"""Reflection text and notes: generous, but a pasted binary blob is refused rather than stored."""


def clean_text(text: str, what: str, *, required: bool = False, one_line: bool = False) -> str:
    """`text` cleaned as it is stored (`journal.text.clean`: no control characters, one kind of line end,
    composed), a one-line value also without surrounding spaces, and checked for size.

    Args:
        text: what the user typed.
        what: the field's name, for the message.
        required: refuse an empty (or blank) value.
        one_line: refuse line breaks (titles, labels, names).
    Raises:
        InvalidInput: the text is blank while required, too long, has line breaks where one line
            is expected, or holds characters that cannot be stored (lone surrogates).
    """
    if not isinstance(text, str):
        raise InvalidInput(f"The {what} must be text.")
    if not text.isascii():  # ASCII needs no check (checked for every value when a journal loads)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput(f"The {what} contains characters that cannot be stored (broken Unicode).") from None
    cleaned = clean(text)
    # A one-line value loses its surrounding spaces; a text keeps every character typed, trailing ones too.
    if one_line:
        cleaned = cleaned.strip()
    if one_line and "\n" in cleaned:
        raise InvalidInput(f"The {what} must fit on one line.")
    if required and not cleaned.strip():
        raise InvalidInput(f"The {what} cannot be empty.")
    limit = MAX_TITLE_LENGTH if one_line else MAX_TEXT_LENGTH
    if len(cleaned) > limit:
        raise InvalidInput(f"The {what} is too long ({len(cleaned):,} characters; at most {limit:,}).")
    return cleaned


def check_scale(value: int | None, what: str, low: int, high: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"The {what} must be a whole number from {low} to {high}.")


def check_date(value: object, what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(f"The {what} must be a date.")


_ID = re.compile(r"[0-9a-f]{32}")


def check_id(value: str | None, what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInput(f"The linked {what} id is not a valid record id.")


class Private:
    """Base of every model: its repr names the kind and id only, so a logged or printed value shows no content."""

    def _clean(self, name: str, what: str, *, required: bool = False, one_line: bool = False) -> None:
        """Hold field `name` as `clean_text` cleans and checks it: the one way every text field is stored."""
        object.__setattr__(self, name, clean_text(getattr(self, name), what, required=required, one_line=one_line))

    def __repr__(self) -> str:
        record_id = getattr(self, "record_id", None)
        return f"<{type(self).__name__} {record_id or 'unsaved'}>"

    @property
    def saved_id(self) -> str:
        """The record id of a saved value.

        Raises:
            ValueError: the value was never saved (a programming error, not a user's).
        """
        record_id: str | None = getattr(self, "record_id", None)
        if record_id is None:
            raise ValueError(f"this {type(self).__name__} is not saved yet")
        return record_id
