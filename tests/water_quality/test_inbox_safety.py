"""The inbox never loses or mixes a file: resolution only by the correcting row, same-name files both kept, a
failed copy never ingested, refused paths said with their reason, open entries re-checked.

The lab values below are test inputs for the inbox, written here; they are never published as data.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import polars as pl
import pytest

from assets.sources.lab_files import lab_context as make_lab_context
from assets.sources.lab_ingest import drop_into_inbox, ingest_inbox, ingest_lab_file, pending_files
from assets.sources.lab_ledger import empty_ledger, originals_dir
from assets.sources.lab_tables import LabFileError

NOW = dt.datetime(2025, 6, 1, 12, 0)
HEADER = "Водный объект;Пункт отбора;Дата отбора;Показатель;Результат;Ед. изм.\n"


def write(path, rows: str):
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def status_by_line(ledger) -> dict[int, str]:
    return dict(ledger["quarantine"].select("line", "status").iter_rows())


def test_an_entry_is_resolved_only_by_the_row_that_corrects_it(tmp_path, lab_context):
    bad = write(
        tmp_path / "april.csv",
        "р. Тобол;г. Рудный;10.04.2025;Медь;0,0О31;мг/дм3\n"  # line 2: a letter О in the number
        "р. Тобол;г. Рудный;10.04.2025;Цинк;1Е22;мг/дм3\n",  # line 3: impossible
    )
    ledger, _ = ingest_lab_file(bad, empty_ledger(), lab_context, NOW)
    assert status_by_line(ledger) == {2: "open", 3: "open"}
    others = write(
        tmp_path / "others.csv",
        "р. Иртыш;г. Павлодар;10.04.2025;Медь;0,0031;мг/дм3\n"  # another river
        "р. Тобол;г. Рудный;10.04.2025;Никель;0,0031;мг/дм3\n"  # another parameter
        "р. Тобол;г. Рудный;11.04.2025;Медь;0,0031;мг/дм3\n",  # another date
    )
    ledger, report = ingest_lab_file(others, ledger, lab_context, NOW)
    assert len(report["landed"]) == 3 and report["resolved"] == 0
    assert status_by_line(ledger) == {2: "open", 3: "open"}
    fixed = write(tmp_path / "april_fixed.csv", "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n")
    ledger, report = ingest_lab_file(fixed, ledger, lab_context, NOW)
    assert report["resolved"] == 1
    q = ledger["quarantine"].filter(pl.col("line") == 2).row(0, named=True)
    assert (q["status"], q["resolved_by_file"], q["resolved_by_line"]) == ("resolved", "april_fixed.csv", 2)
    assert status_by_line(ledger)[3] == "open"


def test_a_new_file_with_an_earlier_files_name_keeps_both_originals(tmp_path, lab_context):
    home, inbox = tmp_path / "home", tmp_path / "home" / "inbox" / "water_quality"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a" / "protocol.csv", "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n")
    second = write(tmp_path / "b" / "protocol.csv", "р. Тобол;г. Рудный;11.04.2025;Медь;0,0029;мг/дм3\n")
    store = originals_dir(home)
    drop_into_inbox(first, inbox, home)
    ledger, _ = ingest_inbox(inbox, empty_ledger(), lab_context, NOW, store=store)
    drop_into_inbox(second, inbox, home)  # same name, other content: replaces the inbox copy only
    ledger, reports = ingest_inbox(inbox, ledger, lab_context, NOW, store=store)
    files = ledger["files"].sort("ingested_at", "stored_as")
    assert files["file_name"].to_list() == ["protocol.csv", "protocol.csv"]
    assert files["file_sha256"].n_unique() == 2
    kept = {p.read_bytes() for p in store.iterdir()}
    assert kept == {first.read_bytes(), second.read_bytes()}
    assert sorted(ledger["landed"]["sample_date"].cast(pl.String).to_list()) == ["2025-04-10", "2025-04-11"]


def test_a_failed_copy_is_never_ingested(tmp_path, lab_context, monkeypatch):
    home, inbox = tmp_path / "home", tmp_path / "home" / "inbox" / "water_quality"
    src = write(tmp_path / "big.csv", "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n" * 50)

    def broken_copy(fsrc, fdst, length=0):
        fdst.write(fsrc.read(40))  # part of the file, then the disk fails
        raise OSError("No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", broken_copy)
    with pytest.raises(OSError):
        drop_into_inbox(src, inbox, home)
    assert not (inbox / "big.csv").exists()
    assert list(inbox.iterdir()) == []  # the temporary copy removed
    # a partial copy left by a killed process (hidden name, .part) is never taken by the inbox
    (inbox / ".big.csv.0123.part").write_bytes(src.read_bytes()[:40])
    assert pending_files(inbox) == []
    ledger, reports = ingest_inbox(inbox, empty_ledger(), lab_context, NOW)
    assert reports == [] and ledger["files"].is_empty()


def test_missing_not_a_table_and_too_large_are_refused_with_the_reason(tmp_path, lab_context):
    with pytest.raises(LabFileError, match="nope.csv: missing"):
        drop_into_inbox(tmp_path / "nope.csv", tmp_path / "inbox", tmp_path)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not a table")
    with pytest.raises(LabFileError, match=r"not a table \(.docx\)"):
        drop_into_inbox(tmp_path / "notes.docx", tmp_path / "inbox", tmp_path)
    big = write(tmp_path / "big.csv", "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n" * 100)
    with pytest.raises(LabFileError, match="larger than the limit"):
        drop_into_inbox(big, tmp_path / "inbox", tmp_path, max_bytes=1000)
    # already in the inbox (copied by hand): refused once, recorded with the reason, nothing landed
    ledger, report = ingest_lab_file(big, empty_ledger(), lab_context, NOW, max_bytes=1000)
    assert report["status"] == "refused" and "CAEI_LAB_FILE_MAX_MB" in report["message"]
    assert ledger["files"].select("status", "n_landed").rows() == [("refused", 0)]
    _, again = ingest_lab_file(big, ledger, lab_context, NOW, max_bytes=1000)
    assert again["status"] == "already_ingested"
    _, missing = ingest_lab_file(tmp_path / "gone.csv", empty_ledger(), lab_context, NOW)
    assert missing["status"] == "missing" and "missing (no such file)" in missing["message"]


def test_the_size_limit_is_a_setting(monkeypatch, tmp_path):
    from assets.common.settings import SettingsError, load_settings

    monkeypatch.setenv("CAEI_HOME", str(tmp_path))
    monkeypatch.delenv("CAEI_LAB_FILE_MAX_MB", raising=False)
    assert load_settings().lab_file_max_bytes == 100 * 1024 * 1024
    monkeypatch.setenv("CAEI_LAB_FILE_MAX_MB", "2.5")
    assert load_settings().lab_file_max_bytes == int(2.5 * 1024 * 1024)
    monkeypatch.setenv("CAEI_LAB_FILE_MAX_MB", "lots")
    with pytest.raises(SettingsError, match="CAEI_LAB_FILE_MAX_MB"):
        load_settings()


def test_a_point_added_under_caei_home_lands_its_open_rows_on_the_next_ingest(tmp_path, sites):
    home = tmp_path / "home"
    context = make_lab_context(sites, home)
    f = write(tmp_path / "may.csv", "р. Иртыш;пос. Семеновка;16.04.2025;Медь;0,0040;мг/дм3\n")
    ledger, report = ingest_lab_file(f, empty_ledger(), context, NOW)
    assert [q["reason"] for q in report["quarantined"]] == ["unknown_site"]
    (home / "water").mkdir(parents=True)
    (home / "water" / "sampling_points.csv").write_text(
        "point,water_body_id,region_id,site_id\nпос. Семеновка,irtysh,east_kazakhstan,irtysh__east_kazakhstan\n",
        encoding="utf-8",
    )
    context = make_lab_context(sites, home)  # the next ingest or materialisation reads the file again
    other = write(tmp_path / "june.csv", "р. Тобол;г. Рудный;10.06.2025;Медь;0,0031;мг/дм3\n")
    ledger, report = ingest_lab_file(other, ledger, context, NOW + dt.timedelta(days=1))
    assert report["rechecked_landed"] == 1
    row = ledger["landed"].filter(pl.col("file_name") == "may.csv").row(0, named=True)
    assert (row["site_id"], row["value"], row["line"]) == ("irtysh__east_kazakhstan", 0.004, 2)
    entry = ledger["quarantine"].row(0, named=True)
    assert (entry["status"], entry["resolved_by_file"]) == ("resolved", "re-check")


def test_every_row_is_counted_per_sheet_across_a_redrop_and_a_corrected_file(tmp_path, lab_context):
    rows = (
        "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n"
        "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n"  # identical duplicate
        "р. Тобол;г. Рудный;10.04.2025;Цинк;-;мг/дм3\n"  # not measured
        "р. Тобол;г. Рудный;10.04.2025;Хлорофилл;2;мг/дм3\n"  # quarantined
    )
    ledger, report = ingest_lab_file(write(tmp_path / "a.csv", rows), empty_ledger(), lab_context, NOW)
    [sheet] = report["sheets"]
    assert (sheet["n_values"], sheet["n_landed"], sheet["n_identical_duplicates"]) == (4, 1, 1)
    assert (sheet["n_not_measured"], sheet["n_quarantined"]) == (1, 1)
    files = ledger["files"].row(0, named=True)
    assert (files["n_rows"], files["n_not_measured"], files["sheets"]) == (4, 1, "CSV: 4 value(s), long")
    os.utime(tmp_path / "a.csv")
    ledger2, again = ingest_lab_file(tmp_path / "a.csv", ledger, lab_context, NOW)
    assert again["status"] == "already_ingested" and ledger2["landed"].height == 1


def test_a_ledger_written_before_the_new_columns_still_loads(tmp_path, lab_context):
    import duckdb

    from assets.sources.lab_ledger import ledger_path, load_ledger, save_ledger

    ledger, _ = ingest_lab_file(
        write(tmp_path / "a.csv", "р. Тобол;г. Рудный;10.04.2025;Медь;0,0031;мг/дм3\n"),
        empty_ledger(),
        lab_context,
        NOW,
    )
    path = ledger_path(tmp_path / "home")
    save_ledger(path, ledger)
    with duckdb.connect(str(path)) as con:  # as an older version wrote it: no qualifier, sheet, per-sheet table
        con.execute(
            'ALTER TABLE landed DROP COLUMN qualifier; ALTER TABLE landed DROP COLUMN sheet; DROP TABLE "sheets"'
        )
    again = load_ledger(path)
    assert again["landed"].select("value", "qualifier").rows() == [(0.0031, "")]
    assert again["sheets"].is_empty()
