"""Creating, changing and archiving exams (quizapp.exams.authoring): what is stored, each
validation error naming its field (with the data unchanged), the trainer's scope, and what
may change once someone has sat the exam."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from quizapp.exams import staff
from quizapp.exams.authoring import (
    ExamSpec,
    ExamSpecError,
    Quota,
    archive_exam,
    create_exam,
    exam_spec,
    update_exam,
)
from quizapp.exams.errors import ExamError
from quizapp.extensions import db
from quizapp.models import AuditEntry, Bank, Exam, ExamAttempt, Item, JobRole, Section, Site
from tests.conftest import database_snapshot
from tests.dashboard import person
from tests.factories import T0, load_bank

NOW = T0


class World(dict):
    """People by employee number, plus the bank's ids."""

    bank_id: int
    sections: dict[str, int]
    items: dict[str, int]
    role_id: int
    site_id: int


def build_world() -> World:
    load_bank(now=NOW - timedelta(days=30))
    world = World()
    world["H1"] = person("H1", roles=("hr",))
    world["A1"] = person("A1", roles=("admin",))
    world["T1"] = person("T1", roles=("trainer",), name="培训师一")
    world["T2"] = person("T2", roles=("trainer",), name="培训师二")
    for number, trainer in (("E1", "T1"), ("E2", "T1"), ("E3", "T2")):
        world[number] = person(number, job_role="客服前台", site="一号项目", trainer=world[trainer])
    world.bank_id = db.session.scalar(select(Bank.id))
    world.sections = {s.title: s.id for s in db.session.scalars(select(Section))}
    world.items = {i.key: i.id for i in db.session.scalars(select(Item))}
    world.role_id = db.session.scalar(select(JobRole.id).where(JobRole.name == "客服前台"))
    world.site_id = db.session.scalar(select(Site.id).where(Site.name == "一号项目"))
    return world


def spec(world: World, **changes) -> ExamSpec:
    base = ExamSpec(
        title="第一周小测",
        bank_ids=(world.bank_id,),
        quotas=(Quota(None, None, 3),),
        audience="role",
        job_role_id=world.role_id,
    )
    return replace(base, **changes)


def attempt_for(exam: Exam, employee, number: int = 1, **values) -> ExamAttempt:
    """A finished attempt written directly."""
    defaults = {
        "status": "submitted",
        "open_slot": None,
        "started_at": NOW,
        "submitted_at": NOW + timedelta(minutes=5),
        "score": 0.5,
        "passed": False,
    }
    # Core insert: the ORM would put the column default (1) for an open_slot of None.
    attempt_id = db.session.execute(
        insert(ExamAttempt)
        .values(exam_id=exam.id, employee_id=employee.id, number=number, **{**defaults, **values})
        .returning(ExamAttempt.id)
    ).scalar_one()
    db.session.commit()
    attempt = db.session.get(ExamAttempt, attempt_id)
    return attempt


@pytest.fixture
def world(app):
    return build_world()


def test_hr_creates_an_exam_for_everyone(world):
    exam = create_exam(db.session, world["H1"], spec(world), NOW)
    stored = db.session.get(Exam, exam.id)
    assert stored.trainer_id is None
    assert stored.created_by_id == world["H1"].id
    assert (stored.kind, stored.draw, stored.layout, stored.reveal) == (
        "quiz",
        "random",
        "single",
        "at_once",
    )
    assert stored.time_limit_s == 15 * 60
    assert stored.pass_mark == pytest.approx(0.8)
    assert [(s.bank_id, s.section_id) for s in stored.sources] == [(world.bank_id, None)]
    assert [(q.section_id, q.type, q.count) for q in stored.quotas] == [(None, None, 3)]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam_create"))
    assert entry.actor_id == world["H1"].id and entry.detail == {"exam_id": exam.id}


