"""CSV decoding by rule (BOM, UTF-8, GB18030) and header recognition."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.roster import (
    RosterError,
    RosterLimits,
    decode_csv_bytes,
    detect_csv_encoding,
    read_csv,
    read_roster,
)

from .util import HEADER, csv_bytes, good_row

DATA = Path(__file__).resolve().parents[1] / "data" / "roster"


def names(table):
    return [row.values["name"] for row in table.rows]


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-bom"),
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
    ],
)
def test_csv_encodings(encoding, prefix, detected):
    data = prefix + csv_bytes(
        [good_row(name="张三"), good_row("A002", name="欧阳娜娜")], encoding=encoding
    )
    table = read_csv(data)
    assert names(table) == ["张三", "欧阳娜娜"]
    assert table.encoding == detected
    assert [c.label for c in table.columns] == HEADER


def test_gb18030_beyond_gbk():
    data = csv_bytes([good_row(name="𠀀龘")], encoding="gb18030")
    assert names(read_csv(data)) == ["𠀀龘"]


def test_short_gbk_file_is_not_misread():
    # Charset detectors guess wrong on a few Chinese characters; the rule does not.
    data = "工号,姓名,岗位\r\nA1,张三,保安\r\n".encode("gbk")
    assert decode_csv_bytes(data) == "工号,姓名,岗位\r\nA1,张三,保安\r\n"


def test_excel_gbk_file_from_disk():
    table = read_roster((DATA / "new_hires_gbk.csv").read_bytes(), "new_hires_gbk.csv")
    assert table.encoding == "gb18030"
    assert names(table) == ["张三", "李四"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_tab_separated_as_excel_unicode_text(encoding):
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    data = bom + csv_bytes([good_row(name="张三")], encoding=encoding, delimiter="\t")
    table = read_csv(data)
    assert names(table) == ["张三"]
    assert table.encoding == encoding


def test_utf16_comma_separated_with_bom():
    data = b"\xff\xfe" + csv_bytes([good_row(name="张三")], encoding="utf-16-le")
    assert names(read_csv(data)) == ["张三"]


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x80\xff,abc\r\n",  # neither UTF-8 nor GB18030
        "工号,姓名".encode() + b"\xff\xff\xff",
        b"\x81\x30",  # truncated GB18030 four-byte sequence
    ],
)
def test_undecodable_bytes_are_refused_with_a_clear_message(data):
    with pytest.raises(RosterError) as caught:
        read_csv(data)
    assert "UTF-8" in str(caught.value)
    assert "GBK" in str(caught.value)


def test_bom_that_lies_is_refused():
    with pytest.raises(RosterError, match="UTF-8"):
        decode_csv_bytes(b"\xef\xbb\xbf" + "工号".encode("gbk"))


def test_utf16_without_bom_is_explained():
    data = csv_bytes([good_row()], encoding="utf-16-le")
    with pytest.raises(RosterError, match="UTF-16"):
        read_csv(data)


def test_empty_and_header_only_files_are_refused():
    with pytest.raises(RosterError, match="空"):
        read_csv(b"")
    with pytest.raises(RosterError, match="没有数据行"):
        read_csv(csv_bytes([]))
    with pytest.raises(RosterError, match="没有数据行"):
        read_csv(csv_bytes([["", "", ""], []]))


def test_headers_in_english_any_case_and_width():
    header = [
        "ＥＭＰＬＯＹＥＥ_ＮＯ",
        "Name",
        " PHONE ",
        "E-mail",
        "Job Role",
        "site",
        "Hire_Date",
        "培训师",
        "Roles",
    ]
    table = read_csv(csv_bytes([good_row()], header=header))
    assert [c.field for c in table.columns] == [
        "employee_no",
        "name",
        "phone",
        "email",
        "job_role",
        "site",
        "hire_date",
        "trainer",
        "roles",
    ]
    assert table.columns[0].label == "ＥＭＰＬＯＹＥＥ_ＮＯ"


def test_required_marks_and_aliases():
    table = read_csv(csv_bytes([["A1", "张三", "保安"]], header=["员工编号*", "姓名 *", "岗位"]))
    assert [c.field for c in table.columns] == ["employee_no", "name", "job_role"]


def test_header_problems_name_the_column_position():
    header = ["工号", "部门", "姓名", "项目", "门店"]
    with pytest.raises(RosterError) as caught:
        read_csv(csv_bytes([["A1", "x", "张三", "p", "q"]], header=header))
    messages = caught.value.messages
    assert any("第 2 列（B）" in m and "部门" in m and "不是可识别" in m for m in messages)
    assert any("第 5 列（E）" in m and "第 4 列（D）" in m and "重复" in m for m in messages)
    assert any("缺少必填列「岗位」" in m for m in messages)
    assert len(messages) == 3


def test_data_without_a_header_is_refused_but_empty_columns_are_ignored():
    with pytest.raises(RosterError, match="第 4 列（D）"):
        read_csv(csv_bytes([["A1", "张三", "保安", "oops"]], header=["工号", "姓名", "岗位"]))
    table = read_csv(csv_bytes([["A1", "张三", "保安", ""]], header=["工号", "姓名", "岗位", ""]))
    assert len(table.columns) == 3


def test_row_numbers_count_blank_lines_and_multi_line_cells_as_excel_shows_them():
    data = csv_bytes(
        [good_row("A1", name="两行\n名字"), [], good_row("A2"), ["", ""], good_row("A3"), [], []]
    )
    table = read_csv(data)
    assert [row.row for row in table.rows] == [2, 4, 6]
    assert table.rows[0].values["name"] == "两行\n名字"


def test_too_many_rows_stops_reading():
    limits = RosterLimits(max_data_rows=10)
    data = csv_bytes([good_row(f"A{i}") for i in range(11)])
    with pytest.raises(RosterError, match="超过 10 行"):
        read_csv(data, limits)
    read_csv(csv_bytes([good_row(f"A{i}") for i in range(10)]), limits)


def test_too_many_columns_and_too_big_file():
    header = HEADER + [f"x{i}" for i in range(30)]
    with pytest.raises(RosterError, match="列太多"):
        read_csv(csv_bytes([good_row()], header=header))
    with pytest.raises(RosterError, match="文件太大"):
        read_csv(b"a" * (5 * 1024 * 1024 + 1))


def test_detect_encoding_reports_bom():
    assert detect_csv_encoding(b"\xef\xbb\xbfa") == "utf-8-bom"
    assert detect_csv_encoding("张".encode("gbk")) == "gb18030"


def test_unsupported_extension():
    with pytest.raises(RosterError, match="不支持"):
        read_roster(b"hello", "roster.pdf")
