"""Projection (DOMAIN.md, "Burst overshoot").

Between two checks an instance can move a lot of data. The guard estimates the recent rate from two
readings and projects usage to the moment it can next act: the next check, plus the metrics' lag, plus
the time a stop takes. Stopping when that projection crosses the allowance avoids the overshoot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .billing_period import as_utc
from .decision import Projection


@dataclass(frozen=True, slots=True)
class Reading:
    at: datetime
    used_bytes: float


def recent_rate(previous: Reading | None, current: Reading) -> float | None:
    """Bytes per second between two readings; ``None`` without a usable earlier reading.

    A reading from another month, from the future, or with less usage (counters reset on the 1st)
    gives no rate.
    """
    if previous is None:
        return None
    seconds = (as_utc(current.at) - as_utc(previous.at)).total_seconds()
    if seconds <= 0 or current.used_bytes < previous.used_bytes:
        return None
    if (as_utc(previous.at).year, as_utc(previous.at).month) != (
        as_utc(current.at).year,
        as_utc(current.at).month,
    ):
        return None
    return (current.used_bytes - previous.used_bytes) / seconds


def project(used_bytes: float, rate: float | None, *, horizon_seconds: float) -> Projection | None:
    if rate is None:
        return None
    return Projection(
        used_bytes=used_bytes + rate * horizon_seconds,
        rate_bytes_per_second=rate,
        horizon_seconds=horizon_seconds,
    )
