"""Readiness: how much of what a person must know they know now, per section and overall.

A pure read model next to quizapp.srs: memory states, the required items grouped by
section, a reference time and the role's settings in; figures out. No Flask, no database:
quizapp.study.progress reads the rows and calls it, for one person or a whole cohort.
"""

from .model import Readiness, SectionReadiness, readiness

__all__ = ["Readiness", "SectionReadiness", "readiness"]
