"""Question types: the five a Chinese workplace exam uses (问答、单选、多选、判断、填空), one
object each in one registry, as CTFd keeps its answer comparators in ``FLAG_CLASSES``.

A type knows how to read its answer from a submitted form, how to grade it (through
quizapp.grading) into a :class:`Graded` with a :class:`quizapp.srs.Rating`, and which
template partial shows it (a card to answer, the feedback after, the entry on a bank
page). Nothing else in the application switches on the type's name.

Adding a type (say 排序): a class in types.py registered in ``QUESTION_TYPES``, its partial
in templates/questions/, and its syntax in the bank parser and exporter (quizapp/bank).

Pure Python: no Flask, no database.
"""

from .base import AnswerError, FormData, Graded, QuestionType
from .types import QUESTION_TYPES, question_type

__all__ = ["QUESTION_TYPES", "AnswerError", "FormData", "Graded", "QuestionType", "question_type"]
