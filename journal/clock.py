"""An injectable clock: the system's local time in use, a fixed moment in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Where the current moment comes from; code that needs "now" takes one instead of asking the system."""

    def now(self) -> datetime:
        """The current moment, time-zone aware."""
        ...

    def today(self) -> date:
        """The current calendar day in the clock's time zone."""
        ...


class SystemClock:
    """The real clock, in the machine's local time zone."""

    def now(self) -> datetime:
        """The current moment in the local time zone.

        Returns:
            An aware datetime whose offset is the local one in effect now.
        """
        return datetime.now().astimezone()

    def today(self) -> date:
        """Today's date in the local time zone.

        Returns:
            The local calendar day of `now()`.
        """
        return self.now().date()


class FixedClock:
    """A clock that stands still at a chosen moment until moved; for tests and reproducible runs."""

    def __init__(self, moment: datetime) -> None:
        """Stop the clock at `moment`.

        Args:
            moment: The moment to report; it must be time-zone aware, as the system clock's is.

        Raises:
            ValueError: If `moment` is naive (a programming error, not a user's).
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("FixedClock needs a time-zone aware datetime")
        self._moment = moment

    @classmethod
    def on(cls, day: date, at: time = time(12), tz: tzinfo = UTC) -> FixedClock:
        """A clock stopped on `day`, at noon by default, so that `today()` is `day`.

        Args:
            day: The calendar day `today()` will report.
            at: The wall-clock time on that day.
            tz: The time zone of that wall-clock time.

        Returns:
            A new FixedClock.
        """
        return cls(datetime.combine(day, at, tzinfo=tz))

    def now(self) -> datetime:
        """The fixed moment.

        Returns:
            The aware datetime the clock was set to, in the time zone it was given in.
        """
        return self._moment

    def today(self) -> date:
        """The calendar day of the fixed moment, in its own time zone.

        Returns:
            The date part of `now()`.
        """
        return self._moment.date()

    def advance(self, delta: timedelta) -> None:
        """Move the clock on (or back, with a negative delta).

        Args:
            delta: How far to move it.
        """
        self._moment += delta

    def __repr__(self) -> str:
        return f"FixedClock({self._moment.isoformat()})"
