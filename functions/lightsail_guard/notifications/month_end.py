"""Where usage ends up at the end of the billing month, and what that would cost.

The rate is the recent one when the check measured it, otherwise the month-to-date average: usage over
the time since the instance started counting this month (``max(createdAt, month start)``). An instance
that is stopped or stopping moves no traffic, so its projection stays where it is. Overage is only
the OUT share of the bytes past the allowance (DOMAIN.md, "direction"), priced per region.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from ..core.billing_period import BillingPeriod, as_utc

RateSource = Literal["recent", "month-average", "stopped"]
#: States in which an instance moves no traffic (DOMAIN.md: a stopped instance is still billed).
IDLE_STATES = frozenset({"stopping", "stopped"})


@dataclass(frozen=True, slots=True)
class MonthEnd:
    rate_bytes_per_second: float
    rate_source: RateSource
    used_bytes: float
    percent: float | None
    over_stop_line: bool
    #: The UTC day the usage crosses the stop line at this rate; ``None`` if not this month (or already).
    crosses_stop_line_on: date | None
    #: Projected OUT bytes past the allowance by month end.
    overage_out_bytes: float
    overage_usd: float | None


def month_average_rate(
    used_bytes: float, *, created_at: datetime | None, now: datetime, period: BillingPeriod
) -> float | None:
    """Usage over the time the instance has counted this month; ``None`` when no time has passed."""
    start = period.start if created_at is None else max(as_utc(created_at), period.start)
    elapsed = (as_utc(now) - start).total_seconds()
    return used_bytes / elapsed if elapsed > 0 else None


def project_month_end(
    *,
    used_bytes: float,
    bytes_out: float | None,
    allowance_bytes: float | None,
    rate: float | None,
    rate_source: RateSource,
    now: datetime,
    period: BillingPeriod,
    stop_percent: float,
    price_usd_per_gb: float | None,
    bytes_per_gb: float,
) -> MonthEnd | None:
    """Usage at month end at ``rate``; ``None`` without a rate (nothing honest to say)."""
    if rate is None:
        return None
    now = as_utc(now)
    remaining = max(0.0, (period.end - now).total_seconds())
    projected = used_bytes + rate * remaining
    percent = 100.0 * projected / allowance_bytes if allowance_bytes else None
    stop_line = allowance_bytes * stop_percent / 100.0 if allowance_bytes else None
    over = stop_line is not None and used_bytes >= stop_line
    crosses: date | None = None
    if stop_line is not None and not over and rate > 0:
        when = now + timedelta(seconds=(stop_line - used_bytes) / rate)
        if when < period.end:
            crosses = when.date()
    overage_out = 0.0
    if allowance_bytes and projected > allowance_bytes:
        out_share = bytes_out / used_bytes if bytes_out is not None and used_bytes > 0 else 1.0
        overage_out = (projected - allowance_bytes) * min(1.0, max(0.0, out_share))
    cost = None if price_usd_per_gb is None else overage_out / bytes_per_gb * price_usd_per_gb
    return MonthEnd(
        rate_bytes_per_second=rate,
        rate_source=rate_source,
        used_bytes=projected,
        percent=percent,
        over_stop_line=over,
        crosses_stop_line_on=crosses,
        overage_out_bytes=overage_out,
        overage_usd=cost,
    )
