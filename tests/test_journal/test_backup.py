"""Candour reads back what it writes: a journal exported with `export-all --format json` imports into a new
journal with nothing lost, compared record by record, for every kind the coachee makes."""

from __future__ import annotations

import json
import tempfile
import unicodedata
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import Journal
from journal.backup import IMPORTED_KINDS, LEFT_OUT_KINDS, import_backup, read_backup
from journal.errors import InvalidInput
from journal.export.personal import render_everything
from journal.models import (
    AFTER_SESSION,
    Person,
    Reflection,
    Theme,
)
from tests.conftest import MakeVault, journal_files
from tests.every_kind import fill_with_every_kind

Records = dict[str, list[dict[str, Any]]]


def _records(journal: Journal) -> Records:
    records: Records = json.loads(render_everything(journal, "json", exported_at="2026-12-02 10:00:00"))["records"]
    return records


def _renamed(value: Any, new_ids: dict[str, str]) -> Any:
    """`value` (a record as exported) with every id of the first journal replaced by the second's."""
    if isinstance(value, dict):
        return {key: _renamed(item, new_ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, new_ids) for item in value]
    return new_ids.get(value, value) if isinstance(value, str) else value


def _export_to(folder: Path, journal: Journal) -> Path:
    path = folder / "everything.json"
    path.write_bytes(render_everything(journal, "json", exported_at="2026-12-02 10:00:00"))
    return path


def _imported_into(journal: Journal, path: Path) -> Any:
    backup = read_backup(path)
    assert backup is not None
    return import_backup(journal, backup)


def _assert_same_records(before: Records, after: Records, new_ids: dict[str, str]) -> None:
    """Every record of `before` of a kind that is imported is in `after`, field for field, its links renamed."""
    imported_kinds = {model.KIND for model in IMPORTED_KINDS}
    assert set(after) == set(before) & imported_kinds
    by_id = {record["id"]: (kind, record) for kind, records in after.items() for record in records}
    for kind, records in before.items():
        if kind in imported_kinds:
            assert len(after[kind]) == len(records), kind
            for record in records:
                assert by_id[new_ids[record["id"]]] == (kind, _renamed(record, new_ids))


def test_every_kind_comes_back_record_by_record(tmp_path: Path, make_vault: MakeVault) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    fill_with_every_kind(original)
    before = _records(original)
    assert set(before) == {model.KIND for model in IMPORTED_KINDS} | set(LEFT_OUT_KINDS)  # truly every kind
    path = _export_to(tmp_path, original)

    restored = Journal(make_vault(tmp_path / "restored.candour")[0])
    report = _imported_into(restored, path)

    _assert_same_records(before, _records(restored), report.new_ids)
    assert sum(report.imported.values()) == sum(len(before[model.KIND]) for model in IMPORTED_KINDS)
    assert report.left_out == (
        f"1 preferences record: {LEFT_OUT_KINDS['preferences']}.",
        f"1 dismissal record: {LEFT_OUT_KINDS['dismissal']}.",
    )
    # What the app reads back through the links works: the draft's session, the reflection's people and themes.
    draft = restored.current_draft()
    assert draft is not None and draft.text.endswith("Half a thought")
    (linked,) = [r for r in restored.all(Reflection) if r.title == "After session one"]
    assert {restored.get(Theme, t).label for t in linked.theme_ids} == {"Delegation", "Conflict"}
    assert [restored.get(Person, p).aliases for p in linked.person_ids] == [("Sam", "S.L.")]
    assert restored.dangling_links() == []


def test_importing_the_same_export_twice_adds_nothing(tmp_path: Path, make_vault: MakeVault) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    fill_with_every_kind(original)
    path = _export_to(tmp_path, original)
    restored = Journal(make_vault(tmp_path / "restored.candour")[0])
    first = _imported_into(restored, path)

    again = _imported_into(restored, path)

    assert not again.imported and again.already_there == first.imported
    assert again.new_ids == first.new_ids


def test_a_theme_or_person_of_the_same_name_is_completed_not_duplicated(tmp_path: Path, make_vault: MakeVault) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    original.save(Theme("Delegation", sponsor_wording="Empowering the team"))
    original.save(Person("Sam Lee", aliases=("Sam",)))
    path = _export_to(tmp_path, original)
    target = Journal(make_vault(tmp_path / "target.candour")[0])
    target.write_reflection("Written before the import, with @Sam", themes=["delegation"])

    _imported_into(target, path)

    (theme,) = target.all(Theme)
    assert (theme.label, theme.sponsor_wording) == ("delegation", "Empowering the team")
    (person,) = target.all(Person)
    assert person.names == ("Sam", "Sam Lee")  # the name the file knows Sam by is kept, as an alias


