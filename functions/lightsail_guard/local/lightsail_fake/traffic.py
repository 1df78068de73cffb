"""Traffic bookkeeping and metric buckets for the Lightsail fake (pure functions, no clock, no I/O).

Times are float seconds since the epoch (UTC). Traffic is stored as *segments*: a number of bytes per
direction spread uniformly over ``[start, end)``. Only the part of a segment that falls in a period
where the instance generates traffic (``running`` or ``stopping``, from its state history) counts:
a stopped instance moves no data, so a guard that stops an instance really stops the usage growing.

The bucket rules mirror what GetInstanceMetricData does (DOMAIN.md, "The API, as the guard must use it"):

* buckets are aligned on multiples of the period since the epoch (86400 s buckets start at 00:00Z);
* a bucket is reported only if it holds some visible data (nothing before the instance existed, nothing
  while it was stopped, nothing newer than ``visible_until`` = now - metric lag);
* the current, partial bucket is reported with the data seen so far.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

#: States in which an instance moves data. ``stopping`` counts: the guest is still shutting down.
TRAFFIC_STATES = frozenset({"running", "stopping"})

#: Resolution of the raw samples behind Minimum/Maximum/Average/SampleCount (Lightsail publishes
#: network metrics every 5 minutes; periods that are not a multiple of it fall back to 1 minute).
SAMPLE_SECONDS = 300

Direction = Literal["in", "out"]
Interval = tuple[float, float]


@dataclass(frozen=True)
class Segment:
    """Bytes moved uniformly over ``[start, end)``; ``None`` for a direction means "no data at all"."""

    start: float
    end: float
    bytes_in: float | None
    bytes_out: float | None

    def amount(self, direction: Direction) -> float | None:
        return self.bytes_in if direction == "in" else self.bytes_out


def traffic_intervals(history: Sequence[tuple[float, str]], deleted_at: float | None) -> list[Interval]:
    """The intervals in which the instance moves data, from its (time-sorted) state history."""
    end_of_life = math.inf if deleted_at is None else deleted_at
    intervals: list[Interval] = []
    for index, (since, state) in enumerate(history):
        until = history[index + 1][0] if index + 1 < len(history) else math.inf
        until = min(until, end_of_life)
        if state in TRAFFIC_STATES and until > since:
            if intervals and intervals[-1][1] == since:
                intervals[-1] = (intervals[-1][0], until)
            else:
                intervals.append((since, until))
    return intervals


def bytes_in_window(
    segments: Iterable[Segment], direction: Direction, intervals: Sequence[Interval], start: float, end: float
) -> tuple[float, bool]:
    """Bytes counted in ``[start, end)`` and whether any data exists there at all.

    "Any data" is separate from "non-zero": a segment of 0 bytes yields a 0 datapoint (the instance
    reported zero), while no segment yields no datapoint (the API has nothing: empty is not zero).
    """
    total = 0.0
    has_data = False
    for segment in segments:
        amount = segment.amount(direction)
        if amount is None:
            continue
        length = segment.end - segment.start
        for running_from, running_until in intervals:
            low = max(segment.start, running_from, start)
            high = min(segment.end, running_until, end)
            if high > low:
                has_data = True
                total += amount * ((high - low) / length)
    return total, has_data


def bucket_count(start: float, end: float, period: int) -> int:
    """How many aligned buckets ``[start, end)`` spans: what the 1440-datapoint cap is checked against."""
    first = math.floor(start / period) * period
    return max(0, math.ceil((end - first) / period))


def datapoints(
    segments: Sequence[Segment],
    direction: Direction,
    intervals: Sequence[Interval],
    *,
    start: float,
    end: float,
    period: int,
    visible_until: float,
    statistics: Sequence[str],
    unit: str,
) -> list[dict[str, float | str]]:
    """The datapoints of one metric, oldest first (the caller shuffles them, as the API does)."""
    points: list[dict[str, float | str]] = []
    bucket = math.floor(start / period) * period
    while bucket < end:
        window_end = min(bucket + period, visible_until)
        if window_end > bucket:
            total, has_data = bytes_in_window(segments, direction, intervals, bucket, window_end)
            if has_data:
                point: dict[str, float | str] = {"timestamp": float(bucket), "unit": unit}
                point.update(
                    _statistics(segments, direction, intervals, bucket, window_end, period, total, statistics)
                )
                points.append(point)
        bucket += period
    return points


_STAT_KEYS = {
    "Sum": "sum",
    "Minimum": "minimum",
    "Maximum": "maximum",
    "Average": "average",
    "SampleCount": "sampleCount",
}


def _statistics(
    segments: Sequence[Segment],
    direction: Direction,
    intervals: Sequence[Interval],
    start: float,
    end: float,
    period: int,
    total: float,
    statistics: Sequence[str],
) -> dict[str, float]:
    wanted = {_STAT_KEYS[s] for s in statistics}
    values: dict[str, float] = {}
    if "sum" in wanted:
        values["sum"] = float(total)
    if wanted - {"sum"}:
        samples = _samples(segments, direction, intervals, start, end, period)
        if "minimum" in wanted:
            values["minimum"] = float(min(samples))
        if "maximum" in wanted:
            values["maximum"] = float(max(samples))
        if "sampleCount" in wanted:
            values["sampleCount"] = float(len(samples))
        if "average" in wanted:
            values["average"] = float(total / len(samples))
    return values


def _samples(
    segments: Sequence[Segment],
    direction: Direction,
    intervals: Sequence[Interval],
    start: float,
    end: float,
    period: int,
) -> list[float]:
    """Per-sample byte counts inside one bucket (only samples that have data)."""
    step = SAMPLE_SECONDS if period % SAMPLE_SECONDS == 0 else 60
    samples: list[float] = []
    slot = start
    while slot < end:
        value, has_data = bytes_in_window(segments, direction, intervals, slot, min(slot + step, end))
        if has_data:
            samples.append(value)
        slot += step
    return samples
