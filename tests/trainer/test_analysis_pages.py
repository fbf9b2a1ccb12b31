"""The item-analysis pages of the trainer blueprint: who may open them, what they show,
and that no query string makes them fail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import JobRole
from tests.factories import login, make_person
from tests.trainer.test_analysis_service import SCRIPT, cohort, item_id  # noqa: F401

PAGES = ["/trainer/analysis", "/trainer/leeches"]


def test_a_trainer_opens_the_analysis_with_their_trainees_data(cohort, client):  # noqa: F811
    login(client, "T1")
    page = client.get("/trainer/analysis").get_data(as_text=True)
    assert "题目分析" in page and "共 5 题" in page
    assert "几乎人人答错" in page and "强者反而更易错" in page
    assert page.index("电话铃响三声之内必须接听。") < page.index("有偿维修前须讲明什么？")
    assert "按章节" in page and "按岗位" in page and "客服前台" in page
    assert "营业厅营业员" not in page.split("按岗位")[1]  # E7 is T2's trainee
    assert f"/trainer/analysis/item/{item_id('paid')}" in page
    # The filters are select boxes, the chosen option selected.
    assert '<select id="filter-bank" name="bank">' in page
    everything = client.get("/trainer/analysis?bank=0&section=0&job_role=0")
    assert "共 5 题" in everything.get_data(as_text=True)
    role_id = db.session.scalar(select(JobRole.id).where(JobRole.name == "营业厅营业员"))
    narrowed = client.get(f"/trainer/analysis?job_role={role_id}").get_data(as_text=True)
    assert "共 0 题" in narrowed and f'<option value="{role_id}" selected>' in narrowed

    leeches = client.get("/trainer/leeches").get_data(as_text=True)
    assert "易忘题" in leeches and "共 2 题" in leeches
    assert leeches.index("发现火情先报警。") < leeches.index("电话铃响三声之内必须接听。")

    home = client.get("/trainer/").get_data(as_text=True)
    for target in ("/trainer/analysis", "/trainer/leeches", "/assignments/", "/exams/"):
        assert f'href="{target}"' in home


def test_the_drill_down_escapes_typed_answers(cohort, client):  # noqa: F811
    login(client, "T1")
    page = client.get(f"/trainer/analysis/item/{item_id('three')}").get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "说话轻，走路轻" in page and "别人的答案" not in page
    assert "推翻评分" in page and "50%" in page
    choices = client.get(f"/trainer/analysis/item/{item_id('paid')}").get_data(as_text=True)
    assert "B. 费用" in choices
    assert client.get("/trainer/analysis/item/2147483647").status_code == 404
    assert client.get("/trainer/analysis/item/99999999999").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?bank=abc&section=%00&job_role=1e9",
        "?bank=-1&section=-99999999999&job_role=99999999999999999999",
        "?bank=2147483647&section=2147483647&job_role=2147483647",
        "?bank=１&section=&job_role=<script>",
        "?bank=1&bank=2",
    ],
)
def test_bad_query_values_do_not_fail(cohort, client, query):  # noqa: F811
    login(client, "T1")
    for path in PAGES:
        assert client.get(path + query).status_code == 200


def test_only_trainers_and_admins_open_the_pages(cohort, app):  # noqa: F811
    make_person("A1", roles=("admin",))
    for number, status in (("E1", 403), ("H1", 403), ("A1", 200), ("T2", 200)):
        client = app.test_client()
        login(client, number)
        for path in [*PAGES, f"/trainer/analysis/item/{item_id('three')}"]:
            assert client.get(path).status_code == status, (number, path)
    client = app.test_client()
    assert client.get("/trainer/analysis").status_code in (302, 401)


def test_an_admin_sees_everyones_answers(cohort, app):  # noqa: F811
    make_person("A1", roles=("admin",))
    client = app.test_client()
    login(client, "A1")
    page = client.get(f"/trainer/analysis/item/{item_id('three')}").get_data(as_text=True)
    assert "别人的答案" in page


def test_empty_pages_say_so(app, client):
    make_person("T1", roles=("trainer",))
    login(client, "T1")
    assert "还没有作答数据" in client.get("/trainer/analysis").get_data(as_text=True)
    assert "没有反复遗忘的题目" in client.get("/trainer/leeches").get_data(as_text=True)
