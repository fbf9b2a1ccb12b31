"""A session's batch as the hire sees it: a total fixed at the start, "再学一会" as a
batch of its own that lasts past one card, and the day-done page."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import ReviewLog
from quizapp.study.batch import Batch, current_batch
from tests.study.test_views import fields, right_answer, setup_hire

# Wrong for every card of the study bank (option 0 is 人员 of the 单选 item, and only one
# of the 多选 item's two right options).
WRONG = {"verdict": "false", "blank": ["九"], "text": "不知道", "choice": ["0"]}
TODAY = date(2026, 3, 2)


def progress(page: str) -> tuple[int, int]:
    n, total = re.search(r"第 (\d+) / (\d+) 题", page).groups()
    return int(n), int(total)


def next_link(feedback: str) -> str:
    return re.search(r'href="([^"]+)" id="next"', feedback).group(1).replace("&amp;", "&")


def answer(client, page: str, right: bool = True) -> str:
    given = right_answer(page) if right else WRONG
    response = client.post("/study/answer", data={**fields(page), **given})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def qa_card(client) -> str:
    """A new hire's session, answered right up to its 问答 card: that card's page."""
    setup_hire(client, cap=20)
    for _ in range(6):
        page = client.get("/study/").get_data(as_text=True)
        if 'data-type="qa"' in page:
            return page
        answer(client, page)
    raise AssertionError("no 问答 card today")


# -- the pure rule -------------------------------------------------------------------------


def test_a_batch_keeps_its_size_while_the_plan_changes():
    batch, started = current_batch(None, TODAY, False, answered=4, planned=(10, 7))
    assert started and (batch.start, batch.size, batch.due, batch.new) == (4, 10, 7, 3)
    again, started = current_batch(batch, TODAY, False, answered=9, planned=(25, 25))
    assert not started and again == batch and again.done(9) == 5
    assert again.finished(14) and not again.finished(13)


def test_a_new_batch_starts_on_a_new_day_a_new_mode_or_after_an_undo_across_its_start():
    batch = Batch(day=TODAY.isoformat(), more=False, start=4, size=10)
    assert current_batch(batch, date(2026, 3, 3), False, 4, (3, 3))[1]
    assert current_batch(batch, TODAY, True, 14, (5, 0))[1]
    assert current_batch(batch, TODAY, False, 3, (8, 8))[1]
    # "继续"/"再学一会" start afresh only once the batch is over (a reload does not).
    assert not current_batch(batch, TODAY, False, 6, (8, 8), fresh=True)[1]
    assert current_batch(batch, TODAY, False, 14, (8, 8), fresh=True)[1]


def test_a_stored_batch_is_read_back_or_ignored():
    batch = Batch(day="2026-03-02", more=True, start=1, size=5, due=2)
    assert Batch.from_dict(batch.to_dict()) == batch
    for junk in (None, "x", [], {"day": "d"}, {"day": "d", "more": 0, "start": "a", "size": 1}):
        assert Batch.from_dict(junk) is None
    assert Batch.from_dict({"day": "d", "more": 0, "start": 0, "size": -1}) is None


# -- through the pages ---------------------------------------------------------------------


def test_the_total_is_announced_at_the_start_and_does_not_grow(client):
    setup_hire(client, cap=20)
    page = client.get("/study/").get_data(as_text=True)
    assert progress(page) == (1, 6)
    assert "这一轮：新题 6 题" in page  # the counts, before the first answer
    seen = []
    for number in range(6):
        # Wrong answers make items due again today: the plan grows, the total must not.
        feedback = answer(client, page, right=number % 2 == 0)
        assert next_link(feedback) == "/study/"
        page = client.get("/study/").get_data(as_text=True)
        if number < 5:
            seen.append(progress(page))
            assert 'id="batch-intro"' not in page
    assert seen == [(n, 6) for n in range(2, 7)]
    assert 'id="done"' in page and "今天的学习完成了" in page


def test_study_more_lasts_its_whole_batch(client):
    setup_hire(client, cap=2)
    for _ in range(2):
        answer(client, client.get("/study/").get_data(as_text=True))
    done = client.get("/study/").get_data(as_text=True)
    more = re.search(r'id="more" href="([^"]+)"', done).group(1).replace("&amp;", "&")
    page = client.get(more).get_data(as_text=True)
    assert "再学一会：第 1 / 4 题" in page
    for number in range(1, 5):
        feedback = answer(client, page)
        link = next_link(feedback)
        assert "more=1" in link
        page = client.get(link).get_data(as_text=True)
        if number < 4:
            assert f"再学一会：第 {number + 1} / 4 题" in page, number
    assert 'id="done"' in page
    assert db.session.scalar(select(func.count()).select_from(ReviewLog)) == 6


def test_the_day_done_page_hides_cloze_answers(client):
    setup_hire(client, cap=20)
    for _ in range(6):
        page = client.get("/study/").get_data(as_text=True)
        answer(client, page, right=False)
    done = client.get("/study/").get_data(as_text=True)
    listed = done.split('class="list to-review"', 1)[1].split("</ul>", 1)[0]
    assert "电话铃响" in listed and "{{" not in listed and "三|3" not in listed
    assert 'class="blank blank-empty"' in listed
    assert "/study/mistakes" in done


def test_self_rating_buttons_say_when_the_item_comes_back(client):
    page = qa_card(client)
    buttons = re.findall(r'name="self_rating"[^>]*>[^<]*<small>([^<]+)</small>', page)
    assert len(buttons) == 4
    assert not any(re.search(r"\dd\b|<1d", label) for label in buttons), buttons
    assert all(label == "今天内" or re.fullmatch(r"\d+ 天后", label) for label in buttons)
    english = client.post(
        "/language",
        data={"language": "en", "next": "/study/", "csrf_token": fields(page)["csrf_token"]},
    )
    assert english.status_code == 302
    page = client.get("/study/").get_data(as_text=True)
    labels = re.findall(r'name="self_rating"[^>]*>[^<]*<small>([^<]+)</small>', page)
    assert all(
        label == "later today" or re.fullmatch(r"in 1 day|in \d+ days", label) for label in labels
    ), labels
    assert "in 1 days" not in page


def test_a_finished_batch_offers_what_is_left_of_todays_plan(client):
    setup_hire(client, cap=20)
    answer(client, client.get("/study/").get_data(as_text=True))
    # As if the batch had announced one card (the plan refilled after it started).
    with client.session_transaction() as cookie:
        stored = Batch.from_dict(cookie["study_batch"])
        cookie["study_batch"] = {**stored.to_dict(), "size": 1}
    done = client.get("/study/").get_data(as_text=True)
    assert 'id="done"' in done and "今天的计划里还有 5 题" in done
    more = re.search(r'id="continue" href="([^"]+)"', done).group(1).replace("&amp;", "&")
    page = client.get(more).get_data(as_text=True)
    assert progress(page) == (1, 5) and "这一轮：新题 5 题" in page
    # A reload of that link mid-batch keeps the batch.
    answer(client, page)
    assert progress(client.get(more).get_data(as_text=True)) == (2, 5)


def test_self_rated_hard_is_shown_as_remembered(client):
    page = qa_card(client)
    feedback = client.post("/study/answer", data={**fields(page), "self_rating": "hard"}).get_data(
        as_text=True
    )
    banner = re.search(r'<p class="verdict-banner">(.*?)</p>', feedback, re.S).group(1)
    assert "✓ 吃力" in banner and "✗" not in banner
    assert "result right" in feedback and "/study/retry/" not in feedback


def test_a_typed_answer_with_most_key_points_is_shown_as_nearly_right(client):
    page = qa_card(client)
    feedback = client.post(
        "/study/answer", data={**fields(page), "text": "说话轻，走路轻"}
    ).get_data(as_text=True)
    banner = re.search(r'<p class="verdict-banner">(.*?)</p>', feedback, re.S).group(1)
    assert "✓ 基本答对" in banner
    assert "其实我答错了" in feedback  # the grader's ✓ can still be taken back
