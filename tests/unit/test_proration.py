"""The allowance an instance earns this month (DOMAIN.md, row "proration").

Formula: allowance × (month_end − createdAt) / (month_end − month_start), in UTC seconds, for instances
created this month; the whole allowance for older ones. Cases C1 and C2 pin the numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from lightsail_guard.core.billing_period import billing_period_at
from lightsail_guard.core.proration import prorated_allowance

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

GB = 10**9
ALLOWANCE = 1024 * GB


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "created_at", "expected_gb"),
    [
        # C1: created 2025-01-31T12:00Z, 12 h of a 744 h month left.
        pytest.param(
            utc(2025, 1, 31, 18), utc(2025, 1, 31, 12), 1024 * 12 / 744, id="C1-last-day-of-january"
        ),
        # C2: created 2024-12-31T23:00Z, at 23:30Z: 1 h of 744 h left.
        pytest.param(
            utc(2024, 12, 31, 23, 30), utc(2024, 12, 31, 23), 1024 / 744, id="C2-december-before-new-year"
        ),
        # C2: five minutes into January the same instance earns the whole month.
        pytest.param(utc(2025, 1, 1, 0, 5), utc(2024, 12, 31, 23), 1024.0, id="C2-january-full"),
        pytest.param(utc(2024, 2, 20), utc(2024, 2, 15), 1024 * 15 / 29, id="leap-feb-2024-15-of-29-days"),
        pytest.param(utc(2025, 2, 20), utc(2025, 2, 15), 1024 * 14 / 28, id="feb-2025-14-of-28-days"),
        pytest.param(utc(2025, 4, 20), utc(2025, 4, 16), 1024 * 15 / 30, id="april-15-of-30-days"),
        pytest.param(utc(2025, 4, 20), utc(2025, 4, 1), 1024.0, id="created-at-month-start"),
        pytest.param(utc(2025, 4, 20), utc(2023, 6, 1), 1024.0, id="created-long-ago"),
        pytest.param(
            utc(2025, 4, 20),
            datetime(2025, 4, 16, 8, tzinfo=timezone(timedelta(hours=8))),  # = 2025-04-16T00:00Z
            1024 * 15 / 30,
            id="created-at-given-in-plus-8",
        ),
    ],
)
def test_prorated_allowance_table(now: datetime, created_at: datetime, expected_gb: float) -> None:
    """Given an instance's createdAt and the clock, when the allowance is prorated, then it is the formula's share."""
    period = billing_period_at(now)

    allowance = prorated_allowance(ALLOWANCE, created_at=created_at, period=period)

    assert allowance == pytest.approx(expected_gb * GB, rel=1e-12)


def test_c1_prorated_allowance_to_three_decimals() -> None:
    """C1: given 1024 GB and createdAt 2025-01-31T12:00Z, when prorated, then 16.516 GB."""
    allowance = prorated_allowance(
        ALLOWANCE, created_at=utc(2025, 1, 31, 12), period=billing_period_at(utc(2025, 1, 31, 18))
    )

    assert round(allowance / GB, 3) == 16.516


def test_c1_stop_line_is_95_percent_of_the_prorated_allowance() -> None:
    """C1: given the prorated 16.516 GB, when the 95 % stop line is drawn, then it is at 15.690 GB."""
    allowance = prorated_allowance(
        ALLOWANCE, created_at=utc(2025, 1, 31, 12), period=billing_period_at(utc(2025, 1, 31, 18))
    )

    assert round(allowance * 0.95 / GB, 3) == 15.690


def test_c2_half_hour_before_new_year_is_1_376_gb() -> None:
    """C2: given createdAt 2024-12-31T23:00Z, at 23:30Z the prorated allowance is 1.376 GB."""
    allowance = prorated_allowance(
        ALLOWANCE, created_at=utc(2024, 12, 31, 23), period=billing_period_at(utc(2024, 12, 31, 23, 30))
    )

    assert round(allowance / GB, 3) == 1.376


def test_c2_after_new_year_is_the_exact_full_allowance() -> None:
    """C2: given the same instance at 2025-01-01T00:05Z, the allowance is exactly 1024 GB (no rounding)."""
    allowance = prorated_allowance(
        ALLOWANCE, created_at=utc(2024, 12, 31, 23), period=billing_period_at(utc(2025, 1, 1, 0, 5))
    )

    assert allowance == ALLOWANCE


@pytest.mark.parametrize(
    "created_at",
    [
        pytest.param(utc(2025, 5, 1), id="at-month-end"),
        pytest.param(utc(2025, 6, 3), id="after-month-end-clock-skew"),
    ],
)
def test_created_at_or_after_month_end_earns_nothing(created_at: datetime) -> None:
    """Given createdAt at or after the month's end (skew or replay), when prorated for April, then 0."""
    april = billing_period_at(utc(2025, 4, 15))

    assert prorated_allowance(ALLOWANCE, created_at=created_at, period=april) == 0.0


@pytest.mark.parametrize(
    ("created_at", "gone_at", "expected_gb"),
    [
        pytest.param(utc(2025, 3, 1), utc(2025, 4, 16), 1024 * 15 / 30, id="old-instance-gone-mid-month"),
        pytest.param(utc(2025, 4, 6), utc(2025, 4, 16), 1024 * 10 / 30, id="created-and-gone-this-month"),
        pytest.param(utc(2025, 4, 6), utc(2025, 6, 1), 1024 * 25 / 30, id="gone-after-month-end-is-cut"),
        pytest.param(utc(2025, 3, 1), utc(2025, 3, 20), 0.0, id="gone-before-month-start"),
        pytest.param(utc(2025, 4, 16), utc(2025, 4, 6), 0.0, id="gone-before-created"),
    ],
)
def test_gone_at_cuts_the_share(created_at: datetime, gone_at: datetime, expected_gb: float) -> None:
    """Given an instance deleted this month (pool accounting), when prorated, then it earns up to gone_at only."""
    april = billing_period_at(utc(2025, 4, 15))

    allowance = prorated_allowance(ALLOWANCE, created_at=created_at, period=april, gone_at=gone_at)

    assert allowance == pytest.approx(expected_gb * GB, rel=1e-12, abs=1e-9)


def test_negative_allowance_is_refused() -> None:
    """Given a negative allowance, when prorated, then it is refused with the value in the message."""
    with pytest.raises(ValueError, match=r"allowance must be >= 0, got -1"):
        prorated_allowance(-1, created_at=utc(2025, 4, 6), period=billing_period_at(utc(2025, 4, 15)))


@pytest.mark.parametrize(
    ("created_at", "gone_at", "field"),
    [
        pytest.param(datetime(2025, 4, 6), None, "created_at", id="naive-created-at"),
        pytest.param(utc(2025, 4, 6), datetime(2025, 4, 16), "gone_at", id="naive-gone-at"),
    ],
)
def test_naive_instants_are_refused_by_name(
    created_at: datetime, gone_at: datetime | None, field: str
) -> None:
    """Given a naive created_at or gone_at, when prorated, then the error names that argument."""
    with pytest.raises(ValueError, match=rf"^{field} must be timezone-aware"):
        prorated_allowance(
            ALLOWANCE, created_at=created_at, period=billing_period_at(utc(2025, 4, 15)), gone_at=gone_at
        )
