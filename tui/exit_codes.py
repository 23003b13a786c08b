"""The exit statuses of `candour`: one table from error class to code, which the README lists word for word.

The errors carry no code themselves: which number a failure gets is the command line's business, not the
journal's or the cryptography's. An error gets the code of the nearest class in its ancestry that the table
names, so a new kind of damage exits 4 like every other.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from journal import (
    CandourError,
    DamagedJournal,
    InvalidInput,
    InvalidRecoveryKey,
    JournalBusy,
    JournalExists,
    JournalNotFound,
    ReadOnlyJournal,
    RecordNotFound,
    StorageError,
    UnsupportedFormat,
    WrongPassphrase,
    WrongRecoveryKey,
)

EXIT_SUCCESS = 0
EXIT_FAILURE = 1
"""Any other failure; also what the framework returns when the app stops after an internal error."""
EXIT_BAD_INPUT = 2
"""Also click's status for a usage error."""
EXIT_WRONG_KEY = 3
EXIT_DAMAGED = 4
EXIT_UNSUPPORTED_FORMAT = 5
EXIT_NOT_FOUND = 6
EXIT_BUSY = 7
EXIT_STORAGE = 8
EXIT_READ_ONLY = 9
EXIT_INTERNAL_ERROR = 70
"""A command failing in a way nobody planned for (EX_SOFTWARE in the BSD `sysexits.h`)."""
EXIT_CANCELLED = 130
"""128 + SIGINT: what a shell reports for a program ended with Ctrl-C."""


def stopped_by(number: int) -> int:
    """The status of a program that ended because of signal `number`, as a shell reports it: 128 + `number`."""
    return 128 + number


@dataclass(frozen=True)
class ExitStatus:
    """One row of the table: a code, what it means, and the errors that end a command with it."""

    code: int
    meaning: str
    """Word for word as in the README's table."""
    errors: tuple[type[CandourError], ...] = ()


def exit_statuses() -> tuple[ExitStatus, ...]:
    """Every status `candour` exits with, by code, as the README lists them."""
    # Imported only here, when a command has failed or the table is read: `journal.export` loads the linter's
    # word lists, which no other command should wait for at its start.
    from journal.export import ExportExists, FindingsUnanswered, LevelExceeded, WordingNeeded

    return (
        ExitStatus(EXIT_SUCCESS, "success"),
        ExitStatus(
            EXIT_FAILURE,
            "anything else, such as too little free memory to derive the key, or the app stopping after an "
            "internal error",
            (CandourError,),
        ),
        ExitStatus(
            EXIT_BAD_INPUT,
            "bad input, or a file that would be overwritten",
            (
                InvalidInput,
                InvalidRecoveryKey,
                JournalExists,
                ExportExists,
                LevelExceeded,
                WordingNeeded,
                FindingsUnanswered,
            ),
        ),
        ExitStatus(EXIT_WRONG_KEY, "wrong passphrase or recovery key", (WrongPassphrase, WrongRecoveryKey)),
        ExitStatus(EXIT_DAMAGED, "damaged journal (also `candour verify` finding a problem)", (DamagedJournal,)),
        ExitStatus(
            EXIT_UNSUPPORTED_FORMAT,
            "a format this version does not read (newer, or an unreleased older one)",
            (UnsupportedFormat,),
        ),
        ExitStatus(EXIT_NOT_FOUND, "not found", (JournalNotFound, RecordNotFound)),
        ExitStatus(EXIT_BUSY, "already open", (JournalBusy,)),
        ExitStatus(EXIT_STORAGE, "disk full or unwritable", (StorageError,)),
        ExitStatus(
            EXIT_READ_ONLY,
            "a write to a read-only journal (disk, folder or file); nothing was written",
            (ReadOnlyJournal,),
        ),
        ExitStatus(EXIT_INTERNAL_ERROR, "an unexpected internal error of a command; nothing was written in clear"),
        ExitStatus(stopped_by(signal.SIGHUP), "the app's terminal closed (SIGHUP); it saved the open draft first"),
        ExitStatus(EXIT_CANCELLED, "cancelled or interrupted (Ctrl-C)"),
        ExitStatus(stopped_by(signal.SIGTERM), "the app was told to stop (SIGTERM); it saved the open draft first"),
    )


def exit_code_for(kind: type[CandourError]) -> int:
    """The status a command exits with after an error of class `kind`."""
    codes = {error: status.code for status in exit_statuses() for error in status.errors}
    return next(codes[ancestor] for ancestor in kind.__mro__ if ancestor in codes)
