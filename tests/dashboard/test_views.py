"""The dashboard, digest and export pages: who sees whom, filters and order carried in the
query string, the exports' cells, and no query string that makes a 500.

The pages use the real clock, so the cohort (tests/dashboard/__init__.py) is built around
the real now. The names link to people.readiness, another helper's page: these tests
assume it exists.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from quizapp import srs
from quizapp.extensions import db
from quizapp.models import Site
from quizapp.models.types import utcnow
from quizapp.urls import INT_MAX
from tests.dashboard import cohort, hire, many_hires, person
from tests.factories import login, statements_for

URLS = ("/dashboard/", "/dashboard/digest", "/dashboard/export.csv", "/dashboard/export.xlsx")
HEADER = [
    "工号",
    "姓名",
    "岗位",
    "项目",
    "培训师",
    "入职日期",
    "上岗日期",
    "掌握度",
    "覆盖率",
    "红线题有风险",
    "红线题",
    "最近学习",
    "预计达标日期",
    "状态",
]
EVERYONE = ["E1", "E2", "E3", "E4", "E5", "E6"]


@pytest.fixture
def world(app):
    return cohort(utcnow())


def today() -> date:
    return srs.study_day(utcnow(), srs.DEFAULT_SETTINGS)


def as_(client, number: str):
    response = login(client, number)
    assert response.status_code == 302, f"{number} could not log in"
    return client


def page(client, url: str, **query) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, (url, query, response.status_code)
    return response.get_data(as_text=True)


def main(text: str) -> str:
    """The page's own content: not the header and footer, whose CSRF tokens may hold any
    two characters (E3 …)."""
    return text.split("<main", 1)[1].split("</main>", 1)[0]


def table_numbers(text: str) -> list[str]:
    """The employee numbers in the cohort table, in its order."""
    body = text.split('<table class="cohort">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="who"><a href="[^"]+"><strong>([^<]+)</strong>', body)


def csv_rows(client, **query) -> list[list[str]]:
    response = client.get("/dashboard/export.csv", query_string=query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def xlsx_rows(client, **query) -> list[tuple]:
    response = client.get("/dashboard/export.xlsx", query_string=query)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return list(book.active.iter_rows(values_only=True))


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_a_hire_may_not_see_any_of_it(world, client):
    as_(client, "E4")
    for url in URLS:
        assert client.get(url).status_code == 403, url
    assert 'href="/dashboard/"' not in page(client, "/password")  # no nav link either


def test_hr_sees_everyone(world, client):
    as_(client, "H1")
    text = page(client, "/dashboard/", sort="employee_no")
    assert table_numbers(text) == EVERYONE
    assert f'href="/people/{world["E1"].id}/readiness"' in text
    assert 'href="/dashboard/"' in text  # the nav link
    assert [row[0] for row in csv_rows(client, sort="employee_no")[1:]] == EVERYONE
    digest = main(page(client, "/dashboard/digest"))
    assert all(number in digest for number in ("E1", "E3", "E5", "E6"))


def test_a_trainer_sees_only_their_trainees(world, client):
    as_(client, "T1")
    t2 = world["T2"].id
    for query in ({}, {"trainer": t2}, {"trainer": t2, "status": "at_risk"}):
        text = main(page(client, "/dashboard/", sort="employee_no", **query))
        shown = table_numbers(text)
        assert set(shown) <= {"E1", "E2", "E5"}, query
        assert "E3" not in text and "E6" not in text and "测试E3" not in text
        assert "培训师二" not in text  # no trainer filter offered to a trainer
        assert 'name="trainer"' not in text
        exported = [row[0] for row in csv_rows(client, sort="employee_no", **query)[1:]]
        assert set(exported) <= {"E1", "E2", "E5"} and exported == shown, query
        digest = main(page(client, "/dashboard/digest", **query))
        assert "E5" in digest and "E3" not in digest and "E6" not in digest
    assert table_numbers(page(client, "/dashboard/", sort="employee_no")) == ["E1", "E2", "E5"]


def test_filters_and_status_counts(world, client):
    as_(client, "H1")
    site = db.session.scalar(select(Site.id).where(Site.name == "二号项目"))
    text = page(client, "/dashboard/", site=site, sort="employee_no")
    assert table_numbers(text) == ["E3", "E4", "E5"]
    assert table_numbers(page(client, "/dashboard/", trainer=world["T1"].id)) == [
        "E5",
        "E2",
        "E1",
    ]
    hired = (today() - timedelta(days=30)).isoformat()
    assert table_numbers(page(client, "/dashboard/", hired_to=hired)) == ["E1"]
    go_live = today().isoformat()
    assert table_numbers(page(client, "/dashboard/", go_live_from=go_live)) == ["E3", "E5"]
    at_risk = page(client, "/dashboard/", status="at_risk")
    assert sorted(table_numbers(at_risk)) == ["E3", "E5", "E6"]
    # Each status count is a link that keeps the other filters.
    text = page(client, "/dashboard/", site=site)
    counts = dict(
        re.findall(r'<li class="status-(\w+)[^"]*"><a href="[^"]+"><strong>(\d+)</strong>', text)
    )
    assert counts == {
        "at_risk": "2",
        "not_started": "1",
        "in_progress": "0",
        "ready": "0",
        "certified": "0",
    }
    assert f'href="/dashboard/?site={site}&amp;status=at_risk"' in text


def test_the_table_sorts_both_ways(world, client):
    as_(client, "H1")
    up = table_numbers(page(client, "/dashboard/", sort="readiness"))
    down = table_numbers(page(client, "/dashboard/", sort="readiness", dir="desc"))
    assert up[-1] == "E1" and down[0] == "E1"
    text = page(client, "/dashboard/", sort="go_live")
    assert table_numbers(text) == ["E6", "E5", "E3", "E1", "E2", "E4"]
    # The sorted column's header links to the other direction, and says how it is sorted.
    assert 'aria-sort="ascending"' in text
    assert 'href="/dashboard/?sort=go_live&amp;dir=desc"' in text
    assert table_numbers(page(client, "/dashboard/", sort="go_live", dir="desc")) == [
        "E3",
        "E5",
        "E6",
        "E1",
        "E2",
        "E4",
    ]


def test_the_table_pages_by_fifty(app, client):
    person("H1", roles=("hr",))
    many_hires(55)
    as_(client, "H1")
    first = page(client, "/dashboard/", sort="employee_no")
    assert len(table_numbers(first)) == 50 and "第 1 / 2 页" in first
    assert 'href="/dashboard/?sort=employee_no&amp;page=2"' in first
    second = page(client, "/dashboard/", sort="employee_no", page=2)
    assert table_numbers(second) == [f"P{n:03d}" for n in range(50, 55)]
    assert table_numbers(page(client, "/dashboard/", sort="employee_no", page=99))[0] == "P050"
    assert len(table_numbers(page(client, "/dashboard/", page=str(INT_MAX + 1)))) == 50
    # The export has every row, not one page.
    assert len(csv_rows(client)) == 1 + 55


def test_export_links_carry_the_filters(world, client):
    as_(client, "H1")
    text = page(client, "/dashboard/", status="at_risk", sort="readiness", dir="desc", page=1)
    links = [html.unescape(href) for href in re.findall(r'href="(/dashboard/export[^"]+)"', text)]
    assert links == [
        "/dashboard/export.csv?status=at_risk&sort=readiness&dir=desc",
        "/dashboard/export.xlsx?status=at_risk&sort=readiness&dir=desc",
    ]
    rows = csv_rows(client, status="at_risk", sort="readiness", dir="desc")
    assert sorted(row[0] for row in rows[1:]) == ["E3", "E5", "E6"]


def test_the_xlsx_export(world, client):
    as_(client, "H1")
    response = client.get("/dashboard/export.xlsx")
    assert response.headers["Content-Disposition"] == "attachment; filename=readiness.xlsx"
    assert response.headers["Cache-Control"] == "no-store"
    rows = xlsx_rows(client, sort="employee_no")
    assert list(rows[0]) == HEADER
    e1 = dict(zip(HEADER, rows[1], strict=True))
    assert (e1["工号"], e1["姓名"], e1["岗位"], e1["项目"], e1["培训师"]) == (
        "E1",
        "测试E1",
        "客服前台",
        "一号项目",
        "培训师一",
    )
    hired = today() - timedelta(days=32)
    assert e1["入职日期"] == datetime(hired.year, hired.month, hired.day)
    assert e1["上岗日期"] is None
    assert isinstance(e1["掌握度"], float) and 0.9 < e1["掌握度"] <= 1
    assert e1["覆盖率"] == 1 and (e1["红线题有风险"], e1["红线题"]) == (0, 1)
    assert isinstance(e1["最近学习"], datetime) and e1["状态"] == "已达标"
    assert [row[0] for row in rows[1:]] == EVERYONE
    assert [row[0] for row in xlsx_rows(client, status="ready")[1:]] == ["E1"]


def test_the_csv_export(world, client):
    as_(client, "H1")
    response = client.get("/dashboard/export.csv", query_string={"sort": "employee_no"})
    assert response.headers["Content-Disposition"] == "attachment; filename=readiness.csv"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    e4 = dict(zip(HEADER, rows[4], strict=True))
    assert e4["工号"] == "E4" and e4["状态"] == "未开始" and e4["上岗日期"] == ""
    assert e4["入职日期"] == today().isoformat() and e4["掌握度"] == "0.0"


def test_exports_are_formula_safe(world, client):
    hire("F1", name='=HYPERLINK("http://evil","x")', site="+cmd|' /C calc'!A0")
    as_(client, "H1")
    rows = csv_rows(client, sort="employee_no")
    [formula] = [row for row in rows if row[0] == "F1"]
    assert formula[1] == '\'=HYPERLINK("http://evil","x")' and formula[3].startswith("'+")
    cells = [cell for row in rows for cell in row]
    assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in cells)
    values = [v for row in xlsx_rows(client) for v in row if isinstance(v, str)]
    assert not any(v[:1] in ("=", "+", "-", "@") for v in values)
    assert '\'=HYPERLINK("http://evil","x")' in values


def test_the_digest_is_printable_and_grouped(world, client):
    as_(client, "H1")
    text = page(client, "/dashboard/digest")
    assert "dashboard.css" in text and "<script" not in text
    assert "项目：一号项目" in text and "项目：二号项目" in text and "项目：（无）" in text
    for heading in ("有风险", "已过上岗日期仍未达标", "3 天以上没有学习", "新达标"):
        assert f"<h3>{heading}" in text, heading
    site = db.session.scalar(select(Site.id).where(Site.name == "二号项目"))
    by_site = main(page(client, "/dashboard/digest", site=site))
    assert "培训师：培训师一" in by_site and "培训师：培训师二" in by_site
    assert "E6" not in by_site
    one = main(page(client, "/dashboard/digest", trainer=world["T2"].id))
    assert "培训师：培训师二" in one and "E5" not in one and "E6" in one
    css = client.get("/static/dashboard.css")
    rule = css.get_data(as_text=True).split("@media print", 1)[1]
    css.close()
    assert ".topbar" in rule and ".button" in rule and "display: none" in rule


def test_a_bad_date_is_a_field_error(world, client):
    as_(client, "H1")
    text = page(client, "/dashboard/", hired_from="2026-13-45", go_live_to="明天")
    assert text.count('class="error"') == 2
    assert table_numbers(text) != []  # the rest of the page still works


@pytest.mark.parametrize(
    "value", ["99999999999999999999", str(INT_MAX + 1), "-1", "0x10", "１２", "", "1e9"]
)
def test_odd_numbers_are_no_filter(world, client, value):
    as_(client, "H1")
    query = {"site": value, "job_role": value, "trainer": value, "page": value}
    assert len(table_numbers(page(client, "/dashboard/", **query))) == 6
    page(client, "/dashboard/digest", site=value, trainer=value)
    assert len(csv_rows(client, **query)) == 7


def test_naughty_strings_never_make_a_500(world, client, blns):
    as_(client, "T1")  # a trainer's page has the most rules to keep
    fields = (
        "site",
        "job_role",
        "trainer",
        "hired_from",
        "hired_to",
        "go_live_from",
        "go_live_to",
        "status",
        "sort",
        "dir",
        "page",
    )
    for n, text in enumerate(blns):
        query = dict.fromkeys(fields, text)
        response = client.get("/dashboard/", query_string=query)
        assert response.status_code == 200, text
        if n % 25 == 0:
            assert client.get("/dashboard/digest", query_string=query).status_code == 200
            assert client.get("/dashboard/export.csv", query_string=query).status_code == 200


@pytest.mark.slow
def test_the_pages_fit_a_phone(tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import BROWSER_ARGS, CHROMIUM, served
    from tests.factories import PASSWORD

    def fill() -> None:
        cohort(utcnow())
        hire("L1", name="很长的名字" * 8, site="一个名字很长很长很长的项目" * 3, trainer=None)
        many_hires(50)

    phone = {"width": 390, "height": 844}
    with served(tmp_path / "dashboard.sqlite3", fill) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(viewport=phone, locale="zh-CN", is_mobile=True)
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#employee_no", "H1")
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state("load")
        for path in ("/dashboard/?sort=site&dir=desc", "/dashboard/digest"):
            page.goto(base + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"], path
        page.goto(base + "/dashboard/")
        # The wide table scrolls inside its own box, and the charts fit the screen.
        wrap = page.locator(".table-wrap[role=region]")
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
        for box in page.locator(".chart-box svg").all():
            assert box.bounding_box()["width"] <= phone["width"]
        page.goto(base + "/dashboard/digest")
        page.emulate_media(media="print")
        assert not page.locator(".topbar").is_visible()
        assert not page.locator("form.dash-filters").is_visible()
        assert page.locator(".digest-group").first.is_visible()
        browser.close()


def test_the_pages_read_the_cohort_in_a_fixed_number_of_statements(world, client):
    as_(client, "H1")
    paths = ("/dashboard/", "/dashboard/digest", "/dashboard/export.csv")
    for path in paths:
        client.get(path)  # today's figures cached
    before = [statements_for(client, path) for path in paths]
    many_hires(60, trainer=world["T1"])
    for path in paths:
        client.get(path)
    # No statement per hire: sixty more cost what six did.
    assert [statements_for(client, path) for path in paths] == before


def test_status_labels_follow_each_visitors_language(world, client):
    # Jinja folds a filter on a constant into the compiled template: the labels must not
    # stay in the language of whoever saw the page first.
    as_(client, "H1")
    english = client.get("/dashboard/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/dashboard/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert re.search(r"<h2>At risk", english)
    assert re.search(r"<h2>有风险", chinese)
