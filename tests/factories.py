"""Plain builders for test data."""

from __future__ import annotations

from datetime import UTC, datetime

BANK_HEADER = """---
id: {bank_id}
title: {title}
version: 1
roles: 客服前台、贴心管家
---
"""


def bank_text(body: str, bank_id: str = "sample", title: str = "示例题库") -> str:
    """A bank file: front matter with default roles, then `body` (sections and items)."""
    return BANK_HEADER.format(bank_id=bank_id, title=title) + "\n" + body


def write_bank(tmp_path, body: str, name: str = "bank.md", **kwargs) -> str:
    path = tmp_path / name
    path.write_text(bank_text(body, **kwargs), encoding="utf-8")
    return str(path)


# 09:00 in Shanghai on a Monday.
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)

STUDY_BANK = """---
id: study
title: 学习测试
roles: 客服前台
---

# 基础
岗位：客服前台

## 三轻指什么？
编号：three
类型：问答
答案：
- 说话轻
- 走路轻
- 操作轻

## 有偿维修前须讲明什么？
编号：paid
- [ ] 人员
- [x] 费用
- [ ] 时间

## 哪些属于每周工作？
编号：weekly
类型：多选
- [x] 回访
- [x] 跟进投诉
- [ ] 发放征询表

## 电话铃响三声之内必须接听。
编号：ring
答案：对

## 电话铃响{{三|3}}声之内必须接听。
编号：ring-cloze

## 发现火情先报警。
编号：fire
红线：是
答案：对

# 营业厅
岗位：营业厅营业员

## 营业厅的题。
编号：telecom-only
答案：对
"""


def load_bank(text: str = STUDY_BANK, now: datetime = T0):
    """Import a bank as `quizapp bank import` does (committed); its import report."""
    from quizapp.bank.importing import import_parsed
    from quizapp.bank.parser import parse_text
    from quizapp.extensions import db

    outcome = import_parsed(db.session, [parse_text(text, "study.md")], None, now)
    assert outcome.imported, (outcome.error, [r.errors for r in outcome.parsed])
    return outcome.reports[0]


PASSWORD = "correct-horse-9"


def make_person(
    employee_no: str,
    roles=("employee",),
    job_role: str | None = None,
    site: str | None = None,
    trainer: str | None = None,
    password: str = PASSWORD,
    must_change: bool = False,
    name: str | None = None,
):
    """A person in the database (committed), with a known password."""
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import JobRole
    from quizapp.models.types import utcnow
    from quizapp.people.service import NewPerson, create_person

    if job_role and db.session.scalar(select(JobRole).where(JobRole.name == job_role)) is None:
        db.session.add(JobRole(name=job_role))
    person, _ = create_person(
        db.session,
        NewPerson(
            employee_no=employee_no,
            name=name or f"测试{employee_no}",
            roles=frozenset(roles),
            job_role=job_role,
            site=site,
            trainer_no=trainer,
        ),
        None,
        utcnow(),
        password=password,
        create_site=True,
    )
    person.must_change_password = must_change
    db.session.commit()
    return person


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the session, as a form on `path` carries it."""
    import re

    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}: {html[:800]}"
    return match.group(1)


def login(
    client, employee_no: str, password: str = PASSWORD, remember: bool = False, follow: bool = False
):
    data = {"employee_no": employee_no, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, follow_redirects=follow)


def logged_in(client) -> bool:
    """Whether the client's session is a logged-in one (a page any logged-in person sees)."""
    response = client.get("/password")
    return response.status_code == 200


def statements_for(client, path: str) -> int:
    """How many SQL statements a GET of ``path`` runs (it must answer 200)."""
    from sqlalchemy import event

    from quizapp.extensions import db

    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
