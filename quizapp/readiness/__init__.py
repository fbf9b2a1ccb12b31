"""Readiness: how well a hire knows what their post requires, now and on go-live day,
and when they will be ready (pure: arrays in, figures out; see docs/readiness.md)."""

from .forecast import PACE_DAYS, forecast_ready, pace, pace_days
from .model import (
    AT_RISK,
    CERTIFIED,
    IN_PROGRESS,
    NOT_STARTED,
    READY,
    RED_LINE_TARGET,
    STATUSES,
    Assessment,
    ItemMemory,
    Snapshot,
    assess,
    evaluation_day,
    is_ready,
    recall_on,
    snapshot,
)

__all__ = [
    "AT_RISK",
    "CERTIFIED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "PACE_DAYS",
    "READY",
    "RED_LINE_TARGET",
    "STATUSES",
    "Assessment",
    "ItemMemory",
    "Snapshot",
    "assess",
    "evaluation_day",
    "forecast_ready",
    "is_ready",
    "pace",
    "pace_days",
    "recall_on",
    "snapshot",
]
