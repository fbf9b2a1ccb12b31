"""Exports HR opens in Excel: CSV (UTF-8 with BOM) and XLSX, safe from formula injection.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
be run as a formula by Excel or WPS; such text is neutralised by a leading single quote
``'``, in both formats. Numbers and dates are written as values, not text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .model import Credential

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: No 0/o, 1/l/i: easy to read off a phone and type on one.
OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
OTP_LENGTH = 10
HANDOUT_HEADER = ("工号", "姓名", "一次性密码")
# Not allowed in XML 1.0 but not caught by openpyxl (it would write an unreadable file).
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
# Excel refuses longer cells.
_XLSX_MAX_CELL = 32767


def neutralise_cell(value: object) -> object:
    """Text that Excel would take as a formula gets a leading ``'``; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "、".join(map(str, value))
    if isinstance(value, int | float):
        return str(value)
    return str(neutralise_cell(str(value)))


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> bytes:
    """A CSV for Excel: UTF-8 with byte-order mark (so Chinese opens correctly), CRLF rows.

    Text cells are neutralised; numbers and dates are written plainly; lists and tuples
    are joined with 、; None is empty.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _xlsx_value(value: object, row: int, column: int) -> object:
    """A value ready for a cell: lists joined, text neutralised and checked for Excel."""
    if isinstance(value, list | tuple):
        value = "、".join(map(str, value))
    elif value is not None and not isinstance(value, str | int | float | dt.date):
        value = str(value)
    if isinstance(value, str):
        value = neutralise_cell(value)
        if ILLEGAL_CHARACTERS_RE.search(value) or _NOT_XML.search(value):
            raise ValueError(f"第 {row} 行第 {column} 列含有 Excel 不能保存的控制字符，无法导出")
        if len(value) > _XLSX_MAX_CELL:
            raise ValueError(f"第 {row} 行第 {column} 列的文字太长，Excel 单元格最多 32767 个字符")
    return value


def write_xlsx(
    rows: Iterable[Sequence[object]], header: Sequence[str], sheet_title: str = "名单"
) -> bytes:
    """An .xlsx with one sheet: a bold header row, text cells neutralised and typed as text.

    Raises ValueError naming the row and column for text Excel cannot store (control
    characters, more than 32,767 characters); roster import refuses such text anyway.
    Every value is checked before the workbook is built.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = [[_xlsx_value(v, 1, i) for i, v in enumerate(header, start=1)]]
    for row_number, row in enumerate(rows, start=2):
        table.append([_xlsx_value(v, row_number, i) for i, v in enumerate(row, start=1)])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    bold = Font(bold=True)
    for row_number, values in enumerate(table, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row_number, column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever it looks like
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if row_number == 1:
                cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def one_time_password(length: int = OTP_LENGTH) -> str:
    """A random password easy to type on a phone: lower-case letters and digits without
    look-alikes, at least one of each (10 characters: about 49 bits)."""
    if length < 2:
        raise ValueError("password length must be at least 2")
    while True:
        password = "".join(secrets.choice(OTP_ALPHABET) for _ in range(length))
        if any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password):
            return password


def handout_rows(credentials: Iterable[Credential]) -> list[tuple[str, str, str]]:
    """(工号, 姓名, 一次性密码) rows for the hand-out sheet."""
    return [(c.employee_no, c.name, c.password) for c in credentials]


def handout_csv(credentials: Iterable[Credential]) -> bytes:
    """The hand-out CSV of new accounts: 工号, 姓名, 一次性密码 (download once, then discard)."""
    return write_csv(handout_rows(credentials), HANDOUT_HEADER)


def handout_xlsx(credentials: Iterable[Credential]) -> bytes:
    """The same hand-out sheet as an .xlsx."""
    return write_xlsx(handout_rows(credentials), HANDOUT_HEADER, sheet_title="一次性密码")
