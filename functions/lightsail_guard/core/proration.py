"""The allowance an instance earns this month (DOMAIN.md, "proration").

AWS states no formula; the community one is used: allowance × (month_end − start) / (month_end −
month_start), in UTC seconds, where ``start`` is ``createdAt`` for an instance created this month. An
instance that vanished this month earns its share only up to when it was last seen (pool accounting).
"""

from __future__ import annotations

from datetime import datetime

from .billing_period import BillingPeriod, as_utc


def prorated_allowance(
    allowance: float,
    *,
    created_at: datetime,
    period: BillingPeriod,
    gone_at: datetime | None = None,
) -> float:
    """The share of ``allowance`` (any unit) earned between creation and month end (or ``gone_at``).

    Created before the month: the whole allowance. Created after the month (clock skew, or a replay at
    an earlier instant): nothing. ``gone_at`` cuts the share for an instance deleted this month.
    """
    if allowance < 0:
        raise ValueError(f"allowance must be >= 0, got {allowance}")
    begin = max(as_utc(created_at, field="created_at"), period.start)
    finish = period.end if gone_at is None else min(as_utc(gone_at, field="gone_at"), period.end)
    if finish <= begin:
        return 0.0
    if begin == period.start and finish == period.end:
        return float(allowance)
    return allowance * (finish - begin).total_seconds() / period.seconds
