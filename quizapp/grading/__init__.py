"""Answer grading: comparators per question type and key-point coverage for typed Chinese.

Plain Python, no Flask and no database. The only package that imports jieba, rapidfuzz,
OpenCC and pypinyin; their dictionaries load once per process, on first use or at
:func:`warm_up`. See docs/grading.md for the rules.
"""

from .keypoints import KeyPointMatch, KeyPointResult, grade_key_points, warm_up
from .objective import (
    BlankResult,
    ChoiceResult,
    ClozeResult,
    JudgeResult,
    OptionResult,
    grade_choice,
    grade_cloze,
    grade_judge,
)
from .rating import TimeLimits, rating_for, rating_for_coverage

__all__ = [
    "BlankResult",
    "ChoiceResult",
    "ClozeResult",
    "JudgeResult",
    "OptionResult",
    "grade_choice",
    "grade_cloze",
    "grade_judge",
    "TimeLimits",
    "KeyPointMatch",
    "KeyPointResult",
    "grade_key_points",
    "rating_for",
    "rating_for_coverage",
    "warm_up",
]
