"""The clock and the date phrases users type: every phrase, calendar edge cases, errors and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from journal.clock import Clock, FixedClock, SystemClock
from journal.dates import OPEN_START, DateRange, due_day_in, format_day, parse_day, parse_moment, parse_range
from journal.errors import InvalidInput

TODAY = date(2026, 9, 15)
"""A Tuesday in ISO week 38; the fixed "today" of most tests."""

CLOCK = FixedClock.on(TODAY)

SAFE_DAYS = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31))
"""Days far enough from the calendar's ends that "last year" or "this week" stay inside it."""

RELATIVE_PHRASES = [
    "today",
    "yesterday",
    "this week",
    "last week",
    "this month",
    "last month",
    "this year",
    "last year",
    "3 days ago",
    "2 weeks ago",
    "1 month ago",
    "last 7 days",
    "past 2 weeks",
    "monday",
    "last sunday",
]
"""Phrases counted from today, all of which start on or before today."""


def d(text: str) -> date:
    """Shorthand for an ISO date in the expectations below."""
    return date.fromisoformat(text)


def on(day: date) -> FixedClock:
    """A clock stopped on `day`."""
    return FixedClock.on(day)


# The clock


def test_fixed_clock_reports_its_moment_until_moved() -> None:
    moment = datetime(2026, 9, 15, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    clock = FixedClock(moment)
    assert clock.now() == moment
    assert clock.today() == date(2026, 9, 15)  # the day in the clock's own zone, not UTC's
    clock.advance(timedelta(hours=1))
    assert clock.today() == date(2026, 9, 16)
    assert "2026-09-16T00:30:00+02:00" in repr(clock)


def test_fixed_clock_on_a_day_is_noon_utc_by_default() -> None:
    clock = FixedClock.on(TODAY)
    assert clock.now() == datetime(2026, 9, 15, 12, tzinfo=UTC)
    assert FixedClock.on(TODAY, at=time(8, 15)).now().time() == time(8, 15)


def test_fixed_clock_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 9, 15, 12))


def test_system_clock_is_aware_and_local() -> None:
    clock: Clock = SystemClock()
    before = date.today()
    now = clock.now()
    today = clock.today()
    after = date.today()
    assert now.tzinfo is not None and now.utcoffset() is not None
    assert before <= today <= after


# DateRange


def test_range_contains_its_ends_and_nothing_outside() -> None:
    september = DateRange(d("2026-09-01"), d("2026-09-30"))
    assert d("2026-09-01") in september
    assert d("2026-09-30") in september
    assert d("2026-08-31") not in september
    assert d("2026-10-01") not in september
    assert datetime(2026, 9, 30, 23, 59, tzinfo=UTC) in september


def test_range_refuses_to_run_backwards() -> None:
    with pytest.raises(ValueError, match="starts after it ends"):
        DateRange(d("2026-10-01"), d("2026-09-01"))


def test_single_and_open_start() -> None:
    assert DateRange.single(TODAY) == DateRange(TODAY, TODAY)
    assert DateRange(OPEN_START, TODAY).open_start
    assert not DateRange.single(TODAY).open_start


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2026-09-15", "2026-09-15", "15 September 2026"),
        ("2026-09-01", "2026-09-30", "1–30 September 2026"),
        ("2026-09-28", "2026-10-04", "28 September – 4 October 2026"),
        ("2025-12-29", "2026-01-04", "29 December 2025 – 4 January 2026"),
        ("0001-01-01", "2026-09-30", "on or before 30 September 2026"),
    ],
)
def test_describe(start: str, end: str, words: str) -> None:
    assert DateRange(d(start), d(end)).describe() == words


def test_format_day_ignores_the_locale() -> None:
    assert format_day(d("2026-05-03")) == "3 May 2026"


