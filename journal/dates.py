"""Date phrases a user types ("yesterday", "last week", "since 2026-09") read as one day or a range of days."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from journal.clock import Clock
from journal.errors import InvalidInput

OPEN_START: date = date.min
"""The start of a range with no lower bound ("until ...", "before ..."): the calendar's first day."""

MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""English month names, January first; wording never follows the locale, so messages read the same everywhere."""

RANGE_EXAMPLES = "'last week', 'September 2026' or 'since 2026-09-01'"
"""Accepted range phrases quoted when a phrase cannot be read."""

DAY_EXAMPLES = "'yesterday', 'next friday', '3 days ago' or '2026-09-01'"
"""Accepted single-day phrases quoted when a phrase cannot be read as one day."""

_MONTHS: dict[str, int] = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
"""Month names and their usual abbreviations, lower case, to month numbers."""

_WEEKDAY_NAMES: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday names in `date.weekday()` order, Monday first (written out: `calendar.day_name` follows the locale)."""

_WEEKDAYS: dict[str, int] = {
    **{name: number for number, name in enumerate(_WEEKDAY_NAMES)},
    **{name[:3]: number for number, name in enumerate(_WEEKDAY_NAMES)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
"""Weekday names and abbreviations to `date.weekday()` numbers (Monday is 0)."""

_SEPARATOR = re.compile(r" to |\s*\.\.\s*")
"""Between the two ends of a range: "X to Y" or "X..Y" (phrases are normalised to single spaces first)."""

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
"""An ISO date, "2026-09-01" (single-digit month and day accepted)."""

_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
"""A month in ISO form, "2026-09"."""

_ISO_WEEK = re.compile(r"([0-9]{4})-?w([0-9]{1,2})")
"""An ISO week, "2026-W38" or "2026W38"."""

_YEAR = re.compile(r"[0-9]{4}")
"""A year, "2026"."""

_NAMED_MONTH = re.compile(r"([a-z]+)\.?,? ([0-9]{4})")
"""A month name with its year, "September 2026" or "sep. 2026"."""

_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2}) ([a-z]+)\.?,? ([0-9]{4})")
"""A written date, "1 September 2026" (the wording `format_day` gives)."""

_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.? ([0-9]{1,2}),? ([0-9]{4})")
"""A written date, month first, "Sep 1, 2026"."""

_AGO = re.compile(r"([0-9]{1,6}|an?|one) (day|week|month|year)s? ago")
"""One day counted back, "3 days ago"; six digits at most keeps counts inside what dates and int() accept."""

_QUARTER = re.compile(r"q([1-4]) ?([0-9]{4})|([0-9]{4}) ?-? ?q([1-4])")
"""A calendar quarter: "q3 2026", "2026-q3", "2026 q3"."""

_LAST_N = re.compile(r"(?:last|past) ([0-9]{1,6}) (day|week)s?")
"""Days up to today, "last 7 days" or "past 2 weeks"."""

_IN_N = re.compile(r"in ([0-9]{1,6}|an?|one) (day|week|month|year)s?")
"""A day ahead of today: "in 3 days", "in a week" (due dates)."""

_NEXT_WEEKDAY = re.compile(r"next ([a-z]+)")
"""The given weekday of next week (Monday to Sunday): "next friday"."""

_WEEKDAY = re.compile(r"(last )?([a-z]+)")
"""A weekday name, "monday" or "last monday" (the name is checked against `_WEEKDAYS`)."""


@dataclass(frozen=True)
class DateRange:
    """Calendar days from `start` to `end`, both included."""

    start: date
    """First day of the range; `OPEN_START` when the range has no lower bound."""

    end: date
    """Last day of the range, never before `start`."""

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"DateRange starts after it ends: {self.start} > {self.end}")

    @classmethod
    def single(cls, day: date) -> DateRange:
        """The range of one day.

        Args:
            day: The only day in the range.

        Returns:
            `DateRange(day, day)`.
        """
        return cls(day, day)

    @property
    def open_start(self) -> bool:
        """Whether the range has no lower bound ("until ...", "before ...")."""
        return self.start == OPEN_START

    def __contains__(self, day: date) -> bool:
        """Whether `day` is one of the range's days; a datetime counts by its date in its own time zone."""
        if isinstance(day, datetime):
            day = day.date()
        return self.start <= day <= self.end

    def describe(self) -> str:
        """The range in words, e.g. "1–30 September 2026" or "28 September – 4 October 2026".

        Returns:
            A short English wording for messages and headings.
        """
        if self.open_start:
            return f"on or before {format_day(self.end)}"
        if self.start == self.end:
            return format_day(self.start)
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start.day}–{format_day(self.end)}"
        if self.start.year == self.end.year:
            return f"{self.start.day} {MONTH_NAMES[self.start.month - 1]} – {format_day(self.end)}"
        return f"{format_day(self.start)} – {format_day(self.end)}"


