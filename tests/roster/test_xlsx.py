"""XLSX reading: normal files, and hostile ones refused before loading (how fast is measured
by bench/roster_bench.py, not here)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from quizapp.roster import RosterError, RosterLimits, read_roster, read_xlsx, validate_roster

from .util import (
    HEADER,
    JOB_ROLES,
    SHEET_OPEN,
    SITES,
    TRAINERS,
    good_row,
    inline_row,
    million_rows,
    raw_xlsx,
    xlsx_bytes,
    zip_bomb,
)


def test_normal_xlsx_with_date_cells_text_dates_and_numbers():
    rows = [
        good_row("A001", hire_date=dt.datetime(2026, 11, 23)),
        good_row("A002", name="李四", hire_date="2026年11月24日", phone=13900139000),
        good_row(1003, name="王五", hire_date=dt.date(2026, 11, 25)),
    ]
    table = read_roster(xlsx_bytes(rows), "新员工.xlsx")
    assert table.source == "xlsx"
    assert [row.row for row in table.rows] == [2, 3, 4]
    preview = validate_roster(table, JOB_ROLES, SITES, set(), TRAINERS)
    assert preview.ok, preview.issues
    hires = preview.hires
    assert [h.employee_no for h in hires] == ["A001", "A002", "1003"]
    assert [h.hire_date for h in hires] == [
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 25),
    ]
    assert hires[1].phone == "13900139000"


def test_blank_rows_and_styled_empty_cells_are_ignored():
    rows = [good_row("A001"), [None] * 9, good_row("A002"), [None] * 9, [None] * 9]
    table = read_xlsx(xlsx_bytes(rows))
    assert [row.row for row in table.rows] == [2, 4]


def test_hand_made_workbook_without_styles_reads_without_warnings():
    # openpyxl warns "Workbook contains no default style"; the reader silences exactly that.
    data = raw_xlsx(
        [
            SHEET_OPEN,
            "<sheetData>",
            inline_row(1, ["工号", "姓名", "岗位"]),
            inline_row(2, ["A001", "张三", "保安"]),
            "</sheetData></worksheet>",
        ]
    )
    table = read_xlsx(data)
    assert table.rows[0].values == {"employee_no": "A001", "name": "张三", "job_role": "保安"}


def refusal(function, *args) -> str:
    with pytest.raises(RosterError) as caught:
        function(*args)
    return str(caught.value)


@pytest.fixture(scope="module")
def million_row_files():
    """A million-row sheet three ways: declared dimension, no dimension, empty rows."""
    return {
        "declared": raw_xlsx(million_rows(dimension=True)),
        "undeclared": raw_xlsx(million_rows(dimension=False)),
        "empty_rows": raw_xlsx(million_rows(dimension=False, filled=False)),
    }


def test_million_rows_file_is_small_but_refused(million_row_files):
    for data in million_row_files.values():
        assert len(data) < 5 * 1024 * 1024
        message = refusal(read_roster, data, "big.xlsx")
        assert "超过" in message or "解压后异常巨大" in message or "内容太多" in message


def test_million_rows_refused_by_declared_dimension(million_row_files):
    # Zip limits relaxed so the sheet checks are what refuses.
    limits = RosterLimits(max_entry_bytes=10**9, max_total_bytes=10**9, max_ratio=10**6)
    message = refusal(read_xlsx, million_row_files["declared"], limits)
    assert "声明的范围超过 5001 行" in message


@pytest.mark.parametrize("kind", ["undeclared", "empty_rows"])
def test_million_rows_refused_by_streaming_row_count(million_row_files, kind):
    limits = RosterLimits(max_entry_bytes=10**9, max_total_bytes=10**9, max_ratio=10**6)
    message = refusal(read_xlsx, million_row_files[kind], limits)
    # Stopped at the first row past the limit: the rest of the sheet is never read.
    assert "第 5002 行停止读取" in message


def test_exactly_the_row_limit_is_accepted():
    limits = RosterLimits(max_data_rows=50)
    rows = [good_row(f"A{i:03d}") for i in range(50)]
    assert len(read_xlsx(xlsx_bytes(rows), limits).rows) == 50
    with pytest.raises(RosterError, match="超过 51 行"):
        read_xlsx(xlsx_bytes([*rows, good_row("A999")]), limits)


def test_too_many_columns_refused_with_column_letter():
    header = HEADER + [f"备注{i}" for i in range(25)]
    with pytest.raises(RosterError, match=r"声明的范围超过 30 列（到了第 34 列，AH 列）"):
        read_xlsx(xlsx_bytes([good_row()], header=header))


def test_far_away_cell_is_refused_without_padding_rows():
    data = raw_xlsx(
        [
            SHEET_OPEN,
            "<sheetData>",
            inline_row(1, ["工号", "姓名", "岗位"]),
            '<row r="2"><c r="XFD2"><v>1</v></c></row>',
            "</sheetData></worksheet>",
        ]
    )
    with pytest.raises(RosterError, match="列"):
        read_xlsx(data)


def test_zip_bomb_is_refused_from_the_directory():
    data = zip_bomb(64 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    message = refusal(read_roster, data, "bomb.xlsx")
    # Refused from the zip directory's declared size: nothing was decompressed.
    assert "解压后异常巨大" in message and "xl/media/image1.png" in message


def test_high_compression_ratio_is_refused_even_below_the_size_limit():
    message = refusal(read_xlsx, zip_bomb(4 * 1024 * 1024))
    assert "压缩比" in message


def test_large_but_ordinary_sheet_gets_a_plain_message():
    limits = RosterLimits(max_entry_bytes=1024 * 1024, max_ratio=10**6)
    with pytest.raises(RosterError, match="内容太多.*最多 5000 行数据"):
        read_xlsx(zip_bomb(2 * 1024 * 1024), limits)


def test_total_uncompressed_size_limit():
    limits = RosterLimits(max_total_bytes=2 * 1024 * 1024, max_ratio=10**6)
    with pytest.raises(RosterError, match="解压后共"):
        read_xlsx(zip_bomb(3 * 1024 * 1024), limits)


def test_too_many_zip_entries():
    extra = {f"xl/junk/{i}.xml": b"<a/>" for i in range(600)}
    with pytest.raises(RosterError, match="部件"):
        read_xlsx(raw_xlsx([SHEET_OPEN, "<sheetData/></worksheet>"], extra))


def test_entity_expansion_is_refused():
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    with pytest.raises(RosterError, match="不安全"):
        read_xlsx(raw_xlsx([sheet]))


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old.xls", ".xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "locked.xlsx", "密码"),
        (b"just some text", "fake.xlsx", "不是 .xlsx"),
        (b"PK\x03\x04 truncated", "broken.xlsx", "损坏"),
    ],
)
def test_not_an_xlsx(data, filename, fragment):
    with pytest.raises(RosterError, match=fragment):
        read_roster(data, filename)


def test_other_zip_files_are_not_workbooks():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office/>")
    with pytest.raises(RosterError, match="不是 Excel 工作簿"):
        read_roster(buffer.getvalue(), "sheet.ods")


def test_empty_sheet():
    with pytest.raises(RosterError, match="空的"):
        read_xlsx(raw_xlsx([SHEET_OPEN, "<sheetData/></worksheet>"]))


def test_oversized_upload_refused_before_opening():
    with pytest.raises(RosterError, match="文件太大"):
        read_roster(b"PK\x03\x04" + bytes(5 * 1024 * 1024), "big.xlsx")
