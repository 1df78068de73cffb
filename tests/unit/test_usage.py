"""Month-to-date traffic from GetInstanceMetricData answers (DOMAIN.md, "The API" and row "direction").

Cases: C2 (the window starts at the 1st 00:00:00Z), C3 (a whole month fits in one daily query), C4
(unordered points, today's partial day) and C5 (empty is not zero).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lightsail_guard.core.billing_period import billing_period_at
from lightsail_guard.core.usage import (
    MAX_DATAPOINTS,
    MetricWindow,
    month_to_date_usage,
    month_to_date_window,
    newest_timestamp,
    sum_datapoints,
)

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

GB = 10**9


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- the query window (C2, C3) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "points"),
    [
        pytest.param(utc(2025, 1, 1, 0, 5), utc(2025, 1, 1), 1, id="C2-five-minutes-into-january"),
        pytest.param(utc(2025, 1, 31, 23, 55), utc(2025, 1, 1), 31, id="C3-whole-january"),
        pytest.param(utc(2024, 2, 29, 23, 59, 59), utc(2024, 2, 1), 29, id="leap-february-end"),
        pytest.param(utc(2025, 4, 30, 23, 59, 59), utc(2025, 4, 1), 30, id="april-end"),
        pytest.param(utc(2025, 8, 22, 10), utc(2025, 8, 1), 22, id="C4-mid-august-partial-day"),
        pytest.param(
            datetime(2025, 5, 1, 0, 30, tzinfo=timezone(timedelta(hours=8))),
            utc(2025, 4, 1),
            30,
            id="C12-plus-8",
        ),
    ],
)
def test_month_to_date_window_is_daily_from_the_first(now: datetime, start: datetime, points: int) -> None:
    """Given the clock, when the metric window is built, then it runs daily from the 1st 00:00Z to now."""
    window = month_to_date_window(billing_period_at(now), now)

    assert (window.start, window.end, window.period, window.datapoints) == (start, now, 86400, points)


def test_c3_five_minute_period_over_a_month_exceeds_the_cap() -> None:
    """C3: given January at 300 s (points stamped 00:00Z … 31st 23:55Z), then 8,928 points: over the 1,440 cap.

    This pins the premise of C3 (why the daily period is needed) with the arithmetic the window uses.
    """
    window = MetricWindow(start=utc(2025, 1, 1), end=utc(2025, 2, 1), period=300)

    assert (window.datapoints, window.datapoints > MAX_DATAPOINTS) == (8928, True)


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(utc(2025, 1, 31, 23, 59, 59, 999999), id="31-day-month"),
        pytest.param(utc(2024, 2, 29, 23, 59, 59, 999999), id="leap-february"),
        pytest.param(utc(2025, 12, 31, 23, 59, 59), id="december"),
    ],
)
def test_c3_window_for_a_whole_month_never_exceeds_31_points(now: datetime) -> None:
    """C3: given the last instant of a month, when the window is built, then ≤ 31 points (≤ 1,440)."""
    window = month_to_date_window(billing_period_at(now), now)

    assert window.datapoints <= 31


def test_window_at_the_first_instant_is_one_point_not_negative() -> None:
    """Given now == the 1st 00:00:00Z, when the window is built, then it is empty-length but counts 1 point."""
    window = month_to_date_window(billing_period_at(utc(2025, 1, 1)), utc(2025, 1, 1))

    assert (window.start, window.end, window.datapoints) == (utc(2025, 1, 1), utc(2025, 1, 1), 1)


def test_BUG_window_never_reaches_past_the_period_end() -> None:
    """BUG (latent): given April's period and a clock already in May (the report of the previous month,
    written on May 1st at 08:00Z), when the window is built, then it must stop at May 1st 00:00Z.

    Today the window runs to `now` (2025-05-01T08:00Z), so 8 h of May traffic would be counted as April's;
    with a clock months later it trips the `assert window.datapoints <= MAX_DATAPOINTS` instead (and under
    `python -O` the assert is gone and the API answers an empty list: C3 again).
    """
    april = billing_period_at(utc(2025, 4, 15))

    window = month_to_date_window(april, utc(2025, 5, 1, 8))

    assert window.end <= april.end


# -- summing datapoints (C4) --------------------------------------------------------------------------------

C4_POINTS = [
    {"timestamp": utc(2025, 8, 20), "sum": 3_130_984_833.0, "unit": "Bytes"},
    {"timestamp": utc(2025, 8, 22), "sum": 893_584_166.0, "unit": "Bytes"},  # today, partial day
    {"timestamp": utc(2025, 8, 21), "sum": 6_930_673_489.0, "unit": "Bytes"},
]


@pytest.mark.parametrize(
    "order",
    [pytest.param(list(p), id="-".join(str(i) for i in p)) for p in itertools.permutations(range(3))],
)
def test_c4_sum_is_the_same_in_every_order(order: list[int]) -> None:
    """C4: given the three NetworkOut points in any order, when summed, then 10,955,242,488 B."""
    assert sum_datapoints([C4_POINTS[i] for i in order]) == 10_955_242_488


@pytest.mark.parametrize(
    "order",
    [pytest.param(list(p), id="-".join(str(i) for i in p)) for p in itertools.permutations(range(3))],
)
def test_c4_newest_point_is_august_22_whatever_its_position(order: list[int]) -> None:
    """C4: given the points in any order, when the newest is asked for, then it is Aug 22 (today)."""
    assert newest_timestamp([C4_POINTS[i] for i in order]) == utc(2025, 8, 22)


def test_newest_timestamp_compares_instants_not_wall_clocks() -> None:
    """Given points stamped in different offsets, when the newest is taken, then the later instant wins.

    21:00+08:00 (13:00Z) looks later on the wall but is earlier than 14:00Z.
    """
    points = [
        {"timestamp": datetime(2025, 8, 22, 21, tzinfo=timezone(timedelta(hours=8))), "sum": 1.0},
        {"timestamp": utc(2025, 8, 22, 14), "sum": 1.0},
    ]

    assert newest_timestamp(points) == utc(2025, 8, 22, 14)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        pytest.param([], None, id="empty-list-is-none-not-zero"),
        pytest.param(None, None, id="missing-key-is-none"),
        pytest.param([{"timestamp": utc(2025, 8, 1)}], None, id="point-without-sum-is-none"),
        pytest.param([{"sum": 0.0}], 0.0, id="a-real-zero-is-zero"),
        pytest.param([{"sum": 5.0}, {"timestamp": utc(2025, 8, 1)}], 5.0, id="skips-points-without-sum"),
    ],
)
def test_sum_datapoints_separates_none_from_zero(points: list | None, expected: float | None) -> None:
    """Given points that may be empty, when summed, then 'no data' is None and a real zero is 0."""
    # None == None, and 0.0 != None: equality alone tells "no data" from "zero".
    assert sum_datapoints(points) == expected


def test_newest_timestamp_of_nothing_is_none() -> None:
    """Given no points, when the newest is asked for, then None (not an arbitrary date)."""
    assert newest_timestamp([]) is None


# -- combining directions (C5) ------------------------------------------------------------------------------

DAY_1 = utc(2025, 1, 1)
DAY_10 = utc(2025, 1, 10, 12)
OUT_700 = [{"timestamp": utc(2025, 1, 9), "sum": 700e9}]


@pytest.mark.parametrize(
    ("in_points", "out_points"),
    [
        pytest.param([], OUT_700, id="in-empty-list"),
        pytest.param(None, OUT_700, id="in-key-missing"),
        pytest.param(OUT_700, [], id="out-empty-list"),
        pytest.param(OUT_700, None, id="out-key-missing"),
    ],
)
def test_c5_one_direction_empty_counts_the_other(in_points: list | None, out_points: list | None) -> None:
    """C5: given one direction empty (or missing) and the other 700e9 B, then usage is known, 700e9 B."""
    usage = month_to_date_usage(in_points, out_points, state="running", created_at=DAY_1, now=DAY_10)

    assert (usage.known, usage.total) == (True, 700e9)


def test_c5_one_direction_empty_is_noted() -> None:
    """C5: given NetworkIn empty, when combined, then the note says which direction had no points."""
    usage = month_to_date_usage([], OUT_700, state="running", created_at=DAY_1, now=DAY_10)

    assert "NetworkIn" in usage.note


def test_both_directions_are_added() -> None:
    """Given both directions with data, when combined, then usage is IN + OUT (DOMAIN.md row "direction")."""
    usage = month_to_date_usage([{"sum": 300e9}], OUT_700, state="running", created_at=DAY_1, now=DAY_10)

    assert usage.total == 1000e9


@pytest.mark.parametrize(
    ("in_points", "out_points"),
    [
        pytest.param([], [], id="both-empty-lists"),
        pytest.param(None, None, id="both-keys-missing"),
        pytest.param([], None, id="empty-and-missing"),
    ],
)
def test_c5_both_empty_after_days_of_running_is_unknown(
    in_points: list | None, out_points: list | None
) -> None:
    """C5: given a running instance since day 1, on day 10 with no points either way, then unknown, never 0."""
    usage = month_to_date_usage(in_points, out_points, state="running", created_at=DAY_1, now=DAY_10)

    assert (usage.known, usage.total) == (False, None)


def test_c5_unknown_usage_says_why() -> None:
    """C5: given the unknown case, when reported, then the note says no datapoints in either direction."""
    usage = month_to_date_usage([], [], state="running", created_at=DAY_1, now=DAY_10)

    assert "no datapoints in either direction" in usage.note


@pytest.mark.parametrize(
    ("created_at", "now"),
    [
        pytest.param(utc(2025, 1, 10, 12), utc(2025, 1, 10, 12, 59), id="created-59-min-ago"),
        pytest.param(utc(2024, 6, 1), utc(2025, 1, 1, 0, 30), id="old-instance-first-half-hour-of-month"),
        pytest.param(
            utc(2024, 12, 31, 23, 30), utc(2025, 1, 1, 0, 45), id="created-before-new-year-45-min-in"
        ),
    ],
)
def test_c5_both_empty_within_the_first_hour_is_a_known_zero(created_at: datetime, now: datetime) -> None:
    """C5: given no points yet and less than an hour of data possible, then usage is a known 0."""
    usage = month_to_date_usage([], [], state="running", created_at=created_at, now=now)

    assert (usage.known, usage.total) == (True, 0.0)


@pytest.mark.parametrize(
    ("created_at", "now"),
    [
        pytest.param(utc(2025, 1, 10, 12), utc(2025, 1, 10, 13, 1), id="created-61-min-ago"),
        pytest.param(utc(2024, 6, 1), utc(2025, 1, 1, 1, 1), id="old-instance-61-min-into-month"),
    ],
)
def test_c5_both_empty_past_the_first_hour_is_unknown(created_at: datetime, now: datetime) -> None:
    """C5: given no points and more than an hour of possible data, then usage is unknown."""
    usage = month_to_date_usage([], [], state="running", created_at=created_at, now=now)

    assert usage.known is False


def test_c5_day_10_unknown_under_a_plus_8_clock() -> None:
    """C5 with the clock given in +08:00: the month start is still UTC, so day 10 is still unknown."""
    now = datetime(2025, 1, 10, 20, tzinfo=timezone(timedelta(hours=8)))

    usage = month_to_date_usage([], [], state="running", created_at=DAY_1, now=now)

    assert usage.known is False


def test_c3_empty_answer_for_a_long_running_instance_is_unknown() -> None:
    """C3: given the API answered an empty list (e.g. too many points) for an instance running all month,
    when combined on the 31st, then usage is unknown, never 0 %."""
    usage = month_to_date_usage(
        [], [], state="running", created_at=utc(2024, 6, 1), now=utc(2025, 1, 31, 23, 55)
    )

    assert usage.total is None
