"""The dashboard's read models on a cohort with known statuses (tests/dashboard/__init__.py),
at a fixed now: filters, scope, counts, sorting, paging, completion, the digest, exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from quizapp.dashboard import service
from quizapp.dashboard.service import Filters
from quizapp.extensions import db
from quizapp.models import JobRole, Site
from quizapp.readiness import STATUSES
from quizapp.study.standing import Standing
from tests.dashboard import cohort, many_hires, person
from tests.factories import T0

NOW = T0 + timedelta(hours=1)  # study day 2026-11-02 in Shanghai
TODAY = date(2026, 11, 2)


@pytest.fixture
def world(app):
    return cohort(NOW)


def numbers(rows) -> list[str]:
    return [s.employee_no for s in rows]


def board(viewer, **filters) -> service.Dashboard:
    return service.dashboard(db.session, viewer, Filters(**filters), NOW)


def shown(viewer, **filters) -> list[str]:
    return numbers(board(viewer, sort="employee_no", **filters).page.rows)


def id_of(model, name: str) -> int:
    return db.session.scalar(select(model.id).where(model.name == name))


def test_counts_per_status_in_the_pages_order(world):
    found = board(world["H1"])
    assert list(found.counts) == list(STATUSES)
    assert found.counts == {
        "at_risk": 3,
        "not_started": 1,
        "in_progress": 1,
        "ready": 1,
        "certified": 0,
    }
    assert found.total == 6


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["E1", "E2", "E3", "E4", "E5", "E6"]),
        ({"site": "一号项目"}, ["E1", "E2"]),
        ({"job_role": "营业厅营业员"}, ["E4"]),
        ({"trainer": "T1"}, ["E1", "E2", "E5"]),
        ({"hired_from": date(2026, 10, 1), "hired_to": date(2026, 10, 10)}, ["E1", "E3"]),
        ({"hired_from": date(2026, 11, 2)}, ["E4"]),
        ({"go_live_from": date(2026, 11, 1), "go_live_to": date(2026, 12, 31)}, ["E3", "E5"]),
        ({"go_live_to": date(2026, 10, 30)}, ["E6"]),
        ({"status": "at_risk"}, ["E3", "E5", "E6"]),
        ({"status": "ready"}, ["E1"]),
        ({"site": "二号项目", "status": "at_risk", "trainer": "T2"}, ["E3"]),
        ({"status": "no-such-status"}, ["E1", "E2", "E3", "E4", "E5", "E6"]),
    ],
)
def test_filters_select_the_right_hires(world, filters, expected):
    values = dict(filters)
    if "site" in values:
        values["site_id"] = id_of(Site, values.pop("site"))
    if "job_role" in values:
        values["job_role_id"] = id_of(JobRole, values.pop("job_role"))
    if "trainer" in values:
        values["trainer_id"] = world[values.pop("trainer")].id
    assert shown(world["H1"], **values) == expected


def test_the_status_filter_leaves_the_counts_as_they_are(world):
    found = board(world["H1"], status="ready")
    assert numbers(found.page.rows) == ["E1"]
    assert found.counts["at_risk"] == 3 and found.total == 6
    assert found.at_risk == []


def test_the_at_risk_list_comes_nearest_go_live_first(world):
    found = board(world["H1"])
    assert numbers(found.at_risk) == ["E6", "E5", "E3"]
    assert found.at_risk_total == 3
    assert dict((s.employee_no, s.reasons) for s in found.at_risk)["E5"] == ("not_started",)


def test_a_trainer_sees_only_their_trainees_whatever_they_ask(world):
    t1 = world["T1"]
    assert shown(t1) == ["E1", "E2", "E5"]
    # The trainer filter is HR's: naming another trainer changes nothing.
    assert shown(t1, trainer_id=world["T2"].id) == ["E1", "E2", "E5"]
    assert shown(t1, site_id=id_of(Site, "二号项目")) == ["E5"]
    assert board(t1).counts["at_risk"] == 1


def test_someone_without_a_staff_role_sees_nobody(world):
    assert shown(world["E4"]) == []


def test_sorting_both_ways_with_empty_values_last(world):
    hr = world["H1"]
    ascending = numbers(board(hr, sort="readiness").page.rows)
    assert ascending[-1] == "E1" and set(ascending[:2]) == {"E4", "E5"}
    descending = numbers(board(hr, sort="readiness", descending=True).page.rows)
    assert descending[0] == "E1" and set(descending[-2:]) == {"E4", "E5"}
    # Equal values keep employee-number order either way.
    assert ascending[:2] == ["E4", "E5"] and descending[-2:] == ["E4", "E5"]
    go_live = numbers(board(hr, sort="go_live").page.rows)
    assert go_live == ["E6", "E5", "E3", "E1", "E2", "E4"]
    go_live_desc = numbers(board(hr, sort="go_live", descending=True).page.rows)
    assert go_live_desc == ["E3", "E5", "E6", "E1", "E2", "E4"]
    assert numbers(board(hr, sort="employee_no", descending=True).page.rows) == [
        "E6",
        "E5",
        "E4",
        "E3",
        "E2",
        "E1",
    ]
    by_status = numbers(board(hr).page.rows)  # the default: at risk first
    assert by_status == ["E3", "E5", "E6", "E4", "E2", "E1"]
    assert numbers(board(hr, sort="'; DROP TABLE employee; --").page.rows) == by_status


@pytest.mark.parametrize("key", service.SORT_KEYS)
def test_every_column_sorts_both_ways(world, key):
    hr = world["H1"]
    up = numbers(board(hr, sort=key).page.rows)
    down = numbers(board(hr, sort=key, descending=True).page.rows)
    assert sorted(up) == sorted(down) == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert up != down


def test_pages_of_fifty():
    template = _standing()
    rows = [replace(template, employee_no=f"N{n:03d}") for n in range(120)]
    first = service.paginate(rows, 1)
    assert (first.number, first.pages, first.total, len(first.rows)) == (1, 3, 120, 50)
    last = service.paginate(rows, 3)
    assert numbers(last.rows)[0] == "N100" and len(last.rows) == 20
    assert service.paginate(rows, 99).number == 3
    assert service.paginate(rows, -5).number == 1
    assert service.paginate([], 4) == service.Page([], 1, 1, 0)


def test_the_cohort_pages_through_everyone(app):
    hr = person("H1", roles=("hr",))
    many_hires(55)
    first = board(hr, sort="employee_no")
    assert first.page.pages == 2 and len(first.page.rows) == 50 and first.total == 55
    second = board(hr, sort="employee_no", page=2)
    assert numbers(second.page.rows) == [f"P{n:03d}" for n in range(50, 55)]


def test_completion_by_hire_month_and_by_site(world):
    found = board(world["H1"])
    months = {(c.label, c.hires, c.done) for c in found.by_month}
    assert months == {("2026-10", 5, 1), ("2026-11", 1, 0)}
    sites = [(c.label, c.hires, c.done) for c in found.by_site]
    assert sites == [("一号项目", 2, 1), ("二号项目", 3, 0), (None, 1, 0)]
    assert found.by_site[0].share == 0.5


def test_readiness_distribution_in_ten_bands(world):
    bins = board(world["H1"]).distribution
    assert len(bins) == 10 and sum(bins) == 6
    assert bins[0] == 2 and bins[1] == 3 and bins[9] == 1


def test_readiness_bands_hold_their_edges():
    template = _standing()
    rows = [replace(template, readiness=value) for value in (0, 0.1, 0.999, 1)]
    assert service.readiness_bins(rows) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert service.readiness_bins([]) == [0] * 10


def test_completion_over_time_by_hire_week():
    template = _standing()
    monday = date(2026, 10, 5)
    rows = [
        replace(template, hire_date=monday, status="ready"),
        replace(template, hire_date=monday + timedelta(days=4), status="in_progress"),
        replace(template, hire_date=monday + timedelta(days=15), status="certified"),
        replace(template, hire_date=None, status="ready"),  # not on the time line
    ]
    points = service.completion_by_week(rows)
    assert [p.week for p in points] == [monday + timedelta(weeks=n) for n in range(3)]
    assert [(p.hired, p.done, p.hired_so_far, p.done_so_far) for p in points] == [
        (2, 1, 2, 1),
        (0, 0, 2, 1),
        (1, 1, 3, 2),
    ]
    assert points[1].share == 0 and points[2].share_so_far == pytest.approx(2 / 3)
    # Only the last weeks are points, cumulated over the earlier ones.
    assert [p.hired_so_far for p in service.completion_by_week(rows, weeks=1)] == [3]
    assert service.completion_by_week([replace(template, hire_date=None)]) == []


def test_export_rows_follow_the_filters_and_the_order(world):
    hr = world["H1"]
    rows = service.export_rows(
        db.session, hr, Filters(sort="readiness", descending=True), NOW, status_label=str.upper
    )
    assert len(rows) == 6 and all(len(row) == len(service.EXPORT_HEADER) for row in rows)
    first = rows[0]
    assert first[:7] == [
        "E1",
        "测试E1",
        "客服前台",
        "一号项目",
        "培训师一",
        date(2026, 10, 1),
        None,
    ]
    assert isinstance(first[7], float) and 0.9 < first[7] <= 1
    assert first[8] == 1.0 and first[9:11] == [0, 1]
    assert first[11] == date(2026, 11, 1) and first[13] == "READY"
    at_risk = service.export_rows(db.session, hr, Filters(status="at_risk"), NOW)
    assert [row[0] for row in at_risk] == ["E3", "E5", "E6"]
    # More than a page: every row.
    many_hires(60)
    assert len(service.export_rows(db.session, hr, Filters(), NOW)) == 66


def test_a_trainers_export_holds_only_their_trainees(world):
    rows = service.export_rows(
        db.session, world["T2"], Filters(trainer_id=world["T1"].id, sort="employee_no"), NOW
    )
    assert [row[0] for row in rows] == ["E3", "E4", "E6"]


def test_the_digest_for_hr_is_grouped_by_site(world):
    found = service.digest(db.session, world["H1"], NOW)
    assert found.day == TODAY and found.group_by == "site" and found.hires == 6
    groups = {group.title: group for group in found.groups}
    assert list(groups) == ["一号项目", "二号项目", None]
    first = groups["一号项目"]
    assert numbers(first.newly_ready) == ["E1"]
    assert first.at_risk == first.overdue == first.inactive == []
    second = groups["二号项目"]
    assert numbers(second.at_risk) == ["E5", "E3"]
    assert numbers(second.inactive) == ["E5", "E3"]  # never active first
    assert second.overdue == second.newly_ready == []
    no_site = groups[None]
    assert numbers(no_site.at_risk) == numbers(no_site.overdue) == ["E6"]
    assert no_site.inactive == []


def test_a_trainers_digest_is_their_own_whatever_they_ask(world):
    t1 = world["T1"]
    for asked in ({}, {"trainer_id": world["T2"].id}, {"site_id": id_of(Site, "二号项目")}):
        found = service.digest(db.session, t1, NOW, **asked)
        [group] = found.groups
        assert found.group_by == "trainer" and group.title == "培训师一"
        assert numbers(group.at_risk) == numbers(group.inactive) == ["E5"]
        assert numbers(group.newly_ready) == ["E1"] and group.overdue == []


def test_hr_picks_a_site_or_a_trainer_for_the_digest(world):
    hr = world["H1"]
    by_site = service.digest(db.session, hr, NOW, site_id=id_of(Site, "二号项目"))
    assert by_site.group_by == "trainer"
    assert [(g.title, numbers(g.at_risk)) for g in by_site.groups] == [
        ("培训师一", ["E5"]),
        ("培训师二", ["E3"]),
    ]
    by_trainer = service.digest(db.session, hr, NOW, trainer_id=world["T2"].id)
    [group] = by_trainer.groups
    assert group.title == "培训师二" and numbers(group.at_risk) == ["E6", "E3"]


def test_the_digest_rules():
    hire = replace(_standing(), status="in_progress", hire_date=date(2026, 10, 1))
    assert service.is_inactive(replace(hire, last_active=TODAY - timedelta(days=3)), TODAY)
    assert not service.is_inactive(replace(hire, last_active=TODAY - timedelta(days=2)), TODAY)
    assert service.is_inactive(hire, TODAY)  # never active, hired a month ago
    assert not service.is_inactive(replace(hire, hire_date=None), TODAY)
    assert not service.is_inactive(replace(hire, hire_date=TODAY - timedelta(days=2)), TODAY)
    assert not service.is_inactive(replace(hire, status="ready"), TODAY)
    assert service.is_overdue(replace(hire, go_live=TODAY - timedelta(days=1)), TODAY)
    assert not service.is_overdue(replace(hire, go_live=TODAY), TODAY)
    assert not service.is_overdue(
        replace(hire, go_live=TODAY - timedelta(days=1), status="certified"), TODAY
    )
    ready = replace(hire, status="ready")
    assert service.is_newly_ready(replace(ready, last_active=TODAY - timedelta(days=1)), TODAY)
    assert not service.is_newly_ready(replace(ready, last_active=TODAY - timedelta(days=2)), TODAY)
    assert not service.is_newly_ready(replace(hire, last_active=TODAY), TODAY)


def test_filters_as_query_strings():
    assert Filters().query() == {}
    filters = Filters(
        site_id=3,
        hired_from=date(2026, 10, 1),
        status="at_risk",
        sort="readiness",
        descending=True,
        page=4,
    )
    assert filters.query() == {
        "site": "3",
        "hired_from": "2026-10-01",
        "status": "at_risk",
        "sort": "readiness",
        "dir": "desc",
        "page": "4",
    }
    assert filters.query(page=1, status=None) == {
        "site": "3",
        "hired_from": "2026-10-01",
        "sort": "readiness",
        "dir": "desc",
    }
    odd = Filters(status="<script>", sort="password_hash", page=-3)
    assert (odd.status, odd.sort, odd.page) == (None, service.DEFAULT_SORT, 1)


def _standing() -> Standing:
    return Standing(
        person_id=1,
        employee_no="N000",
        name="某人",
        job_role=None,
        site=None,
        trainer_id=None,
        trainer=None,
        hire_date=None,
        go_live=None,
        target=0.9,
        required=6,
        seen=0,
        expected_known=0.0,
        readiness=0.0,
        readiness_at_go_live=0.0,
        red_lines=1,
        red_lines_at_risk=1,
        status="not_started",
        forecast_ready=None,
        last_active=None,
    )


def test_trainer_choices(world):
    assert service.trainer_choices(db.session) == [
        (world["T1"].id, "T1 培训师一"),
        (world["T2"].id, "T2 培训师二"),
    ]