def test_a_name_whose_fields_differ_is_refused_and_changes_nothing(tmp_path: Path, make_vault: MakeVault) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    original.write_reflection("Private words", themes=["Delegation"])
    original.save(replace(original.all(Theme)[0], sponsor_wording="Empowering the team"))
    path = _export_to(tmp_path, original)
    target_path = tmp_path / "target" / "journal.candour"
    target_path.parent.mkdir()
    target = Journal(make_vault(target_path)[0])
    target.save(Theme("Delegation", sponsor_wording="Handing over work"))
    files = {name: data for name, data in journal_files(target_path).items() if not name.endswith("-shm")}

    with pytest.raises(InvalidInput) as refused:
        _imported_into(target, path)

    assert "sponsor wording differs" in str(refused.value) and "Nothing was imported" in str(refused.value)
    assert "Private words" not in str(refused.value)
    assert {n: d for n, d in journal_files(target_path).items() if not n.endswith("-shm")} == files
    assert len(target.all(Reflection)) == 0 and target.all(Theme)[0].sponsor_wording == "Handing over work"


def test_a_link_an_older_version_left_dangling_is_dropped_and_said(tmp_path: Path, make_vault: MakeVault) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    original.write_reflection("Kept whole", themes=["Gone"])
    path = _export_to(tmp_path, original)
    document = json.loads(path.read_text(encoding="utf-8"))
    gone = document["records"].pop("theme")[0]["id"]
    path.write_text(json.dumps(document), encoding="utf-8")

    target = Journal(make_vault(tmp_path / "target.candour")[0])
    report = _imported_into(target, path)

    (reflection,) = target.all(Reflection)
    assert reflection.text == "Kept whole" and reflection.theme_ids == ()
    assert report.left_out == (
        f"reflection {document['records']['reflection'][0]['id'][:8]}: its link to theme "
        f"{gone[:8]} (not in the file) was dropped.",
    )


def test_a_draft_is_not_put_over_the_journals_own(tmp_path: Path, make_vault: MakeVault) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    original.save_draft(original.new_draft(AFTER_SESSION).with_content(text="The file's draft"))
    path = _export_to(tmp_path, original)
    target = Journal(make_vault(tmp_path / "target.candour")[0])
    target.save_draft(target.new_draft(AFTER_SESSION).with_content(text="My own draft"))

    report = _imported_into(target, path)

    draft = target.current_draft()
    assert draft is not None and draft.text == "My own draft"
    assert len(report.left_out) == 1 and report.left_out[0].startswith("draft ")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d.update(version=2), "version 2; this Candour reads version 1"),
        (lambda d: d["records"]["reflection"][0].update(colour="red"), "fields this Candour does not know (colour)"),
        (lambda d: d["records"]["reflection"][0].update(mood=9), "reflection"),
        (lambda d: d["records"]["reflection"][0].pop("written_at"), "a field is missing"),
        (lambda d: d["records"].update(hologram=[{"id": "a" * 32}]), "no kind of record called 'hologram'"),
        (lambda d: d["records"]["reflection"].append(d["records"]["reflection"][0]), "appears twice"),
    ],
)
def test_an_export_this_version_cannot_read_whole_is_refused(
    tmp_path: Path, make_vault: MakeVault, change: Any, said: str
) -> None:
    original = Journal(make_vault(tmp_path / "original.candour")[0])
    original.write_reflection("Private words")
    path = _export_to(tmp_path, original)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(InvalidInput) as refused:
        read_backup(path)

    assert said in str(refused.value) and "Private words" not in str(refused.value)


def test_a_jrnl_export_is_not_taken_for_a_candour_export(tmp_path: Path) -> None:
    path = tmp_path / "jrnl.json"
    path.write_text(json.dumps({"tags": {}, "entries": []}), encoding="utf-8")
    assert read_backup(path) is None


_TEXT = st.text(
    st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029") | st.just("\n"),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() != "")
_LINE = st.text(st.characters(categories=("L", "M", "N", "P", "S")), min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=1, max_size=4), labels=st.lists(_LINE, max_size=3), title=_LINE)
def test_any_text_comes_back_exactly(texts: list[str], labels: list[str], title: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        from journal.vault import Vault
        from tests.conftest import CHEAP_KDF, CHEAP_LIMITS, PASSPHRASE

        def journal_at(name: str) -> Journal:
            vault, _ = Vault.create(Path(folder) / name, PASSPHRASE, kdf=CHEAP_KDF, limits=CHEAP_LIMITS)
            return Journal(vault)

        original = journal_at("original.candour")
        for text in texts:
            original.write_reflection(text, themes=labels, title=title, written_at=datetime(2026, 5, 1, 9, 0))
        before = _records(original)
        path = _export_to(Path(folder), original)
        restored = journal_at("restored.candour")
        report = _imported_into(restored, path)
        _assert_same_records(before, _records(restored), report.new_ids)
        stored = sorted(reflection.text for reflection in restored.all(Reflection))
        assert stored == sorted(unicodedata.normalize("NFC", text) for text in texts)
        original.close()
        restored.close()
