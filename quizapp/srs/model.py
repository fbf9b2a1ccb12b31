"""Value objects of the scheduling policy: ratings, role settings, memory states, reviews.

Plain frozen dataclasses with ``to_dict``/``from_dict`` (the py-fsrs style). Ratings and
fsrs states are stored as ints, datetimes as aware UTC. Nothing here imports ``fsrs``:
the constants below mirror its enums and are checked against them in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from enum import IntEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo


class Rating(IntEnum):
    """How well an item was recalled: fsrs.Rating's values, and the project's one
    vocabulary of ratings. Grading proposes one, the scheduler takes it, the review log
    stores its int, and forms, the CLI and JSON use its :attr:`word`."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def word(self) -> str:
        """ "again", "hard", "good" or "easy"."""
        return self.name.lower()

    @classmethod
    def from_word(cls, word: str) -> Rating:
        """The rating named by :attr:`word`; ValueError for anything else."""
        if isinstance(word, str) and word.islower() and word.upper() in cls.__members__:
            return cls[word.upper()]
        raise ValueError(f"unknown rating {word!r}; expected one of {[r.word for r in cls]}")


AGAIN, HARD, GOOD, EASY = Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY
RATINGS = tuple(Rating)

# fsrs.State values. An item without a MemoryState (or with last_review None) is new.
LEARNING = 1
REVIEW = 2
RELEARNING = 3
STATES = (LEARNING, REVIEW, RELEARNING)


def to_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; a naive one is taken to be UTC already.

    SQLite hands back naive datetimes for what was stored as UTC, so naive means UTC here.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else to_utc(value)


