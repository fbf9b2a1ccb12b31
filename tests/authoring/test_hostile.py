"""Hostile text in every field of an uploaded bank and of the item form: the preview, the
draft page and the bank pages never carry a script, an event handler or a javascript: URL,
and no input ends in a server error."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from quizapp.bank import model
from quizapp.bank.export import export_bank
from quizapp.bank.parser import parse_text
from quizapp.bank.render import ALLOWED_TAGS
from quizapp.extensions import db
from quizapp.models import Bank, Employee, Item
from tests.factories import login, make_person

from .helpers import BANK, draft_id, publish, token, upload_text

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点我</a>',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "![图](javascript:alert(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '"><script>alert(1)</script>',
    "<<SCRIPT>alert('XSS');//<</SCRIPT>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<details open ontoggle=alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "{{ config }} {% raw %}",
]
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            # As a browser reads a URL (WHATWG URL parsing): C0 controls and spaces cut
            # from both ends, tabs and line breaks dropped anywhere; schemes are ASCII
            # case-insensitive.
            squeezed = re.sub(r"[\t\n\r]", "", (value or "").strip("\x00- ")).lower()
            is_url = name in URL_ATTRIBUTES
            if (
                name.startswith("on")
                or name == "style"
                or (is_url and squeezed.startswith(BAD_SCHEMES))
            ):
                self.bad.append(f"<{tag} {name}={value!r}>")


def tags_of(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def assert_safe(html: str, baseline: set[str]) -> None:
    found = tags_of(html)
    assert not found.bad, found.bad[:5]
    extra = found.tags - baseline - ALLOWED_TAGS
    assert not extra, extra
    assert "<script" not in html.lower()


def hostile_items(strings: list[str]) -> list[model.Item]:
    """One 单选 and one 问答 item a string, with the string in every field; only items the
    parser accepts (a control character, say, is refused with its line)."""
    kept = []
    for n, text in enumerate(strings):
        for item in (
            model.Item(
                "qa",
                f"{text}（{n}）",
                id=f"qa{n}",
                answer=f"- {text}\n- 要点",
                explanation=text,
            ),
            model.Item(
                "single",
                f"第{n}题：{text}",
                id=f"single{n}",
                choices=(model.Choice(f"{text} A", True), model.Choice("其他", False)),
                explanation=text,
            ),
        ):
            bank = model.Bank(
                "probe", "探测", roles=("客服前台",), sections=(model.Section("章", (), (item,)),)
            )
            if parse_text(export_bank(bank)).ok:
                kept.append(item)
    return kept


def bank_text(bank_id: str, items: list[model.Item]) -> str:
    bank = model.Bank(
        bank_id, "危险字符", roles=("客服前台",), sections=(model.Section("章", (), tuple(items)),)
    )
    text = export_bank(bank)
    assert parse_text(text).ok
    return text


@pytest.fixture
def trainer(app, client):
    make_person("T1", roles=("trainer",))
    login(client, "T1")
    return client


@pytest.fixture
def baseline(trainer) -> set[str]:
    """The tags of the pages with harmless content."""
    draft = draft_id(upload_text(trainer, BANK))
    tags = tags_of(trainer.get(f"/authoring/drafts/{draft}").get_data(as_text=True)).tags
    publish(trainer, draft)
    for path in ("/banks/service", "/authoring/", "/authoring/banks/service/history"):
        tags |= tags_of(trainer.get(path).get_data(as_text=True)).tags
    item_id = db.session.scalar(select(Item.id))
    tags |= tags_of(trainer.get(f"/authoring/items/{item_id}/edit").get_data(as_text=True)).tags
    return tags


def check_upload(client, text: str, baseline: set[str], slug: str) -> None:
    response = upload_text(client, text)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    draft = draft_id(response)
    page = client.get(f"/authoring/drafts/{draft}")
    assert page.status_code == 200
    assert_safe(page.get_data(as_text=True), baseline)
    assert publish(client, draft).status_code == 302
    for path in (f"/banks/{slug}", f"/banks/{slug}?page=2", f"/authoring/banks/{slug}/history"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_safe(response.get_data(as_text=True), baseline)


def test_xss_in_every_field_is_never_markup(trainer, baseline):
    items = hostile_items(XSS)
    assert len(items) >= 2 * len(XSS) - 2  # nearly all are valid bank text
    check_upload(trainer, bank_text("xss", items), baseline, "xss")
    # Rendered: the Markdown links survive as text or as links without the bad scheme.
    page = trainer.get("/banks/xss").get_data(as_text=True)
    assert "点我" in page and "&lt;script&gt;" in page


def test_naughty_strings_in_every_field(trainer, baseline, blns):
    items = hostile_items(blns)
    assert len(items) > len(blns)  # most strings are accepted in both items
    for start in range(0, len(items), 100):
        slug = f"blns-{start // 100}"
        check_upload(trainer, bank_text(slug, items[start : start + 100]), baseline, slug)


def test_naughty_text_as_a_whole_upload_shows_errors_safely(trainer, baseline, blns):
    """Strings pasted raw as bank text (not exported): errors with their lines, escaped."""
    text = BANK + "\n".join(f"## {s}\n答案：{s}\n解析：{s}" for s in XSS + blns)
    response = upload_text(trainer, text)
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        page = trainer.get(response.headers["Location"])
        assert page.status_code == 200
        assert_safe(page.get_data(as_text=True), baseline)


def test_item_form_with_hostile_values(trainer, baseline, blns):
    publish(trainer, draft_id(upload_text(trainer, BANK.replace("id: service", "id: form"))))
    bank = db.session.scalar(select(Bank).where(Bank.slug == "form"))
    bank.owner_id = db.session.scalar(select(Employee.id).where(Employee.employee_no == "T1"))
    db.session.commit()
    three = db.session.scalar(select(Item).where(Item.bank_id == bank.id, Item.key == "three"))
    path = f"/authoring/items/{three.id}/edit"
    tok = token(trainer, path)
    for text in XSS + blns[::7]:
        data = {
            "csrf_token": tok,
            "question": text or "题",
            "answer": f"- {text}",
            "explanation": text,
            "tags": text,
            "synonyms": text,
        }
        response = trainer.post(path, data=data)
        assert response.status_code in (302, 422, 200), text
        if response.status_code == 302:
            page = trainer.get(response.headers["Location"])
            assert page.status_code == 200
        else:
            page = response
        assert_safe(page.get_data(as_text=True), baseline)


def test_the_hostile_items_keep_their_text_through_the_export():
    items = hostile_items(XSS[:3])
    assert replace(items[0], line=0).explanation == XSS[0]
