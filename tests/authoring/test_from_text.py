"""A pasted or uploaded 应知应会 document becomes a draft bank; quality warnings on drafts."""

from __future__ import annotations

import io

import pytest

from quizapp.extensions import db
from quizapp.models import BankDraft
from tests.factories import login, make_person

from .helpers import BANK, draft_id, drafts, publish, token, upload_text

DOCUMENT = """客服部应知应会
1、业主来电报修怎样处理？
答：登记报修内容，开维修单交工程部，处理完毕后回访。
2、电话铃响几声内必须接听？
答：三声之内。
"""


@pytest.fixture
def trainer(app, client):
    make_person("T1", roles=("trainer",))
    login(client, "T1")
    return client


def post(client, **data):
    data.setdefault("bank_id", "front-desk")
    data.setdefault("title", "前台应知应会")
    data["csrf_token"] = token(client, "/authoring/from-text")
    return client.post("/authoring/from-text", data=data, content_type="multipart/form-data")


def test_pasted_text_becomes_a_draft_bank(trainer):
    assert trainer.get("/authoring/from-text").status_code == 200
    response = post(trainer, text=DOCUMENT, roles="客服前台、贴心管家")
    assert response.status_code == 302
    draft = db.session.get(BankDraft, draft_id(response))
    assert draft.kind == "from_text" and draft.filename == "front-desk.md"
    assert "id: front-desk" in draft.source and "客服前台" in draft.source
    page = trainer.get(f"/authoring/drafts/{draft.id}").get_data(as_text=True)
    assert "业主来电报修怎样处理？" in page and "找到 2 道题" in page
    assert publish(trainer, draft.id).status_code == 302


def test_an_uploaded_text_file_becomes_a_draft(trainer):
    data = (io.BytesIO(DOCUMENT.encode("gb18030")), "应知应会.txt")
    response = post(trainer, file=data)
    assert response.status_code == 302
    assert "电话铃响几声内必须接听？" in drafts()[0].source


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "这里没有任何问题，只有一句话。"}, "没有在文本中找到问题和答案"),
        ({"text": ""}, "请粘贴文本或选择文件"),
        ({"text": DOCUMENT, "bank_id": "Not A Slug"}, "题库编号只能用小写字母"),
        ({"text": DOCUMENT, "title": ""}, "请填写题库标题"),
        ({"file": (io.BytesIO(b"%PDF"), "a.pdf")}, "只接受 .txt 或 .docx 文件"),
        ({"file": (io.BytesIO(b"PK\x03\x04broken"), "a.docx")}, "无法读取文件"),
    ],
)
def test_bad_input_is_said_on_the_form(trainer, data, message):
    response = post(trainer, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert drafts() == []


def test_a_bank_id_of_another_trainers_bank_is_refused(app, trainer):
    make_person("T2", roles=("trainer",))
    other = app.test_client()
    login(other, "T2")
    publish(other, draft_id(upload_text(other, BANK)))
    response = post(trainer, text=DOCUMENT, bank_id="service")
    assert response.status_code == 422 and "你不能修改它" in response.get_data(as_text=True)
    assert drafts() == []


def test_quality_warnings_compare_the_draft_with_banks_of_the_same_roles(trainer):
    publish(trainer, draft_id(upload_text(trainer, BANK)))
    contradicting = BANK.replace("id: service", "id: other").replace(
        "编号：ring\n答案：对", "编号：ring\n答案：错"
    )
    draft = draft_id(upload_text(trainer, contradicting))
    page = trainer.get(f"/authoring/drafts/{draft}").get_data(as_text=True)
    warnings = page[page.index("质量提醒") :]
    warnings = warnings[: warnings.index("</section>")]
    line = contradicting.split("\n").index("## 电话铃响三声之内必须接听。") + 1
    assert f"第 {line} 行" in warnings and "service" in warnings, warnings
