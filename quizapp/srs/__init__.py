"""The scheduling policy: pure Python, no Flask, no database.

``scheduler`` is the only module of the project that imports ``fsrs``. See
docs/scheduling.md for the decisions and the simulation behind them.
"""

from quizapp.srs.days import day_start, study_day, study_days_between
from quizapp.srs.model import (
    AGAIN,
    DEFAULT_SETTINGS,
    EASY,
    GOOD,
    HARD,
    LEARNING,
    RELEARNING,
    REVIEW,
    MemoryState,
    Rating,
    Reset,
    Review,
    RoleSettings,
    to_utc,
)
from quizapp.srs.policy import (
    SECONDS_PER_NEW,
    SECONDS_PER_REVIEW,
    PlannedCard,
    SessionPlan,
    new_cap_today,
    new_pace_today,
    plan_session,
    red_line_at_risk,
    should_retry,
)
from quizapp.srs.scheduler import (
    RECALL_DECAY,
    RECALL_FACTOR,
    Step,
    apply_answer,
    predict_recall,
    replay,
    review_step,
    scheduler_for,
)

__all__ = [
    "SECONDS_PER_NEW",
    "SECONDS_PER_REVIEW",
    "AGAIN",
    "DEFAULT_SETTINGS",
    "EASY",
    "GOOD",
    "HARD",
    "LEARNING",
    "RELEARNING",
    "REVIEW",
    "MemoryState",
    "PlannedCard",
    "RECALL_DECAY",
    "RECALL_FACTOR",
    "Rating",
    "Reset",
    "Review",
    "RoleSettings",
    "SessionPlan",
    "Step",
    "apply_answer",
    "day_start",
    "new_cap_today",
    "new_pace_today",
    "plan_session",
    "predict_recall",
    "red_line_at_risk",
    "replay",
    "review_step",
    "scheduler_for",
    "should_retry",
    "study_day",
    "study_days_between",
    "to_utc",
]
