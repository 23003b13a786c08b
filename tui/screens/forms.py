"""Small forms that create one thing and return it: an engagement, a session, a progress check-in."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from journal import (
    CandourError,
    CheckIn,
    Engagement,
    Goal,
    InvalidInput,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    parse_day,
)
from tui.screens.base import JournalView
from tui.widgets.field import Field

Saved = TypeVar("Saved")


class Form(ModalScreen[Saved], JournalView, Generic[Saved]):
    """Shared behaviour: Escape cancels, errors show in the form, the journal comes from the app. Dismisses with
    what it saved, or with nothing when cancelled."""

    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+s", "save", "Save")]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        """Say what is wrong where it is seen: the error line is scrolled into view."""
        error = self.query_one(".error", Static)
        error.update(message)
        self.call_after_refresh(error.scroll_visible)

    def day(self, field_id: str, *, required: bool = False, ahead: bool = False) -> date | None:
        """The date typed in a field (any date phrase), or None when blank and not required (`ahead`: a date in
        the future, where "friday" is the coming one)."""
        text = self.query_one(f"#{field_id}", Input).value.strip()
        if not text:
            if required:
                return self.journal.clock.today()
            return None
        return parse_day(text, self.journal.clock, ahead=ahead)

    def whole_number(self, field_id: str) -> int | None:
        """The whole number typed in a field, or None when blank (the model checks its range).

        Raises:
            InvalidInput: something other than digits.
        """
        text = self.query_one(f"#{field_id}", Input).value.strip()
        if not text:
            return None
        if not text.isdigit():
            raise InvalidInput("Type a whole number, e.g. 6, or leave the field empty.")
        return int(text)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            self.dismiss(self.save())
        except CandourError as error:
            self.show_error(str(error))

    def save(self) -> Saved:
        raise NotImplementedError


class EngagementForm(Form[Engagement]):
    """A coaching engagement and the sharing agreement reached in three-way contracting: a new one, or every
    field of an existing one (saved as a new revision)."""

    def __init__(self, *, first_run: bool = False, existing: Engagement | None = None) -> None:
        super().__init__()
        self.first_run = first_run
        self.existing = existing

    def compose(self) -> ComposeResult:
        old = self.existing or Engagement("-", agreement=SharingAgreement(SharingLevel.L1))

        def day(value: date | None) -> str:
            return value.isoformat() if value else ""

        with VerticalScroll(id="engagement-form", classes="card form"):
            yield Static("Edit the engagement" if self.existing else "Your coaching engagement", classes="title")
            if self.first_run:
                yield Static("One engagement is one coaching contract. You can add more later.")
            yield Label("Title (private)")
            yield Field(
                self.existing.title if self.existing else "", placeholder="e.g. Leadership coaching 2026", id="title"
            )
            yield Label("Label for the sponsor (what a summary calls it; the title stays yours)")
            yield Field(old.sponsor_label, placeholder="e.g. Leadership development", id="sponsor-label")
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Label("Coach")
                    yield Field(old.coach, id="coach")
                with Vertical():
                    yield Label("Sponsor (the organisation paying)")
                    yield Field(old.sponsor, id="sponsor")
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Label("Starts (e.g. 2026-09-01, today)")
                    yield Field(day(old.starts_on), id="starts")
                with Vertical():
                    yield Label("Sessions planned")
                    yield Field(str(old.planned_sessions or ""), type="integer", id="planned")
            if self.existing:
                yield Label("Ends (e.g. 2027-03-31; empty if not agreed)")
                yield Field(day(old.ends_on), id="ends")
            yield Label("What the sponsor may see, as agreed with your coach and sponsor")
            yield Select(
                [(f"{level.name}: {level.description}", level) for level in SharingLevel],
                value=old.agreement.level,
                allow_blank=False,
                id="level",
            )
            yield Label("Agreed with (optional)")
            yield Field(old.agreement.agreed_with, placeholder="e.g. my coach and my manager", id="agreed-with")
            yield Label("Limits of confidentiality you agreed (private)")
            yield TextArea(old.agreement.confidentiality_note, id="note")
            yield Static("", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Later" if self.first_run else "Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def save(self) -> Engagement:
        chosen = self.query_one("#level", Select).value
        level = chosen if isinstance(chosen, SharingLevel) else SharingLevel.L0
        old = self.existing
        # A new level is a new agreement, reached today; the same level keeps the day it was agreed.
        agreed_on = old.agreement.agreed_on if old and old.agreement.level is level else self.journal.clock.today()
        agreement = SharingAgreement(
            level,
            agreed_on,
            self.query_one("#agreed-with", Input).value,
            self.query_one("#note", TextArea).text,
        )
        fields = {
            "title": self.query_one("#title", Input).value,
            "coach": self.query_one("#coach", Input).value,
            "sponsor": self.query_one("#sponsor", Input).value,
            "starts_on": self.day("starts"),
            "planned_sessions": self.whole_number("planned"),
            "agreement": agreement,
            "sponsor_label": self.query_one("#sponsor-label", Input).value,
        }
        if old is None:
            return self.journal.save(Engagement(**fields))  # type: ignore[arg-type]  # each field of its type
        changed = dataclasses.replace(old, ends_on=self.day("ends", ahead=True), **fields)  # type: ignore[arg-type]
        return changed if changed == old else self.journal.save(changed)


class SessionForm(Form[Session]):
    """A coaching session of an engagement, with the agenda the coachee wants to bring."""

    def __init__(self, engagement: Engagement) -> None:
        super().__init__()
        self.engagement = engagement

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="session-form", classes="card form"):
            yield Static(f"New session: {self.engagement.title}", classes="title")
            yield Label("Date (e.g. today, next thursday, 2026-09-10)")
            yield Field(placeholder="today", id="held-on")
            yield Label("What I want to bring (private)")
            yield TextArea(id="agenda")
            yield Static("", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#held-on", Input).focus()

    def save(self) -> Session:
        held_on = self.day("held-on", required=True) or self.journal.clock.today()
        status = SessionStatus.PLANNED if held_on > self.journal.clock.today() else SessionStatus.HELD
        return self.journal.save(
            Session(
                self.engagement.saved_id,
                held_on,
                self.journal.next_session_number(self.engagement),
                status,
                self.query_one("#agenda", TextArea).text,
            )
        )


class GoalForm(Form[Goal]):
    """A goal: its private title, the wording the sponsor may see, what success looks like, a target date."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="goal-form", classes="card form"):
            yield Static("New goal", classes="title")
            yield Label("Goal (private)")
            yield Field(placeholder="e.g. Stop rescuing the team", id="title")
            yield Label("Wording for the sponsor (what a summary may say, if you tick it)")
            yield Field(placeholder="e.g. Empowering the team", id="sponsor-wording")
            yield Label("What success looks like (private)")
            yield TextArea(id="criteria")
            with Horizontal(classes="pair"):
                with Vertical():
                    yield Label("Target date (optional, e.g. 2027-03-31)")
                    yield Field(id="target")
                with Vertical():
                    yield Label("Target rating, 0-10 (optional)")
                    yield Field(type="integer", id="target-rating")
            yield Static("", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def save(self) -> Goal:
        engagement = self.journal.current_engagement()
        return self.journal.save(
            Goal(
                self.query_one("#title", Input).value,
                self.query_one("#sponsor-wording", Input).value,
                success_criteria=self.query_one("#criteria", TextArea).text,
                target_date=self.day("target", ahead=True),
                engagement_id=engagement.record_id if engagement else None,
                target_rating=self.whole_number("target-rating"),
            )
        )


class CheckInForm(Form[CheckIn]):
    """A 0-10 rating of a goal, with a private note and an optional statement for the sponsor."""

    def __init__(self, goal: Goal) -> None:
        super().__init__()
        self.goal = goal

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="check-in-form", classes="card form"):
            yield Static(f"Check in: {self.goal.title}", classes="title")
            yield Label("Where are you now, from 0 to 10?")
            yield Field(type="integer", max_length=2, id="rating")
            yield Label("On (empty for today; e.g. yesterday, monday, 2026-09-10)")
            yield Field(id="rated-on")
            yield Label("Note (private)")
            yield Field(id="note")
            yield Label("Statement for the sponsor (optional, shared only at level L3 and if you tick it)")
            yield Field(id="statement")
            yield Static("", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#rating", Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        self.action_save()

    def save(self) -> CheckIn:
        rating = self.query_one("#rating", Input).value.strip()
        if not rating.isdigit():
            raise InvalidInput("Type a rating from 0 to 10.")
        return self.journal.check_in(
            self.goal,
            int(rating),
            note=self.query_one("#note", Input).value,
            sponsor_statement=self.query_one("#statement", Input).value,
            on=self.day("rated-on"),
        )