def test_a_trainers_exam_reaches_only_their_trainees(world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    assert db.session.get(Exam, exam.id).trainer_id == world["T1"].id


def test_local_times_are_stored_in_utc_and_read_back_local(world):
    opens = datetime(2026, 11, 3, 9, 0)  # Shanghai
    exam = create_exam(
        db.session,
        world["H1"],
        spec(world, opens_at=opens, closes_at=opens + timedelta(hours=2), reveal="after_close"),
        NOW,
    )
    stored = db.session.get(Exam, exam.id)
    assert stored.opens_at == datetime(2026, 11, 3, 1, 0, tzinfo=UTC)
    assert exam_spec(db.session, stored).opens_at == opens


def test_fixed_items_per_section_quotas_and_named_people(world):
    fixed = create_exam(
        db.session,
        world["T1"],
        spec(
            world,
            draw="fixed",
            quotas=(),
            item_ids=(world.items["ring"], world.items["paid"]),
            audience="people",
            employee_nos=("e1", "E2"),
        ),
        NOW,
    )
    stored = db.session.get(Exam, fixed.id)
    assert [f.item_id for f in stored.fixed_items] == [world.items["ring"], world.items["paid"]]
    assert {p.employee_id for p in stored.people} == {world["E1"].id, world["E2"].id}
    basics = world.sections["基础"]
    quota = create_exam(
        db.session,
        world["H1"],
        spec(world, section_ids=(basics,), bank_ids=(), quotas=(Quota(basics, "judge", 2),)),
        NOW,
    )
    assert [(q.section_id, q.type, q.count) for q in quota.quotas] == [(basics, "judge", 2)]


def _bad(world, **changes):
    return spec(world, **changes)


BAD = [
    ("title", {"title": "  "}),
    ("title", {"title": "长" * 201}),
    ("kind", {"kind": "final"}),
    ("draw", {"draw": "all"}),
    ("reveal", {"reveal": "never"}),
    ("layout", {"layout": "scroll"}),
    ("time_limit_minutes", {"time_limit_minutes": 0}),
    ("pass_mark_percent", {"pass_mark_percent": 101}),
    ("attempts_allowed", {"attempts_allowed": 0}),
    ("closes_at", {"opens_at": datetime(2026, 11, 3, 9), "closes_at": datetime(2026, 11, 3, 8)}),
    ("closes_at", {"reveal": "after_close"}),
    ("bank_ids", {"bank_ids": ()}),
    ("bank_ids", {"bank_ids": (99999,)}),
    ("section_ids", {"section_ids": (99999,)}),
    ("quotas", {"quotas": ()}),
    ("quotas", {"quotas": (Quota(None, "essay", 1),)}),
    ("quotas", {"quotas": (Quota(None, None, 0),)}),
    ("quotas", {"quotas": (Quota(None, "qa", 1), Quota(None, "qa", 1))}),
    ("quotas", {"quotas": (Quota(None, None, 99),)}),
    ("item_ids", {"draw": "fixed", "quotas": ()}),
    ("item_ids", {"draw": "fixed", "item_ids": (99999,)}),
    ("job_role_id", {"job_role_id": None}),
    ("job_role_id", {"job_role_id": 99999}),
    ("site_id", {"audience": "site", "job_role_id": None}),
    ("employee_nos", {"audience": "people"}),
    ("employee_nos", {"audience": "people", "employee_nos": ("NOPE1",)}),
]


@pytest.mark.parametrize(
    ("field", "changes"), BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)]
)
def test_each_bad_value_names_its_field_and_changes_nothing(world, field, changes):
    before = database_snapshot()
    with pytest.raises(ExamSpecError) as caught:
        create_exam(db.session, world["H1"], spec(world, **changes), NOW)
    assert caught.value.field == field
    assert caught.value.status == 400
    assert database_snapshot() == before


def test_a_quota_larger_than_its_section_names_section_type_and_count(world):
    basics = world.sections["基础"]
    with pytest.raises(ExamSpecError) as caught:
        create_exam(db.session, world["H1"], spec(world, quotas=(Quota(basics, "judge", 5),)), NOW)
    message = str(caught.value)
    assert "基础" in message and "判断" in message and "2" in message and "5" in message


def test_a_quota_section_must_be_a_source(world):
    basics = world.sections["基础"]
    counter = world.sections["营业厅"]
    with pytest.raises(ExamSpecError) as caught:
        create_exam(
            db.session,
            world["H1"],
            spec(world, bank_ids=(), section_ids=(basics,), quotas=(Quota(counter, None, 1),)),
            NOW,
        )
    assert caught.value.field == "quotas"


def test_fixed_items_must_come_from_the_sources(world):
    basics = world.sections["基础"]
    with pytest.raises(ExamSpecError) as caught:
        create_exam(
            db.session,
            world["H1"],
            spec(
                world,
                bank_ids=(),
                section_ids=(basics,),
                draw="fixed",
                item_ids=(world.items["telecom-only"],),
            ),
            NOW,
        )
    assert caught.value.field == "item_ids"


def test_a_trainer_cannot_name_another_trainers_trainee(world):
    before = database_snapshot()
    with pytest.raises(ExamSpecError) as caught:
        create_exam(
            db.session,
            world["T1"],
            spec(world, audience="people", employee_nos=("E1", "E3")),
            NOW,
        )
    assert caught.value.field == "employee_nos"
    assert "E3" in str(caught.value)
    assert database_snapshot() == before
    # HR may name anyone.
    create_exam(
        db.session, world["H1"], spec(world, audience="people", employee_nos=("E1", "E3")), NOW
    )


def test_employees_may_not_author_exams(world):
    with pytest.raises(ExamError) as caught:
        create_exam(db.session, world["E1"], spec(world), NOW)
    assert caught.value.status == 403


