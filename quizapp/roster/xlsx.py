"""Read an XLSX roster safely: every limit is checked before openpyxl loads anything.

Order of checks, each refusing with a message HR can act on:

1. File size (``max_file_bytes``, 5 MB) and magic bytes: an OLE2 container is an old .xls
   or a password-protected workbook; anything but a zip is not an .xlsx.
2. The zip directory (``ZipFile.infolist``, nothing decompressed yet): number of entries,
   each entry's and the total uncompressed size, and the compression ratio of any entry
   over 1 MB. This refuses zip bombs. (Python's zipfile never inflates an entry past its
   declared size, so a directory that lies ends in a CRC error, not a bomb.)
3. The first worksheet's XML is streamed with defusedxml (no entity expansion): its
   declared ``<dimension>`` and then every ``<row>``/``<c>`` element must lie within
   1 + ``max_data_rows`` rows and ``max_columns`` columns. The scan stops at the first
   element outside, so a million-row sheet is refused after reading ~5,000 rows.
4. Only then openpyxl opens the workbook (``read_only=True``, ``data_only=True``: formula
   cells give their cached values) and rows are read within the extent found in step 3.

The used range counts formatted empty cells too (as Excel's own "used range" does); the
message tells HR to copy only the data into a new sheet.
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring, iterparse

from .model import DEFAULT_LIMITS, CellValue, RosterError, RosterLimits, RosterTable
from .table import build_table
from .text import column_letter

ZIP_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_RESAVE = (
    "请在 Excel 或 WPS 中打开，只把需要的数据复制到新工作簿，另存为 .xlsx 后再上传，或改用 CSV"
)


@dataclass(frozen=True)
class SheetExtent:
    """The first worksheet: its path in the zip, name, and rows/columns in use."""

    path: str
    name: str
    rows: int
    columns: int


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - ord("A") + 1
    return index


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_container(data: bytes, limits: RosterLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Steps 1 and 2: size, magic bytes and the zip directory. Returns the open archive."""
    if len(data) > limits.max_file_bytes:
        raise RosterError(
            f"文件太大：{_mb(len(data))}，最多 {_mb(limits.max_file_bytes)}；请分成几个文件上传"
            " (file too large)"
        )
    if data.startswith(XLS_MAGIC):
        raise RosterError(
            "这是旧版 .xls 文件，或设置了打开密码的 Excel 文件，无法读取；"
            "请取消密码并另存为 .xlsx（Excel 工作簿）或 CSV 后再上传"
            " (old .xls or password-protected workbook)"
        )
    if not data.startswith(ZIP_MAGIC):
        raise RosterError(
            "这不是 .xlsx 文件（文件内容不是 Excel 工作簿）；请另存为 .xlsx 或 CSV 后再上传"
            " (not an .xlsx file)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise RosterError(
            "文件已损坏或不是 .xlsx 文件，无法打开；" + _RESAVE + " (damaged .xlsx)"
        ) from None
    try:
        _check_entries(infos, limits)
    except RosterError:
        archive.close()
        raise
    return archive


