"""What the app and its screens share: the app's settings, what a screen may read from the app, the roles a
screen can take, and what an unlocking screen hands back.

It lives apart from `tui.app` so that the screens import it and never the app, and the app imports the screens
without an import circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from journal import (
    DEFAULT_KDF_LIMITS,
    Clock,
    Journal,
    KdfLimits,
    KdfParams,
    Model,
    Preferences,
    RecoveryKeyToConfirm,
    SystemClock,
)

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class AppSettings:
    """How the app is built: where the journal is and what costs new journals get (cheap only in tests)."""

    journal_path: Path
    kdf: KdfParams | None = None
    limits: KdfLimits = DEFAULT_KDF_LIMITS
    clock: Clock = field(default_factory=SystemClock)
    demo_passphrase: str | None = None
    """Shown on the unlock screen of the demo journal, so a newcomer can look around."""
    auto_lock_seconds: float | None = None
    """Overrides the journal's auto-lock delay (tests)."""


class JournalHost(Protocol):
    """What a screen reads from the app; it changes none of it (results go back through `dismiss` or messages)."""

    settings: AppSettings
    journal: Journal | None
    """The open journal, None while locked."""
    preferences: Preferences
    """The coachee's settings now in force."""

    def reveal(self, record: Model, *, edit: bool = False) -> None:
        """Back to the main view with `record` selected (and open in the editor or its form, with `edit`)."""


@dataclass(frozen=True)
class Unlocked:
    """What the unlock, recovery and first-run screens dismiss with: the journal they opened, for the app to hold."""

    journal: Journal
    recovery_key: RecoveryKeyToConfirm | None = None
    """A recovery key not yet confirmed (a first run, or a replacement when one stopped before its key was
    confirmed): the app shows it and asks for it back before anything else."""


class AppView:
    """For every screen of the app: the app, as the host of the settings, journal and preferences."""

    if TYPE_CHECKING:

        @property
        def app(self) -> App[Any]: ...

    @property
    def candour(self) -> JournalHost:
        return cast(JournalHost, self.app)


class JournalView(AppView):
    """For screens shown while the journal is unlocked: the journal the app holds open."""

    @property
    def journal(self) -> Journal:
        """The open journal.

        Raises:
            RuntimeError: the journal was locked (a screen showing content is gone by then).
        """
        journal = self.candour.journal
        if journal is None:
            raise RuntimeError("the journal is locked")
        return journal


class Reopened:
    """A screen the main view opens, opened again after an unlock if it was the one showing when the journal
    locked. Only which screen it was is remembered, never anything it showed."""

    OPENED_BY: ClassVar[str]
    """The main view's action that opens it (e.g. "goals")."""


class Lockable:
    """A screen that holds unsaved work: asked to save it (encrypted) before the journal locks."""

    def save_before_lock(self, journal: Journal) -> None:
        raise NotImplementedError


def after_typed_keys(app: App[Any], callback: Callable[[], object]) -> None:
    """Run `callback` once the focused field has handled every key already sent to it.

    A priority binding (Ctrl+S, Ctrl+L, Ctrl+Q, F5…) is handled by the app the moment its key arrives, while the
    keys typed just before it still wait in the focused field's queue: a fast typist or a paste sends several in
    one read. Acting at once would save, lock or quit without the last words typed.

    The callback then runs on the app's own queue, not the field's: a screen it opens reports back to whoever
    opened it, and the field may be gone by then (locking removes it).
    """
    focused = app.focused
    if focused is None:
        callback()
    else:
        focused.call_later(app.call_later, callback)
