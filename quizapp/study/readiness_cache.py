"""The cached figures of readiness_cache: what is stored, and how an answer marks them
stale (quizapp.study.standing reads and refreshes them)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from ..models import ReadinessCache

# After an answer the figures are recomputed, but the forecast of the day a hire will be
# ready (three quarters of the work) is taken from the figures the answer made stale when
# they are this recent: it moves by days, not by one answer (bench/load.py).
FORECAST_REUSE = timedelta(minutes=10)
# The study card's one-line banner may show figures an answer made stale this long ago
# (recomputing them costs about half of a card page); the done page, the progress page and
# every staff view recompute them.
BANNER_REUSE = timedelta(minutes=2)
ANSWERED = "answered|"  # prefix of a cached basis made stale by an answer


CACHED = (
    "required",
    "seen",
    "expected_known",
    "readiness_at_go_live",
    "red_lines",
    "red_lines_at_risk",
    "status",
    "forecast_ready",
    "last_active",
    "reasons",
)


def to_cache(standing) -> dict:
    """A Standing's figures as stored (JSON)."""
    figures = {name: getattr(standing, name) for name in CACHED}
    for name in ("forecast_ready", "last_active"):
        figures[name] = figures[name].isoformat() if figures[name] else None
    figures["reasons"] = list(standing.reasons)
    return figures


def from_cache(figures: dict) -> dict:
    """Stored figures as Standing keyword arguments."""
    values = {name: figures[name] for name in CACHED}
    for name in ("forecast_ready", "last_active"):
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    values["reasons"] = tuple(values["reasons"])
    required = values["required"]
    values["readiness"] = values["expected_known"] / required if required else 0.0
    return values


def forget(session: Session, employee_id: int) -> None:
    """Mark one hire's cached figures stale (their answers changed): part of the caller's
    transaction. They are recomputed on the next read, which may reuse their forecast
    (FORECAST_REUSE)."""
    session.execute(_FORGET, {"person": employee_id, "answered": ANSWERED})


_CACHE = ReadinessCache.__table__
_FORGET = (
    update(_CACHE)
    .where(
        _CACHE.c.employee_id == bindparam("person"),
        ~_CACHE.c.basis.startswith(ANSWERED, autoescape=True),
    )
    .values(basis=bindparam("answered") + _CACHE.c.basis)
)