# Every phrase, on Tuesday 15 September 2026


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", "2026-09-15", "2026-09-15"),
        ("yesterday", "2026-09-14", "2026-09-14"),
        ("this week", "2026-09-14", "2026-09-20"),
        ("last week", "2026-09-07", "2026-09-13"),
        ("this month", "2026-09-01", "2026-09-30"),
        ("last month", "2026-08-01", "2026-08-31"),
        ("this year", "2026-01-01", "2026-12-31"),
        ("last year", "2025-01-01", "2025-12-31"),
        ("0 days ago", "2026-09-15", "2026-09-15"),
        ("1 day ago", "2026-09-14", "2026-09-14"),
        ("3 days ago", "2026-09-12", "2026-09-12"),
        ("a week ago", "2026-09-08", "2026-09-08"),
        ("2 weeks ago", "2026-09-01", "2026-09-01"),
        ("one month ago", "2026-08-15", "2026-08-15"),
        ("3 months ago", "2026-06-15", "2026-06-15"),
        ("2 years ago", "2024-09-15", "2024-09-15"),
        ("last 7 days", "2026-09-09", "2026-09-15"),
        ("past 1 day", "2026-09-15", "2026-09-15"),
        ("past 30 days", "2026-08-17", "2026-09-15"),
        ("last 2 weeks", "2026-09-02", "2026-09-15"),
        ("2026-09-01", "2026-09-01", "2026-09-01"),
        ("2026-9-1", "2026-09-01", "2026-09-01"),
        ("2026-09", "2026-09-01", "2026-09-30"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-W38", "2026-09-14", "2026-09-20"),
        ("2026w1", "2025-12-29", "2026-01-04"),
        ("September 2026", "2026-09-01", "2026-09-30"),
        ("sep 2026", "2026-09-01", "2026-09-30"),
        ("Sept. 2026", "2026-09-01", "2026-09-30"),
        ("feb 2028", "2028-02-01", "2028-02-29"),
        ("1 September 2026", "2026-09-01", "2026-09-01"),
        ("Sep 1, 2026", "2026-09-01", "2026-09-01"),
        ("monday", "2026-09-14", "2026-09-14"),
        ("tuesday", "2026-09-15", "2026-09-15"),
        ("last tuesday", "2026-09-08", "2026-09-08"),
        ("wed", "2026-09-09", "2026-09-09"),
        ("last sun", "2026-09-13", "2026-09-13"),
        ("since 2026-09-01", "2026-09-01", "2026-09-15"),
        ("since last week", "2026-09-07", "2026-09-15"),
        ("since September 2026", "2026-09-01", "2026-09-15"),
        ("since today", "2026-09-15", "2026-09-15"),
        ("from 2026-09-10", "2026-09-10", "2026-09-15"),
        ("until 2026-09-01", "0001-01-01", "2026-09-01"),
        ("until last month", "0001-01-01", "2026-08-31"),
        ("before 2026-09-01", "0001-01-01", "2026-08-31"),
        ("before this week", "0001-01-01", "2026-09-13"),
        ("2026-09-01 to 2026-09-10", "2026-09-01", "2026-09-10"),
        ("2026-09-01..2026-09-10", "2026-09-01", "2026-09-10"),
        ("2026-09-01 .. 2026-09-10", "2026-09-01", "2026-09-10"),
        ("from 2026-09-01 to yesterday", "2026-09-01", "2026-09-14"),
        ("last month to this week", "2026-08-01", "2026-09-20"),
        ("2025 to 2026-03", "2025-01-01", "2026-03-31"),
        ("2026-09-01 to 2026-09-01", "2026-09-01", "2026-09-01"),
        ("2026-09-10..", "2026-09-10", "2026-09-15"),
        ("..2026-09-10", "0001-01-01", "2026-09-10"),
    ],
)
def test_phrase(text: str, start: str, end: str) -> None:
    assert parse_range(text, CLOCK) == DateRange(d(start), d(end))


@pytest.mark.parametrize("text", ["  Last   Week ", "LAST WEEK", "last\tweek", "\nlast week\n"])
def test_case_and_spaces_do_not_matter(text: str) -> None:
    assert parse_range(text, CLOCK) == parse_range("last week", CLOCK)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", "2026-09-15"),
        ("Yesterday", "2026-09-14"),
        ("5 days ago", "2026-09-10"),
        ("1 week ago", "2026-09-08"),
        ("2 months ago", "2026-07-15"),
        ("1 year ago", "2025-09-15"),
        ("2026-09-01", "2026-09-01"),
        ("1 Sep 2026", "2026-09-01"),
        ("friday", "2026-09-11"),
        ("last monday", "2026-09-14"),
    ],
)
def test_parse_day(text: str, day: str) -> None:
    assert parse_day(text, CLOCK) == d(day)


