"""The roster as plain values: what the readers produce and the validator returns.

A roster file goes through three steps, each a pure function:

1. ``read_roster`` (CSV or XLSX bytes) -> ``RosterTable``: the recognised columns and the
   raw cell values of every non-empty data row, with the row number HR sees in the file.
2. ``validate_roster`` -> ``RosterPreview``: parsed values and per-row, per-column issues.
3. When ``preview.ok``, ``preview.hires`` are the accounts to create.

File-level problems (cannot decode, too big, missing column …) raise ``RosterError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

#: A raw cell: text from CSV; from XLSX also numbers, booleans, dates and times.
CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


class RosterError(ValueError):
    """The file as a whole cannot be used. ``messages`` lists every problem found."""

    def __init__(self, messages: str | list[str] | tuple[str, ...]):
        if isinstance(messages, str):
            messages = (messages,)
        self.messages: tuple[str, ...] = tuple(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class RosterLimits:
    """Size limits checked before a file is parsed (see docs in ``xlsx.py``)."""

    max_file_bytes: int = 5 * 1024 * 1024
    max_data_rows: int = 5000
    max_columns: int = 30
    # XLSX (zip) container checks, from the zip directory before decompressing anything.
    max_zip_entries: int = 500
    max_entry_bytes: int = 20 * 1024 * 1024
    max_total_bytes: int = 50 * 1024 * 1024
    max_ratio: int = 200
    ratio_checked_above: int = 1024 * 1024


DEFAULT_LIMITS = RosterLimits()


@dataclass(frozen=True)
class RosterColumn:
    """A recognised column: its field key, its header text as in the file, its position."""

    field: str
    label: str
    position: int  # 1-based; shown to HR as "第 3 列（C）"


@dataclass(frozen=True)
class RawRow:
    """One non-empty data row: the row number HR sees (header = 1) and cells by field key."""

    row: int
    values: Mapping[str, CellValue] = field(hash=False)


@dataclass(frozen=True)
class RosterTable:
    """A decoded, header-checked roster file, not yet validated."""

    columns: tuple[RosterColumn, ...]
    rows: tuple[RawRow, ...]
    source: str  # "csv" or "xlsx"
    encoding: str | None = None  # CSV only: the encoding the bytes were decoded with

    def column(self, field_key: str) -> RosterColumn | None:
        """The column holding ``field_key``, or None if the file has no such column."""
        for column in self.columns:
            if column.field == field_key:
                return column
        return None


@dataclass(frozen=True)
class RosterIssue:
    """One problem in one cell: row as HR sees it, column (field key and header text)."""

    row: int
    field: str
    column: str
    code: str
    message: str  # in Chinese, with the row and column
    # The problem alone, for translation: a catalogue template (Chinese) and its values.
    template: str = ""
    params: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Hire:
    """A valid new-hire row, with every value normalised as documented in ``validate.py``."""

    employee_no: str
    name: str
    job_role: str
    phone: str | None = None
    email: str | None = None
    site: str | None = None
    hire_date: dt.date | None = None
    go_live_date: dt.date | None = None
    trainer: str | None = None
    roles: tuple[str, ...] = ("employee",)
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PreviewRow:
    """A row for the preview page: raw text, parsed values (None where invalid) and issues."""

    row: int
    raw: Mapping[str, str] = field(hash=False)
    values: Mapping[str, object] = field(hash=False)
    issues: tuple[RosterIssue, ...] = ()
    hire: Hire | None = None

    @property
    def ok(self) -> bool:
        return not self.issues

    def issues_for(self, field_key: str) -> list[RosterIssue]:
        """The issues of one column, for showing next to the cell."""
        return [issue for issue in self.issues if issue.field == field_key]


@dataclass(frozen=True)
class RosterPreview:
    """Every row with its issues. Nothing may be written unless ``ok``."""

    rows: tuple[PreviewRow, ...]
    file_errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def issues(self) -> list[RosterIssue]:
        return [issue for row in self.rows for issue in row.issues]

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(row.issues) for row in self.rows)

    @property
    def hires(self) -> list[Hire]:
        """The hires to create; empty unless the whole file is valid."""
        if not self.ok:
            return []
        return [row.hire for row in self.rows if row.hire is not None]


@dataclass(frozen=True)
class Credential:
    """A one-time password to hand to a new hire (shown once, never stored in clear)."""

    employee_no: str
    name: str
    password: str