def _parse_dt(value: str | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_utc(value)
    return to_utc(datetime.fromisoformat(value))


@lru_cache(maxsize=32)
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class RoleSettings:
    """Scheduling settings of one job role.

    Attributes:
        desired_retention: recall probability at which a review falls due (fsrs).
        daily_new_cap: new items introduced per study day (before "study more").
        session_minutes: target length of one study session.
        day_boundary_hour: local hour at which a study day starts (04:00, as Anki).
        timezone: IANA zone of the employees' local time.
    """

    desired_retention: float = 0.9
    daily_new_cap: int = 20
    session_minutes: int = 10
    day_boundary_hour: int = 4
    timezone: str = "Asia/Shanghai"

    def __post_init__(self) -> None:
        if not 0.0 < self.desired_retention < 1.0:
            raise ValueError("desired_retention must be between 0 and 1")
        if self.daily_new_cap < 0:
            raise ValueError("daily_new_cap must not be negative")
        if self.session_minutes <= 0:
            raise ValueError("session_minutes must be positive")
        if not 0 <= self.day_boundary_hour <= 23:
            raise ValueError("day_boundary_hour must be 0..23")
        _zone(self.timezone)  # raises ZoneInfoNotFoundError for an unknown zone

    @property
    def zone(self) -> tzinfo:
        """The role's time zone as a tzinfo."""
        return _zone(self.timezone)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "desired_retention": self.desired_retention,
            "daily_new_cap": self.daily_new_cap,
            "session_minutes": self.session_minutes,
            "day_boundary_hour": self.day_boundary_hour,
            "timezone": self.timezone,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoleSettings:
        """Inverse of :meth:`to_dict`; missing keys take their defaults."""
        defaults = cls()
        return cls(
            desired_retention=float(data.get("desired_retention", defaults.desired_retention)),
            daily_new_cap=int(data.get("daily_new_cap", defaults.daily_new_cap)),
            session_minutes=int(data.get("session_minutes", defaults.session_minutes)),
            day_boundary_hour=int(data.get("day_boundary_hour", defaults.day_boundary_hour)),
            timezone=str(data.get("timezone", defaults.timezone)),
        )


DEFAULT_SETTINGS = RoleSettings()


@dataclass(frozen=True)
class MemoryState:
    """What the scheduler knows about one employee's memory of one item.

    Mirrors an fsrs ``Card`` (whose ``card_id`` is ``item_id``) plus two counters.

    Attributes:
        item_id: database id of the item; passed to fsrs as the card id.
        state: LEARNING, REVIEW or RELEARNING (fsrs State as int).
        step: fsrs learning step, None in REVIEW (always None with our no-steps policy).
        stability: days until recall drops to 90 %; None before the first review.
        difficulty: fsrs difficulty 1..10; None before the first review.
        due: when the next review falls due (aware UTC; a study-day start).
        last_review: time of the last review (aware UTC) or None for a new item.
        reps: number of reviews that changed this state (retries excluded).
        lapses: number of AGAIN ratings after the first review.
        expected_lapses: the lapses fsrs expected: the sum of 1 - its predicted recall
            at each of those reviews (the planner compares ``lapses`` with it).
    """

    item_id: int
    state: int = LEARNING
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime = field(default_factory=lambda: datetime(1970, 1, 1, tzinfo=UTC))
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    expected_lapses: float = 0.0

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown state {self.state!r}")
        object.__setattr__(self, "due", to_utc(self.due))
        object.__setattr__(self, "last_review", _utc_or_none(self.last_review))

    @classmethod
    def new(cls, item_id: int, now: datetime) -> MemoryState:
        """The state of an item never reviewed, due at ``now``."""
        return cls(item_id=item_id, due=now)

    @property
    def is_new(self) -> bool:
        """True until the first (non-retry) review."""
        return self.last_review is None

    def relearning(self, now: datetime) -> MemoryState:
        """The state after the item's right answer changed: back to relearning, due at
        ``now``. Stability and difficulty are kept, so FSRS knows the item is not new."""
        return replace(self, state=RELEARNING, step=0, due=now)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (ISO 8601 UTC datetimes)."""
        return {
            "item_id": self.item_id,
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": None if self.last_review is None else self.last_review.isoformat(),
            "reps": self.reps,
            "lapses": self.lapses,
            "expected_lapses": self.expected_lapses,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MemoryState:
        """Inverse of :meth:`to_dict`; also accepts datetimes (naive ones are UTC)."""
        due = _parse_dt(data["due"])
        assert due is not None
        return cls(
            item_id=int(data["item_id"]),
            state=int(data["state"]),
            step=None if data.get("step") is None else int(data["step"]),
            stability=None if data.get("stability") is None else float(data["stability"]),
            difficulty=None if data.get("difficulty") is None else float(data["difficulty"]),
            due=due,
            last_review=_parse_dt(data.get("last_review")),
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
            expected_lapses=float(data.get("expected_lapses", 0.0)),
        )


@dataclass(frozen=True)
class Review:
    """One answer, as stored in the append-only review log.

    Attributes:
        item_id: database id of the item.
        item_version: version of the item's text that was shown.
        rating: AGAIN, HARD, GOOD or EASY.
        answered_at: server time of the answer (aware UTC).
        is_retry: the one immediate retry after a wrong answer; logged, but it does not
            change the memory state (the answer was on screen seconds before).
        duration_ms: time spent on the card, if measured.
    """

    item_id: int
    item_version: int
    rating: Rating
    answered_at: datetime
    is_retry: bool = False
    duration_ms: int | None = None

    def __post_init__(self) -> None:
        if self.rating not in RATINGS:
            raise ValueError(f"unknown rating {self.rating!r}")
        object.__setattr__(self, "rating", Rating(self.rating))
        object.__setattr__(self, "answered_at", to_utc(self.answered_at))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "item_id": self.item_id,
            "item_version": self.item_version,
            "rating": self.rating,
            "answered_at": self.answered_at.isoformat(),
            "is_retry": self.is_retry,
            "duration_ms": self.duration_ms,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Review:
        """Inverse of :meth:`to_dict`; also accepts datetimes (naive ones are UTC)."""
        answered_at = _parse_dt(data["answered_at"])
        assert answered_at is not None
        return cls(
            item_id=int(data["item_id"]),
            item_version=int(data["item_version"]),
            rating=int(data["rating"]),
            answered_at=answered_at,
            is_retry=bool(data.get("is_retry", False)),
            duration_ms=None if data.get("duration_ms") is None else int(data["duration_ms"]),
        )


@dataclass(frozen=True)
class Reset:
    """The item's right answer changed and the learner must relearn it (logged as a
    review-log entry of kind "reset"; :meth:`MemoryState.relearning` is its effect).

    Attributes:
        item_id: database id of the item.
        at: server time of the re-import that changed the answer (aware UTC).
    """

    item_id: int
    at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", to_utc(self.at))
