"""A folder made read-only for the tests' own process, whoever runs them."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """Make `folder` read-only while the block runs.

    Permission bits do not stop the superuser (tests run as root in CI), so as root the folder is
    bind-mounted onto itself and remounted read-only, which stops everyone; otherwise it is made 0500.
    """
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