# Calendar edge cases


def test_last_month_in_january_is_december_of_the_year_before() -> None:
    assert parse_range("last month", on(d("2027-01-20"))) == DateRange(d("2026-12-01"), d("2026-12-31"))


def test_last_month_in_march_is_february_with_its_leap_day() -> None:
    assert parse_range("last month", on(d("2028-03-31"))) == DateRange(d("2028-02-01"), d("2028-02-29"))
    assert parse_range("last month", on(d("2027-03-31"))) == DateRange(d("2027-02-01"), d("2027-02-28"))


@pytest.mark.parametrize(
    ("today", "text", "day"),
    [
        ("2026-03-31", "1 month ago", "2026-02-28"),
        ("2028-03-31", "1 month ago", "2028-02-29"),
        ("2026-05-31", "1 month ago", "2026-04-30"),
        ("2026-01-31", "1 month ago", "2025-12-31"),
        ("2026-01-15", "13 months ago", "2024-12-15"),
        ("2028-02-29", "1 year ago", "2027-02-28"),
        ("2028-02-29", "4 years ago", "2024-02-29"),
        ("2026-03-01", "yesterday", "2026-02-28"),
        ("2028-03-01", "yesterday", "2028-02-29"),
        ("2027-01-01", "1 day ago", "2026-12-31"),
    ],
)
def test_counting_back_clamps_to_month_ends(today: str, text: str, day: str) -> None:
    assert parse_day(text, on(d(today))) == d(day)


def test_leap_day_exists_only_in_leap_years() -> None:
    assert parse_day("2028-02-29", CLOCK) == d("2028-02-29")
    assert parse_day("2000-02-29", CLOCK) == d("2000-02-29")
    for text in ("2026-02-29", "1900-02-29"):
        with pytest.raises(InvalidInput, match="has 28 days"):
            parse_day(text, CLOCK)


def test_iso_weeks_cross_the_year_boundary() -> None:
    # Friday 1 January 2027 belongs to ISO week 53 of 2026.
    new_year = on(d("2027-01-01"))
    assert parse_range("this week", new_year) == DateRange(d("2026-12-28"), d("2027-01-03"))
    assert parse_range("last week", new_year) == DateRange(d("2026-12-21"), d("2026-12-27"))
    # Thursday 1 January 2026 is in week 1 of 2026, which started in 2025.
    assert parse_range("this week", on(d("2026-01-01"))) == DateRange(d("2025-12-29"), d("2026-01-04"))
    assert parse_range("2026-W53", CLOCK) == DateRange(d("2026-12-28"), d("2027-01-03"))


def test_this_week_on_a_sunday_still_starts_on_monday() -> None:
    assert parse_range("this week", on(d("2026-09-20"))) == DateRange(d("2026-09-14"), d("2026-09-20"))


def test_last_weekday_on_that_weekday_is_a_week_ago() -> None:
    monday = on(d("2026-09-14"))
    assert parse_day("monday", monday) == d("2026-09-14")
    assert parse_day("last monday", monday) == d("2026-09-07")
    assert parse_day("last sunday", monday) == d("2026-09-13")


def test_periods_include_days_after_today() -> None:
    assert d("2026-09-30") in parse_range("this month", CLOCK)
    assert d("2026-12-31") in parse_range("this year", CLOCK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", "2026-09-16"),
        ("next tuesday", "2026-09-22"),  # today is a Tuesday: next week's, never today
        ("next friday", "2026-09-25"),  # the Friday of next week, not this week's
        ("next fri", "2026-09-25"),
        ("friday", "2026-09-18"),  # a date ahead: the coming Friday, not the one already gone
        ("tuesday", "2026-09-15"),
        ("in 3 days", "2026-09-18"),
        ("in a week", "2026-09-22"),
        ("in 2 months", "2026-11-15"),
    ],
)
def test_days_ahead_for_due_dates(text: str, expected: str) -> None:
    assert parse_day(text, CLOCK, ahead=True) == d(expected)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@pytest.mark.parametrize("today", [TODAY + timedelta(days=offset) for offset in range(7)], ids=lambda day: f"{day:%A}")
