"""Who may do what: trainers their own banks and drafts, admins everything, HR read only,
employees nothing; every form needs its CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Bank, BankDraft, Employee, Item
from tests.conftest import database_snapshot
from tests.factories import load_bank, login, make_person

from .helpers import BANK, draft_id, drafts, publish, token, upload_text


def person_id(number: str) -> int:
    return db.session.scalar(select(Employee.id).where(Employee.employee_no == number))


@pytest.fixture
def world(app):
    for number, roles in (("T1", ("trainer",)), ("T2", ("trainer",)), ("H1", ("hr",))):
        make_person(number, roles=roles)
    make_person("A1", roles=("admin",))
    make_person("E1")
    load_bank(BANK)
    bank = db.session.scalar(select(Bank))
    bank.owner_id = person_id("T1")
    db.session.add(
        BankDraft(
            owner_id=person_id("T1"),
            bank_id=bank.id,
            kind="upload",
            source=BANK.replace("说话轻", "说话要轻"),
            base_hash=bank.content_hash,
        )
    )
    db.session.commit()
    return {
        "draft": db.session.scalar(select(BankDraft.id)),
        "item": db.session.scalar(select(Item.id)),
    }


def client_for(app, number: str):
    client = app.test_client()
    login(client, number)
    return client


def test_an_employee_may_not_author_nor_download(app, world):
    client = client_for(app, "E1")
    for path in ("/authoring/", "/authoring/banks/service/download", "/authoring/from-text"):
        assert client.get(path).status_code == 403, path
    assert "编写题库" not in client.get("/study/progress").get_data(as_text=True)


def test_hr_may_download_and_read_history_but_not_author(app, world):
    client = client_for(app, "H1")
    assert client.get("/authoring/banks/service/download").status_code == 200
    assert client.get("/authoring/banks/service/history").status_code == 200
    assert client.get("/authoring/").status_code == 403
    page = client.get("/banks/service").get_data(as_text=True)
    assert "/authoring/banks/service/download" in page and "/edit" not in page
    assert "编写题库" not in client.get("/").get_data(as_text=True)


def test_a_trainer_cannot_reach_another_trainers_draft_or_bank(app, world):
    client = client_for(app, "T2")
    draft = world["draft"]
    assert client.get(f"/authoring/drafts/{draft}").status_code == 404
    tok = token(client)
    for path in (f"/authoring/drafts/{draft}/publish", f"/authoring/drafts/{draft}/discard"):
        assert client.post(path, data={"csrf_token": tok}).status_code == 404, path
    assert (
        client.post(
            f"/authoring/drafts/{draft}/save", data={"csrf_token": tok, "source": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/authoring/items/{world['item']}/edit").status_code == 404
    assert client.get("/authoring/drafts/99999").status_code == 404
    page = client.get("/banks/service").get_data(as_text=True)
    assert f"/authoring/items/{world['item']}/edit" not in page
    assert "客服题库" not in client.get("/authoring/").get_data(as_text=True)
    # Uploading over T1's bank is refused, and nothing is stored.
    response = upload_text(client, BANK)
    assert response.status_code == 422 and "你不能修改它" in response.get_data(as_text=True)
    assert len(drafts()) == 1
    assert (
        client.post("/authoring/banks/service/owner", data={"csrf_token": tok}).status_code == 403
    )


def test_the_owner_edits_and_sees_edit_links(app, world):
    client = client_for(app, "T1")
    assert client.get(f"/authoring/drafts/{world['draft']}").status_code == 200
    assert client.get(f"/authoring/items/{world['item']}/edit").status_code == 200
    page = client.get("/banks/service").get_data(as_text=True)
    assert f"/authoring/items/{world['item']}/edit" in page
    assert "编写题库" in page


def test_a_draft_whose_bank_changed_owner_is_not_published(app, world):
    admin = client_for(app, "A1")
    response = admin.post(
        "/authoring/banks/service/owner",
        data={"owner": str(person_id("T2")), "csrf_token": token(admin)},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Bank.owner_id)) == person_id("T2")
    client = client_for(app, "T1")
    assert "另一位培训师负责" in client.get(f"/authoring/drafts/{world['draft']}").get_data(
        as_text=True
    )
    before = database_snapshot()
    assert "不能修改" in publish(client, world["draft"], follow=True).get_data(as_text=True)
    assert database_snapshot() == before


def test_an_admin_may_do_everything(app, world):
    admin = client_for(app, "A1")
    assert admin.get(f"/authoring/drafts/{world['draft']}").status_code == 200
    assert admin.get(f"/authoring/items/{world['item']}/edit").status_code == 200
    page = admin.get("/authoring/").get_data(as_text=True)
    assert "全部题库" in page and "测试T1" in page
    # Only a trainer may own a bank.
    admin.post(
        "/authoring/banks/service/owner",
        data={"owner": str(person_id("H1")), "csrf_token": token(admin)},
    )
    assert db.session.scalar(select(Bank.owner_id)) == person_id("T1")
    admin.post("/authoring/banks/service/owner", data={"owner": "0", "csrf_token": token(admin)})
    assert db.session.scalar(select(Bank.owner_id)) is None
    draft = draft_id(upload_text(admin, BANK.replace("走路轻", "走路要轻")))
    assert publish(admin, draft).status_code == 302


@pytest.mark.parametrize(
    "path",
    ["/authoring/upload", "/authoring/drafts/{draft}/publish", "/authoring/drafts/{draft}/save"],
)
def test_csrf_is_enforced(app, world, path):
    client = client_for(app, "T1")
    before = database_snapshot()
    response = client.post(
        path.format(draft=world["draft"]), data={"text": BANK, "source": "changed"}
    )
    assert response.status_code == 302
    assert database_snapshot() == before
    assert "页面已过期" in client.get("/authoring/").get_data(as_text=True)


def test_csrf_is_enforced_on_item_edit(app, world):
    client = client_for(app, "T1")
    before = database_snapshot()
    response = client.post(f"/authoring/items/{world['item']}/edit", data={"question": "新"})
    assert response.status_code == 302 and database_snapshot() == before
