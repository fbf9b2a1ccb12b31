"""The bank page shows a big bank a page (or a section) at a time, with a search; whatever
the URL holds for page, section or search, the answer is a page or a 404, never an error."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from quizapp.catalog.service import ITEMS_PER_PAGE, MAX_QUERY_LENGTH
from quizapp.extensions import db
from quizapp.models import Section
from tests.factories import load_bank, login, make_person

SECTIONS = {"报修": 70, "投诉": 40, "安全": 10}
SPECIAL = ["Fire drill: 100% ready_now?", "电梯困人怎样处理？"]


def big_bank(bank_id: str = "big", sections: dict[str, int] = SECTIONS) -> str:
    out = [f"---\nid: {bank_id}\ntitle: 大题库\nroles: 客服前台\n---\n"]
    for title, count in sections.items():
        out.append(f"# {title}\n")
        for n in range(1, count + 1):
            out.append(f"## {title}第{n}题：业主来电时客服应当怎样处理？\n答案：对\n")
    out.append("# 特别\n")
    for question in SPECIAL:
        out.append(f"## {question}\n答案：对\n")
    return "\n".join(out)


TOTAL = sum(SECTIONS.values()) + len(SPECIAL)  # 122: three pages


@pytest.fixture
def staff(app, client):
    make_person("A1", roles=("admin",))
    login(client, "A1")
    return client


@pytest.fixture
def bank(staff):
    load_bank(big_bank())
    return {s.title: s.id for s in db.session.scalars(select(Section))}


def items(html: str) -> list[tuple[str, int]]:
    """(question, number) of every item on the page, in order."""
    found = re.findall(
        r'<li class="item[^"]*" id="item-\d+" value="(\d+)">.*?<p class="question">(.*?)</p>',
        html,
        re.S,
    )
    return [(question, int(number)) for number, question in found]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_big_bank_is_shown_fifty_items_a_page(staff, bank):
    first = page(staff, "/banks/big")
    shown = items(first)
    assert len(shown) == ITEMS_PER_PAGE
    assert shown[0] == ("报修第1题：业主来电时客服应当怎样处理？", 1)
    assert "第 1 / 3 页" in first
    assert 'href="/banks/big?page=2"' in first and 'rel="prev"' not in first
    # Page 2 goes on in the same section: numbers are places in the section.
    second = items(page(staff, "/banks/big?page=2"))
    assert second[0] == ("报修第51题：业主来电时客服应当怎样处理？", 51)
    assert second[20] == ("投诉第1题：业主来电时客服应当怎样处理？", 1)
    last = page(staff, "/banks/big?page=3")
    assert len(items(last)) == TOTAL - 2 * ITEMS_PER_PAGE
    assert 'rel="next"' not in last and 'href="/banks/big?page=2"' in last
    assert staff.get("/banks/big?page=4").status_code == 404
    every = [q for n in (1, 2, 3) for q, _ in items(page(staff, f"/banks/big?page={n}"))]
    assert len(every) == len(set(every)) == TOTAL


def test_the_contents_link_to_one_section_at_a_time(staff, bank):
    html = page(staff, "/banks/big")
    for title, count in SECTIONS.items():
        assert f'href="/banks/big?section={bank[title]}">{title}</a>' in html
        assert f"{count} 题" in html
    section = page(staff, f"/banks/big?section={bank['投诉']}")
    shown = items(section)
    assert [n for _, n in shown] == list(range(1, 41))
    assert all(q.startswith("投诉") for q, _ in shown)
    assert "<h1>投诉</h1>" in section and 'rel="next"' not in section
    long = items(page(staff, f"/banks/big?section={bank['报修']}&page=2"))
    assert [n for _, n in long] == list(range(51, 71))
    assert staff.get(f"/banks/big?section={bank['报修']}&page=3").status_code == 404


def test_search_finds_questions_in_the_bank(staff, bank):
    html = page(staff, "/banks/big?q=投诉第3题")
    assert [q for q, _ in items(html)] == ["投诉第3题：业主来电时客服应当怎样处理？"]
    assert "“投诉第3题”：1 题" in html
    assert 'value="投诉第3题"' in html
    # Whatever the case; % and _ are letters, not wildcards.
    assert items(page(staff, "/banks/big?q=FIRE DRILL")) == [(SPECIAL[0], 1)]
    assert items(page(staff, "/banks/big?q=100%25")) == [(SPECIAL[0], 1)]
    assert items(page(staff, "/banks/big?q=y_n")) == [(SPECIAL[0], 1)]
    assert items(page(staff, "/banks/big?q=_")) == [(SPECIAL[0], 1)]
    # Many matches are paged too; a search within a section stays in it.
    assert len(items(page(staff, "/banks/big?q=客服&page=3"))) == TOTAL - len(SPECIAL) - 100
    within = items(page(staff, f"/banks/big?section={bank['安全']}&q=客服"))
    assert [n for _, n in within] == list(range(1, 11))
    nothing = page(staff, "/banks/big?q=没有这道题")
    assert items(nothing) == [] and "没有找到题目" in nothing


def test_a_search_is_cleaned_before_it_is_used(staff, bank):
    html = page(staff, "/banks/big?q=%00%01安全%0A第1题%20%20")
    assert 'value="安全 第1题"' not in html  # control characters go, spaces collapse
    assert 'value="安全第1题"' in html
    long = page(staff, "/banks/big?q=" + "报" * 10_000)
    assert f'value="{"报" * MAX_QUERY_LENGTH}"' in long


@pytest.mark.parametrize(
    "query, status",
    [
        ("page=0", 404),
        ("page=-1", 404),
        ("page=abc", 404),
        ("page=1.5", 404),
        ("page=", 404),
        ("page=01", 404),
        ("page=%EF%BC%92", 404),  # a full-width 2
        ("page=%D9%A2", 404),  # an Arabic-Indic 2
        ("page=99999999999999999999999", 404),
        ("page=2147483648", 404),
        ("page=4", 404),
        ("section=0", 404),
        ("section=abc", 404),
        ("section=-1", 404),
        ("section=99999999999999999999999", 404),
        ("section=9223372036854775808", 404),
        ("section=", 200),
        ("page=1&page=2", 200),
        ("q=%00", 200),
        ("q=%FF%FE", 200),
        ("q=%ED%A0%80", 200),  # an encoded surrogate
        ("q=%3Cscript%3Ealert(1)%3C/script%3E", 200),
        ("q=" + "%25" * 5000, 200),
        ("q=%27%20OR%201=1--", 200),
        ("q=a&page=2", 404),
    ],
)
def test_hostile_page_section_and_search_parameters(staff, bank, query, status):
    response = staff.get(f"/banks/big?{query}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html


def test_a_section_of_another_bank_is_not_found(staff, bank):
    load_bank(big_bank("other", {"别的": 3}))
    other = db.session.scalar(select(Section).where(Section.title == "别的"))
    assert staff.get(f"/banks/big?section={other.id}").status_code == 404
    assert staff.get(f"/banks/other?section={other.id}").status_code == 200


def test_the_page_costs_the_same_queries_whatever_the_size_of_the_bank(staff):
    # One query per table, not per item or section: a page of a 600-item bank is as cheap.
    load_bank(big_bank("small", {"一": 3}))
    load_bank(big_bank("large", {"一": 300, "二": 300}))

    def statements(url: str) -> int:
        count = 0

        def counted(_conn, _cursor, statement, *_args):
            nonlocal count
            count += statement.lstrip().upper().startswith("SELECT")

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            page(staff, url)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return count

    assert statements("/banks/large?page=5") == statements("/banks/small")
    assert len(items(page(staff, "/banks/large?page=5"))) == ITEMS_PER_PAGE
