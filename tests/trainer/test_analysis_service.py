"""Item analysis, drill-down and leeches (quizapp.exams.analysis) on rows built directly:
the figures, the flags, and a trainer's scope (their own trainees' answers only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.exams import analysis, stats
from quizapp.extensions import db
from quizapp.models import (
    Employee,
    Exam,
    ExamAnswer,
    ExamAttempt,
    Item,
    JobRole,
    MemoryState,
    ReviewLog,
)
from tests.factories import T0, load_bank, make_person

SCRIPT = "<script>alert('x')</script>"
# Six trainees of T1 sit one paper each: strong employees miss 'paid', weak ones get it
# (a negative discrimination); everyone misses 'ring' (nearly everyone misses it).
SCORES = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1]
PAID_RIGHT = [0, 0, 0, 1, 1, 1]


def item_id(key: str) -> int:
    return db.session.scalar(select(Item.id).where(Item.key == key))


def person(number: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.employee_no == number))


def sit(exam: Exam, who: Employee, score: float, answers: dict, status: str = "submitted"):
    """One attempt with ``answers``: key → (correct, answer dict, key points hit)."""
    attempt = ExamAttempt(
        exam_id=exam.id,
        employee_id=who.id,
        number=1 if status != "in_progress" else 2,
        status="in_progress",
        open_slot=1,
        started_at=T0,
        score=score,
    )
    db.session.add(attempt)
    db.session.flush()
    if status != "in_progress":  # (a default would fill a None given at the insert)
        attempt.status, attempt.open_slot = status, None
        attempt.submitted_at = T0 + timedelta(minutes=10)
        db.session.flush()
    for position, (key, (correct, given, hits)) in enumerate(answers.items()):
        db.session.add(
            ExamAnswer(
                attempt_id=attempt.id,
                position=position,
                item_id=item_id(key),
                item_version=1,
                answer=given,
                correct=correct,
                key_points_hit=hits,
                saved_at=T0 + timedelta(minutes=position),
            )
        )
    return attempt


def remember(who: Employee, key: str, lapses: int, difficulty: float | None = 5.0):
    db.session.add(
        MemoryState(
            employee_id=who.id,
            item_id=item_id(key),
            state=2,
            due=T0,
            lapses=lapses,
            difficulty=difficulty,
        )
    )


def review(who: Employee, key: str, given: dict, correct: bool, minutes: int = 0, **extra):
    row = ReviewLog(
        employee_id=who.id,
        item_id=item_id(key),
        item_version=1,
        kind=extra.pop("kind", "review"),
        rating=3 if correct else 1,
        answer=given,
        correct=correct,
        server_time=T0 + timedelta(hours=1, minutes=minutes),
        **extra,
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def cohort(app):
    """T1 with trainees E1–E6 (客服前台), T2 with E7 (营业厅营业员), HR H1, and answers."""
    load_bank()
    make_person("T1", roles=("trainer",))
    make_person("T2", roles=("trainer",))
    make_person("H1", roles=("hr",))
    hires = [make_person(f"E{n}", job_role="客服前台", trainer="T1") for n in range(1, 7)]
    other = make_person("E7", job_role="营业厅营业员", trainer="T2", name="别人的学员")
    exam = Exam(title="小测", audience="people")
    db.session.add(exam)
    db.session.flush()
    for n, (hire, score, right) in enumerate(zip(hires, SCORES, PAID_RIGHT, strict=True)):
        answers = {
            "paid": (bool(right), {"choices": [1 if right else 0]}, None),
            "ring": (False, {"verdict": False}, None),
        }
        if n < 2:  # two typed answers of 问答: key points 1/3 and 2/3
            text = SCRIPT if n == 0 else "说话轻，走路轻"
            answers["three"] = (n == 1, {"text": text}, [True, n == 1, False])
        sit(exam, hire, score, answers)
    # Another trainer's trainee: right on 'paid' with the top score, wrong on 'three'.
    sit(exam, other, 1.0, {"paid": (True, {"choices": [1]}, None)})
    # An attempt still in progress counts nowhere.
    sit(exam, hires[0], 0.0, {"weekly": (False, {"choices": [2]}, None)}, "in_progress")

    # Memory: 'fire' forgotten again and again by three hires (a leech by count); 'ring'
    # by one of two (by share); 'weekly' by one of six (no leech) — and by E7 (for HR).
    for hire, lapses in zip(hires[:3], (3, 5, 3), strict=True):
        remember(hire, "fire", lapses, difficulty=8.0)
    remember(hires[0], "ring", 4)
    remember(hires[1], "ring", 0, difficulty=None)
    for n, hire in enumerate(hires):
        remember(hire, "weekly", 3 if n == 0 else 0, difficulty=4.0)
    remember(other, "weekly", 9)
    remember(other, "paid", 12)

    # Study answers to 'three': one overruled, one not, a retry, one undone, and the
    # review entry of an exam answer (counted as the exam answer, not again).
    review(
        hires[2],
        "three",
        {"text": "操作轻"},
        True,
        1,
        overruled=True,
        key_points_hit=[False, False, True],
    )
    review(hires[3], "three", {"text": "不知道"}, False, 2, key_points_hit=[False, False, False])
    review(
        hires[3],
        "three",
        {"text": "说话轻"},
        False,
        3,
        kind="retry",
        key_points_hit=[True, False, False],
    )
    review(hires[4], "three", {"text": "撤回的答案"}, False, 4, undone_at=T0 + timedelta(hours=2))
    linked = review(hires[5], "three", {"text": "考试里写的"}, True, 5)
    db.session.execute(
        ExamAnswer.__table__.update()
        .where(ExamAnswer.item_id == item_id("three"))
        .where(ExamAnswer.position == 2)
        .values(review_log_id=linked.id)
    )
    review(
        other,
        "three",
        {"text": "别人的答案"},
        False,
        6,
        overruled=True,
        key_points_hit=[True, True, True],
    )
    db.session.commit()
    return {"hires": hires, "other": other}


def rows_by_key(result: analysis.Analysis) -> dict[str, analysis.ItemRow]:
    return {row.info.key: row for row in result.items}


def test_item_figures_and_flags_for_a_trainer(cohort):
    result = analysis.item_analysis(db.session, person("T1"))
    rows = rows_by_key(result)
    assert set(rows) == {"paid", "ring", "three", "fire", "weekly"}

    paid = rows["paid"].summary
    assert paid.answers == 6 and paid.facility == pytest.approx(0.5, abs=1e-6)
    assert paid.discrimination == pytest.approx(stats.point_biserial(PAID_RIGHT, SCORES), abs=1e-6)
    assert paid.discrimination < 0 and rows["paid"].flags == (stats.NEGATIVE,)
    assert paid.learners == 0  # E7's memory of it is not T1's business

    ring = rows["ring"].summary
    assert ring.answers == 6 and ring.facility == 0 and ring.discrimination is None
    assert rows["ring"].flags == (stats.HARD,)
    assert (ring.learners, ring.lapses, ring.forgetting) == (2, 4, 1)
    assert ring.difficulty == pytest.approx(5.0)  # the state without one is left out

    three = rows["three"].summary
    assert three.answers == 2 and three.facility == pytest.approx(0.5)
    assert rows["three"].flags == ()  # too few answers to flag
    # Exam 1/3 and 2/3, study 1/3 and 0 (the retry, the undone and the exam's own entry
    # are not counted again).
    assert three.coverage == pytest.approx(1 / 3, abs=1e-6)
    assert (three.reviews, three.reviews_right, three.overruled) == (2, 1, 1)
    assert three.study_facility == pytest.approx(0.5)

    fire = rows["fire"].summary
    assert fire.answers == 0 and fire.facility is None  # study data without exams
    assert (fire.learners, fire.lapses) == (3, 11) and fire.difficulty == pytest.approx(8.0)
    assert rows["weekly"].summary.answers == 0  # the attempt in progress counts nowhere

    # Flagged first (the lower facility first), then the rest.
    assert [row.info.key for row in result.items[:3]] == ["ring", "paid", "three"]
    assert result.flags == {stats.HARD: (item_id("ring"),), stats.NEGATIVE: (item_id("paid"),)}
    assert rows["paid"].info.bank == "学习测试" and rows["paid"].info.section == "基础"
    assert rows["paid"].info.excerpt == "有偿维修前须讲明什么？"

    (section,) = result.sections
    assert section.label == "学习测试 · 基础" and (section.items, section.flagged) == (5, 2)
    assert section.totals.answers == 14
    assert section.facility == pytest.approx(4 / 14)
    (role,) = result.roles
    assert role.label == "客服前台" and role.totals.answers == 14


def test_hr_sees_every_hire_and_filters_narrow(cohort):
    hr = person("H1")
    rows = rows_by_key(analysis.item_analysis(db.session, hr))
    paid = rows["paid"].summary
    assert paid.answers == 7 and paid.facility == pytest.approx(4 / 7)
    assert paid.discrimination == pytest.approx(
        stats.point_biserial([*PAID_RIGHT, 1], [*SCORES, 1.0]), abs=1e-6
    )
    assert (paid.learners, paid.lapses) == (1, 12)
    assert (rows["three"].summary.reviews, rows["three"].summary.overruled) == (3, 2)

    role_id = db.session.scalar(select(JobRole.id).where(JobRole.name == "营业厅营业员"))
    narrowed = analysis.item_analysis(db.session, hr, job_role_id=role_id)
    assert set(rows_by_key(narrowed)) == {"paid", "weekly", "three"}
    assert rows_by_key(narrowed)["paid"].summary.answers == 1
    assert [role.label for role in narrowed.roles] == ["营业厅营业员"]
    everyone = analysis.item_analysis(db.session, hr)
    assert [role.label for role in everyone.roles] == ["客服前台", "营业厅营业员"]

    bank_id = db.session.scalar(select(Item.bank_id).where(Item.key == "paid"))
    section_id = db.session.scalar(select(Item.section_id).where(Item.key == "telecom-only"))
    assert len(analysis.item_analysis(db.session, hr, bank_id=bank_id).items) == 5
    empty = analysis.item_analysis(db.session, hr, section_id=section_id)
    assert empty.items == () and empty.sections == () and empty.roles == ()
    assert analysis.item_analysis(db.session, hr, bank_id=2**31 - 1).items == ()


def test_someone_without_a_scope_sees_no_answers(cohort):
    employee = person("E1")
    assert analysis.item_analysis(db.session, employee).items == ()
    assert analysis.leeches(db.session, employee) == []
    detail = analysis.item_answers(db.session, employee, item_id("three"))
    assert detail.answers == () and detail.reviews == 0


def test_a_trainer_sees_only_their_trainees_answers(cohort):
    other_trainer = rows_by_key(analysis.item_analysis(db.session, person("T2")))
    assert set(other_trainer) == {"paid", "weekly", "three"}
    assert other_trainer["paid"].summary.answers == 1
    assert other_trainer["paid"].summary.discrimination is None  # n < 2


def test_drill_down_lists_the_answers_given(cohort):
    detail = analysis.item_answers(db.session, person("T1"), item_id("three"))
    assert detail.info.key == "three" and detail.key_points == ("说话轻", "走路轻", "操作轻")
    texts = [answer.text for answer in detail.answers]
    # Most recent first: the retry, the answers in study, then the exam answers.
    assert texts == ["说话轻", "不知道", "操作轻", "说话轻，走路轻", SCRIPT]
    assert [answer.source for answer in detail.answers] == ["study"] * 3 + ["exam"] * 2
    assert detail.answers[0].retry and detail.answers[2].overruled
    assert detail.answers[2].coverage == pytest.approx(1 / 3)
    assert "别人的答案" not in texts and "撤回的答案" not in texts and "考试里写的" not in texts
    assert (detail.exam_answers, detail.reviews, detail.overruled) == (2, 2, 1)
    assert detail.overrule_share == pytest.approx(0.5)

    everyone = analysis.item_answers(db.session, person("H1"), item_id("three"))
    assert "别人的答案" in [answer.text for answer in everyone.answers]
    assert (everyone.reviews, everyone.overruled) == (3, 2)
    assert (
        len(analysis.item_answers(db.session, person("T1"), item_id("three"), limit=2).answers) == 2
    )

    paid = analysis.item_answers(db.session, person("T1"), item_id("paid"))
    shown = {answer.choices for answer in paid.answers}
    assert shown == {("A. 人员",), ("B. 费用",)}
    ring = analysis.item_answers(db.session, person("T1"), item_id("ring"))
    assert {answer.verdict for answer in ring.answers} == {False}
    assert analysis.item_answers(db.session, person("T1"), 2**31 - 1) is None


def test_leeches_most_affected_first(cohort):
    found = analysis.leeches(db.session, person("T1"))
    assert [(leech.info.key, leech.forgetting, leech.studied) for leech in found] == [
        ("fire", 3, 3),
        ("ring", 1, 2),
    ]
    assert found[0].lapses == 11 and found[1].share == pytest.approx(0.5)
    everyone = analysis.leeches(db.session, person("H1"))
    assert [leech.info.key for leech in everyone] == ["fire", "weekly", "paid", "ring"]


def test_the_analysis_reads_in_a_fixed_number_of_queries(cohort):
    from sqlalchemy import event

    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    trainer = person("T1")
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        analysis.item_analysis(db.session, trainer)
        first = len(statements)
        hire = make_person("E8", job_role="客服前台", trainer="T1")
        exam = db.session.scalar(select(Exam))
        sit(exam, hire, 0.5, {key: (True, {}, None) for key in ("weekly", "fire", "ring-cloze")})
        for key in ("weekly", "fire", "ring-cloze"):
            remember(hire, key, 1)
            review(hire, key, {}, True)
        db.session.commit()
        assert trainer.id and trainer.roles  # reloaded after the commit, not counted
        statements.clear()
        analysis.item_analysis(db.session, trainer)
        assert len(statements) == first
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
