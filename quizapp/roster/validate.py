"""Validate roster rows: parsed values and every problem, per row and per column.

Values are normalised as documented here and nowhere else:

- 工号 and 带教: ``normalise_employee_no`` (NFKC, trimmed, upper case).
- 姓名, 邮箱, 项目/门店: surrounding whitespace removed (``text.clean_text``); otherwise
  stored exactly. Control characters, unpaired surrogates and direction overrides make
  the cell an error rather than being dropped.
- 岗位 and 项目/门店 (when a site list is given) are matched to the known names, exactly or
  ignoring case and full/half width, and stored as the known name.
- 手机: digits only (spaces, dashes and a +86 prefix removed), e.g. ``13800138000``.
- 入职日期: a ``datetime.date``.
- 权限: a tuple of ``ACCESS_ROLES``; empty means ``("employee",)``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from ..i18n import N_, fill
from .columns import FIELD_BY_KEY, FIELDS
from .model import CellValue, Hire, PreviewRow, RawRow, RosterIssue, RosterPreview, RosterTable
from .text import (
    EmployeeNoError,
    bad_character,
    clean_text,
    describe_character,
    normalise_employee_no,
    show,
)

ACCESS_ROLES: tuple[str, ...] = ("employee", "trainer", "hr", "admin")
#: How a roster names each access role back to HR (the 权限 column's own words).
ROLE_NAMES = {"employee": "员工", "trainer": "带教", "hr": "人事", "admin": "管理员"}
_ROLE_ALIASES = {
    "employee": "employee",
    "员工": "employee",
    "trainer": "trainer",
    "带教": "trainer",
    "培训师": "trainer",
    "hr": "hr",
    "人事": "hr",
    "admin": "admin",
    "管理员": "admin",
}
#: Longest accepted value, in characters after trimming.
MAX_LENGTH: dict[str, int] = {
    "name": 64,
    "phone": 32,
    "email": 254,
    "job_role": 64,
    "site": 100,
    "roles": 64,
    "hire_date": 32,
    "go_live_date": 32,
}
_FIELD_ORDER = {spec.key: index for index, spec in enumerate(FIELDS)}
EARLIEST_HIRE_YEAR = 1950
LATEST_HIRE_YEAR = 2100

_PHONE_SEPARATORS = re.compile(r"[\s\-]+")
_PHONE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+",
    re.ASCII,
)
_DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+0?0:00(?::00)?)?", re.ASCII)
_DATE_CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", re.ASCII)
_ROLE_SPLIT = re.compile(r"[\s,，、;；/|]+")


class _Problem(Exception):
    """A cell-level problem found while parsing one value: a template from the translation
    catalogue (Chinese) and its parameters, so each page can show it in its language."""

    def __init__(self, code: str, template: str, **params: object):
        self.code = code
        self.template = template
        self.params = params
        self.message = fill(template, params)
        super().__init__(self.message)


def display(value: CellValue) -> str:
    """A raw cell as text for the preview table (dates as 2026-11-23, 1001.0 as 1001)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: CellValue) -> str | None:
    """A text cell, trimmed; None when empty. Numbers become their digits."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _Problem("not_text", N_("是逻辑值 %(value)s，应填写文字"), value=value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise _Problem("not_text", N_("是日期或时间 %(value)s，应填写文字"), value=display(value))
    if isinstance(value, int | float):
        value = display(value)
    text = clean_text(value)
    return text or None


def _checked(key: str, text: str) -> str:
    ch = bad_character(text)
    if ch is not None:
        raise _Problem(
            "control_char",
            N_("%(value)s 含有控制字符或不可见字符 %(character)s，请删除后重新上传"),
            value=show(text),
            character=describe_character(ch),
        )
    limit = MAX_LENGTH.get(key)
    if limit is not None and len(text) > limit:
        raise _Problem(
            "too_long",
            N_("%(value)s 太长：%(length)s 个字符，最多 %(limit)s 个"),
            value=show(text),
            length=len(text),
            limit=limit,
        )
    return text


def _match_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class _Lookup:
    """Known names (job roles, sites): exact match first, then ignoring case and width."""

    def __init__(self, names: Iterable[str]):
        self.names = {clean_text(name) for name in names}
        by_key: dict[str, set[str]] = defaultdict(set)
        for name in self.names:
            by_key[_match_key(name)].add(name)
        self.by_key = {key: next(iter(found)) for key, found in by_key.items() if len(found) == 1}

    def find(self, text: str) -> str | None:
        if text in self.names:
            return text
        return self.by_key.get(_match_key(text))

    def sample(self, limit: int = 8) -> str:
        names = sorted(self.names)
        shown = "、".join(names[:limit])
        return shown + ("……" if len(names) > limit else "") if names else "（系统中还没有）"


def _employee_nos(values: Iterable[str]) -> set[str]:
    result = set()
    for value in values:
        try:
            result.add(normalise_employee_no(value))
        except ValueError:
            result.add(value)
    return result


def parse_date(value: CellValue, key: str) -> dt.date | None:
    """A date column's cell (``key``: hire_date or go_live_date): an Excel date, or text
    2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise _Problem(
                "bad_date", N_("%(value)s 带有时间，请只填写日期"), value=show(display(value))
            )
        value = value.date()
    if isinstance(value, dt.date):
        parsed = value
    elif isinstance(value, bool | int | float | dt.time | dt.timedelta):
        raise _Problem(
            "bad_date",
            N_("%(value)s 不是日期；请把单元格设为日期格式，或写成 2026-11-23"),
            value=show(display(value)),
        )
    else:
        text = _text(value)
        if text is None:
            return None
        text = _checked(key, text)
        plain = unicodedata.normalize("NFKC", text)
        match = _DATE_SEPARATED.fullmatch(plain)
        parts = (match.group(1), match.group(3), match.group(4)) if match else None
        if parts is None and (match := _DATE_CHINESE.fullmatch(plain)):
            parts = match.groups()
        if parts is None:
            raise _Problem(
                "bad_date",
                N_("%(value)s 不是可识别的日期，请写成 2026-11-23、2026/11/23 或 2026年11月23日"),
                value=show(text),
            )
        try:
            parsed = dt.date(*map(int, parts))
        except ValueError:
            raise _Problem(
                "bad_date", N_("%(value)s 不是真实存在的日期"), value=show(text)
            ) from None
    if not EARLIEST_HIRE_YEAR <= parsed.year <= LATEST_HIRE_YEAR:
        raise _Problem(
            "bad_date",
            N_("%(value)s 的年份不合理（应在 %(earliest)s–%(latest)s 之间）"),
            value=show(display(value)),
            earliest=EARLIEST_HIRE_YEAR,
            latest=LATEST_HIRE_YEAR,
        )
    return parsed