def format_day(day: date) -> str:
    """A day in words, e.g. "1 September 2026", independent of the locale.

    Args:
        day: The day to word.

    Returns:
        Day of the month, English month name and four-digit year (as in ISO dates, so it reads back).
    """
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year:04d}"


def parse_range(text: str, clock: Clock) -> DateRange:
    """Read a date phrase typed on the command line or in a search filter as a range of days.

    Calendar periods ("this week", "September 2026") cover the whole period, days after today
    included; "last N days" and "since ..." end today; "until ..." and "before ..." start at
    `OPEN_START`. Case and surrounding or repeated spaces do not matter.

    Args:
        text: The phrase as typed, e.g. "last week", "2026-09", "since monday", "2026-09-01 to 2026-09-15".
        clock: Where today's date comes from.

    Returns:
        The inclusive range of days the phrase names.

    Raises:
        InvalidInput: If the phrase is not one Candour reads, names an impossible date, runs
            backwards, starts after today ("since ...") or falls outside years 1 to 9999.
    """
    phrase = _normalise(text)
    try:
        return _parse_range(phrase, clock.today())
    except (OverflowError, ValueError):
        # Only date arithmetic past year 1 or 9999 gets here: every typed value is checked before use.
        raise InvalidInput(f"'{phrase}' falls outside the calendar Candour knows (years 1 to 9999).") from None


def parse_day(text: str, clock: Clock, *, ahead: bool = False) -> date:
    """Read a phrase naming one day, as for an option like `--date yesterday`.

    Accepted: "today", "yesterday", "tomorrow", "N days/weeks/months/years ago", "in N days",
    weekday names, ISO dates ("2026-09-01") and written dates ("1 September 2026", "Sep 1, 2026").

    A weekday name depends on which way the date looks. For a date ahead (a due date, a target, a
    planned session) "friday" is the coming Friday, today if today is one; otherwise it is the latest
    Friday up to today. "last friday" is the latest before today, "next friday" the Friday of next week
    (weeks run Monday to Sunday), whichever way the date looks: typed on a Wednesday, "next thursday"
    is eight days away, never tomorrow.

    Args:
        text: The phrase as typed.
        clock: Where today's date comes from.
        ahead: The date is expected in the future, so a bare weekday name means the coming one.

    Returns:
        The day the phrase names.

    Raises:
        InvalidInput: If the phrase is not one Candour reads, names an impossible date, names a
            period or range of several days, or falls outside years 1 to 9999.
    """
    phrase = _normalise(text)
    if _is_compound(phrase):
        raise InvalidInput(f"'{phrase}' names a range of days, but one day is needed here. Try e.g. {DAY_EXAMPLES}.")
    try:
        found = _parse_simple(phrase, clock.today(), ahead=ahead)
    except (OverflowError, ValueError):
        raise InvalidInput(f"'{phrase}' falls outside the calendar Candour knows (years 1 to 9999).") from None
    if found is None:
        raise _unreadable(phrase, phrase, DAY_EXAMPLES)
    if found.start != found.end:
        raise InvalidInput(f"'{phrase}' covers {found.describe()}, not a single day. Try e.g. {DAY_EXAMPLES}.")
    return found.start


_TIME_OF_DAY = re.compile(
    r"(?:^|\s)(?:at\s)?(?P<time>noon|midday|midnight|(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?\s?(?P<half>am|pm)"
    r"|(?P<hour24>[0-9]{1,2}):(?P<minute24>[0-9]{2}))$"
)
"""A time of day ending a phrase: "14:30", "3pm", "3:15 pm", "at 9am", "noon", "midnight"."""

MOMENT_EXAMPLES = "'yesterday 3pm', '2026-09-10 14:30', 'noon' or 'monday at 9am'"


DUE_AT_THE_END = re.compile(r"\bby\s+(?P<day>[^,;:]+?)[\s.!?]*$", re.IGNORECASE)
"""An action's closing "by <day>" ("Ask Sam for feedback by Friday.")."""


