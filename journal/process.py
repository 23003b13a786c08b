"""Keeping a running Candour's memory out of core dumps, and giving back what a large read freed.

A process that unlocks a journal holds the passphrase, the journal key, every subkey and decrypted text, and
Python cannot wipe them. A core dump (a crash under `ulimit -c unlimited`, a crash reporter, `gcore`) would write
all of that to disk in clear, so every `candour` process calls `forbid_core_dumps` before it reads anything.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys

from journal.errors import CandourError

PR_SET_DUMPABLE = 4
"""The option of Linux's prctl(2) that makes a process dumpable or not (linux/prctl.h)."""
PR_GET_DUMPABLE = 3
"""The option of Linux's prctl(2) that tells whether a process is dumpable."""


def forbid_core_dumps() -> None:
    """Make this process unable to dump core, for the rest of its life.

    Both limits of RLIMIT_CORE go to 0: with the hard limit at 0 the process (and anything it starts) cannot
    raise it again, as an unprivileged process can raise its soft limit. On Linux the process is also made
    non-dumpable, which stops the kernel from writing a core even where RLIMIT_CORE is not enforced (a
    `core_pattern` that pipes cores to a crash collector) and keeps debuggers of the same user from attaching.

    Raises:
        CandourError: the operating system refused; nothing was read, so nothing is at risk.
    """
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError) as error:
        raise _refused(f"the core size limit ({error})") from None
    if sys.platform.startswith("linux"):
        # dlopen(NULL): the symbols already loaded, libc's prctl among them, without searching for a library.
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            raise _refused(f"the process non-dumpable ({os.strerror(ctypes.get_errno())})")


def _refused(what: str) -> CandourError:
    return CandourError(
        f"Could not forbid core dumps: the system refused to set {what}. Candour stopped before reading "
        "anything, because a core dump would write the journal's keys and text to disk in clear."
    )


def give_back_freed_memory() -> None:
    """Return to the system the memory that reading a large part of the journal freed (glibc's malloc_trim).

    Reading the search cache a page at a time (see `Queries.place_reflections`) frees each page before the next,
    but glibc keeps freed blocks of this size for reuse in the thread's arena: a decade's journal left the app 30 MB
    larger than what it still holds. Elsewhere than glibc this does nothing.
    """
    if sys.platform.startswith("linux"):
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # absent from other C libraries (musl)
        if trim is not None:
            trim(0)
