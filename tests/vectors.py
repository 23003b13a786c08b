"""The sample journal kept as a test vector of the file format: made once per format version, then
committed and never regenerated, so that every later Candour is tested against a file an earlier one wrote.

`python -m tests.vectors` writes `tests/test_journal/vectors/format-<N>.candour` (cheap key derivation,
the passphrase below) and `format-<N>.json`: the passphrase, the recovery key, and every record as the
personal export lists it. It refuses to overwrite a vector: a file already committed is the evidence.
"""

from __future__ import annotations

import json
import sys
from datetime import date, time
from pathlib import Path

from journal import Journal, Vault, codec
from journal.clock import FixedClock
from journal.export.personal import render_everything
from journal.vault import SCHEMA_VERSION
from tests.conftest import CHEAP_KDF, CHEAP_LIMITS
from tests.every_kind import fill_with_every_kind

VECTORS = Path(__file__).parent / "test_journal" / "vectors"

PASSPHRASE = "sample journal passphrase, cheap on purpose"
"""The vector's passphrase (its key derivation is argon2's cheapest: it protects nothing)."""


def vector_paths(version: int = SCHEMA_VERSION) -> tuple[Path, Path]:
    """The journal file and its expected contents for one format version."""
    return VECTORS / f"format-{version}.candour", VECTORS / f"format-{version}.json"


def records_of(journal: Journal) -> dict[str, list[dict[str, object]]]:
    """Every record of the journal, as the personal export lists them (ids and all fields), ordered by id:
    records that sort alike (themes, templates) have no order of their own."""
    document = json.loads(render_everything(journal, "json", exported_at="-"))
    records: dict[str, list[dict[str, object]]] = document["records"]
    return {kind: sorted(values, key=lambda record: str(record["id"])) for kind, values in records.items()}


def as_read_now(records: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """A vector's records as this Candour reads them: a field added to a kind since the vector was made takes
    its default (what a record stored without it means); every field the vector lists stays exactly as listed.
    """
    read: dict[str, list[dict[str, object]]] = {}
    for kind, values in records.items():
        read[kind] = []
        for record in values:
            stored = {name: value for name, value in record.items() if name != "id"}
            defaults: dict[str, object] = json.loads(codec.encode(codec.from_fields(kind, stored)))
            added = {name: value for name, value in defaults.items() if name != "v" and name not in record}
            read[kind].append({**record, **added})
    return read


def main() -> int:
    journal_file, expected_file = vector_paths()
    if journal_file.exists() or expected_file.exists():
        print(f"{journal_file.name} exists: a committed vector is never remade.", file=sys.stderr)
        return 1
    VECTORS.mkdir(parents=True, exist_ok=True)
    vault, recovery_key = Vault.create(journal_file, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
    with Journal(vault, FixedClock.on(date(2026, 3, 4), time(18, 30))) as journal:
        fill_with_every_kind(journal)
        records = records_of(journal)
    expected = {"passphrase": PASSPHRASE, "recovery_key": recovery_key, "records": records}
    expected_file.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {journal_file.name} and {expected_file.name}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