def due_day_in(text: str, clock: Clock) -> date | None:
    """The day an action's own words set it due ("… by Friday", "… by 2026-12-10"), or None when they name no
    day Candour reads. The words themselves stay as typed."""
    found = DUE_AT_THE_END.search(text)
    if found is None:
        return None
    try:
        return parse_day(found.group("day"), clock, ahead=True)
    except InvalidInput:
        return None


def parse_moment(text: str, clock: Clock) -> tuple[date, time | None]:
    """Read a day with an optional time of day, as for `candour add --date "yesterday 3pm"`.

    The day is any phrase `parse_day` reads (today when only a time is given: "noon"); the time,
    when given, ends the phrase: "14:30", "3pm", "3:15 pm", "at 9am", "noon", "midnight".

    Returns:
        The day, and the time of day given (None when the phrase names a day alone).
    Raises:
        InvalidInput: the day cannot be read, or the time is not on a clock ("25:00", "13pm").
    """
    phrase = _normalise(text)
    found = _TIME_OF_DAY.search(phrase)
    if found is None:
        return parse_day(phrase, clock), None
    day_phrase = phrase[: found.start()].strip() or "today"
    return parse_day(day_phrase, clock), _time_of(found, phrase)


def _time_of(found: re.Match[str], phrase: str) -> time:
    """The time a `_TIME_OF_DAY` match names."""
    named = {"noon": time(12), "midday": time(12), "midnight": time(0)}
    if found["time"] in named:
        return named[found["time"]]
    if found["hour24"] is not None:
        hour, minute = int(found["hour24"]), int(found["minute24"])
    else:
        hour, minute = int(found["hour"]), int(found["minute"] or 0)
        if not 1 <= hour <= 12:
            raise InvalidInput(f"'{phrase}': a time with am or pm has an hour from 1 to 12.")
        hour = hour % 12 + (12 if found["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"'{phrase}' has no such time of day; try e.g. {MOMENT_EXAMPLES}.")
    return time(hour, minute)


def _normalise(text: str) -> str:
    """Lower case with single spaces, so "  Last   Week " reads as "last week"."""
    return " ".join(text.split()).lower()


def _is_compound(phrase: str) -> bool:
    """Whether the phrase combines others: a keyword prefix or a range separator."""
    first = phrase.split(" ", 1)[0]
    return first in {"since", "from", "until", "before"} or _SEPARATOR.search(phrase) is not None


def _unreadable(part: str, whole: str, examples: str) -> InvalidInput:
    """The error for a phrase (or one part of a combined phrase) that is not one Candour reads."""
    where = "" if part == whole else f" (in '{whole}')"
    return InvalidInput(f"Cannot read '{part}'{where} as a date. Try e.g. {examples}.")


def _parse_range(phrase: str, today: date) -> DateRange:
    """Parse a normalised phrase: keyword forms, "X to Y" / "X..Y", else a simple phrase."""
    if not phrase:
        raise InvalidInput(f"No date given. Try e.g. {RANGE_EXAMPLES}.")
    keyword, _, rest = phrase.partition(" ")
    if keyword in {"until", "before"}:
        bound = _part(rest, phrase, today)
        if keyword == "until":
            return DateRange(OPEN_START, bound.end)
        if bound.start == OPEN_START:
            raise InvalidInput(f"'{phrase}' is empty: no day comes before {format_day(OPEN_START)}.")
        return DateRange(OPEN_START, bound.start - timedelta(days=1))
    if keyword == "since" or (keyword == "from" and _SEPARATOR.search(rest) is None):
        return _since(_part(rest, phrase, today), phrase, today)
    ends = _SEPARATOR.split(rest if keyword == "from" else phrase)
    if len(ends) == 1:
        found = _parse_simple(phrase, today)
        if found is None:
            raise _unreadable(phrase, phrase, RANGE_EXAMPLES)
        return found
    if len(ends) != 2:
        raise InvalidInput(f"'{phrase}' has more than two ends; a range goes from one phrase to another.")
    left, right = (end.strip() for end in ends)
    if not left and not right:
        raise InvalidInput(f"'{phrase}' has no ends. Try e.g. '2026-09-01..2026-09-30'.")
    if not right:
        # "X.." reads as "since X", as in git's open-ended "A.." ranges.
        return _since(_part(left, phrase, today), phrase, today)
    last = _part(right, phrase, today)
    if not left:
        return DateRange(OPEN_START, last.end)
    first = _part(left, phrase, today)
    if first.start > last.end:
        raise InvalidInput(
            f"'{phrase}' runs backwards: {format_day(first.start)} is after {format_day(last.end)}. "
            "Put the earlier date first."
        )
    return DateRange(first.start, last.end)


def _since(bound: DateRange, phrase: str, today: date) -> DateRange:
    """From the start of `bound` up to today."""
    if bound.start > today:
        raise InvalidInput(
            f"'{phrase}' starts on {format_day(bound.start)}, after today ({format_day(today)}), so it has no days."
        )
    return DateRange(bound.start, today)


def _part(part: str, whole: str, today: date) -> DateRange:
    """One end of a combined phrase, which must itself be a simple phrase."""
    if not part:
        raise InvalidInput(f"'{whole}' is missing a date. Try e.g. {RANGE_EXAMPLES}.")
    found = None if _is_compound(part) else _parse_simple(part, today)
    if found is None:
        raise _unreadable(part, whole, RANGE_EXAMPLES)
    return found


def _parse_simple(phrase: str, today: date, *, ahead: bool = False) -> DateRange | None:
    """A phrase naming one day or one period, or None if it is none of those Candour reads (`ahead`: see
    `parse_day`)."""
    relative = _parse_relative(phrase, today, ahead=ahead)
    if relative is not None:
        return relative
    return _parse_calendar(phrase, today)


def _parse_relative(phrase: str, today: date, *, ahead: bool = False) -> DateRange | None:
    """Phrases counted from today: "yesterday", "this week", "3 days ago", "last 7 days", "monday"."""
    if phrase == "today":
        return DateRange.single(today)
    if phrase == "yesterday":
        return DateRange.single(today - timedelta(days=1))
    if phrase == "tomorrow":
        return DateRange.single(today + timedelta(days=1))
    if phrase in {"this week", "last week", "next week"}:
        # ISO weeks: Monday to Sunday, whichever year their days fall in.
        monday = today - timedelta(days=today.weekday())
        monday += timedelta(weeks={"last week": -1, "this week": 0, "next week": 1}[phrase])
        return DateRange(monday, monday + timedelta(days=6))
    if phrase in {"this month", "last month", "next month"}:
        if phrase == "this month":
            year, month = today.year, today.month
        elif phrase == "last month":
            year, month = _previous_month(today)
        else:
            year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _month_range(year, month)
    if phrase in {"this quarter", "last quarter", "next quarter"}:
        step = {"last quarter": -1, "this quarter": 0, "next quarter": 1}[phrase]
        index = today.year * 4 + (today.month - 1) // 3 + step  # quarters counted from year 0
        return _quarter_range(phrase, index // 4, index % 4 + 1)
    if phrase in {"this year", "last year"}:
        year = today.year if phrase == "this year" else today.year - 1
        return DateRange(date(year, 1, 1), date(year, 12, 31))
    if match := _AGO.fullmatch(phrase):
        count = 1 if match[1] in {"a", "an", "one"} else int(match[1])
        return DateRange.single(_shift(today, -count, match[2]))
    if match := _LAST_N.fullmatch(phrase):
        count = int(match[1])
        if count == 0:
            raise InvalidInput(f"'{phrase}' has no days in it. Try e.g. 'last 7 days'.")
        length = count * (7 if match[2] == "week" else 1)
        return DateRange(today - timedelta(days=length - 1), today)
    if match := _IN_N.fullmatch(phrase):
        count = 1 if match[1] in {"a", "an", "one"} else int(match[1])
        return DateRange.single(_shift(today, count, match[2]))
    if (match := _NEXT_WEEKDAY.fullmatch(phrase)) and match[1] in _WEEKDAYS:
        # "next friday" is the Friday of next week, as people mean it: on a Wednesday, not the day after.
        next_monday = today + timedelta(days=7 - today.weekday())
        return DateRange.single(next_monday + timedelta(days=_WEEKDAYS[match[1]]))
    if (match := _WEEKDAY.fullmatch(phrase)) and match[2] in _WEEKDAYS:
        if ahead and not match[1]:
            # A due date "friday" is the coming Friday: the latest one would already be overdue.
            return DateRange.single(today + timedelta(days=(_WEEKDAYS[match[2]] - today.weekday()) % 7))
        back = (today.weekday() - _WEEKDAYS[match[2]]) % 7
        if match[1] and back == 0:
            # "last monday" on a Monday means a week ago, never today.
            back = 7
        return DateRange.single(today - timedelta(days=back))
    return None


def _parse_calendar(phrase: str, today: date) -> DateRange | None:
    """Phrases naming calendar dates: "2026-09-01", "2026-09", "2026", "2026-W37", "September 2026"."""
    if match := _ISO_DAY.fullmatch(phrase):
        return DateRange.single(_calendar_day(phrase, int(match[1]), int(match[2]), int(match[3])))
    if match := _QUARTER.fullmatch(phrase):
        quarter, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        return _quarter_range(phrase, int(year), int(quarter))
    if match := _ISO_MONTH.fullmatch(phrase):
        year, month = int(match[1]), int(match[2])
        _check_month(phrase, year, month)
        return _month_range(year, month)
    if match := _ISO_WEEK.fullmatch(phrase):
        return _iso_week(phrase, int(match[1]), int(match[2]))
    if _YEAR.fullmatch(phrase):
        year = int(phrase)
        _check_year(phrase, year)
        return DateRange(date(year, 1, 1), date(year, 12, 31))
    if (match := _NAMED_MONTH.fullmatch(phrase)) and match[1] in _MONTHS:
        year, month = int(match[2]), _MONTHS[match[1]]
        _check_year(phrase, year)
        return _month_range(year, month)
    if (match := _DAY_MONTH_YEAR.fullmatch(phrase)) and match[2] in _MONTHS:
        return DateRange.single(_calendar_day(phrase, int(match[3]), _MONTHS[match[2]], int(match[1])))
    if (match := _MONTH_DAY_YEAR.fullmatch(phrase)) and match[1] in _MONTHS:
        return DateRange.single(_calendar_day(phrase, int(match[3]), _MONTHS[match[1]], int(match[2])))
    return None


def _check_year(phrase: str, year: int) -> None:
    """Reject year 0: the calendar starts at year 1."""
    if year < 1:
        raise InvalidInput(f"'{phrase}' is not a date: years start at 1.")


def _check_month(phrase: str, year: int, month: int) -> None:
    """Reject year 0 and months outside 1 to 12."""
    _check_year(phrase, year)
    if not 1 <= month <= 12:
        raise InvalidInput(f"'{phrase}' is not a date: months run from 01 to 12.")


def _calendar_day(phrase: str, year: int, month: int, day: int) -> date:
    """The date, or an error saying why it does not exist (e.g. February 2026 has 28 days)."""
    _check_month(phrase, year, month)
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        raise InvalidInput(f"'{phrase}' is not a date: {MONTH_NAMES[month - 1]} {year} has {length} days.")
    return date(year, month, day)


def _iso_week(phrase: str, year: int, week: int) -> DateRange:
    """ISO week `week` of `year`, Monday to Sunday."""
    _check_year(phrase, year)
    weeks_in_year = date(year, 12, 28).isocalendar().week  # 28 December always falls in the year's last week
    if not 1 <= week <= weeks_in_year:
        raise InvalidInput(f"'{phrase}' is not a week: {year} has ISO weeks 1 to {weeks_in_year}.")
    monday = date.fromisocalendar(year, week, 1)
    return DateRange(monday, monday + timedelta(days=6))


def _quarter_range(phrase: str, year: int, quarter: int) -> DateRange:
    """The whole of one calendar quarter (Q1 is January to March)."""
    if not 1 <= year <= 9999:
        raise InvalidInput(f"'{phrase}' falls outside the calendar Candour knows (years 1 to 9999).")
    first_month = 3 * (quarter - 1) + 1
    return DateRange(_month_range(year, first_month).start, _month_range(year, first_month + 2).end)


def _month_range(year: int, month: int) -> DateRange:
    """The whole of one month."""
    return DateRange(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _previous_month(day: date) -> tuple[int, int]:
    """Year and month of the month before `day`'s (December of the year before, in January)."""
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def _shift(day: date, count: int, unit: str) -> date:
    """`day` moved by `count` days, weeks, months or years; month ends clamp (31 March - 1 month = 28/29 February)."""
    if unit == "day":
        return day + timedelta(days=count)
    if unit == "week":
        return day + timedelta(weeks=count)
    months = count * (12 if unit == "year" else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
