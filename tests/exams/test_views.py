"""The staff's exam pages: the new-exam form (defaults, CSRF, errors), who may open what,
the detail page, the exports' cells and the review queue."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from quizapp.exams.authoring import create_exam
from quizapp.extensions import db
from quizapp.models import Exam, ExamAnswer, ExamAttempt
from tests.dashboard import person
from tests.exams.test_authoring import NOW, attempt_for, build_world, spec
from tests.exams.test_results import answer
from tests.factories import csrf_token, login

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def world(app):
    return build_world()


def as_(client, number: str):
    assert login(client, number).status_code == 302, number
    return client


def main(text: str) -> str:
    return text.split("<main", 1)[1].split("</main>", 1)[0]


def form_data(world, token: str, **changes) -> dict:
    data = {
        "csrf_token": token,
        "title": "第一周小测",
        "kind": "quiz",
        "sources": [f"b{world.bank_id}"],
        "draw": "random",
        "quotas-0-section": "0",
        "quotas-0-type": "",
        "quotas-0-count": "3",
        "shuffle_options": "y",
        "time_limit": "15",
        "pass_mark": "80",
        "attempts": "1",
        "opens_at": "",
        "closes_at": "",
        "audience": "role",
        "job_role": str(world.role_id),
        "site": "0",
        "employee_nos": "",
        "reveal": "at_once",
        "layout": "single",
    }
    data.update(changes)
    return data


def test_the_new_exam_form_has_phone_friendly_defaults(client, world):
    html = main(as_(client, "T1").get("/exams/new").get_data(as_text=True))
    assert re.search(r'value="quiz"[^>]*checked|checked[^>]*value="quiz"', html)
    assert re.search(r'value="random"[^>]*checked|checked[^>]*value="random"', html)
    assert re.search(r'name="quotas-0-count"[^>]*value="10"', html)
    assert re.search(r'name="time_limit"[^>]*value="15"', html)
    assert re.search(r'name="pass_mark"[^>]*value="80"', html)
    assert re.search(r'name="attempts"[^>]*value="1"', html)
    assert html.count("<fieldset") >= 4


def test_a_trainer_creates_an_exam_through_the_form(client, world):
    as_(client, "T1")
    token = csrf_token(client, "/exams/new")
    response = client.post("/exams/new", data=form_data(world, token))
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam))
    assert response.headers["Location"].endswith(f"/exams/{exam.id}")
    assert exam.trainer_id == world["T1"].id
    assert [(q.section_id, q.type, q.count) for q in exam.quotas] == [(None, None, 3)]
    assert exam.time_limit_s == 900 and exam.shuffle_options
    detail = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "第一周小测" in detail
    assert f"http://localhost/exam/{exam.id}" in detail  # the link to share


def test_service_errors_show_under_their_field(client, world):
    as_(client, "T1")
    token = csrf_token(client, "/exams/new")
    basics = world.sections["基础"]
    response = client.post(
        "/exams/new",
        data=form_data(
            world,
            token,
            **{"quotas-0-section": str(basics), "quotas-0-type": "judge", "quotas-0-count": "5"},
        ),
    )
    assert response.status_code == 200
    html = main(response.get_data(as_text=True))
    assert "基础" in html and "只有 2 道" in html
    response = client.post(
        "/exams/new",
        data=form_data(world, token, audience="people", employee_nos="E1\nE3", job_role="0"),
    )
    assert "E3 不是你的学员" in main(response.get_data(as_text=True))
    assert db.session.scalar(select(Exam)) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"pass_mark": "abc"},
        {"attempts": "99999999999999999999"},
        {"job_role": "99999999999"},
        {"sources": ["b99999999999", "x1"]},
        {"items": ["nope"]},
        {"quotas-0-section": "abc"},
        {"opens_at": "tomorrow"},
        {"kind": "final"},
    ],
)
def test_nonsense_is_a_form_error_never_a_500(client, world, changes):
    as_(client, "H1")
    token = csrf_token(client, "/exams/new")
    response = client.post("/exams/new", data=form_data(world, token, **changes))
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Exam)) is None


def test_a_post_without_csrf_creates_nothing(client, world):
    as_(client, "T1")
    response = client.post("/exams/new", data=form_data(world, ""))
    assert response.status_code == 302
    assert db.session.scalar(select(Exam)) is None


def test_who_may_open_what(client, world):
    mine = create_exam(db.session, world["T1"], spec(world), NOW)
    hrs = create_exam(db.session, world["H1"], spec(world, title="人事的考试"), NOW)
    as_(client, "E1")
    for url in ("/exams/", "/exams/new", f"/exams/{hrs.id}", f"/exams/{hrs.id}/results.csv",
                "/exams/reviews"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    client.post("/logout", data={"csrf_token": csrf_token(client, "/exams/")})
    as_(client, "T2")
    for url in (f"/exams/{mine.id}", f"/exams/{mine.id}/edit", f"/exams/{mine.id}/results.csv",
                f"/exams/{mine.id}/results.xlsx", "/exams/2147483648"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.get(f"/exams/{hrs.id}").status_code == 200
    assert client.get(f"/exams/{hrs.id}/edit").status_code == 403
    index = main(client.get("/exams/").get_data(as_text=True))
    assert "人事的考试" in index and "第一周小测" not in index


def test_edit_and_archive(client, world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    as_(client, "T1")
    html = client.get(f"/exams/{exam.id}/edit").get_data(as_text=True)
    assert 'value="第一周小测"' in html
    token = csrf_token(client, f"/exams/{exam.id}/edit")
    response = client.post(f"/exams/{exam.id}/edit", data=form_data(world, token, title="改过"))
    assert response.status_code == 302
    assert db.session.get(Exam, exam.id).title == "改过"
    response = client.post(f"/exams/{exam.id}/archive", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Exam, exam.id).archived


@pytest.fixture
def taken(world):
    """An HR exam E1 (named like a formula) and E3 sat."""
    world["E1"].name = EVIL
    db.session.commit()
    exam = create_exam(db.session, world["H1"], spec(world), NOW - timedelta(days=1))
    attempt_for(exam, world["E1"], score=0.75, passed=False)
    attempt_for(exam, world["E3"], score=1.0, passed=True)
    return exam


def test_csv_export_is_formula_safe_and_scoped(client, world, taken):
    as_(client, "T1")
    response = client.get(f"/exams/{taken.id}/results.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["工号", "姓名", "第几次", "状态"]
    assert [row[0] for row in rows[1:]] == ["E1"]  # not T2's trainee E3
    assert rows[1][1] == "'" + EVIL
    assert rows[1][7] == "0.75" and rows[1][8] == "否"


def test_xlsx_export_reads_back(client, world, taken):
    as_(client, "H1")
    response = client.get(f"/exams/{taken.id}/results.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "工号"
    assert [row[0] for row in values[1:]] == ["E1", "E3"]
    assert values[1][1] == "'" + EVIL
    assert values[2][7] == 1


def test_detail_page_lists_attempts_escaped(client, world, taken):
    as_(client, "H1")
    html = main(client.get(f"/exams/{taken.id}").get_data(as_text=True))
    assert "&#34;http://x&#34;" in html or "&quot;http://x&quot;" in html
    assert EVIL not in html
    assert "逐题结果" in html


@pytest.fixture
def pending(world):
    """E1's typed answer to 三轻 awaits review."""
    exam = create_exam(
        db.session,
        world["H1"],
        spec(world, draw="fixed", quotas=(), item_ids=(world.items["three"],)),
        NOW - timedelta(days=1),
    )
    attempt = attempt_for(exam, world["E1"], score=0.33, passed=None, review_pending=True)
    return answer(
        attempt,
        1,
        world.items["three"],
        False,
        0.33,
        pending=True,
        given={"text": "<script>alert(1)</script>说话轻"},
        key_points_hit=[True, False, False],
    )


