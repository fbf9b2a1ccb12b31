"""Integers from a URL, a query string or a form never reach the database unchecked
(finding 9): too large a number is a 404 or is ignored, never a 500."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from quizapp.urls import INT_MAX, bounded_int
from tests.factories import csrf_token, login
from tests.study.test_views import fields, right_answer, setup_hire
from tests.test_policy import IDENTITIES, url_for_rule
from tests.test_policy import world as world  # noqa: F401 - the fixture, reused

HUGE = "99999999999999999999999"
TOO_LARGE = [HUGE, str(2**63), str(2**31), "-" + HUGE]


def int_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]


def with_ints(rule, world, value: str) -> str:
    values = dict(world)
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = value
            if name == "row_id":
                values["site_row_id"] = value
            if name == "attempt_id":
                values["done_attempt_id"] = value
    return url_for_rule(rule, values)


def test_there_are_integer_routes_to_check(app):
    assert len(int_rules(app)) >= 8


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_huge_integers_in_urls_are_404_for_everyone(app, world, identity):  # noqa: F811
    client = app.test_client()
    if IDENTITIES[identity]:
        assert login(client, IDENTITIES[identity][0]).status_code == 302
    for rule in int_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        for value in (HUGE, str(2**63), str(2**31), "9" * 5000):
            path = with_ints(rule, world, value)
            response = client.open(path, method=method)
            assert response.status_code == 404, f"{identity} {method} {path[:80]}"
        # The largest id allowed is an ordinary one that does not exist (or is refused
        # before it is looked up: no login, no permission, no CSRF token).
        path = with_ints(rule, world, str(INT_MAX))
        response = client.open(path, method=method)
        assert response.status_code in (302, 400, 403, 404), f"{identity} {method} {path}"


def test_urls_for_ordinary_ids_still_work(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("people.detail", person_id=12) == "/people/12"


@pytest.mark.parametrize("value", TOO_LARGE)
def test_query_string_integers_fall_back(app, world, value):  # noqa: F811
    client = app.test_client()
    login(client, "A1")
    for query in (
        {"job_role": value},
        {"site": value},
        {"job_role": value, "site": value, "q": "测", "status": "active"},
    ):
        response = client.get("/people/", query_string=query)
        assert response.status_code == 200, query
    assert client.get("/admin/audit", query_string={"page": value}).status_code == 200
    assert client.get("/admin/audit", query_string={"page": str(INT_MAX)}).status_code == 200


def test_bounded_int():
    assert bounded_int("0") == 0
    assert bounded_int("42") == 42
    assert bounded_int(str(INT_MAX)) == INT_MAX
    assert bounded_int("-5") == -5
    for bad in (*TOO_LARGE, "", " ", "1.5", "1_000", "١٢", "0x10", "abc", None):
        with pytest.raises((ValueError, TypeError)):
            bounded_int(bad)


@pytest.mark.parametrize(
    "client_time",
    [
        "9999-12-31T23:59:59-14:00",  # past the last representable UTC time
        "0001-01-01T00:00:00+14:00",  # before the first
        "9999-12-31T23:59:59+00:00",  # representable, but no phone's clock
        "1000-01-01T00:00:00Z",
        "2026-11-02T09:00:00+99:00",
        "2026-13-45T00:00:00Z",
        "not a time",
        "2026-11-02T09:00:00",  # no time zone
        "9" * 5000,
    ],
)
def test_an_absurd_client_time_is_ignored(client, client_time):
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import ReviewLog

    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    response = client.post(
        "/study/answer",
        data={**fields(page), **right_answer(page), "client_time": client_time},
    )
    assert response.status_code == 200
    review = db.session.scalar(select(ReviewLog))
    assert review is not None and review.client_time is None


def test_a_sensible_client_time_is_kept(client):
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import ReviewLog

    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    client.post(
        "/study/answer",
        data={**fields(page), **right_answer(page), "client_time": "2026-11-02T09:00:05+08:00"},
    )
    review = db.session.scalar(select(ReviewLog))
    assert review.client_time.isoformat() == "2026-11-02T01:00:05+00:00"


def test_the_people_search_shows_no_error_for_an_unknown_number(app, world):  # noqa: F811
    client = app.test_client()
    login(client, "H1")
    page = client.get("/people/", query_string={"job_role": HUGE}).get_data(as_text=True)
    assert re.search(r"共 \d+ 人", page)


def test_huge_numbers_in_forms_are_field_errors(app, world):  # noqa: F811
    client = app.test_client()
    login(client, "A1")
    path = f"/admin/job-roles/{world['row_id']}/settings"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "desired_retention": "0.9",
            "daily_new_cap": HUGE,
            "session_minutes": HUGE,
            "day_boundary_hour": HUGE,
        },
    )
    assert response.status_code == 200
    person = client.post(
        "/people/new",
        data={
            "csrf_token": csrf_token(client, "/people/new"),
            "employee_no": "N1",
            "name": "新人",
            "job_role": HUGE,
            "site": HUGE,
            "trainer": HUGE,
        },
    )
    assert person.status_code == 200 and "已创建账号" not in person.get_data(as_text=True)
