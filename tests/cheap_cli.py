"""`candour` with the cheap key derivation, for end-to-end tests in a subprocess: `python -m tests.cheap_cli ARGS`.

Production code has no switch for cheaper costs; only this test entry point injects them.
"""

from __future__ import annotations

from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tui.cli import main
from tui.cli_context import KdfSettings

if __name__ == "__main__":
    main(kdf=KdfSettings(params=CHEAP_KDF, limits=CHEAP_LIMITS))
