"""Month-to-date traffic from GetInstanceMetricData answers (DOMAIN.md, "The API").

Both directions count toward the allowance. Datapoints arrive unordered and include today's partial
period. An empty list is *not* zero: the API answers an empty list for queries it cannot serve (more
than 1,440 points, a wrong unit), so "no points in either direction" for an instance that should have
data is ``unknown``, never 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .billing_period import BillingPeriod, as_utc, billing_period_at

#: GetInstanceMetricData answers an empty list past this many datapoints per call.
MAX_DATAPOINTS = 1440
#: A fresh instance may legitimately have no datapoints yet (metrics lag a minute or more).
NO_DATA_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class MetricWindow:
    """One GetInstanceMetricData query: [start, end) at ``period`` seconds per point."""

    start: datetime
    end: datetime
    period: int

    @property
    def datapoints(self) -> int:
        seconds = (self.end - self.start).total_seconds()
        return max(1, -(-int(seconds) // self.period))


def month_to_date_window(period: BillingPeriod, now: datetime) -> MetricWindow:
    """The query that covers the billing month so far in the fewest points (case C3).

    A 300 s period over a whole month is 8,928 points: the API would answer an empty list. Daily
    points from the 1st at 00:00:00Z are at most 31 and include today's partial day.
    """
    # Clamped to the period: a later clock must not pull next month's traffic into this one.
    return MetricWindow(start=period.start, end=min(max(as_utc(now), period.start), period.end), period=86400)


def sum_datapoints(points: Iterable[Mapping[str, Any]] | None) -> float | None:
    """Sum of the ``sum`` statistic over ``points``; ``None`` when there are none (not the same as 0)."""
    if not points:
        return None
    total = 0.0
    seen = False
    for point in points:
        value = point.get("sum")
        if value is None:
            continue
        total += float(value)
        seen = True
    return total if seen else None


def newest_timestamp(points: Iterable[Mapping[str, Any]] | None) -> datetime | None:
    """The latest datapoint's timestamp, whatever its position in the list (case C4)."""
    stamps = [as_utc(p["timestamp"], field="timestamp") for p in points or () if p.get("timestamp")]
    return max(stamps) if stamps else None


@dataclass(frozen=True, slots=True)
class Usage:
    """Bytes in and out this month; a direction is ``None`` when the API gave no points for it."""

    bytes_in: float | None
    bytes_out: float | None
    known: bool
    note: str = ""

    @property
    def total(self) -> float | None:
        if not self.known:
            return None
        return (self.bytes_in or 0.0) + (self.bytes_out or 0.0)


def month_to_date_usage(
    in_points: Iterable[Mapping[str, Any]] | None,
    out_points: Iterable[Mapping[str, Any]] | None,
    *,
    state: str,
    created_at: datetime,
    now: datetime,
) -> Usage:
    """Combine both directions into this month's usage (cases C4, C5).

    One direction empty: count what exists. Both empty: zero only when no data is to be expected
    (a fresh instance inside the grace hour, or one that is not running); otherwise ``unknown``.
    """
    bytes_in = sum_datapoints(in_points)
    bytes_out = sum_datapoints(out_points)
    if bytes_in is not None or bytes_out is not None:
        missing = [d for d, v in (("NetworkIn", bytes_in), ("NetworkOut", bytes_out)) if v is None]
        note = f"no datapoints for {missing[0]}; counted the other direction only" if missing else ""
        return Usage(bytes_in=bytes_in, bytes_out=bytes_out, known=True, note=note)
    # Data can only exist since the later of creation and the 1st of the month.
    since = max(as_utc(created_at, field="created_at"), billing_period_at(now).start)
    age = as_utc(now) - since
    if state != "running":
        return Usage(bytes_in=0.0, bytes_out=0.0, known=True, note=f"no datapoints while {state}")
    if age <= NO_DATA_GRACE:
        return Usage(
            bytes_in=0.0, bytes_out=0.0, known=True, note="no datapoints yet (less than an hour of data)"
        )
    hours = age.total_seconds() / 3600
    return Usage(
        bytes_in=None,
        bytes_out=None,
        known=False,
        note=f"no datapoints in either direction after {hours:.0f} h running this month",
    )
