"""Upload → preview and diff → publish, through the browser pages, on the one import use
case: new banks, updates with added, changed and retired items (and who relearns), and
publishes that are refused leave everything as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, Bank, BankRevision, Employee, Item, MemoryState, ReviewLog
from tests.conftest import database_snapshot
from tests.factories import T0, login, make_person

from .helpers import BANK, draft_id, drafts, publish, token, upload_file, upload_text


@pytest.fixture
def trainer(app, client):
    make_person("T1", roles=("trainer",))
    login(client, "T1")
    return client


def item(key: str) -> Item:
    return db.session.scalar(select(Item).where(Item.key == key))


def remember(employee_no: str, key: str) -> None:
    person = make_person(employee_no)
    db.session.add(
        MemoryState(
            employee_id=person.id,
            item_id=item(key).id,
            state=2,
            step=None,
            stability=5.0,
            difficulty=5.0,
            due=T0 + timedelta(days=3),
            last_review=T0,
            reps=1,
        )
    )
    db.session.commit()


def publish_new(client, text: str = BANK) -> None:
    response = publish(client, draft_id(upload_text(client, text)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/history")


def test_a_new_bank_is_previewed_then_published_with_its_first_revision(trainer):
    response = upload_text(trainer, BANK)
    assert response.status_code == 302
    page = trainer.get(response.headers["Location"]).get_data(as_text=True)
    assert "新题库 service" in page and "三轻指什么？" in page and "说话轻" in page
    assert "发布" in page
    assert db.session.scalar(select(Bank)) is None  # nothing imported before publishing

    response = publish(trainer, draft_id(response), follow=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "已发布第 1 版" in page
    bank = db.session.scalar(select(Bank).where(Bank.slug == "service"))
    trainer_row = db.session.scalar(select(Employee).where(Employee.employee_no == "T1"))
    assert bank.owner_id == trainer_row.id  # the trainer who published a new bank owns it
    revision = db.session.scalar(select(BankRevision))
    assert (revision.number, revision.bank_id, revision.source) == (1, bank.id, BANK)
    assert revision.summary["added"] == 4 and revision.summary["new_bank"] is True
    assert revision.content_hash == bank.content_hash
    assert drafts() == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bank_import"))
    assert entry is not None and entry.actor_id == bank.owner_id and entry.target == "service"


def test_an_update_shows_added_changed_retired_and_who_relearns(trainer):
    publish_new(trainer)
    remember("E1", "paid")
    remember("E2", "paid")
    remember("E3", "three")
    edited = (
        BANK.replace("- [x] 费用\n- [ ] 时间", "- [ ] 费用\n- [x] 时间")  # right answer changes
        .replace("- 操作轻\n", "- 操作轻\n解析：三轻是基本礼仪。\n")  # wording only
        .replace("## 发现火情先报警。\n编号：fire\n答案：对\n", "")  # retired
        + "\n## 电梯困人先安抚。\n编号：lift\n答案：对\n"  # added
    )
    draft = draft_id(upload_text(trainer, edited))
    page = trainer.get(f"/authoring/drafts/{draft}").get_data(as_text=True)
    assert "新增 1 题" in page and "修改 2 题" in page and "停用 1 题" in page
    assert "有 2 条学习进度会被重置" in page
    assert "正确答案变了" in page and "2 人需要重新学习" in page
    assert "电梯困人先安抚。" in page  # the added item is previewed
    assert "发现火情先报警。" in page  # listed as retired
    assert db.session.scalar(select(MemoryState).where(MemoryState.item_id == item("paid").id))

    publish(trainer, draft)
    assert item("paid").version == 2 and item("three").version == 2
    assert item("fire").retired_at is not None and item("lift") is not None
    resets = db.session.scalars(select(ReviewLog).where(ReviewLog.kind == "reset")).all()
    assert sorted(r.item_id for r in resets) == [item("paid").id] * 2
    revision = db.session.scalar(select(BankRevision).where(BankRevision.number == 2))
    assert (revision.summary["added"], revision.summary["changed"]) == (1, 2)
    assert (revision.summary["retired"], revision.summary["relearning"]) == (1, 2)
    assert revision.summary["resets"] == 2
    page = trainer.get("/authoring/banks/service/history").get_data(as_text=True)
    assert "第 2 版" in page and "第 1 版" in page and "测试T1" in page


def test_a_draft_with_errors_lists_each_with_its_line_and_cannot_be_published(trainer):
    broken = BANK.replace("- [x] 费用", "- [ ] 费用").replace("id: service", "id: Not A Slug")
    draft = draft_id(upload_text(trainer, broken))
    page = trainer.get(f"/authoring/drafts/{draft}").get_data(as_text=True)
    assert "有 2 处错误" in page
    assert "第 2 行" in page and "id: Not A Slug" in page  # the line's own text
    line = broken.split("\n").index("## 有偿维修前须讲明什么？") + 1
    assert f"第 {line} 行" in page and "none are marked" in page
    before = database_snapshot()
    response = publish(trainer, draft, follow=True)
    assert "处错误，没有发布" in response.get_data(as_text=True)
    assert database_snapshot() == before


def test_nothing_typed_is_lost_when_a_draft_is_saved(trainer):
    draft = draft_id(upload_text(trainer, BANK))
    typed = BANK.replace("客服题库", "客服题库（修订）") + "\n## 半截的题目\n"
    response = trainer.post(
        f"/authoring/drafts/{draft}/save",
        data={"source": typed, "csrf_token": token(trainer)},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "草稿已保存" in page and "半截的题目" in page and "处错误" in page
    assert drafts()[0].source == typed


def test_a_stale_draft_is_refused_and_changes_nothing(app, trainer):
    publish_new(trainer)
    first = draft_id(upload_text(trainer, BANK.replace("说话轻", "说话要轻")))
    second = draft_id(upload_text(trainer, BANK.replace("走路轻", "走路要轻")))
    publish(trainer, first)
    before = database_snapshot()
    page = publish(trainer, second, follow=True).get_data(as_text=True)
    assert "已经被别人发布了新版本" in page
    assert database_snapshot() == before
    assert "请下载最新版本" in trainer.get(f"/authoring/drafts/{second}").get_data(as_text=True)


def test_a_publish_that_fails_inside_the_import_leaves_everything_as_it_was(trainer, monkeypatch):
    publish_new(trainer)
    draft = draft_id(upload_text(trainer, BANK.replace("说话轻", "说话要轻")))
    before = database_snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after the bank's rows are written, before the revision is added.
    monkeypatch.setattr("quizapp.bank.importing.relearn_changed_items", broken)
    with pytest.raises(RuntimeError):
        publish(trainer, draft)
    db.session.rollback()
    assert database_snapshot() == before  # the import was rolled back with the revision


def test_an_unchanged_draft_is_not_published(trainer):
    publish_new(trainer)
    draft = draft_id(upload_text(trainer, BANK))
    assert "完全相同" in trainer.get(f"/authoring/drafts/{draft}").get_data(as_text=True)
    before = database_snapshot()
    assert "完全相同" in publish(trainer, draft, follow=True).get_data(as_text=True)
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        ("题库".encode("gbk"), "gbk.md", "不是 UTF-8"),
        (b"%PDF-1.4", "bank.pdf", "只接受 .md"),
    ],
)
def test_bad_files_are_refused_with_a_clear_reason(trainer, data, filename, message):
    response = upload_file(trainer, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert drafts() == []


def test_a_file_over_the_limit_is_refused(trainer, monkeypatch):
    # A small limit for the test: a 1 MB body would be spooled to a temporary file.
    monkeypatch.setattr("quizapp.authoring.service.MAX_DRAFT_BYTES", 2048)
    response = upload_file(trainer, BANK.encode("utf-8") * 8, "big.md")
    assert response.status_code == 422
    assert "文件超过" in response.get_data(as_text=True) and drafts() == []


def test_a_request_over_the_apps_limit_says_what_the_limits_are(app, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = upload_file(trainer, b"x" * 8192, "big.md")
    assert response.status_code == 302
    assert "题库文件不超过 1 MB" in trainer.get("/authoring/").get_data(as_text=True)


def test_a_file_with_a_byte_order_mark_is_read(trainer):
    response = upload_file(trainer, b"\xef\xbb\xbf" + BANK.encode("utf-8"), "service.md")
    draft = draft_id(response)
    assert drafts()[0].source == BANK
    assert "处错误" not in trainer.get(f"/authoring/drafts/{draft}").get_data(as_text=True)


def test_an_empty_upload_asks_for_a_file(trainer):
    response = trainer.post("/authoring/upload", data={"csrf_token": token(trainer)})
    assert response.status_code == 422 and "请选择一个 .md 文件" in response.get_data(as_text=True)


def test_discarding_a_draft_deletes_it(trainer):
    draft = draft_id(upload_text(trainer, BANK))
    response = trainer.post(
        f"/authoring/drafts/{draft}/discard", data={"csrf_token": token(trainer)}
    )
    assert response.status_code == 302 and drafts() == []


def test_download_and_history(trainer):
    publish_new(trainer)
    publish(trainer, draft_id(upload_text(trainer, BANK.replace("说话轻", "说话要轻"))))
    response = trainer.get("/authoring/banks/service/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''service.md"
    assert "说话要轻" in response.get_data(as_text=True)
    first = trainer.get("/authoring/banks/service/revisions/1/download")
    assert first.get_data(as_text=True) == BANK
    assert "service-r1.md" in first.headers["Content-Disposition"]
    assert trainer.get("/authoring/banks/service/revisions/9/download").status_code == 404
    assert trainer.get("/authoring/banks/nothing/download").status_code == 404
    page = trainer.get("/authoring/").get_data(as_text=True)
    assert "客服题库" in page and "第 2 版" in page
