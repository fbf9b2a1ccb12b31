"""The 错题本: what I got wrong lately with the right answer, and 练错题, which practises
without disturbing the schedule unless the item is due anyway."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import MemoryState, ReviewLog
from quizapp.models.types import utcnow
from quizapp.study.answers import submit_answer
from quizapp.study.mistakes import mistakes, practice_round
from quizapp.study.session import present
from tests.factories import login, make_person
from tests.study.test_batches import WRONG, answer, next_link
from tests.study.test_views import fields, setup_hire


def token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def answer_all(client, wrong: set[str]) -> None:
    """Answer today's six cards (one 问答, 单选, 多选 and 填空 item, two 判断 items),
    wrong where the card's type is in ``wrong``, right otherwise."""
    for _ in range(6):
        page = client.get("/study/").get_data(as_text=True)
        kind = re.search(r'data-type="(\w+)"', page).group(1)
        answer(client, page, right=kind not in wrong)


def states() -> dict[int, dict]:
    db.session.expire_all()
    return {
        row.item_id: (row.due, row.stability, row.revision)
        for row in db.session.scalars(select(MemoryState))
    }


def test_the_mistakes_page_lists_what_i_got_wrong_with_the_right_answer(client):
    person = setup_hire(client)
    answer_all(client, wrong={"judge", "cloze"})
    page = client.get("/study/mistakes").get_data(as_text=True)
    assert page.count('class="card study-card mistake') == 3
    assert "电话铃响三声之内必须接听。" in page  # the judge item, with its right answer
    assert "正确答案" in page and "还没答对" in page and "答错 1 次" in page
    assert "三 / 3" in page and "九" in page  # the cloze item: the blank's answer, mine
    found = mistakes(db.session, person, utcnow())
    assert sorted(m.item.type for m in found) == ["cloze", "judge", "judge"]
    assert not any(m.fixed for m in found)
    # A mistake put right stays listed, after the open ones, marked as fixed.
    later = found[0].latest.server_time + timedelta(minutes=1)
    card = present(db.session, person, found[0].item.id, later)
    given = {"verdict": True} if found[0].item.type == "judge" else {"blanks": ["三"]}
    submit_answer(db.session, person, card.ticket, given, "fix-1", later)
    again = mistakes(db.session, person, later)
    assert [m.fixed for m in again] == [False, False, True]
    assert practice_round(again) == [m.item.id for m in again[:2]]


def test_mistakes_older_than_thirty_days_drop_off(client):
    person = setup_hire(client)
    answer_all(client, wrong={"qa"})
    assert len(mistakes(db.session, person, utcnow())) == 1
    assert mistakes(db.session, person, utcnow() + timedelta(days=31)) == []


def test_practising_mistakes_leaves_the_schedule_alone(client):
    setup_hire(client)
    answer_all(client, wrong={"single", "multi"})
    before = states()
    page = client.get("/study/mistakes").get_data(as_text=True)
    refused = client.post("/study/mistakes/practice", data={})  # no CSRF token
    assert refused.status_code != 200 and "/practice" not in refused.headers["Location"]
    assert client.get("/study/mistakes/practice").headers["Location"].endswith("/mistakes")
    started = client.post("/study/mistakes/practice", data={"csrf_token": token(page)})
    assert started.headers["Location"].endswith("/study/mistakes/practice")
    practised = 0
    page = client.get("/study/mistakes/practice").get_data(as_text=True)
    while 'data-type="' in page:
        assert "练错题：第" in page and "练错题</span>" in page
        feedback = answer(client, page)
        assert "练习，不计入复习" in feedback
        assert next_link(feedback) == "/study/mistakes/practice"
        practised += 1
        response = client.get("/study/mistakes/practice")
        if response.status_code == 302:
            assert response.headers["Location"].endswith("/study/mistakes")
            break
        page = response.get_data(as_text=True)
    assert practised == 2
    assert "这一轮错题练完了" in client.get("/study/mistakes").get_data(as_text=True)
    kinds = [kind for (kind,) in db.session.execute(select(ReviewLog.kind))]
    assert kinds.count("practice") == 2 and kinds.count("review") == 6
    after = states()
    # The memory states are as they were (only the revision moved: old cards are stale).
    assert {k: v[:2] for k, v in after.items()} == {k: v[:2] for k, v in before.items()}


def test_practising_an_item_that_is_due_counts_as_its_review(client):
    setup_hire(client)
    answer_all(client, wrong={"cloze"})
    [row] = [r for r in db.session.scalars(select(MemoryState)) if r.last_rating == 1]
    row.due = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get("/study/mistakes").get_data(as_text=True)
    client.post("/study/mistakes/practice", data={"csrf_token": token(page)})
    card = client.get("/study/mistakes/practice").get_data(as_text=True)
    feedback = answer(client, card)
    assert "练习，不计入复习" not in feedback
    last = db.session.scalar(select(ReviewLog).order_by(ReviewLog.id.desc()).limit(1))
    assert last.kind == "review" and last.correct
    db.session.expire_all()
    assert db.session.get(MemoryState, row.id).due > utcnow()


def test_a_practice_answer_can_be_undone_and_is_not_overruled(client):
    setup_hire(client)
    answer_all(client, wrong={"qa"})
    page = client.get("/study/mistakes").get_data(as_text=True)
    client.post("/study/mistakes/practice", data={"csrf_token": token(page)})
    card = client.get("/study/mistakes/practice").get_data(as_text=True)
    response = client.post("/study/answer", data={**fields(card), **WRONG})
    feedback = response.get_data(as_text=True)
    assert "练习，不计入复习" in feedback and "我答对了" not in feedback
    practice = db.session.scalar(select(ReviewLog).order_by(ReviewLog.id.desc()).limit(1))
    forced = client.post(
        f"/study/overrule/{practice.id}", data={"csrf_token": token(feedback), "verdict": "right"}
    )
    assert forced.status_code == 409  # nothing scheduled, nothing to overrule
    assert client.post("/study/undo", data={"csrf_token": token(feedback)}).status_code == 302
    last = db.session.scalar(select(ReviewLog).order_by(ReviewLog.id.desc()).limit(1))
    assert last.kind == "practice" and last.undone_at is not None


def test_my_mistakes_are_mine_alone(app, client):
    setup_hire(client)
    answer_all(client, wrong={"judge"})
    make_person("E2", job_role="客服前台")
    db.session.commit()
    other = app.test_client()
    login(other, "E2")
    page = other.get("/study/mistakes").get_data(as_text=True)
    assert "最近 30 天没有答错的题" in page and 'class="card study-card mistake' not in page
