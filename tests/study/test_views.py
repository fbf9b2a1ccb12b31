"""The study pages as a new hire uses them on a phone."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Item, JobRole, ReviewLog
from quizapp.models.types import utcnow
from quizapp.study.session import present
from tests.factories import STUDY_BANK as BANK
from tests.factories import load_bank, login, make_person


def setup_hire(client, cap: int = 20):
    load_bank(BANK)
    person = make_person("E1", job_role="客服前台")
    db.session.scalar(select(JobRole).where(JobRole.name == "客服前台")).daily_new_cap = cap
    db.session.commit()
    login(client, "E1")
    return person


def fields(html: str) -> dict:
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("csrf_token", "ticket", "idempotency_key")
    }


def card_type(html: str) -> str:
    return re.search(r'data-type="(\w+)"', html).group(1)


def right_answer(html: str) -> dict:
    """Answer the shown card correctly, as a person who knows the bank would."""
    kind = card_type(html)
    question = re.search(r'<p class="question">(.*?)</p>', html, re.S).group(1)
    if kind == "judge":
        return {"verdict": "true"}
    if kind == "cloze":
        return {"blank": ["三"]}
    if kind == "qa":
        return {"text": "说话轻，走路轻，操作轻"}
    options = dict(
        (text, value)
        for value, text in re.findall(
            r'name="choice" value="(\d+)"[^>]*>\s*<span class="letter">\w</span> <span>([^<]+)</span>',
            html,
        )
    )
    if "每周" in question:
        return {"choice": [options["回访"], options["跟进投诉"]]}
    return {"choice": [options["费用"]]}


def test_a_session_of_every_question_type(client):
    setup_hire(client)
    assert client.get("/").headers["Location"] == "/study/"
    seen = set()
    for _ in range(6):
        page = client.get("/study/").get_data(as_text=True)
        assert "本轮第" in page
        seen.add(card_type(page))
        response = client.post("/study/answer", data={**fields(page), **right_answer(page)})
        assert response.status_code == 200
        assert "答对了" in response.get_data(as_text=True), card_type(page)
    assert seen == {"qa", "single", "multi", "judge", "cloze"}
    done = client.get("/study/").get_data(as_text=True)
    assert "今天的学习完成了" in done and "再学一会" in done
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 6


def test_options_are_shuffled_per_presentation(client):
    person = setup_hire(client)
    paid = db.session.scalar(select(Item.id).where(Item.key == "paid"))
    orders = {present(db.session, person, paid, utcnow()).ticket.order for _ in range(20)}
    assert len(orders) > 1
    assert all(sorted(order) == [0, 1, 2] for order in orders)


def test_double_submit_records_one_review_and_shows_the_same_result(client):
    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    data = {**fields(page), **right_answer(page)}
    first = client.post("/study/answer", data=data)
    second = client.post("/study/answer", data=data)
    assert first.status_code == second.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    changed = {**data, "verdict": "false", "blank": ["五"], "text": "不知道", "choice": ["0"]}
    assert client.post("/study/answer", data=changed).status_code == 422
    without_key = {**data, "idempotency_key": ""}
    assert client.post("/study/answer", data=without_key).status_code == 400
    # The key may also come as the Idempotency-Key header.
    page = client.get("/study/").get_data(as_text=True)
    data = {**fields(page), **right_answer(page), "idempotency_key": ""}
    assert (
        client.post("/study/answer", data=data, headers={"Idempotency-Key": "hdr-1"}).status_code
        == 200
    )


def test_a_forged_ticket_is_refused(client):
    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    data = {**fields(page), **right_answer(page), "ticket": "forged"}
    assert client.post("/study/answer", data=data).status_code == 400


def test_wrong_answer_retry_and_undo(client):
    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    wrong = {"verdict": "false", "blank": ["九"], "text": "不知道", "choice": ["0"]}
    if card_type(page) == "single":
        wrong["choice"] = [re.findall(r'name="choice" value="(\d+)"', page)[0]]
    feedback = client.post("/study/answer", data={**fields(page), **wrong}).get_data(as_text=True)
    assert "还没掌握" in feedback
    retry_link = re.search(r'href="(/study/retry/\d+)"', feedback).group(1)
    retry = client.get(retry_link).get_data(as_text=True)
    assert "再试一次" in retry
    result = client.post("/study/answer", data={**fields(retry), **right_answer(retry)}).get_data(
        as_text=True
    )
    assert "答对了" in result
    kinds = list(db.session.scalars(select(ReviewLog.kind).order_by(ReviewLog.id)))
    assert kinds == ["review", "retry"]
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', result).group(1)
    client.post("/study/undo", data={"csrf_token": token})
    client.post("/study/undo", data={"csrf_token": token})
    assert (
        db.session.scalar(
            select(func.count()).select_from(ReviewLog).where(ReviewLog.undone_at.is_(None))
        )
        == 0
    )


def test_typed_answer_shows_key_points_and_can_be_overruled(client):
    setup_hire(client)
    for _ in range(6):
        page = client.get("/study/").get_data(as_text=True)
        if card_type(page) == "qa":
            break
        client.post("/study/answer", data={**fields(page), **right_answer(page)})
    feedback = client.post("/study/answer", data={**fields(page), "text": "说话轻"}).get_data(
        as_text=True
    )
    assert (
        '<li class="hit">✓ 说话轻</li>' in feedback and '<li class="miss">✗ 走路轻</li>' in feedback
    )
    action = re.search(r'action="(/study/overrule/\d+)"', feedback).group(1)
    response = client.post(
        action, data={"csrf_token": fields(page)["csrf_token"], "verdict": "right"}
    )
    assert response.status_code == 302
    overruled = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已由你本人更正" in overruled and "答对了" in overruled


def test_reviews_of_others_are_not_found(app, client):
    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    client.post("/study/answer", data={**fields(page), **right_answer(page)})
    review_id = db.session.scalar(select(ReviewLog.id))
    make_person("E2", job_role="客服前台")
    other = app.test_client()
    login(other, "E2")
    assert other.get(f"/study/review/{review_id}").status_code == 404
    assert other.get(f"/study/retry/{review_id}").status_code == 404
    assert client.get(f"/study/review/{review_id}").status_code == 200


def test_progress_page(client):
    setup_hire(client)
    page = client.get("/study/").get_data(as_text=True)
    client.post("/study/answer", data={**fields(page), **right_answer(page)})
    progress = client.get("/study/progress").get_data(as_text=True)
    assert "我的进度" in progress and "基础" in progress and "连续学习" in progress


def test_study_pages_stay_small(client):
    setup_hire(client)
    page = client.get("/study/")
    assert len(page.data) < 30_000
    assert '<script src="/static/study.js" defer></script>' in page.get_data(as_text=True)
