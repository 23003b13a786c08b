"""Child process for the core-dump tests: a process that forbids core dumps, or does not, and reports or crashes.

Usage: python -m tests.test_journal.core_dump_child MODE
  state             print the core size limit and dumpability as JSON, forbid core dumps, print them again
  crash             as an ordinary user: try `ulimit -c unlimited`, print the limit, crash with SIGSEGV
  forbid-crash      the same after forbidding core dumps
  forbid-crash-limit-ignored
                    the same, with the core size limit left as it was (as by a crash collector that ignores it),
                    so that only the process being non-dumpable can stop the core

Started by the superuser, `crash` and `forbid-crash` first become an ordinary user (`nobody`), who may not raise
a hard limit: the superuser may (with CAP_SYS_RESOURCE), so only a user's process shows the limit staying at 0.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pwd
import resource
import signal
import sys
from types import SimpleNamespace

from journal import process
from journal.process import PR_GET_DUMPABLE, PR_SET_DUMPABLE, forbid_core_dumps

LIBC = ctypes.CDLL(None, use_errno=True)


def _state() -> dict[str, object]:
    return {"limit": resource.getrlimit(resource.RLIMIT_CORE), "dumpable": LIBC.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)}


def _print(value: object) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def _become_an_ordinary_user() -> None:
    """From root: keep an unlimited core size, become `nobody`, and be dumpable again (changing user made the
    process non-dumpable): a user's process that could dump core, but for what Candour does."""
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    nobody = pwd.getpwnam("nobody")
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
    LIBC.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


def _crash(forbid: bool) -> None:
    if forbid:
        forbid_core_dumps()
    with contextlib.suppress(ValueError, OSError):  # refused after forbidding: a hard limit of 0 cannot be raised
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))  # `ulimit -c`
    _print(_state())
    os.kill(os.getpid(), signal.SIGSEGV)


def main(mode: str) -> None:
    if mode == "state":
        _print(_state())
        forbid_core_dumps()
        _print(_state())
        return
    if os.geteuid() == 0:
        _become_an_ordinary_user()
    if mode == "forbid-crash-limit-ignored":
        process.resource = SimpleNamespace(  # type: ignore[assignment,attr-defined]
            setrlimit=lambda *_: None, RLIMIT_CORE=resource.RLIMIT_CORE
        )
    _crash(forbid=mode != "crash")


if __name__ == "__main__":
    main(sys.argv[1])
