"""Exports HR opens in Excel: CSV (UTF-8 with BOM) and XLSX, safe from formula injection.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would
be run as a formula by Excel or WPS; so may their full-width forms (``＝＋－＠``, which a
Chinese input method types). Such text is neutralised by a leading single quote ``'``, in
both formats. Numbers and dates are written as values, not text.

Exports never fail on stored text: characters quizapp.textsafety refuses (stored before
the rule existed) are written as U+FFFD, and a cell too long for Excel is shortened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import unicodedata
from collections.abc import Iterable, Sequence

from ..textsafety import replace_refused
from .model import Credential

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: No 0/o, 1/l/i: easy to read off a phone and type on one.
OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
OTP_LENGTH = 12
HANDOUT_HEADER = ("工号", "姓名", "一次性密码")
# Excel refuses longer cells (counted in UTF-16 code units).
_XLSX_MAX_CELL = 32767


def neutralise_cell(value: object) -> object:
    """Text that Excel would take as a formula gets a leading ``'``; other values unchanged.

    A first character that compatibility-folds into a trigger (``＝``, ``﹦``) counts too.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_TRIGGERS)
        or unicodedata.normalize("NFKC", value[:1]).startswith(FORMULA_TRIGGERS)
    ):
        return "'" + value
    return value


def _cell_text(value: str) -> str:
    """Stored text as a cell may hold it: refused characters replaced, then neutralised."""
    return str(neutralise_cell(replace_refused(value)))


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
    return _cell_text(str(value))


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str]) -> bytes:
    """A CSV for Excel: UTF-8 with byte-order mark (so Chinese opens correctly), CRLF rows.

    Text cells are neutralised and refused characters replaced; numbers and dates are
    written plainly; lists and tuples are joined with 、; None is empty.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _shortened(text: str) -> str:
    """Text cut to what one Excel cell holds, with an ellipsis when cut."""
    if len(text) <= _XLSX_MAX_CELL // 2 or len(text.encode("utf-16-le")) // 2 <= _XLSX_MAX_CELL:
        return text
    kept, units = [], 1  # the ellipsis
    for ch in text:
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > _XLSX_MAX_CELL:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def _xlsx_value(value: object) -> object:
    """A value ready for a cell: lists joined, text made safe and short enough for Excel."""
    if isinstance(value, list | tuple):
        value = "、".join(map(str, value))
    elif value is not None and not isinstance(value, str | int | float | dt.date):
        value = str(value)
    if isinstance(value, str):
        value = _shortened(_cell_text(value))
    return value


def write_xlsx(
    rows: Iterable[Sequence[object]], header: Sequence[str], sheet_title: str = "名单"
) -> bytes:
    """An .xlsx with one sheet: a bold header row, text cells neutralised and typed as text.

    Never fails on text: characters XML cannot hold (and the others quizapp.textsafety
    refuses) become U+FFFD; text longer than an Excel cell holds is shortened.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = [[_xlsx_value(v) for v in header]]
    table.extend([_xlsx_value(v) for v in row] for row in rows)
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
    look-alikes, at least one of each (12 characters: about 59 bits)."""
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