def test_another_trainers_exam_is_not_found(world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    for call in (
        lambda: staff.exam_for(db.session, world["T2"], exam.id),
        lambda: update_exam(db.session, world["T2"], exam.id, spec(world, title="改"), NOW),
        lambda: archive_exam(db.session, world["T2"], exam.id, NOW),
    ):
        with pytest.raises(ExamError) as caught:
            call()
        assert caught.value.status == 404
    # HR and admins manage it.
    update_exam(db.session, world["A1"], exam.id, spec(world, title="改过"), NOW)
    assert db.session.get(Exam, exam.id).title == "改过"


def test_a_trainer_sees_but_cannot_change_an_hr_exam(world):
    exam = create_exam(db.session, world["H1"], spec(world), NOW)
    assert staff.exam_for(db.session, world["T2"], exam.id).id == exam.id
    with pytest.raises(ExamError) as caught:
        update_exam(db.session, world["T2"], exam.id, spec(world, title="改"), NOW)
    assert caught.value.status == 403


def test_update_without_attempts_changes_everything(world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    basics = world.sections["基础"]
    update_exam(
        db.session,
        world["T1"],
        exam.id,
        spec(world, kind="mock", quotas=(Quota(basics, "judge", 2), Quota(None, "qa", 1))),
        NOW + timedelta(minutes=1),
    )
    stored = db.session.get(Exam, exam.id)
    assert stored.kind == "mock"
    assert [(q.section_id, q.type, q.count) for q in stored.quotas] == [
        (basics, "judge", 2),
        (None, "qa", 1),
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam_update"))
    assert set(entry.detail["changed"]) == {"kind", "quotas"}


def test_with_attempts_only_title_window_reveal_pass_mark_and_attempts_change(world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    attempt = attempt_for(exam, world["E1"], score=0.7, passed=False)
    closes = datetime(2026, 12, 1, 18, 0)
    update_exam(
        db.session,
        world["T1"],
        exam.id,
        spec(
            world,
            title="新标题",
            pass_mark_percent=60,
            attempts_allowed=3,
            closes_at=closes,
            reveal="after_close",
        ),
        NOW,
    )
    stored = db.session.get(Exam, exam.id)
    assert (stored.title, stored.attempts_allowed, stored.reveal) == ("新标题", 3, "after_close")
    assert stored.pass_mark == pytest.approx(0.6)
    assert db.session.get(ExamAttempt, attempt.id).passed is True  # re-judged

    before = database_snapshot()
    for changes, field in (
        ({"quotas": (Quota(None, None, 4),)}, "quotas"),
        ({"draw": "readiness"}, "draw"),
        ({"time_limit_minutes": 30}, "time_limit_minutes"),
    ):
        values = spec(
            world,
            title="新标题",
            pass_mark_percent=60,
            attempts_allowed=3,
            closes_at=closes,
            reveal="after_close",
            **changes,
        )
        with pytest.raises(ExamSpecError) as caught:
            update_exam(db.session, world["T1"], exam.id, values, NOW)
        assert caught.value.field == field
        assert "已经有人参加" in str(caught.value)
        assert database_snapshot() == before


def test_archive_is_audited_once_and_ends_editing(world):
    exam = create_exam(db.session, world["T1"], spec(world), NOW)
    archive_exam(db.session, world["T1"], exam.id, NOW)
    archive_exam(db.session, world["T1"], exam.id, NOW + timedelta(hours=1))
    stored = db.session.get(Exam, exam.id)
    assert stored.archived_at == NOW
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "exam_archive"))
    assert len(entries.all()) == 1
    with pytest.raises(ExamSpecError):
        update_exam(db.session, world["T1"], exam.id, spec(world, title="x"), NOW)


def test_the_exams_reaching_a_person_are_the_same_from_the_statement_built_once(world):
    """exams_for / exam_for use a statement built once per pattern of missing attributes
    (no role, site or trainer): it must say what the condition says for each person."""
    from quizapp.assignments import audience
    from quizapp.exams.taking import exams_for
    from tests.factories import make_person

    world["N0"] = make_person("N0")  # no job role, site or trainer
    world["N1"] = make_person("N1", site="一号项目")  # a site only
    site_exam = spec(world, title="site", audience="site", site_id=world.site_id)
    exams = {
        create_exam(db.session, world["H1"], spec(world, title="role"), NOW).id: "role",
        create_exam(db.session, world["H1"], site_exam, NOW).id: "site",
        create_exam(db.session, world["T1"], spec(world, title="T1's"), NOW).id: "T1's",
        create_exam(
            db.session,
            world["H1"],
            spec(world, title="named", audience="people", employee_nos=("N0", "E3")),
            NOW,
        ).id: "named",
    }
    expected = {
        "E1": {"role", "site", "T1's"},
        "E3": {"role", "site", "named"},
        "N0": {"named"},
        "N1": {"site"},
        "H1": set(),
    }
    for number, wanted in expected.items():
        person = world[number]
        rule = db.session.scalars(select(Exam.id).where(audience.exam_reaching(person)))
        listed = {exams[x.exam.id] for x in exams_for(db.session, person, NOW)}
        assert listed == {exams[i] for i in rule} == wanted, number
        missing, params = audience.person_parameters(person)
        for exam_id, title in exams.items():
            reached = db.session.scalar(
                audience.exams_reaching(missing, True), {**params, "exam_id": exam_id}
            )
            assert (reached is not None) == (title in wanted), (number, title)
