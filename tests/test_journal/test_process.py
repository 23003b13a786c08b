"""No core dumps: a process that called `forbid_core_dumps` is not dumpable, cannot raise its core size limit
again, and leaves no core file when it crashes, where the same process without the call leaves one; being
non-dumpable stops the core even where the limit is not applied."""

from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core_dumps import PROC, allow_core_dumps, require_core_dumps_allowable

ROOT = Path(__file__).resolve().parents[2]
UNLIMITED = -1
"""`resource.RLIM_INFINITY` on Linux, as the child prints it."""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux's")


def _child(mode: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.test_journal.core_dump_child", mode],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=allow_core_dumps,
    )


def _crash_in(folder: Path, mode: str) -> list[int]:
    """Run a crashing child in `folder` (a core would land there); return the core size limit it printed."""
    folder.mkdir()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)  # the ordinary user the child becomes writes its core here
    crashed = _child(mode, cwd=folder)
    assert crashed.returncode == -signal.SIGSEGV, crashed.stderr
    limit: list[int] = json.loads(crashed.stdout)["limit"]
    return limit


@pytest.fixture
def cores_land_in_the_working_folder() -> None:
    require_core_dumps_allowable()
    pattern = (PROC / "sys" / "kernel" / "core_pattern").read_text(encoding="ascii").strip()
    if not pattern or pattern.startswith("|") or "/" in pattern:
        pytest.skip(f"cores go to {pattern!r} here, not to a file in the crashing process's folder")
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("the superuser's child becomes the user nobody, and there is none")


def test_a_process_that_forbade_core_dumps_is_not_dumpable_and_has_no_core_size() -> None:
    require_core_dumps_allowable()
    child = _child("state")
    assert child.returncode == 0, child.stderr
    before, after = (json.loads(line) for line in child.stdout.splitlines())
    assert before == {"limit": [UNLIMITED, UNLIMITED], "dumpable": 1}
    assert after == {"limit": [0, 0], "dumpable": 0}


@pytest.mark.usefixtures("cores_land_in_the_working_folder")
def test_a_crash_after_forbidding_core_dumps_leaves_no_core_file(tmp_path: Path) -> None:
    # The same crash without the call leaves a core: the test can see one.
    assert _crash_in(tmp_path / "allowed", "crash") == [UNLIMITED, UNLIMITED]
    assert list((tmp_path / "allowed").iterdir()), "a crash that may dump core left none"

    assert _crash_in(tmp_path / "forbidden", "forbid-crash") == [0, 0]  # `ulimit -c unlimited` was refused
    assert list((tmp_path / "forbidden").iterdir()) == []


@pytest.mark.usefixtures("cores_land_in_the_working_folder")
def test_being_non_dumpable_alone_stops_the_core_where_the_limit_is_not_applied(tmp_path: Path) -> None:
    # A core_pattern that pipes cores to a crash collector is not bound by the core size limit.
    assert _crash_in(tmp_path / "limit-ignored", "forbid-crash-limit-ignored") == [UNLIMITED, UNLIMITED]
    assert list((tmp_path / "limit-ignored").iterdir()) == []
