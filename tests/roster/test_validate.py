"""Row validation: every problem at its row and column; repeated imports; naughty strings."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest

from quizapp.roster import (
    ACCESS_ROLES,
    RawRow,
    normalise_employee_no,
    read_csv,
    read_xlsx,
    validate_roster,
)

from .util import JOB_ROLES, SITES, TRAINERS, csv_bytes, good_row, xlsx_bytes

EXISTING = {"E900"}


def validate(table, existing=EXISTING, sites=SITES):
    return validate_roster(table, JOB_ROLES, sites, existing, TRAINERS)


def found(preview):
    return {(i.row, i.field, i.code) for i in preview.issues}


def test_valid_file_gives_hires_with_normalised_values():
    rows = [
        good_row(" a001", phone="+86 138-0013-8000", roles="带教、HR", site="星河门店"),
        good_row("Ａ００２", name=" 李四\u3000", hire_date="2026.1.5", trainer="t002", email=""),
    ]
    preview = validate(read_csv(csv_bytes(rows)))
    assert preview.ok and preview.error_count == 0
    first, second = preview.hires
    assert first.employee_no == "A001" and first.row == 2
    assert first.phone == "13800138000"
    assert first.roles == ("trainer", "hr")
    assert first.site == "星河门店"
    assert second.employee_no == "A002"
    assert second.name == "李四"
    assert second.hire_date == dt.date(2026, 1, 5)
    assert second.trainer == "T002"
    assert second.email is None
    assert second.roles == ("employee",)


def test_job_roles_and_sites_match_ignoring_width_and_case():
    rows = [
        good_row(job_role="１００１０客服代表"),
        good_row("A2", job_role="保安", site="万科城一期"),
    ]
    preview = validate_roster(
        read_csv(csv_bytes(rows)), {"10010客服代表", "保安"}, None, set(), TRAINERS
    )
    assert [h.job_role for h in preview.hires] == ["10010客服代表", "保安"]


@pytest.mark.parametrize(
    "text", ["2026-11-23", "2026/11/23", "2026.11.23", "2026年11月23日", "２０２６年１１月２３日"]
)
def test_accepted_date_formats(text):
    preview = validate(read_csv(csv_bytes([good_row(hire_date=text)])))
    assert preview.hires[0].hire_date == dt.date(2026, 11, 23)


def test_every_kind_of_bad_row_is_reported_at_its_row_and_column():
    rows = [
        good_row("A001"),  # 2: fine
        good_row(""),  # 3: missing employee number
        good_row("A 004"),  # 4: invalid employee number
        good_row("A005", name="  "),  # 5: missing name
        good_row("A006", job_role="厨师"),  # 6: unknown job role
        good_row("A007", site="火星基地"),  # 7: unknown site
        good_row("A008", hire_date="2026-13-01"),  # 8: bad date
        good_row("A009", hire_date="2026-02-30"),  # 9: impossible date
        good_row("A010", phone="12345"),  # 10: bad phone
        good_row("A011", email="zhang@localhost"),  # 11: bad email
        good_row("A012"),  # 12: duplicate of 13
        good_row(" a012"),  # 13: duplicate of 12
        good_row("e900"),  # 14: already exists
        good_row("A015", trainer="T999"),  # 15: unknown trainer
        good_row("A016", roles="超级用户"),  # 16: unknown access role
        good_row("A017", name="张" * 65),  # 17: name too long
        good_row("A018", name="张\x07三"),  # 18: control character
        good_row("A019", hire_date="下周一"),  # 19: not a date at all
        good_row("A020", name="张\u202e三"),  # 20: direction override
    ]
    preview = validate(read_csv(csv_bytes(rows)))
    assert not preview.ok
    assert preview.hires == []
    assert found(preview) == {
        (3, "employee_no", "missing"),
        (4, "employee_no", "invalid"),
        (5, "name", "missing"),
        (6, "job_role", "unknown_job_role"),
        (7, "site", "unknown_site"),
        (8, "hire_date", "bad_date"),
        (9, "hire_date", "bad_date"),
        (10, "phone", "bad_phone"),
        (11, "email", "bad_email"),
        (12, "employee_no", "duplicate_in_file"),
        (13, "employee_no", "duplicate_in_file"),
        (14, "employee_no", "already_exists"),
        (15, "trainer", "unknown_trainer"),
        (16, "roles", "unknown_role"),
        (17, "name", "too_long"),
        (18, "name", "control_char"),
        (19, "hire_date", "bad_date"),
        (20, "name", "control_char"),
    }
    by_row = {row.row: row for row in preview.rows}
    assert by_row[2].ok and by_row[2].hire is not None
    # Messages carry row, column and value so HR can fix the file.
    assert by_row[6].issues[0].message.startswith("第 6 行「岗位」：")
    assert "厨师" in by_row[6].issues[0].message
    assert "第 13 行" in by_row[12].issues[0].message
    assert "第 12 行" in by_row[13].issues[0].message
    assert "不是真实存在的日期" in by_row[9].issues[0].message
    assert "U+0007" in by_row[18].issues[0].message
    # Parsed values are kept for the preview even on rows with problems.
    assert by_row[10].values["name"] == "张三"
    assert by_row[10].values["phone"] is None
    assert by_row[10].raw["phone"] == "12345"
    assert by_row[10].issues_for("phone")[0].column == "手机"


def test_columns_are_named_as_in_the_file():
    header = ["employee_no", "name", "job_role", "hire_date"]
    table = read_csv(csv_bytes([["A1", "张三", "保安", "2026-02-30"]], header=header))
    issue = validate(table).issues[0]
    assert (issue.row, issue.column) == (2, "hire_date")
    assert issue.message.startswith("第 2 行「hire_date」")


def test_three_copies_point_at_each_other():
    preview = validate(read_csv(csv_bytes([good_row("A1"), good_row("a1"), good_row("Ａ1")])))
    messages = [row.issues[0].message for row in preview.rows]
    assert "与第 3、4 行是同一工号" in messages[0]
    assert "与第 2、4 行是同一工号" in messages[1]


def test_repeated_import_reports_every_row_as_already_existing():
    data = csv_bytes([good_row("A001"), good_row("A002", name="李四")])
    first = validate(read_csv(data), existing=set())
    assert first.ok
    created = {hire.employee_no for hire in first.hires}
    again = validate(read_csv(data), existing=created)
    assert found(again) == {
        (2, "employee_no", "already_exists"),
        (3, "employee_no", "already_exists"),
    }
    variants = csv_bytes([good_row(" a001"), good_row("Ａ００２", name="李四")])
    assert found(validate(read_csv(variants), existing=created)) == found(again)


def test_xlsx_cells_of_the_wrong_type():
    rows = [
        good_row("A1", hire_date=dt.datetime(2026, 11, 23, 9, 30)),
        good_row("A2", hire_date=46349),
        good_row("A3", name=dt.date(2026, 1, 1)),
        good_row("A4", name=True),
    ]
    preview = validate(read_xlsx(xlsx_bytes(rows)))
    assert found(preview) == {
        (2, "hire_date", "bad_date"),
        (3, "hire_date", "bad_date"),
        (4, "name", "not_text"),
        (5, "name", "not_text"),
    }


def test_no_rows_is_an_error():
    preview = validate_roster([], JOB_ROLES, SITES, set(), TRAINERS)
    assert not preview.ok and preview.file_errors


def test_raw_rows_can_be_validated_directly():
    row = RawRow(7, {"employee_no": "b7", "name": "王五", "job_role": "保安"})
    preview = validate_roster([row], JOB_ROLES, None, set(), set())
    assert preview.hires[0].employee_no == "B7" and preview.hires[0].row == 7


# --- The Big List of Naughty Strings in every text column -------------------------------

TEXT_COLUMNS = [
    "employee_no",
    "name",
    "phone",
    "email",
    "job_role",
    "site",
    "hire_date",
    "trainer",
    "roles",
]
# Not allowed in XML 1.0 either, but openpyxl writes them (making a file nobody can open).
NON_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
FIELD_INDEX = {key: i for i, key in enumerate(TEXT_COLUMNS)}


def _valid_employee_no(text):
    try:
        return normalise_employee_no(text)
    except ValueError:
        return None


def _expected(column, text):
    """What may be stored for ``text``: the documented normalisation and nothing else."""
    if column in ("employee_no", "trainer"):
        return lambda stored: stored == normalise_employee_no(text)
    if column == "phone":
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
        return lambda stored: re.fullmatch(r"1[3-9]\d{9}", stored) and digits.endswith(stored)
    if column == "hire_date":
        return lambda stored: isinstance(stored, dt.date)
    if column == "roles":
        return lambda stored: set(stored) <= set(ACCESS_ROLES)
    return lambda stored: stored == text.strip()


@pytest.mark.parametrize("column", TEXT_COLUMNS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_naughty_strings_are_stored_exactly_or_refused(blns, column, file_format):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    strings = blns
    if file_format == "xlsx":  # XML cannot hold these; the CSV run covers them
        strings = [s for s in blns if not ILLEGAL_CHARACTERS_RE.search(s) and not NON_XML.search(s)]
    rows = []
    for index, text in enumerate(strings):
        row = good_row(f"N{index:04d}")
        row[FIELD_INDEX[column]] = text
        rows.append(row)
    data = csv_bytes(rows) if file_format == "csv" else xlsx_bytes(rows)
    table = read_csv(data) if file_format == "csv" else read_xlsx(data)
    known = {s.strip() for s in blns if s.strip()} | JOB_ROLES | SITES
    trainers = {n for n in map(_valid_employee_no, blns) if n} | TRAINERS
    preview = validate_roster(table, known, known, set(), trainers)

    # Blank strings make blank rows, which are skipped; every other string keeps its row.
    kept = [(i, s) for i, s in enumerate(strings) if rows_is_not_blank(rows[i])]
    assert [r.row for r in preview.rows] == [i + 2 for i, _ in kept]
    stored_count = refused_count = 0
    for (_, text), row in zip(kept, preview.rows, strict=True):
        assert {issue.field for issue in row.issues} <= {column}, (text, row.issues)
        if row.issues:
            refused_count += 1
            assert all(issue.row == row.row and issue.message for issue in row.issues)
        elif row.values[column] is not None:
            stored_count += 1
            assert _expected(column, text)(row.values[column]), (text, row.values[column])
        else:
            assert not text.strip() or column == "roles"
    assert stored_count + refused_count > 0


def rows_is_not_blank(row):
    return any(isinstance(v, str) and v.strip() for v in row)


def test_naughty_names_mostly_survive(blns):
    rows = [good_row(f"N{i:04d}", name=s) for i, s in enumerate(blns) if s.strip()]
    preview = validate(read_csv(csv_bytes(rows)))
    stored = [r for r in preview.rows if r.ok]
    assert len(stored) > len(rows) * 0.8
    assert all(r.hire.name == r.raw["name"].strip() for r in stored)


def test_go_live_dates_are_read_and_checked_against_the_hire_date():
    header = ["工号", "姓名", "岗位", "入职日期", "上岗日期"]
    rows = [
        ["A1", "张三", "客服前台", "2026-11-02", "2026年11月16日"],
        ["A2", "李四", "客服前台", "2026-11-02", ""],
        ["A3", "王五", "客服前台", "2026-11-20", "2026-11-10"],
        ["A4", "赵六", "客服前台", "", "下个月"],
    ]
    preview = validate(read_csv(csv_bytes(rows, header=header)))
    assert found(preview) == {
        (4, "go_live_date", "go_live_before_hire"),
        (5, "go_live_date", "bad_date"),
    }
    by_row = {row.row: row for row in preview.rows}
    assert by_row[2].hire.go_live_date == dt.date(2026, 11, 16)
    assert by_row[3].hire.go_live_date is None


def test_a_trainer_hired_in_the_same_file_can_be_named():
    rows = [
        good_row("A1", trainer="t900"),  # hired two rows below, as a trainer
        good_row("A2", trainer="A3"),  # A3 is hired, but not as a trainer
        good_row("A3", trainer=""),
        good_row("T900", roles="带教", trainer=""),
        good_row("T901", roles="带教", trainer="T901"),  # nobody trains themselves
    ]
    preview = validate(read_csv(csv_bytes(rows)))
    assert found(preview) == {(3, "trainer", "unknown_trainer"), (6, "trainer", "own_trainer")}
    assert preview.rows[0].values["trainer"] == "T900"
