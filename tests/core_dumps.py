"""What the core-dump tests share: a child's core limit as the kernel reports it, and starting a child that
could dump core, so that only Candour's own call can be what forbids it.

A test that merely found a child's limit at 0 would prove nothing: the soft limit is often 0 by default, and a
test process that ran `candour` in-process has forbidden core dumps for itself and every child it starts.
"""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

PROC = Path("/proc")
CAP_SYS_RESOURCE = 24
"""The capability (linux/capability.h) that lets a process raise a hard limit: the superuser's, unless withheld."""


def core_size_limit(pid: int) -> tuple[str, str]:
    """The soft and hard "Max core file size" of process `pid`, as /proc/PID/limits shows them."""
    for line in (PROC / str(pid) / "limits").read_text(encoding="ascii").splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line.split()[4:6]
            return soft, hard
    raise AssertionError(f"/proc/{pid}/limits has no core size line")


def may_raise_hard_limits() -> bool:
    """Whether this process may raise a hard limit (it has CAP_SYS_RESOURCE), as /proc/self/status says."""
    status = (PROC / "self" / "status").read_text(encoding="ascii").splitlines()
    effective = next(int(line.split()[1], 16) for line in status if line.startswith("CapEff:"))
    return bool(effective >> CAP_SYS_RESOURCE & 1)


def require_core_dumps_allowable() -> None:
    """Skip unless a child of this process can be given an unlimited core size (see `allow_core_dumps`)."""
    if not (PROC / "self" / "limits").exists():
        pytest.skip("reads the limits of running processes from /proc")
    if resource.getrlimit(resource.RLIMIT_CORE)[1] != resource.RLIM_INFINITY and not may_raise_hard_limits():
        pytest.skip("this test run may not allow core dumps (its hard core size limit is set), so a child could not")


def allow_core_dumps() -> None:
    """In a child before it runs (`preexec_fn`): an unlimited core size, as `ulimit -c unlimited`, or where the hard
    limit may not be raised, the largest it allows (`require_core_dumps_allowable` skips the tests it would spoil)."""
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
