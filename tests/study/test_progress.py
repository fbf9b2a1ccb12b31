"""Progress: learned items, readiness per section, streak and answers per day."""

from __future__ import annotations

from datetime import timedelta

from quizapp.extensions import db
from quizapp.study.progress import progress as study_progress
from tests.factories import T0
from tests.study.util import answer


def test_progress_counts_streak_and_sections(hire):
    for n in range(3):
        answer(hire, "ring", {"verdict": True}, now=T0 + timedelta(days=n))
    progress = study_progress(db.session, hire, T0 + timedelta(days=2, hours=1))
    assert progress.total == 6 and progress.streak == 3
    assert progress.per_day[-1][1] == 1 and len(progress.per_day) == 14
    [section] = progress.sections
    assert section.title == "基础" and section.learned == 1 and 0 < section.recall < 1
