"""The encrypted journal file, as a package of parts with one job each; this module is its only door.

- `database`: the SQLite file itself — format version, hygiene, atomic creation and backup, the lock;
  `schema`: its tables; `file`: the open file the parts share (connection, mutex, transactions).
- `keyring`: the header, the key slots and the keys they unwrap (crypto/FORMAT.md).
- `index` and `index_format`: the sealed three-level index and its bytes; `snapshots`: its section copies.
- `records`: the record store; `search_cache` and `search_pages`: the search cache's storage and bytes.
- `verify`: every row opened and compared with the index.
- `vault`: `Vault`, which composes them, and `KeyChange`.

The tables, the index, its snapshots and the search cache are described in FORMAT.md beside this module.
"""

from journal.vault.database import SCHEMA_VERSION, fsync_folder, probe_journal, require_journal_file
from journal.vault.index_format import IndexEntry
from journal.vault.records import Record
from journal.vault.repair import RepairReport
from journal.vault.search_pages import SearchDocuments, SearchPage, search_page_of
from journal.vault.vault import KeyChange, Vault
from journal.vault.verify import VerifyReport

__all__ = [
    "SCHEMA_VERSION",
    "IndexEntry",
    "KeyChange",
    "Record",
    "RepairReport",
    "SearchDocuments",
    "SearchPage",
    "Vault",
    "VerifyReport",
    "fsync_folder",
    "probe_journal",
    "require_journal_file",
    "search_page_of",
]
