"""Rows of cells -> a header-checked ``RosterTable``: the step the CSV and XLSX readers share.

Each reader (``reading`` for CSV, ``xlsx``) turns its file into rows of cells and hands
them here, so both apply the same header, row and column rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from .columns import is_blank, recognise_header
from .model import DEFAULT_LIMITS, CellValue, RawRow, RosterError, RosterLimits, RosterTable

#: How to fix a file that is not readable text: in the CSV refusals and the header check.
SAVE_AS_HINT = "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或直接上传 .xlsx 文件"


def build_table(
    records: Iterable[list[CellValue]],
    source: str,
    limits: RosterLimits = DEFAULT_LIMITS,
    encoding: str | None = None,
) -> RosterTable:
    """Turn rows of cells (first non-empty row = header) into a ``RosterTable``.

    Row numbers count every record, blank ones included, so they match what HR sees in
    Excel. Blank rows are skipped (trailing or not). Reading stops as soon as there are
    more than ``limits.max_data_rows`` non-empty data rows.
    """
    header: list[CellValue] | None = None
    header_row = 0
    body: list[tuple[int, list[CellValue]]] = []
    data_columns: set[int] = set()
    for number, cells in enumerate(records, start=1):
        if all(is_blank(cell) for cell in cells):
            continue
        if header is None:
            header, header_row = list(cells), number
            if any(isinstance(cell, str) and "\x00" in cell for cell in cells):
                raise RosterError(
                    "表头里有 NUL 字符：文件可能是没有 BOM 的 UTF-16 文本，或根本不是 CSV；"
                    + SAVE_AS_HINT
                    + " (NUL in header: UTF-16 without byte-order mark?)"
                )
            continue
        if len(body) >= limits.max_data_rows:
            raise RosterError(
                f"数据行太多：超过 {limits.max_data_rows} 行（在第 {number} 行停止读取）；"
                f"请分成几个文件上传 (too many rows)"
            )
        data_columns.update(i for i, cell in enumerate(cells, start=1) if not is_blank(cell))
        body.append((number, list(cells)))
    if header is None:
        raise RosterError("文件里没有内容：第一行应是表头（工号、姓名、岗位……）(no header row)")
    if len(header) > limits.max_columns or (
        data_columns and max(data_columns) > limits.max_columns
    ):
        width = max([len(header), *data_columns])
        raise RosterError(
            f"列太多：{width} 列，最多 {limits.max_columns} 列；请删除多余的列 (too many columns)"
        )
    columns = recognise_header(header, data_columns)
    if not body:
        raise RosterError(
            f"表头（第 {header_row} 行）下面没有数据行，请至少填写一名员工 (no data rows)"
        )
    rows = tuple(
        RawRow(
            number,
            {
                column.field: cells[column.position - 1] if column.position <= len(cells) else None
                for column in columns
            },
        )
        for number, cells in body
    )
    return RosterTable(columns, rows, source=source, encoding=encoding)
