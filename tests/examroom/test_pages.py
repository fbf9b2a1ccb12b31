"""The exam room as a hire uses it on a phone: list, rules, start, answer, submit, result."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ExamAttempt
from quizapp.models.types import utcnow
from tests.exams import make_exam, setup_hire
from tests.factories import csrf_token, login, make_person


def start(client, exam_id: int):
    token = csrf_token(client, f"/exam/{exam_id}")
    response = client.post(f"/exam/{exam_id}/start", data={"csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


def form_of(html: str, position: int) -> dict:
    form = re.search(rf'data-position="{position}".*?</form>', html, re.S).group(0)
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form).group(1),
        "position": str(position),
        "revision": re.search(r'name="revision" value="(\d+)"', form).group(1),
    }


def test_the_whole_flow_without_javascript(client):
    hire = setup_hire()
    exam = make_exam(fixed=("paid", "ring"), time_limit_s=600, title="前台小测")
    login(client, "E1")
    page = client.get("/exam/").get_data(as_text=True)
    assert "前台小测" in page and "开始考试" in page
    rules = client.get(f"/exam/{exam.id}").get_data(as_text=True)
    assert "10 分钟" in rules and "60%" in rules
    location = start(client, exam.id)
    attempt = db.session.scalar(select(ExamAttempt).where(ExamAttempt.employee_id == hire.id))
    assert location.endswith(f"/exam/attempt/{attempt.id}")
    html = client.get(location).get_data(as_text=True)
    assert 'data-remaining="' in html and "第 1 / 2 题" in html and "费用" in html
    assert "✓" not in html  # no right answer during the attempt
    # Answer question 1 (费用 is option index 1) and move on to question 2.
    paid = re.search(
        r'name="choice" value="(\d+)"[^>]*>\s*<span class="letter">\w</span> <span>费用', html
    )
    response = client.post(
        f"/exam/attempt/{attempt.id}/answer", data={**form_of(html, 1), "choice": paid.group(1)}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("?q=2")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '已答 <strong class="answered-count">1</strong> / 2' in html
    response = client.post(
        f"/exam/attempt/{attempt.id}/answer", data={**form_of(html, 2), "verdict": "false"}
    )
    assert response.headers["Location"].endswith("/summary")
    summary = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "所有题目都已作答" in summary
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', summary).group(1)
    response = client.post(f"/exam/attempt/{attempt.id}/submit", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/result")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "50%" in result and "未通过" in result and "正确答案" in result
    # Back on the paper after submitting: the result, not the questions.
    assert client.get(location).headers["Location"].endswith("/result")


def test_saving_with_javascript_and_a_stale_tab(client):
    setup_hire()
    exam = make_exam(fixed=("ring",), layout="paper")
    login(client, "E1")
    html = client.get(start(client, exam.id)).get_data(as_text=True)
    attempt_id = re.search(r"/exam/attempt/(\d+)/answer", html).group(1)
    fields = form_of(html, 1)
    headers = {"Accept": "application/json"}
    url = f"/exam/attempt/{attempt_id}/answer"
    first = client.post(url, data={**fields, "verdict": "true"}, headers=headers)
    assert first.status_code == 200 and first.json["ok"] and first.json["revision"] == 1
    assert first.json["answered"] == 1 and first.json["message"] == "已保存"
    stale = client.post(url, data={**fields, "verdict": "false"}, headers=headers)
    assert stale.status_code == 409 and stale.json["stale"]
    assert stale.json["message"] == "这道题已在另一个页面保存了较新的答案，本页的答案没有覆盖它"
    assert stale.json["saved"] == {"verdict": True} and stale.json["saved_text"] == "对"
    # Without JavaScript the stale page is sent back with the message.
    response = client.post(url, data={**fields, "verdict": "false"}, follow_redirects=True)
    assert "较新的答案" in response.get_data(as_text=True)


def test_a_late_answer_is_refused_and_the_attempt_submitted(client):
    hire = setup_hire()
    exam = make_exam(fixed=("ring",), time_limit_s=60)
    login(client, "E1")
    html = client.get(start(client, exam.id)).get_data(as_text=True)
    attempt = db.session.scalar(select(ExamAttempt).where(ExamAttempt.employee_id == hire.id))
    attempt.started_at -= timedelta(minutes=5)
    attempt.deadline_at = utcnow() - timedelta(minutes=4)
    db.session.commit()
    response = client.post(
        f"/exam/attempt/{attempt.id}/answer",
        data={**form_of(html, 1), "verdict": "true"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409 and "时间已到" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(ExamAttempt, attempt.id).status == "auto_submitted"


def test_another_employees_attempt_is_not_found(client):
    setup_hire()
    make_person("E2", job_role="客服前台")
    exam = make_exam(fixed=("ring",))
    login(client, "E1")
    location = start(client, exam.id)
    attempt_id = location.rsplit("/", 1)[1]
    other = client.application.test_client()
    login(other, "E2")
    for path in ("", "/summary", "/result"):
        assert other.get(f"/exam/attempt/{attempt_id}{path}").status_code == 404
    token = csrf_token(other, "/exam/")
    response = other.post(
        f"/exam/attempt/{attempt_id}/answer",
        data={"csrf_token": token, "position": "1", "revision": "0", "verdict": "true"},
    )
    assert response.status_code == 404
    response = other.post(f"/exam/attempt/{attempt_id}/submit", data={"csrf_token": token})
    assert response.status_code == 404


def test_an_exam_for_another_role_is_not_found(client):
    setup_hire()
    make_person("E2", job_role="营业厅营业员")
    exam = make_exam(fixed=("ring",))
    login(client, "E2")
    assert client.get(f"/exam/{exam.id}").status_code == 404
    assert "现在没有你的小测" in client.get("/exam/").get_data(as_text=True)


def test_posts_without_a_csrf_token_change_nothing(client):
    setup_hire()
    exam = make_exam(fixed=("ring",))
    login(client, "E1")
    response = client.post(f"/exam/{exam.id}/start", data={})
    assert response.status_code in (302, 400)
    assert db.session.scalar(select(ExamAttempt.id)) is None


def test_every_question_type_renders_on_the_paper_and_the_result(client):
    from quizapp.exams.taking import save_answer, submit_attempt
    from quizapp.models import Employee

    setup_hire()
    exam = make_exam(
        fixed=("paid", "weekly", "ring", "ring-cloze", "three"),
        layout="paper",
        shuffle_options=True,
    )
    login(client, "E1")
    location = start(client, exam.id)
    html = client.get(location).get_data(as_text=True)
    for position in range(1, 6):
        assert f'id="q{position}"' in html
    assert 'name="blank"' in html and 'name="text"' in html and "说话轻" not in html
    attempt_id = int(location.rsplit("/", 1)[1])
    hire = db.session.scalar(select(Employee).where(Employee.employee_no == "E1"))
    now = utcnow()
    save_answer(db.session, hire, attempt_id, 4, {"blanks": ["3"]}, 0, now)
    save_answer(db.session, hire, attempt_id, 5, {"text": "说话轻，走路轻"}, 0, now)
    html = client.get(location).get_data(as_text=True)
    assert (
        "已保存的答案：3" in html and '已答 <strong class="answered-count">2</strong> / 5' in html
    )
    submit_attempt(db.session, hire, attempt_id, now)
    result = client.get(f"/exam/attempt/{attempt_id}/result").get_data(as_text=True)
    assert "问答题待批改" in result and "待批改" in result and "说话轻" in result
    assert "未作答" in result and "预测得分" in result
