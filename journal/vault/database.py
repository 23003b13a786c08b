"""The journal's SQLite file: its format version, hygiene (permissions, secure delete, memory temp store,
WAL checkpoints), atomic creation and backup, the single-writer lock, read-only opening, and translation of SQLite
failures into our errors. The tables are in `schema`.

Nothing here knows about keys: it stores header, key slots and envelopes as opaque bytes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from journal.errors import (
    CandourError,
    DamagedJournal,
    ForeignFile,
    JournalBusy,
    JournalExists,
    JournalNotFound,
    StorageError,
    UnsupportedFormat,
)
from journal.vault.schema import create_tables

APPLICATION_ID = 0x43414E44
"""`PRAGMA application_id` of a Candour journal: "CAND"; tells our files from other SQLite files."""

SCHEMA_VERSION = 3
"""`PRAGMA user_version`: the file format version, readable before any table is touched.
Version 3 binds each index level to its children's row digests, chains each record's rows, and seals the
header; version 2 (bound by revisions only) is migrated on first unlock (`migration`)."""

MIGRATED_VERSIONS = (2,)
"""Older format versions this Candour opens, to migrate them to `SCHEMA_VERSION`."""

SIDE_FILES = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside the database; each must be owner-only like the database."""


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so every write
    # transaction takes the write lock up front and never fails half-way on upgrade.
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    _set_reading_pragmas(connection)
    connection.execute("PRAGMA secure_delete = ON")  # deleted ciphertext is zeroed, not left in free pages
    connection.execute("PRAGMA synchronous = FULL")  # an acknowledged write survives power loss too
    connection.execute("PRAGMA busy_timeout = 2000")
    return connection


