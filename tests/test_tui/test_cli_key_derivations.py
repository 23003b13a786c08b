"""`passwd`, `new-recovery-key` and `rotate-keys` derive each passphrase key once: the unlock that checks the
passphrase is the only derivation of it under its salt (run in this process, so the KDF can be counted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal import Journal, draw_recovery_key
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE
from tests.derivations import assert_each_key_derived_once, count_derivations, passphrases
from tui.cli import main
from tui.cli_context import KdfSettings

NEW_PASSPHRASE = "a different passphrase, long enough"


RECOVERY_KEY = draw_recovery_key()
"""The key `new-recovery-key` and `rotate-keys` draw here, so the passphrase file can hold it typed back."""


@pytest.mark.parametrize(
    ("command", "typed", "derived"),
    [
        ("passwd", [PASSPHRASE, NEW_PASSPHRASE], [PASSPHRASE, NEW_PASSPHRASE]),
        ("new-recovery-key", [PASSPHRASE, RECOVERY_KEY], [PASSPHRASE]),
        ("rotate-keys", [PASSPHRASE, RECOVERY_KEY], [PASSPHRASE, PASSPHRASE]),  # the check, then the new salt's slot
    ],
)
def test_each_key_command_derives_each_key_once(
    journal_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    typed: list[str],
    derived: list[str],
) -> None:
    Journal.create(journal_path, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)[0].close()
    passphrase_file = tmp_path / "passphrases.txt"
    passphrase_file.write_text("\n".join(typed) + "\n", encoding="utf-8")
    monkeypatch.setattr("tui.cli.draw_recovery_key", lambda: RECOVERY_KEY)
    derivations = count_derivations(monkeypatch)
    main(
        ["--journal", str(journal_path), "--passphrase-file", str(passphrase_file), command],
        kdf=KdfSettings(params=CHEAP_KDF, limits=CHEAP_LIMITS),
    )
    assert passphrases(derivations) == derived
    assert_each_key_derived_once(derivations)
    assert "candour:" not in capsys.readouterr().err
    Journal.open(journal_path, derived[-1], limits=CHEAP_LIMITS).close()  # the passphrase in force now
