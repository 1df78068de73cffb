"""The billing month: a calendar month in UTC (DOMAIN.md, "billing month").

Every instant handled here must be timezone-aware. boto3 returns ``createdAt`` in the machine's local
zone and a naive datetime means "we do not know which zone": both are refused or converted here, once,
so that no caller can get the month wrong on a machine whose ``TZ`` is not UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


def as_utc(instant: datetime, *, field: str = "instant") -> datetime:
    """Return ``instant`` in UTC; refuse naive datetimes (their zone is unknowable)."""
    if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
        raise ValueError(f"{field} must be timezone-aware, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)


def parse_instant(text: str, *, field: str = "instant") -> datetime:
    """Parse an ISO-8601 instant with an explicit offset (``Z`` accepted) into UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{field} must be an ISO-8601 instant such as 2025-01-31T12:00:00Z, got {text!r}"
        ) from exc
    return as_utc(value, field=field)


def format_instant(instant: datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` suffix, second precision (what Step Functions and logs show)."""
    return as_utc(instant).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """One billing month: ``start`` inclusive, ``end`` exclusive (the next month's 1st, 00:00:00Z)."""

    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """``YYYY-MM``: the key of this month in the ledger and in reports."""
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def name(self) -> str:
        """``April 2025``: the month as people read it."""
        return self.start.strftime("%B %Y")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def contains(self, instant: datetime) -> bool:
        return self.start <= as_utc(instant) < self.end

    def previous(self) -> BillingPeriod:
        return billing_period_at(self.start - timedelta(microseconds=1))

    def next(self) -> BillingPeriod:
        return billing_period_at(self.end)


def billing_period_at(instant: datetime) -> BillingPeriod:
    """The billing month containing ``instant`` (UTC calendar month, whatever the process ``TZ``)."""
    utc = as_utc(instant)
    start = datetime(utc.year, utc.month, 1, tzinfo=UTC)
    end = (
        datetime(utc.year + 1, 1, 1, tzinfo=UTC)
        if utc.month == 12
        else datetime(utc.year, utc.month + 1, 1, tzinfo=UTC)
    )
    return BillingPeriod(start=start, end=end)
