"""Exports: formula neutralisation in CSV and XLSX, one-time passwords, the hand-out sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from quizapp.roster import (
    HANDOUT_HEADER,
    Credential,
    decode_csv_bytes,
    handout_csv,
    handout_xlsx,
    neutralise_cell,
    one_time_password,
    read_csv,
    write_csv,
    write_xlsx,
)
from quizapp.roster.export import OTP_ALPHABET

DANGEROUS = ["=1+1", "+8613800138000", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x")']
HARMLESS = ["张三", "a=b", " =1", "'quoted", ""]


@pytest.mark.parametrize("value", DANGEROUS)
def test_dangerous_text_gets_a_quote(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", [*HARMLESS, 5, -5, 1.5, None, dt.date(2026, 1, 1)])
def test_other_values_are_unchanged(value):
    assert neutralise_cell(value) == value


def test_csv_export_is_utf8_with_bom_and_neutralised():
    data = write_csv(
        [[v, "张三", -5, dt.date(2026, 11, 23), None] for v in DANGEROUS],
        ["=工号", "姓名", "n", "d", "x"],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0] == ["'=工号", "姓名", "n", "d", "x"]
    assert [row[0] for row in rows[1:]] == ["'" + v for v in DANGEROUS]
    assert rows[1][1:] == ["张三", "-5", "2026-11-23", ""]
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for row in rows
        for cell in row
        if cell != "-5"
    )


def test_xlsx_export_is_neutralised_and_typed_as_text():
    data = write_xlsx(
        [[v, "张三", -5, dt.date(2026, 11, 23), ("trainer", "hr")] for v in DANGEROUS],
        ["@工号", "姓名", "n", "d", "权限"],
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet["A1"].value == "'@工号"
    for index, value in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(index, 1)
        # The XML reader may turn a carriage return into a line feed (openpyxl without
        # lxml does, with lxml it keeps it); either way the quote still leads.
        assert cell.value in ("'" + value, "'" + value.replace("\r", "\n"))
        assert cell.data_type == "s"
        assert sheet.cell(index, 3).value == -5
        assert sheet.cell(index, 4).value == dt.datetime(2026, 11, 23)
        assert sheet.cell(index, 5).value == "trainer、hr"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_export_replaces_text_excel_cannot_hold():
    # Stored before the text rule existed: written, never a failed export.
    data = write_xlsx([["a\x00b", "a\ufffeb", "=\x01"]], ["x", "y", "z"])
    row = [cell.value for cell in load_workbook(io.BytesIO(data)).active[2]]
    assert row == ["a\ufffdb", "a\ufffdb", "'=\ufffd"]


def test_one_time_passwords_are_readable_and_random():
    passwords = {one_time_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) == 12
        assert set(password) <= set(OTP_ALPHABET)
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)
    assert not set("0o1lI") & set(OTP_ALPHABET)


def test_handout_csv_round_trips_through_the_importer_decoder():
    credentials = [
        Credential("A001", "张三", "abc234defg"),
        Credential("A002", "-李四", "xyz789mnpq"),
    ]
    data = handout_csv(credentials)
    rows = list(csv.reader(io.StringIO(decode_csv_bytes(data), newline="")))
    assert rows == [
        list(HANDOUT_HEADER),
        ["A001", "张三", "abc234defg"],
        ["A002", "'-李四", "xyz789mnpq"],
    ]


def test_handout_xlsx():
    sheet = load_workbook(
        io.BytesIO(handout_xlsx([Credential("A001", "张三", "abc234defg")]))
    ).active
    assert [c.value for c in sheet[1]] == list(HANDOUT_HEADER)
    assert [c.value for c in sheet[2]] == ["A001", "张三", "abc234defg"]


def test_exported_template_reads_back_as_a_roster():
    from quizapp.roster import TEMPLATE_HEADER

    data = write_csv([["A001", "张三", "", "", "保安", "", "2026-11-23", "", ""]], TEMPLATE_HEADER)
    table = read_csv(data)
    assert [c.field for c in table.columns][:2] == ["employee_no", "name"]
