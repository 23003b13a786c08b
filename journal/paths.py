"""Where the journal lives: platformdirs by default, `CANDOUR_JOURNAL` or `--journal` to choose."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "CANDOUR_JOURNAL"
"""Environment variable naming the journal file, overridden by the `--journal` option."""

FILE_NAME = "journal.candour"


def default_journal_path() -> Path:
    """The journal file in the user's data folder (e.g. ~/.local/share/candour on Linux)."""
    # Imported here: it loads tempfile and random, a start-up cost that a journal named by `--journal`
    # or CANDOUR_JOURNAL (scripts, which start often) need not pay.
    import platformdirs

    return Path(platformdirs.user_data_dir("candour", appauthor=False)) / FILE_NAME


def resolve_journal_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The journal to use: the `--journal` option, else `CANDOUR_JOURNAL`, else the default.

    A folder is accepted too and means the default file name inside it.
    """
    chosen = option if option is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return default_journal_path()
    path = Path(chosen).expanduser()
    return path / FILE_NAME if path.is_dir() else path
