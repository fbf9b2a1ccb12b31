"""Builders for roster test files: CSV in any encoding, XLSX via openpyxl or raw zip XML."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

HEADER = ["工号", "姓名", "手机", "邮箱", "岗位", "项目", "入职日期", "带教", "权限"]
JOB_ROLES = {"客服前台", "保安", "10010客服代表"}
SITES = {"万科城一期", "星河门店"}
TRAINERS = {"T001", "T002"}


def good_row(number: str = "A001", name: str = "张三", **changes: object) -> list[object]:
    """A valid row in HEADER order; keyword changes by field key."""
    row = {
        "employee_no": number,
        "name": name,
        "phone": "13800138000",
        "email": "zhang.san@example.com",
        "job_role": "客服前台",
        "site": "万科城一期",
        "hire_date": "2026-11-23",
        "trainer": "T001",
        "roles": "",
    }
    row.update(changes)
    return list(row.values())


def csv_bytes(
    rows: Iterable[Sequence[object]],
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[Sequence[object]], header: Sequence[object] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "新员工"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def inline_row(index: int, values: Sequence[str]) -> str:
    cells = "".join(
        f'<c r="{chr(ord("A") + i)}{index}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{index}">{cells}</row>'


def raw_xlsx(sheet_chunks: Iterable[str], extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx written by hand (no styles part), the sheet XML streamed in chunks.

    ``sheet_chunks`` must produce the whole worksheet XML (use SHEET_OPEN first).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode("utf-8"))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def million_rows(dimension: bool, filled: bool = True, rows: int = 1_000_000) -> Iterable[str]:
    """Worksheet XML with a header and ``rows`` data rows, generated in 10,000-row chunks.

    Rows carry no ``r`` attribute (allowed: readers count them), which keeps a million
    filled rows under 1 MB zipped.
    """
    yield SHEET_OPEN
    if dimension:
        yield f'<dimension ref="A1:C{rows + 1}"/>'
    yield "<sheetData>"
    yield inline_row(1, ["工号", "姓名", "岗位"])
    row = "<row><c><v>1</v></c></row>" if filled else "<row/>"
    chunk = row * 10_000
    for _ in range(rows // 10_000):
        yield chunk
    yield row * (rows % 10_000)
    yield "</sheetData></worksheet>"


def zip_bomb(entry_size: int) -> bytes:
    """A workbook with one more entry of `entry_size` zero bytes: tiny zipped, huge unpacked."""
    buffer = io.BytesIO(raw_xlsx([SHEET_OPEN, "<sheetData/></worksheet>"]))
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.png", "w") as entry,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(entry_size // len(chunk)):
            entry.write(chunk)
    return buffer.getvalue()
