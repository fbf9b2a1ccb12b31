"""Read a roster file (CSV or XLSX bytes) into a header-checked ``RosterTable``.

CSV encodings are decided by rule, never guessed statistically (short Chinese files are
misread by charset detectors): a byte-order mark (UTF-8, UTF-16), else strict UTF-8,
else GB18030 (a superset of GBK and GB2312, which Excel in China uses for "CSV"), else
the file is refused. The header row is checked after decoding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import PurePath

from .model import DEFAULT_LIMITS, CellValue, RosterError, RosterLimits, RosterTable
from .table import SAVE_AS_HINT, build_table
from .xlsx import XLS_MAGIC, ZIP_MAGIC, read_xlsx

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _too_big(size: int, limits: RosterLimits) -> RosterError:
    return RosterError(
        f"文件太大：{size / 1024 / 1024:.1f} MB，最多 {limits.max_file_bytes / 1024 / 1024:.0f} MB；"
        f"请分成几个文件上传 (file too large)"
    )


def decode_csv_bytes(data: bytes) -> str:
    """Decode CSV bytes: BOM, else strict UTF-8, else GB18030, else RosterError.

    The returned text has no byte-order mark.
    """
    if not data:
        raise RosterError("文件是空的 (the file is empty)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise RosterError(
                    f"文件开头标明是 {encoding.upper()} 编码，但第 {exc.start + len(bom)} 个字节处"
                    f"无法按此编码读取，文件可能已损坏；{SAVE_AS_HINT}"
                    f" (byte-order mark says {encoding}, but the bytes are not)"
                ) from None
    return _decode_without_bom(data)[0]


def _decode_without_bom(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    hint = "（文件里有 NUL 字节，可能是没有 BOM 的 UTF-16 文本）" if b"\x00" in data else ""
    raise RosterError(
        "无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030" + hint + "。" + SAVE_AS_HINT + "。"
        " (The file is neither UTF-8 nor GBK/GB18030; save it as CSV UTF-8 or upload .xlsx.)"
    )


def detect_csv_encoding(data: bytes) -> str:
    """The encoding ``decode_csv_bytes`` would use (for showing to HR)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding + "-bom" if encoding == "utf-8" else encoding
    return _decode_without_bom(data)[1]


def _delimiter(text: str) -> str:
    """Comma, or tab for Excel's "Unicode text" export (tab-separated UTF-16)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    if "\t" in first_line and "," not in first_line:
        return "\t"
    return ","


def read_csv(data: bytes, limits: RosterLimits = DEFAULT_LIMITS) -> RosterTable:
    """Decode and read a CSV roster; RosterError for anything that stops the whole file."""
    if len(data) > limits.max_file_bytes:
        raise _too_big(len(data), limits)
    encoding = detect_csv_encoding(data) if data else None
    text = decode_csv_bytes(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    def records() -> Iterable[list[CellValue]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise RosterError(
                f"第 {reader.line_num} 行附近的 CSV 格式有误（{exc}），请检查引号是否成对"
                " (malformed CSV)"
            ) from None

    return build_table(records(), source="csv", encoding=encoding, limits=limits)


def read_roster(
    data: bytes, filename: str = "", limits: RosterLimits = DEFAULT_LIMITS
) -> RosterTable:
    """Read a roster upload, choosing CSV or XLSX by the file's extension and content.

    .xls (Excel 97-2003) and encrypted workbooks are refused with a message saying how to
    save the file instead.
    """
    suffix = PurePath(filename).suffix.lower()
    if len(data) > limits.max_file_bytes:
        raise _too_big(len(data), limits)
    if suffix in (".xlsx", ".xlsm", ".xls", ".et") or data.startswith((ZIP_MAGIC, XLS_MAGIC)):
        return read_xlsx(data, limits)
    if suffix in ("", ".csv", ".txt", ".tsv"):
        return read_csv(data, limits)
    raise RosterError(
        f"不支持的文件类型 {suffix}：请上传 .xlsx 或 .csv 文件 (unsupported file type)"
    )