@pytest.mark.parametrize("number", range(7), ids=lambda number: WEEKDAYS[number])
def test_every_weekday_name_on_every_weekday(today: date, number: int) -> None:
    """The rule of `parse_day`, for each weekday typed on each weekday: ahead the coming one, today included;
    otherwise the latest one up to today; "last" the latest before today; "next" that day of next week."""
    clock, name = FixedClock.on(today), WEEKDAYS[number]
    coming = parse_day(name, clock, ahead=True)
    latest = parse_day(name, clock)
    last = parse_day(f"last {name}", clock, ahead=True)
    following = parse_day(f"next {name}", clock, ahead=True)
    assert all(day.weekday() == number for day in (coming, latest, last, following))
    assert today <= coming < today + timedelta(days=7)
    assert today - timedelta(days=7) < latest <= today
    assert today - timedelta(days=7) <= last < today
    next_monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    assert following == next_monday + timedelta(days=number)
    assert parse_day(f"next {name}", clock) == following  # whichever way the date looks
    assert (coming == today) == (latest == today) == (today.weekday() == number)


def test_next_week_and_next_month_are_periods() -> None:
    assert parse_range("next week", CLOCK) == DateRange(d("2026-09-21"), d("2026-09-27"))
    assert parse_range("next month", CLOCK) == DateRange(d("2026-10-01"), d("2026-10-31"))
    december = FixedClock.on(d("2026-12-10"))
    assert parse_range("next month", december) == DateRange(d("2027-01-01"), d("2027-01-31"))


def test_parsing_uses_the_clock_it_is_given() -> None:
    clock = FixedClock.on(d("2026-09-15"), at=time(23, 30))
    assert parse_day("today", clock) == d("2026-09-15")
    clock.advance(timedelta(hours=1))
    assert parse_day("today", clock) == d("2026-09-16")


# Errors


@pytest.mark.parametrize(
    "text",
    [
        "next weekend",
        "the day after tomorrow",
        "the other day",
        "september",
        "2026-09-01T10:00",
        "20260901",
        "15/09/2026",
        "-3 days ago",
    ],
)
def test_unreadable_phrase_is_named_with_examples(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_range(text, CLOCK)
    message = str(caught.value)
    assert f"'{text.lower()}'" in message
    assert "Try e.g." in message and "'last week'" in message


def test_unreadable_part_of_a_combined_phrase_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"Cannot read 'soon' \(in 'since soon'\)"):
        parse_range("since soon", CLOCK)
    with pytest.raises(InvalidInput, match=r"Cannot read 'later' \(in '2026-09-01 to later'\)"):
        parse_range("2026-09-01 to later", CLOCK)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("2026-09-00", "September 2026 has 30 days"),
        ("2026-13-01", "months run from 01 to 12"),
        ("2026-00", "months run from 01 to 12"),
        ("0000-01-01", "years start at 1"),
        ("0000", "years start at 1"),
        ("31 june 2026", "June 2026 has 30 days"),
        ("2026-W54", "2026 has ISO weeks 1 to 53"),
        ("2027-W53", "2027 has ISO weeks 1 to 52"),
        ("2026-W00", "ISO weeks 1 to 53"),
    ],
)
def test_impossible_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_range(text, CLOCK)


