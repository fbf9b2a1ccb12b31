"""Study days of many timestamps at once (pure, NumPy): the array form of
``srs.study_day``, for read models that convert hundreds of thousands of review times."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from ..srs.model import RoleSettings

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Time-zone offsets change only at whole quarter hours (UTC): one lookup per quarter hour.
_BUCKET_SECONDS = 900


def study_day_ordinals(epoch_seconds: np.ndarray, settings: RoleSettings) -> np.ndarray:
    """``srs.study_day(t, settings).toordinal()`` for every t, given as seconds since the
    Unix epoch (UTC)."""
    seconds = np.asarray(epoch_seconds, dtype=np.int64)
    if seconds.size == 0:
        return seconds.copy()
    buckets, inverse = np.unique(seconds // _BUCKET_SECONDS, return_inverse=True)
    zone = settings.zone
    offsets = np.fromiter(
        (
            datetime.fromtimestamp(int(b) * _BUCKET_SECONDS, UTC)
            .astimezone(zone)
            .utcoffset()
            .total_seconds()
            for b in buckets
        ),
        dtype=np.int64,
        count=buckets.size,
    )
    local = seconds + offsets[inverse.reshape(seconds.shape)] - settings.day_boundary_hour * 3600
    return local // 86400 + _EPOCH_ORDINAL