def _check_entries(infos: list[zipfile.ZipInfo], limits: RosterLimits) -> None:
    if len(infos) > limits.max_zip_entries:
        raise RosterError(
            f"文件内部结构异常（包含 {len(infos)} 个部件，最多 {limits.max_zip_entries} 个）；"
            + _RESAVE
            + " (too many parts in the zip)"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise RosterError(
                "文件设置了密码（已加密），无法读取；请取消密码后另存为 .xlsx 再上传 (encrypted)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        suspicious = info.file_size > limits.ratio_checked_above and ratio > limits.max_ratio
        if info.file_size > limits.max_entry_bytes and not suspicious:
            raise RosterError(
                f"文件内容太多（{info.filename} 解压后 {_mb(info.file_size)}，"
                f"上限 {_mb(limits.max_entry_bytes)}）：最多 {limits.max_data_rows} 行数据、"
                f"{limits.max_columns} 列；请分成几个文件上传 (too much data)"
            )
        if suspicious:
            raise RosterError(
                f"文件解压后异常巨大（{info.filename} 解压后 {_mb(info.file_size)}，"
                f"压缩比 {ratio:.0f}:1），可能已损坏或是恶意文件，已拒绝；"
                + _RESAVE
                + " (refused: decompresses to too much data, a zip bomb?)"
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise RosterError(
            f"文件解压后共 {_mb(total)}，超过 {_mb(limits.max_total_bytes)} 上限，已拒绝；"
            + _RESAVE
            + " (refused: too much data when decompressed)"
        )


def _read_xml(archive: zipfile.ZipFile, name: str):
    try:
        return fromstring(archive.read(name))
    except KeyError:
        return None
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, ValueError, OSError):
        raise RosterError(f"文件内部 {name} 已损坏或不安全；" + _RESAVE) from None


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def first_worksheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """The zip path and name of the workbook's first worksheet (chart sheets skipped)."""
    not_xlsx = RosterError(
        "这不是 Excel 工作簿（.xlsx）：可能是 .xlsb、.ods 或其他压缩文件；"
        "请另存为 .xlsx 或 CSV 后再上传 (not an .xlsx workbook)"
    )
    workbook_path = "xl/workbook.xml"
    root_rels = _read_xml(archive, "_rels/.rels")
    if root_rels is not None:
        for rel in root_rels:
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target"):
                workbook_path = _resolve("", rel.get("Target", ""))
                break
    workbook = _read_xml(archive, workbook_path)
    if workbook is None:
        raise not_xlsx
    base = posixpath.dirname(workbook_path)
    rels_xml = _read_xml(
        archive, posixpath.join(base, "_rels", posixpath.basename(workbook_path) + ".rels")
    )
    targets = {}
    if rels_xml is not None:
        for rel in rels_xml:
            if rel.get("Type", "").endswith("/worksheet"):
                targets[rel.get("Id")] = _resolve(base, rel.get("Target", ""))
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next(
            (element.get(f"{{{ns}}}id") for ns in _REL_NS if element.get(f"{{{ns}}}id")), None
        )
        if rel_id in targets:
            return targets[rel_id], element.get("name", "")
    raise RosterError("工作簿里没有工作表 (no worksheet in the workbook)")


def scan_sheet(
    archive: zipfile.ZipFile, path: str, name: str, limits: RosterLimits = DEFAULT_LIMITS
) -> SheetExtent:
    """Step 3: stream the sheet XML and stop at the first row or cell beyond the limits."""
    max_rows = limits.max_data_rows + 1
    last_row = last_column = 0
    row_index = column_index = 0

    def too_big(rows: int | None, columns: int | None, declared: bool) -> RosterError:
        where = "声明的范围" if declared else "内容"
        if rows is not None and rows > max_rows:
            return RosterError(
                f"工作表“{name}”{where}超过 {max_rows} 行（1 行表头 + 最多 "
                f"{limits.max_data_rows} 行数据），已在第 {rows} 行停止读取；"
                "请分成几个文件，或删除下方多余的行（含只设了格式的空行）(too many rows)"
            )
        return RosterError(
            f"工作表“{name}”{where}超过 {limits.max_columns} 列（到了第 {columns} 列，"
            f"{column_letter(columns or 0)} 列）；请删除右侧多余的列 (too many columns)"
        )

    try:
        with archive.open(path) as source:
            for event, element in iterparse(source, events=("start", "end")):
                tag = _local(element.tag)
                if event == "end":
                    if tag == "row":
                        element.clear()
                    elif tag == "sheetData":
                        break
                    continue
                if tag == "dimension":
                    match = _CELL_REF.fullmatch(element.get("ref", "").split(":")[-1])
                    if match:
                        rows, columns = int(match.group(2)), _column_index(match.group(1))
                        if rows > max_rows or columns > limits.max_columns:
                            raise too_big(rows, columns, declared=True)
                elif tag == "row":
                    ref = element.get("r")
                    row_index = int(ref) if ref and ref.isdigit() else row_index + 1
                    column_index = 0
                    if row_index > max_rows:
                        raise too_big(row_index, None, declared=False)
                    last_row = max(last_row, row_index)
                elif tag == "c":
                    match = _CELL_REF.fullmatch(element.get("r", ""))
                    column_index = _column_index(match.group(1)) if match else column_index + 1
                    if column_index > limits.max_columns:
                        raise too_big(None, column_index, declared=False)
                    last_column = max(last_column, column_index)
    except RosterError:
        raise
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise RosterError(f"工作表“{name}”已损坏或不安全，无法读取；" + _RESAVE) from None
    return SheetExtent(path, name, last_row, last_column)


def read_xlsx(data: bytes, limits: RosterLimits = DEFAULT_LIMITS) -> RosterTable:
    """Read the first worksheet of an .xlsx roster (all checks first, see module docs)."""
    with check_container(data, limits) as archive:
        path, name = first_worksheet(archive)
        extent = scan_sheet(archive, path, name, limits)
    if extent.rows == 0 or extent.columns == 0:
        raise RosterError(
            f"工作表“{name}”是空的：第一行应是表头（工号、姓名、岗位……）(empty sheet)"
        )
    return build_table(_rows(data, extent), source="xlsx", limits=limits)


def _rows(data: bytes, extent: SheetExtent) -> list[list[CellValue]]:
    """Step 4: openpyxl, read-only, within the scanned extent (at most rows x columns cells).

    openpyxl warns (UserWarning) about workbook features it drops on reading, such as data
    validation or a missing default style; they do not affect cell values, so exactly those
    warnings are silenced here (other warnings still surface).
    """
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        try:
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
        except Exception:  # an untrusted file may fail anywhere inside openpyxl
            raise RosterError(
                "无法读取这个 .xlsx 文件；" + _RESAVE + " (openpyxl failed)"
            ) from None
        try:
            if extent.name not in workbook.sheetnames:
                raise RosterError("无法找到第一个工作表；" + _RESAVE)
            sheet = workbook[extent.name]
            rows = sheet.iter_rows(
                min_row=1, max_row=extent.rows, max_col=extent.columns, values_only=True
            )
            try:
                return [list(row) for row in rows]
            except Exception:
                raise RosterError(
                    f"工作表“{extent.name}”的内容无法读取；" + _RESAVE + " (openpyxl failed)"
                ) from None
        finally:
            workbook.close()