def test_reversed_range_is_refused() -> None:
    with pytest.raises(InvalidInput, match="runs backwards: 1 October 2026 is after 1 September 2026"):
        parse_range("2026-10-01 to 2026-09-01", CLOCK)
    with pytest.raises(InvalidInput, match="runs backwards"):
        parse_range("this month..last month", CLOCK)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "No date given"),
        ("   ", "No date given"),
        ("since", "missing a date"),
        ("until", "missing a date"),
        ("2026-09-01 to", "Cannot read"),
        ("..", "has no ends"),
        ("2026 to 2027 to 2028", "more than two ends"),
        ("since 2027", "after today"),
        ("since until 2026", "Cannot read 'until 2026'"),
        ("last 0 days", "no days"),
        ("before 0001-01-01", "no day comes before 1 January 0001"),
        ("9999999 days ago", "Cannot read"),
        ("999999 years ago", "outside the calendar"),
    ],
)
def test_other_errors(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_range(text, CLOCK)


def test_arithmetic_past_the_calendar_ends_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="outside the calendar"):
        parse_range("yesterday", on(date.min))
    with pytest.raises(InvalidInput, match="outside the calendar"):
        parse_range("this week", on(date.max))
    with pytest.raises(InvalidInput, match="outside the calendar"):
        parse_day("last year", on(d("0001-06-01")))


@pytest.mark.parametrize("text", ["this week", "September 2026", "2026", "last 3 days"])
def test_parse_day_refuses_periods(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a single day") as caught:
        parse_day(text, CLOCK)
    assert "'yesterday'" in str(caught.value)


@pytest.mark.parametrize("text", ["since monday", "until 2026", "2026-09-01..2026-09-02", "from 2026-09-01"])
def test_parse_day_refuses_ranges(text: str) -> None:
    with pytest.raises(InvalidInput, match="one day is needed"):
        parse_day(text, CLOCK)


def test_parse_day_names_unreadable_text() -> None:
    with pytest.raises(InvalidInput, match=r"Cannot read 'someday' as a date\. Try e\.g\. 'yesterday'"):
        parse_day("someday", CLOCK)


# Properties


@given(day=st.dates(), today=st.dates())
def test_an_iso_date_is_that_single_day(day: date, today: date) -> None:
    assert parse_range(day.isoformat(), on(today)) == DateRange(day, day)
    assert parse_day(day.isoformat(), on(today)) == day


@given(day=st.dates(), today=st.dates())
def test_a_worded_day_reads_back(day: date, today: date) -> None:
    assert parse_day(format_day(day), on(today)) == day


@given(today=SAFE_DAYS, phrase=st.sampled_from(RELATIVE_PHRASES))
def test_since_always_ends_today(today: date, phrase: str) -> None:
    found = parse_range(f"since {phrase}", on(today))
    assert found.end == today
    assert found.start == parse_range(phrase, on(today)).start


@given(today=st.dates(), day=st.dates())
def test_since_a_past_day_runs_from_it_to_today(today: date, day: date) -> None:
    assume(day <= today)
    assert parse_range(f"since {day.isoformat()}", on(today)) == DateRange(day, today)


@given(today=SAFE_DAYS, phrase=st.sampled_from(RELATIVE_PHRASES))
def test_relative_phrases_start_on_or_before_today(today: date, phrase: str) -> None:
    found = parse_range(phrase, on(today))
    assert found.start <= today
    assert found.start <= found.end


@given(first=st.dates(), second=st.dates())
def test_a_range_of_two_days_is_ordered_or_refused(first: date, second: date) -> None:
    text = f"{first.isoformat()} to {second.isoformat()}"
    if first <= second:
        assert parse_range(text, CLOCK) == DateRange(first, second)
        assert parse_range(text.replace(" to ", ".."), CLOCK) == DateRange(first, second)
    else:
        with pytest.raises(InvalidInput, match="runs backwards"):
            parse_range(text, CLOCK)


@given(today=SAFE_DAYS)
def test_this_week_is_the_iso_week_of_today(today: date) -> None:
    week = parse_range("this week", on(today))
    assert today in week
    assert week.start.weekday() == 0 and week.end - week.start == timedelta(days=6)
    assert week.start.isocalendar()[:2] == today.isocalendar()[:2]
    last = parse_range("last week", on(today))
    assert last.end + timedelta(days=1) == week.start


@given(today=SAFE_DAYS, number=st.integers(min_value=0, max_value=6), short=st.booleans())
def test_weekdays_fall_in_the_past_week(today: date, number: int, short: bool) -> None:
    name = WEEKDAYS[number][:3] if short else WEEKDAYS[number]
    plain = parse_day(name, on(today))
    strict = parse_day(f"last {name}", on(today))
    assert today - timedelta(days=6) <= plain <= today
    assert today - timedelta(days=7) <= strict < today
    assert plain.weekday() == number == strict.weekday()


@given(today=st.dates(min_value=date(21, 1, 1)), months=st.integers(min_value=0, max_value=240))
def test_months_ago_keeps_the_day_or_the_month_end(today: date, months: int) -> None:
    day = parse_day(f"{months} months ago", on(today))
    assert (today.year * 12 + today.month) - (day.year * 12 + day.month) == months
    assert day.day == today.day or (day.day < today.day and (day + timedelta(days=1)).day == 1)


@given(start=st.dates(), end=st.dates(), probe=st.dates())
def test_contains_matches_the_bounds(start: date, end: date, probe: date) -> None:
    assume(start <= end)
    assert (probe in DateRange(start, end)) == (start <= probe <= end)


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("yesterday 3pm", "2026-09-14", time(15)),
        ("2026-09-10 14:30", "2026-09-10", time(14, 30)),
        ("noon", "2026-09-15", time(12)),
        ("Monday at 9am", "2026-09-14", time(9)),
        ("10 September 2026 at 7:05 PM", "2026-09-10", time(19, 5)),
        ("3 days ago 08:00", "2026-09-12", time(8)),
        ("12am", "2026-09-15", time(0)),
        ("12pm", "2026-09-15", time(12)),
        ("yesterday", "2026-09-14", None),  # a day alone keeps no time: the caller chooses one
    ],
)
def test_a_day_may_end_with_a_time(text: str, day: str, at: time | None) -> None:
    assert parse_moment(text, CLOCK) == (d(day), at)