def parse_phone(text: str) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and +86 are allowed around."""
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    match = _PHONE.fullmatch(compact) if compact.isascii() else None
    if match is None:
        raise _Problem(
            "bad_phone",
            N_("%(value)s 不是有效的手机号（11 位数字，以 1 开头，如 13800138000）"),
            value=show(text),
        )
    return match.group(1)


def parse_roles(text: str) -> tuple[str, ...]:
    """Access roles from text such as ``带教、hr``; unknown names are an error."""
    found = set()
    for part in _ROLE_SPLIT.split(text):
        if not part:
            continue
        role = _ROLE_ALIASES.get(_match_key(part))
        if role is None:
            raise _Problem(
                "unknown_role",
                N_(
                    "权限 %(value)s 无法识别，可填：员工/employee、带教/trainer、人事/hr、管理员/admin"
                ),
                value=show(part),
            )
        found.add(role)
    return tuple(role for role in ACCESS_ROLES if role in found) or ("employee",)


class _RowParser:
    def __init__(self, known_job_roles, known_sites, known_trainers):
        self.job_roles = _Lookup(known_job_roles)
        self.sites = _Lookup(known_sites) if known_sites is not None else None
        self.trainers = _employee_nos(known_trainers)

    def parse(self, key: str, value: CellValue) -> object:
        if key in ("hire_date", "go_live_date"):
            return parse_date(value, key)
        text = _text(value)
        if key == "employee_no":
            if text is None:
                raise _Problem("missing", N_("工号不能为空"))
            return self._employee_no(value if isinstance(value, str) else text, "invalid")
        if text is None:
            if FIELD_BY_KEY[key].required:
                raise _Problem("missing", N_("%(column)s不能为空"), column=FIELD_BY_KEY[key].label)
            return None
        if key == "trainer":
            number = self._employee_no(text, "invalid_trainer")
            if number not in self.trainers:
                raise _Problem(
                    "unknown_trainer",
                    N_(
                        "带教工号 %(value)s 既不是系统中的带教/培训师，也不是本文件中有带教权限的人"
                    ),
                    value=show(number),
                )
            return number
        text = _checked(key, text)
        if key == "phone":
            return parse_phone(text)
        if key == "email":
            if not _EMAIL.fullmatch(text):
                raise _Problem("bad_email", N_("%(value)s 不是有效的邮箱地址"), value=show(text))
            return text
        if key == "job_role":
            found = self.job_roles.find(text)
            if found is None:
                raise _Problem(
                    "unknown_job_role",
                    N_("岗位 %(value)s 在系统中不存在；现有岗位：%(known)s"),
                    value=show(text),
                    known=self.job_roles.sample(),
                )
            return found
        if key == "site" and self.sites is not None:
            found = self.sites.find(text)
            if found is None:
                raise _Problem(
                    "unknown_site",
                    N_("项目/门店 %(value)s 在系统中不存在；现有：%(known)s"),
                    value=show(text),
                    known=self.sites.sample(),
                )
            return found
        if key == "roles":
            return parse_roles(text)
        return text

    @staticmethod
    def _employee_no(text: str, code: str) -> str:
        try:
            return normalise_employee_no(text)
        except EmployeeNoError as exc:
            raise _Problem(code, exc.template, **exc.params) from None


def _trainers_in(rows: list[RawRow], parser: _RowParser) -> set[str]:
    """Employee numbers of the rows that hire a trainer: others in the file may name them."""
    found = set()
    for raw in rows:
        try:
            number = parser.parse("employee_no", raw.values.get("employee_no"))
            roles = parser.parse("roles", raw.values.get("roles")) or ()
        except _Problem:
            continue  # the row's own problems are reported when it is checked
        if "trainer" in roles:
            found.add(number)
    return found


def validate_roster(
    rows: RosterTable | Iterable[RawRow],
    known_job_roles: set[str],
    known_sites: set[str] | None,
    existing_employee_nos: set[str],
    known_trainers: set[str],
    grantable_roles: Iterable[str] = ACCESS_ROLES,
) -> RosterPreview:
    """Parse and check every row; ``preview.ok`` only when no row has a problem.

    ``existing_employee_nos`` and ``known_trainers`` are employee numbers (normalised here
    again, so raw values are fine). ``known_sites=None`` accepts any site text. A trainer
    must already exist or be hired in the same file with the trainer access role.
    ``grantable_roles`` are the access roles whoever imports the file may grant: a row
    asking for any other is refused at its 权限 cell.
    """
    grantable = set(grantable_roles)
    labels = {spec.key: spec.label for spec in FIELDS}
    if isinstance(rows, RosterTable):
        labels.update({column.field: column.label for column in rows.columns})
        rows = rows.rows
    rows = list(rows)
    if not rows:
        return RosterPreview((), ("文件里没有数据行，请至少填写一名员工 (no data rows)",))
    parser = _RowParser(known_job_roles, known_sites, known_trainers)
    parser.trainers |= _trainers_in(rows, parser)
    existing = _employee_nos(existing_employee_nos)

    def issue(row: int, key: str, code: str, template: str, **params: object) -> RosterIssue:
        return RosterIssue(
            row,
            key,
            labels[key],
            code,
            f"第 {row} 行「{labels[key]}」：{fill(template, params)}",
            template,
            params,
        )

    parsed: list[tuple[RawRow, dict[str, object], list[RosterIssue]]] = []
    rows_by_number: dict[str, list[int]] = defaultdict(list)
    for raw in rows:
        values: dict[str, object] = {}
        issues: list[RosterIssue] = []
        for spec in FIELDS:
            try:
                values[spec.key] = parser.parse(spec.key, raw.values.get(spec.key))
            except _Problem as problem:
                values[spec.key] = None
                issues.append(
                    issue(raw.row, spec.key, problem.code, problem.template, **problem.params)
                )
        if values["trainer"] is not None and values["trainer"] == values["employee_no"]:
            issues.append(issue(raw.row, "trainer", "own_trainer", N_("带教不能是员工本人")))
        beyond = [role for role in values["roles"] or () if role not in grantable]
        if beyond:
            issues.append(
                issue(
                    raw.row,
                    "roles",
                    "role_not_grantable",
                    N_("你不能授予「%(roles)s」权限；请删去这一项，或请管理员授予"),
                    roles="、".join(ROLE_NAMES[role] for role in beyond),
                )
            )
        hired, live = values["hire_date"], values["go_live_date"]
        if isinstance(hired, dt.date) and isinstance(live, dt.date) and live < hired:
            issues.append(
                issue(
                    raw.row,
                    "go_live_date",
                    "go_live_before_hire",
                    N_("上岗日期 %(go_live)s 早于入职日期 %(hired)s"),
                    go_live=live.isoformat(),
                    hired=hired.isoformat(),
                )
            )
        number = values["employee_no"]
        if isinstance(number, str):
            rows_by_number[number].append(raw.row)
            if number in existing:
                issues.append(
                    issue(
                        raw.row,
                        "employee_no",
                        "already_exists",
                        N_("工号 %(value)s 已存在（系统中已有这名员工），请勿重复导入"),
                        value=show(number),
                    )
                )
        parsed.append((raw, values, issues))

    preview_rows = []
    for raw, values, issues in parsed:
        number = values["employee_no"]
        others = [r for r in rows_by_number.get(number, []) if r != raw.row] if number else []
        if others:
            where = "、".join(str(r) for r in others)
            issues.append(
                issue(
                    raw.row,
                    "employee_no",
                    "duplicate_in_file",
                    N_("工号 %(value)s 在文件中重复，与第 %(rows)s 行是同一工号"),
                    value=show(number),
                    rows=where,
                )
            )
        hire = None
        if not issues:
            hire = Hire(
                employee_no=values["employee_no"],
                name=values["name"],
                job_role=values["job_role"],
                phone=values["phone"],
                email=values["email"],
                site=values["site"],
                hire_date=values["hire_date"],
                go_live_date=values["go_live_date"],
                trainer=values["trainer"],
                roles=values["roles"] or ("employee",),
                row=raw.row,
            )
        issues.sort(key=lambda found: _FIELD_ORDER[found.field])
        preview_rows.append(
            PreviewRow(
                row=raw.row,
                raw={spec.key: display(raw.values.get(spec.key)) for spec in FIELDS},
                values=values,
                issues=tuple(issues),
                hire=hire,
            )
        )
    return RosterPreview(tuple(preview_rows))