def _set_reading_pragmas(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables never touch a temp file
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA cell_size_check = ON")  # damaged pages fail early instead of misreading


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the journal, and makes no side files when it can avoid them.

    Without a write-ahead log to read (a journal closed cleanly has none), the file is opened as immutable:
    SQLite then needs no `-shm` file, which a read-only folder or disk could not hold. That is safe because
    the caller holds a shared `JournalLock`, which no writer can take meanwhile. A log left with content
    (a writer was killed) holds committed writes, so the file is opened read-only with its log instead.
    """
    wal = path.with_name(path.name + "-wal")
    with_log = wal.exists() and wal.stat().st_size > 0
    uri = path.resolve().as_uri() + ("?mode=ro" if with_log else "?immutable=1")
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    _set_reading_pragmas(connection)
    connection.execute("PRAGMA query_only = ON")  # a second refusal, should a write ever reach SQLite
    return connection


_DAMAGED_VALUES = (UnicodeDecodeError, TypeError, ValueError, OverflowError, IndexError)
"""What Python raises when a damaged file gives back malformed values."""


@contextlib.contextmanager
def sqlite_errors(action: str) -> Iterator[None]:
    """Turn SQLite and OS failures during `action` into Candour errors with a readable message."""
    try:
        yield
    except CandourError:
        raise
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise JournalBusy(
                f"Could not {action}: another program is using the journal file. Close it and try again."
            ) from None
        text = str(error).lower()
        if isinstance(error, sqlite3.OperationalError) and any(
            word in text for word in ("disk", "full", "readonly", "read-only", "unable to open", "i/o")
        ):
            raise StorageError(
                f"Could not {action}: the disk is full or the folder is not writable. "
                "Nothing already saved was lost; free some space and try again."
            ) from None
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            raise DamagedJournal(
                f"Could not {action}: the journal file is damaged or truncated. Restore it from a backup."
            ) from None
        raise DamagedJournal(
            f"Could not {action}: the journal file could not be read ({type(error).__name__})."
        ) from None
    except _DAMAGED_VALUES:
        # A damaged file can make SQLite hand back text that is not UTF-8 or values
        # of the wrong type; that is damage, never a crash.
        raise DamagedJournal(f"Could not {action}: the journal file is damaged. Restore it from a backup.") from None
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else "operating system error"
        raise StorageError(f"Could not {action}: {reason}. Nothing already saved was lost.") from None


LEGACY_LOCK_SUFFIX = ".lock"
"""Format 2 locked `<journal>.lock` beside the journal; format 3 locks the file itself and removes it."""

_BUSY = "The journal is already open in another Candour window or command. Close it there first; nothing was changed."


class JournalLock:
    """A lock on the journal file itself, held while a journal is open: exclusive for a writer, shared for a
    reader of a read-only journal.

    flock(2) locks the open file, which belongs to the file's device and inode, so every path that reaches
    the journal (a symlink, a hard link, another spelling) meets the same lock, and no file is made beside
    the journal for it. flock locks are independent of the POSIX locks SQLite takes, but closing any
    descriptor of a file drops all of this process's POSIX locks on it, so the descriptor is opened before
    SQLite connects and closed only after SQLite has closed (`JournalFile.close`).
    """

    def __init__(self, journal_path: Path, *, shared: bool = False) -> None:
        self.path = journal_path
        self.shared = shared
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, and remove a format-2 lock file beside the journal once no one holds it.

        Raises:
            JournalBusy: another process holds it (or, for a writer, holds a format-2 lock on the journal).
            StorageError: the journal file cannot be opened.
        """
        with sqlite_errors("lock the journal"):
            # Read-only: flock needs no write access, so a journal on read-only media can be locked too.
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            _flock_or_busy(fd, fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX)
            if not self.shared:
                _remove_legacy_lock(self.path)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Release the lock (after the database connection was closed)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _flock_or_busy(fd: int, operation: int) -> None:
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise JournalBusy(_BUSY) from None
        raise


def _remove_legacy_lock(journal_path: Path) -> None:
    """Remove the `.lock` file a format-2 Candour kept beside the journal, unless one still holds it (that
    Candour has the journal open, and must close it before this one writes)."""
    legacy = journal_path.with_name(journal_path.name + LEGACY_LOCK_SUFFIX)
    try:
        fd = os.open(legacy, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return  # none (or not a plain file of ours): nothing to remove
    try:
        _flock_or_busy(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):
            legacy.unlink()
    finally:
        os.close(fd)


def read_only_reason(path: Path) -> str | None:
    """Why the journal at `path` can only be read (None when it can be written).

    By the permission bits the user set, not only by `os.access`: run as root, `access` says every file is
    writable, and a journal the user made read-only (0400, or in a read-only folder) must stay untouched.
    """
    folder = path.parent
    with sqlite_errors("read the journal"):
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "it is on a read-only disk"
        if not path.stat().st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            return "the file is read-only"
        if not folder.stat().st_mode & stat.S_IWUSR or not os.access(folder, os.W_OK):
            return "its folder is read-only"
    return None


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and parents) owner-only. A folder that already exists is the user's choice and is
    left as it is (it may hold other things); the journal's own files are owner-only whatever the folder."""
    with sqlite_errors("create the journal folder"):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not folder.is_dir():
            raise StorageError(f"Could not use {folder}: it is not a folder.")


def tighten_permissions(path: Path) -> None:
    """Make the database and any side files owner-only: group and other bits are removed, the owner's are
    left as the user set them (a journal made 0400 stays read-only)."""
    for candidate in [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]:
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                candidate.chmod(mode & 0o700)


def _file_format(connection: sqlite3.Connection) -> tuple[int, int]:
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    return int(application_id), int(version)


_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_file_format(path: Path) -> None:
    """Tell a journal this Candour reads from anything else by reading the file's first 100 bytes, without
    opening it with SQLite: closing a connection folds a left-over write-ahead log into the file, and a
    file we refuse must be left exactly as it is.

    Raises:
        JournalNotFound: see `require_journal_file`.
        ForeignFile: not SQLite, or another application's database.
        UnsupportedFormat: another Candour format version.
    """
    require_journal_file(path)
    with sqlite_errors("read the journal"), path.open("rb") as file:
        head = file.read(100)
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise ForeignFile(f"{path} is not a Candour journal, or it is damaged or truncated. Nothing was changed.")
    # SQLite's file header keeps `user_version` at offset 60 and `application_id` at 68 (big-endian).
    version = int.from_bytes(head[60:64], "big")
    application_id = int.from_bytes(head[68:72], "big")
    if application_id != APPLICATION_ID:
        raise ForeignFile(f"{path} is not a Candour journal (it is another kind of file). Nothing was changed.")
    if version != SCHEMA_VERSION and version not in MIGRATED_VERSIONS:
        raise UnsupportedFormat(version, SCHEMA_VERSION)


def file_format_version(connection: sqlite3.Connection) -> int:
    """The format version of an open journal (`PRAGMA user_version`)."""
    return _file_format(connection)[1]


def require_journal_file(path: Path) -> None:
    """Check that a journal file exists before locking or opening it.

    Raises:
        JournalNotFound: no file, a folder, or an empty file (creation never finished).
    """
    if not path.exists():
        raise JournalNotFound(f"There is no journal at {path}. Create one with `candour init`.")
    if path.is_dir():
        raise JournalNotFound(f"{path} is a folder, not a journal file.")
    if path.stat().st_size == 0:
        # Creation is atomic (built beside, then linked), so an empty file was never a Candour journal.
        raise JournalNotFound(
            f"{path} is empty, so it holds no journal. Move it aside or delete it, then run `candour init`."
        )


def probe_journal(path: Path) -> None:
    """Check, before anyone types a passphrase, that `path` is a journal this Candour reads and that no
    other Candour has it open. Reads only; the answer can change a moment later, so opening still checks.

    Raises:
        JournalNotFound, ForeignFile, UnsupportedFormat, JournalBusy: as opening would.
    """
    check_file_format(path)
    lock = JournalLock(path, shared=read_only_reason(path) is not None)
    lock.acquire()
    lock.release()


def open_database(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open an existing journal file for use, reading (never writing) to check what it is.

    Args:
        read_only: open it so that SQLite cannot write it (see `_connect_read_only`).

    Raises:
        JournalNotFound: see `require_journal_file`.
        ForeignFile: another kind of SQLite file, or not SQLite at all.
        UnsupportedFormat: another format version, neither this one nor one it migrates; the file is left untouched.
    """
    check_file_format(path)
    with sqlite_errors("open the journal"):
        connection = None
        try:
            connection = _connect_read_only(path) if read_only else _connect(path)
            application_id, version = _file_format(connection)
        except (sqlite3.DatabaseError, *_DAMAGED_VALUES) as error:
            if connection is not None:
                connection.close()
            if isinstance(error, sqlite3.OperationalError):
                raise  # cannot open or read: reported by sqlite_errors as a storage problem
            raise ForeignFile(
                f"{path} is not a Candour journal, or it is damaged or truncated. Nothing was changed."
            ) from None
        if application_id != APPLICATION_ID:
            connection.close()
            raise ForeignFile(f"{path} is not a Candour journal (it is another kind of file). Nothing was changed.")
        if version != SCHEMA_VERSION and version not in MIGRATED_VERSIONS:
            connection.close()
            raise UnsupportedFormat(version, SCHEMA_VERSION)
    return connection


def create_database(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Create a journal file atomically: built beside `path` under a temporary name, then linked.

    The file appears complete or not at all, so a crash during creation never
    leaves something that looks like a damaged journal.

    Args:
        fill: called with the open connection inside the creating transaction to
            write the header, key slots and empty index.
    Raises:
        JournalExists: `path` already exists (it is never overwritten).
        StorageError: the folder cannot be written.
    """

    def build(connection: sqlite3.Connection) -> None:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute("BEGIN IMMEDIATE")
        create_tables(connection)
        fill(connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode = WAL")  # persistent: readers never block the writer

    _build_then_link(path, build, "create the journal", f"A journal already exists at {path}; it was not touched.")


def backup_database(connection: sqlite3.Connection, destination: Path) -> None:
    """Write a consistent copy of an open journal to `destination`, atomically and owner-only.

    The copy is SQLite's online backup of the committed state (still encrypted, same
    passphrase); it is built under a temporary name in the destination folder, checked,
    flushed to disk and then linked into place, so a crash leaves no half copy.

    Raises:
        JournalExists: `destination` exists (it is never overwritten).
        StorageError: the folder cannot be written or the disk is full.
    """

    def build(copy: sqlite3.Connection) -> None:
        connection.backup(copy)
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DamagedJournal("The backup copy did not pass SQLite's check; nothing was written.")

    _build_then_link(
        destination,
        build,
        "write the backup",
        f"{destination} already exists; choose a new name (nothing was overwritten).",
    )


def backup_beside(connection: sqlite3.Connection, path: Path, label: str) -> Path:
    """Write a consistent copy of the open journal at `path` beside it, as `<name>.<label>.backup` (numbered
    when that exists: never over an earlier copy), before a step that rewrites the file (a migration, a
    repair). Returns where the copy went.

    Raises:
        StorageError: the copy could not be written (nothing else was done).
    """

    def free_name() -> Path:
        candidate, number = path.with_name(f"{path.name}.{label}.backup"), 2
        while candidate.exists():
            candidate, number = path.with_name(f"{path.name}.{label}.{number}.backup"), number + 1
        return candidate

    destination = free_name()
    try:
        backup_database(connection, destination)
    except JournalExists:  # appeared meanwhile: take the next name
        destination = free_name()
        backup_database(connection, destination)
    return destination


def _build_then_link(path: Path, build: Callable[[sqlite3.Connection], None], action: str, exists: str) -> None:
    """Build a database file under a temporary name beside `path`, flush it, then link it into place.

    The file appears complete or not at all, and an existing file is never overwritten.

    Raises:
        JournalExists: `path` exists (message `exists`).
        StorageError: the folder cannot be written or the disk is full.
    """
    make_private_folder(path.parent)
    if path.exists():
        raise JournalExists(exists)
    temporary = path.with_name(f".{path.name}.{os.urandom(6).hex()}.building")
    with sqlite_errors(action):
        fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.close(fd)
        try:
            connection = _connect(temporary)
            try:
                build(connection)
            finally:
                connection.close()
            _fsync_file(temporary)
            os.link(temporary, path)  # fails if a file appeared meanwhile; never overwrites
            fsync_folder(path.parent)
        except FileExistsError:
            raise JournalExists(exists) from None
        finally:
            for leftover in (temporary, *(temporary.with_name(temporary.name + suffix) for suffix in SIDE_FILES)):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a new or renamed entry in `folder` durable (a crash cannot lose it)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint_and_close(connection: sqlite3.Connection) -> None:
    """Fold the WAL into the database, truncate it to zero bytes, and close."""
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError:
        pass  # another reader holds the WAL; SQLite checkpoints when the last connection closes
    finally:
        connection.close()
