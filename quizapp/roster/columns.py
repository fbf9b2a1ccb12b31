"""Roster columns and header recognition (Chinese or English names, any case or width)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import CellValue, RosterColumn, RosterError
from .text import column_place, show


@dataclass(frozen=True)
class FieldSpec:
    """A roster field: its key, the label used in messages and templates, accepted headers."""

    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("employee_no", "工号", ("工号", "employee_no", "员工编号", "员工工号"), True),
    FieldSpec("name", "姓名", ("姓名", "name"), True),
    FieldSpec("phone", "手机", ("手机", "手机号", "手机号码", "phone", "mobile")),
    FieldSpec("email", "邮箱", ("邮箱", "电子邮箱", "email", "e-mail")),
    FieldSpec("job_role", "岗位", ("岗位", "job_role"), True),
    FieldSpec("site", "项目/门店", ("项目", "门店", "项目/门店", "site")),
    FieldSpec("hire_date", "入职日期", ("入职日期", "hire_date")),
    # The day the hire starts facing customers: study plans aim their recall at it.
    FieldSpec("go_live_date", "上岗日期", ("上岗日期", "上岗时间", "go_live_date", "go_live")),
    FieldSpec("trainer", "带教", ("带教", "培训师", "带教工号", "trainer")),
    FieldSpec("roles", "权限", ("权限", "roles")),
)
FIELD_BY_KEY = {spec.key: spec for spec in FIELDS}
#: Column order of the downloadable template and of exports.
TEMPLATE_HEADER: tuple[str, ...] = tuple(spec.label for spec in FIELDS)

_IGNORED_IN_HEADER = re.compile(r"[\s_\-*＊]+")


def header_key(text: str) -> str:
    """Comparison key of a header cell: NFKC, case-folded, without spaces, _ - or a * mark."""
    return _IGNORED_IN_HEADER.sub("", unicodedata.normalize("NFKC", text).casefold())


_ALIAS_TO_FIELD = {header_key(alias): spec.key for spec in FIELDS for alias in spec.aliases}


def field_for_header(text: str) -> str | None:
    """The field key a header names, or None when it is not a roster column."""
    return _ALIAS_TO_FIELD.get(header_key(text))


def is_blank(value: CellValue) -> bool:
    """An empty cell: None, or text that is only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def recognise_header(header: list[CellValue], data_columns: set[int]) -> tuple[RosterColumn, ...]:
    """Map header cells to fields; raise RosterError listing every problem with its column.

    ``data_columns`` holds the 1-based positions that have a value in some data row: an
    empty header cell is fine unless there is data below it.
    """
    problems: list[str] = []
    columns: list[RosterColumn] = []
    seen: dict[str, RosterColumn] = {}
    width = max([len(header), *data_columns]) if data_columns else len(header)
    known = "、".join(spec.label for spec in FIELDS)
    for position in range(1, width + 1):
        cell = header[position - 1] if position <= len(header) else None
        if is_blank(cell):
            if position in data_columns:
                problems.append(
                    f"表头{column_place(position)}是空的，但下面有数据；请填写列名或删除该列"
                    " (column has data but no header)"
                )
            continue
        label = str(cell).strip()
        key = field_for_header(label)
        if key is None:
            problems.append(
                f"表头{column_place(position)} {show(label)} 不是可识别的列名，可用的列名：{known}"
                " (unknown column)"
            )
            continue
        if key in seen:
            first = seen[key]
            problems.append(
                f"表头{column_place(position)} {show(label)} 与{column_place(first.position)}"
                f" {show(first.label)} 重复，都是「{FIELD_BY_KEY[key].label}」列 (duplicate column)"
            )
            continue
        column = RosterColumn(key, label, position)
        seen[key] = column
        columns.append(column)
    for spec in FIELDS:
        if spec.required and spec.key not in seen:
            problems.append(
                f"缺少必填列「{spec.label}」（也可写作 {' / '.join(spec.aliases[1:])}）"
                " (missing required column)"
            )
    if problems:
        raise RosterError(problems)
    return tuple(columns)
