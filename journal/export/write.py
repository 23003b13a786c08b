"""Writing an export to a file atomically: the whole file or nothing, owner-only, never over a file unasked.

The bytes go to a temporary file in the destination's folder, are flushed to disk, then
linked (or, when replacing is allowed, renamed) into place, and the folder is flushed. A
writer killed half-way leaves only its temporary file, named after its process; the next
export into that folder removes such leftovers of writers that are gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from pathlib import Path

from journal.errors import InvalidInput, StorageError
from journal.export.errors import ExportExists
from journal.vault import fsync_folder

DEFAULT_MODE = 0o600
"""Owner-only: an export is plaintext, and the folder may be shared."""

TEMPORARY_SUFFIX = ".candour-partial"
"""Ends the name of a file being written; such a file is never a finished export."""

_TEMPORARY = re.compile(r"\..+\.(\d+)\.[0-9a-f]{12}" + re.escape(TEMPORARY_SUFFIX))
"""`.<name>.<pid>.<random>.candour-partial`: the process id tells whether its writer still runs."""


def check_destination(destination: Path, *, overwrite: bool = False, mode: int = DEFAULT_MODE) -> Path:
    """What `write_export` checks before it writes anything, so an export refused here is never logged.

    Returns:
        The absolute path that would be written.
    Raises:
        InvalidInput, ExportExists, StorageError: as `write_export` (the folder is missing, the destination is
            not a regular file, or it exists and `overwrite` is false).
    """
    if not 0 <= mode <= 0o777:
        raise InvalidInput("File permissions must be between 000 and 777 (octal).")
    destination = Path(os.path.abspath(destination))
    folder = destination.parent
    if not folder.is_dir():
        raise StorageError(f"Could not write the export: the folder {folder} does not exist.")
    if destination.is_dir() or (destination.exists() and not destination.is_file()):
        # A device or a pipe (/dev/full, a FIFO) must not be replaced by a rename.
        raise StorageError(f"Could not write the export: {destination} is not a regular file.")
    if destination.exists() and not overwrite:
        raise ExportExists(f"{destination} already exists; choose another name or allow replacing it.")
    return destination


def write_export(data: bytes, destination: Path, *, overwrite: bool = False, mode: int = DEFAULT_MODE) -> Path:
    """Write `data` to `destination` atomically.

    Args:
        data: the exact bytes (as previewed).
        destination: the file to create; its folder must exist.
        overwrite: replace an existing file (atomically) instead of refusing.
        mode: permission bits of the new file (owner-only by default).
    Returns:
        The absolute path written.
    Raises:
        InvalidInput: `mode` is not a set of permission bits.
        ExportExists: the file exists and `overwrite` is false (nothing was written).
        StorageError: the folder is missing or not writable, the disk is full, or the destination is not a
            regular file; no partial file is left behind, and no file at all.
    """
    destination = check_destination(destination, overwrite=overwrite, mode=mode)
    folder = destination.parent
    clean_leftovers(folder)
    temporary = folder / f".{destination.name}.{os.getpid()}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}"
    placed: os.stat_result | None = None
    try:
        fd = _open_temporary(temporary, mode)
        try:
            _write_all(fd, data)
            os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(temporary, destination)
        else:
            os.link(temporary, destination)  # fails if a file appeared meanwhile: never replaces one
        placed = written
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        fsync_folder(folder)
    except FileExistsError:
        raise ExportExists(f"{destination} already exists; choose another name or allow replacing it.") from None
    except OSError as error:
        if placed is not None:
            # In place but not durable: the caller is told that no file was written, so none must be there.
            _remove_if_same_file(destination, placed)
        raise StorageError(f"Could not write the export to {folder}: {_reason(error)}. No file was written.") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return destination


def _remove_if_same_file(path: Path, written: os.stat_result) -> None:
    """Remove `path` if it is still the file written (never one another program put there since)."""
    with contextlib.suppress(OSError):
        found = path.lstat()
        if (found.st_dev, found.st_ino) == (written.st_dev, written.st_ino):
            path.unlink()


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files that exports killed half-way left in `folder` (never a running writer's).

    Args:
        folder: where an export is about to be written.
    Returns:
        The files removed.
    """
    removed: list[Path] = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return removed  # an unreadable folder: the write that follows reports the problem
    for candidate in candidates:
        found = _TEMPORARY.fullmatch(candidate.name)
        if found is None or _running(int(found.group(1))):
            continue
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_ISREG(candidate.lstat().st_mode):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours, from an earlier export that failed to clean up (it cannot be writing now)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process: not ours to judge
    return True


def _open_temporary(path: Path, mode: int) -> int:
    """Create the temporary file, refusing to follow or reuse anything already there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    os.fchmod(fd, mode)  # exactly `mode`, whatever the umask
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if error.errno == errno.EFBIG:
        return "the file is too large for this disk"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is not writable"
    return os.strerror(error.errno) if error.errno else "the operating system refused"


__all__ = ["DEFAULT_MODE", "TEMPORARY_SUFFIX", "check_destination", "clean_leftovers", "write_export"]
