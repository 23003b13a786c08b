"""The open journal file that every part of the vault works through: its one SQLite connection, the lock
that keeps other Candours out, the mutex that serialises calls, and transactions and reads whose
failures come out as journal errors."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path

from journal.errors import JournalLocked, ReadOnlyJournal
from journal.vault.database import JournalLock, checkpoint_and_close, sqlite_errors, tighten_permissions

LOCKED_MESSAGE = "The journal is locked. Unlock it to continue."


class JournalFile:
    """An open journal file. Every part takes `mutex` around each of its calls, so worker threads may
    call any part; after `close()` every use raises `JournalLocked`.

    Args:
        path: the journal file.
        connection: open on `path` (see `database.open_database`).
        lock: already acquired; released by `close()`.
    """

    def __init__(
        self, path: Path, connection: sqlite3.Connection, lock: JournalLock, *, read_only: str | None = None
    ) -> None:
        self.path = path
        self.read_only = read_only
        """Why the journal can only be read (see `database.read_only_reason`), or None: every write is refused."""
        self.mutex = threading.RLock()
        """Held by every call of every part: one call at a time, and a call may make others."""
        self._connection: sqlite3.Connection | None = connection
        self._lock = lock

    def db(self) -> sqlite3.Connection:
        """The connection.

        Raises:
            JournalLocked: the file was closed.
        """
        if self._connection is None:
            raise JournalLocked(LOCKED_MESSAGE)
        return self._connection

    def close(self) -> None:
        """Checkpoint and truncate the write-ahead log, make the files owner-only, release the lock."""
        with self.mutex:
            if self._connection is not None:
                if self.read_only:
                    self._connection.close()  # nothing to fold back, and nothing here may change
                else:
                    checkpoint_and_close(self._connection)
                    tighten_permissions(self.path)
                self._connection = None
            self._lock.release()

    def refuse_if_read_only(self, action: str) -> None:
        """Raises ReadOnlyJournal, naming `action`, when the journal can only be read."""
        if self.read_only:
            raise ReadOnlyJournal(
                f"Could not {action}: the journal can only be read ({self.read_only}). Nothing was changed. "
                "To write to it, make the journal file and its folder writable by you."
            )

    @contextlib.contextmanager
    def transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write: all of it reaches the file or none. Inside `batch` it is a savepoint, so a part that
        fails (a best-effort snapshot) is undone alone and the batch's one COMMIT decides for the rest.

        Raises:
            StorageError, JournalBusy: as `sqlite_errors` reports failures of `action`.
        """
        connection = self.db()
        self.refuse_if_read_only(action)
        undo: tuple[str, ...]
        if connection.in_transaction:
            begin, commit, undo = "SAVEPOINT part", "RELEASE part", ("ROLLBACK TO part", "RELEASE part")
        else:
            begin, commit, undo = "BEGIN IMMEDIATE", "COMMIT", ("ROLLBACK",)
        with sqlite_errors(action):
            connection.execute(begin)
            try:
                yield connection
                connection.execute(commit)
            except BaseException:
                if connection.in_transaction:
                    for statement in undo:
                        connection.execute(statement)
                raise

    @contextlib.contextmanager
    def batch(self, action: str, rolled_back: Callable[[], None]) -> Iterator[None]:
        """Make every write inside the block one transaction; a batch inside a batch joins the outer one.

        Args:
            rolled_back: called when the block or its commit failed and the file was rolled back,
                so that what the parts hold in memory is read again from the file.
        Raises:
            StorageError, JournalBusy: the transaction could not start or commit; nothing was written.
        """
        with self.mutex:
            connection = self.db()
            if connection.in_transaction:
                yield
                return
            self.refuse_if_read_only(action)
            with sqlite_errors(action):
                connection.execute("BEGIN IMMEDIATE")
            try:
                yield
                with sqlite_errors(action):
                    connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                rolled_back()
                raise

    def rows(self, query: str, parameters: Sequence[int] = (), *, action: str) -> Generator[tuple[int, object]]:
        """(number, envelope) rows of a query selecting those two, one at a time as SQLite reads them."""
        with sqlite_errors(action):
            yield from self.db().execute(query, parameters)

    def rows_of(self, query: str, parameters: Sequence[int] = (), *, action: str) -> dict[int, object]:
        """The rows of `rows`, as number → envelope."""
        return dict(self.rows(query, parameters, action=action))