@given(st.times().map(lambda moment: moment.replace(second=0, microsecond=0)))
def test_every_time_of_day_reads_back_in_both_clocks(moment: time) -> None:
    hour12 = moment.hour % 12 or 12
    half = "am" if moment.hour < 12 else "pm"
    for written in (f"{moment:%H:%M}", f"{hour12}:{moment:%M}{half}", f"{hour12}:{moment:%M} {half}"):
        assert parse_moment(f"2026-09-10 {written}", CLOCK) == (d("2026-09-10"), moment)


@pytest.mark.parametrize("text", ["yesterday 25:00", "13pm", "0am", "noon 14:00", "10:75"])
def test_a_time_not_on_a_clock_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_moment(text, CLOCK)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Q3 2026", "2026-07-01", "2026-09-30"),
        ("2026-q4", "2026-10-01", "2026-12-31"),
        ("this quarter", "2026-07-01", "2026-09-30"),  # today is 15 September 2026
        ("last quarter", "2026-04-01", "2026-06-30"),
        ("next quarter", "2026-10-01", "2026-12-31"),
        ("q1 2026 to q2 2026", "2026-01-01", "2026-06-30"),
        ("since Q2 2026", "2026-04-01", "2026-09-15"),
    ],
)
def test_quarters_are_ranges_wherever_ranges_are_read(text: str, start: str, end: str) -> None:
    assert parse_range(text, CLOCK) == DateRange(d(start), d(end))


def test_last_quarter_in_january_is_the_year_before() -> None:
    assert parse_range("last quarter", on(d("2026-01-05"))) == DateRange(d("2025-10-01"), d("2025-12-31"))


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Ask Sam for feedback by Friday", date(2026, 9, 18)),  # TODAY is a Tuesday: the coming Friday
        ("Send the plan by 2026-10-01.", date(2026, 10, 1)),
        ("Book the room BY tomorrow!", date(2026, 9, 16)),
        ("Stand by the decision", None),  # "by" not followed by a day
        ("Ask by Friday, then decide", None),  # the day is not where the action ends
        ("Read the report", None),
    ],
)
def test_an_action_ending_by_a_day_is_due_that_day(text: str, due: date | None) -> None:
    assert due_day_in(text, CLOCK) == due
