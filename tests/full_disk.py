"""A real full disk for a destination folder: a small tmpfs mounted on it, filled to the last byte."""

from __future__ import annotations

import contextlib
import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

FILLER = "filler"
"""The one file that fills the disk; remove it to give the disk room again."""


@contextlib.contextmanager
def full_disk(folder: Path) -> Iterator[Path]:
    """Mount a 64 KiB tmpfs on `folder` (created), fill it with `FILLER`, and unmount it afterwards.

    Skips the test, naming the reason, where the system does not allow mounting (not root, no tmpfs).
    """
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small disk could not be mounted for the destination: {mounted.stderr.strip()}")
    try:
        with (folder / FILLER).open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)
