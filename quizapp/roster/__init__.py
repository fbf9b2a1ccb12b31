"""Roster import and export for HR: new hires from CSV/XLSX, one-time password hand-outs.

Pure Python: bytes in, dataclasses out; no Flask, no database. The HR pages and the CLI
call, in order::

    table = read_roster(data, filename)            # RosterError: the whole file is refused
    preview = validate_roster(table, job_roles, sites, existing_nos, trainers)
    if preview.ok and hr_confirmed:
        for hire in preview.hires: ...              # create accounts with one_time_password()
        handout_csv(credentials)                    # shown once, downloadable

Modules: ``model`` (dataclasses), ``text`` (employee-number and text rules), ``columns``
(header recognition), ``table`` (rows of cells to a ``RosterTable``, shared by both
readers), ``xlsx`` (safe XLSX reading), ``reading`` (decoding, CSV, and ``read_roster``
choosing CSV or XLSX), ``validate`` (per-row checks), ``export`` (formula-safe CSV/XLSX,
passwords).
"""

from .columns import FIELDS, TEMPLATE_HEADER, FieldSpec, field_for_header
from .export import (
    HANDOUT_HEADER,
    handout_csv,
    handout_xlsx,
    neutralise_cell,
    one_time_password,
    write_csv,
    write_xlsx,
)
from .model import (
    DEFAULT_LIMITS,
    Credential,
    Hire,
    PreviewRow,
    RawRow,
    RosterColumn,
    RosterError,
    RosterIssue,
    RosterLimits,
    RosterPreview,
    RosterTable,
)
from .reading import decode_csv_bytes, detect_csv_encoding, read_csv, read_roster
from .text import normalise_employee_no
from .validate import ACCESS_ROLES, validate_roster
from .xlsx import read_xlsx

__all__ = [
    "ACCESS_ROLES",
    "DEFAULT_LIMITS",
    "FIELDS",
    "HANDOUT_HEADER",
    "TEMPLATE_HEADER",
    "Credential",
    "FieldSpec",
    "Hire",
    "PreviewRow",
    "RawRow",
    "RosterColumn",
    "RosterError",
    "RosterIssue",
    "RosterLimits",
    "RosterPreview",
    "RosterTable",
    "decode_csv_bytes",
    "detect_csv_encoding",
    "field_for_header",
    "handout_csv",
    "handout_xlsx",
    "neutralise_cell",
    "normalise_employee_no",
    "one_time_password",
    "read_csv",
    "read_roster",
    "read_xlsx",
    "validate_roster",
    "write_csv",
    "write_xlsx",
]