def test_the_review_queue_shows_the_answer_and_key_points(client, world, pending):
    as_(client, "T1")
    html = main(client.get("/exams/reviews").get_data(as_text=True))
    assert "三轻指什么" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;说话轻" in html and "<script>" not in html
    assert re.search(r'class="hit".*说话轻', html, re.S)
    assert re.search(r'class="miss".*走路轻', html, re.S)
    assert f'name="a{pending.id}-score"' in html and 'value="33"' in html


def test_confirming_a_score_finishes_the_attempt(client, world, pending):
    as_(client, "T1")
    token = csrf_token(client, "/exams/reviews")
    response = client.post(
        f"/exams/reviews/{pending.id}",
        data={
            f"a{pending.id}-csrf_token": token,
            f"a{pending.id}-score": "90",
            f"a{pending.id}-comment": "要点基本答到",
        },  # fmt: skip
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(ExamAnswer, pending.id)
    assert row.final_score == pytest.approx(0.9) and row.review_status == "done"
    assert row.review_comment == "要点基本答到"
    attempt = db.session.get(ExamAttempt, row.attempt_id)
    assert not attempt.review_pending and attempt.passed is True
    assert "没有待批改的答案" in client.get("/exams/reviews").get_data(as_text=True)


def test_a_bad_score_changes_nothing_and_others_trainees_are_not_found(client, world, pending):
    as_(client, "T1")
    token = csrf_token(client, "/exams/reviews")
    response = client.post(
        f"/exams/reviews/{pending.id}",
        data={f"a{pending.id}-csrf_token": token, f"a{pending.id}-score": "150"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ExamAnswer, pending.id).review_status == "pending"
    client.post("/logout", data={"csrf_token": token})
    as_(client, "T2")
    token = csrf_token(client, "/exams/reviews")
    assert "三轻指什么" not in client.get("/exams/reviews").get_data(as_text=True)
    response = client.post(
        f"/exams/reviews/{pending.id}",
        data={f"a{pending.id}-csrf_token": token, f"a{pending.id}-score": "50"},
    )
    assert response.status_code == 404


def test_index_lists_exams_with_figures(client, world, taken):
    person("T9", roles=("trainer",))
    as_(client, "H1")
    html = main(client.get("/exams/").get_data(as_text=True))
    assert "第一周小测" in html and "50%" in html  # one of two passed
    assert 'href="/exams/new"' in html
