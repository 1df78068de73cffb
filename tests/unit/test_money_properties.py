"""Properties of the money core that must hold for every input, not only the cases' numbers.

The cases (C1–C6, C12) say "fix the kind, not the example": these properties are the kind. DOMAIN.md
rows "billing month", "proration", "direction", "States" and "regional allowance".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lightsail_guard.core.billing_period import as_utc, billing_period_at
from lightsail_guard.core.decision import Projection, Thresholds, Verdict, decide
from lightsail_guard.core.proration import prorated_allowance
from lightsail_guard.core.usage import month_to_date_window, sum_datapoints

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

# No example database: the suite must not write outside tests/unit (and runs are reproducible anyway).
PROPERTY = settings(max_examples=200, deadline=None, database=None)

FIXED_OFFSETS = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=14)),  # Pacific/Kiritimati
        timezone(timedelta(hours=-12)),
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-5)),
        timezone(timedelta(hours=5, minutes=45)),  # Asia/Kathmandu
        timezone(timedelta(hours=-3, minutes=-30)),
    ]
)
#: IANA zones with DST folds and gaps, odd offsets and the extremes (cheaper to draw than st.timezones()).
IANA_ZONES = st.sampled_from(
    [
        ZoneInfo(name)
        for name in (
            "Pacific/Kiritimati",
            "Pacific/Pago_Pago",
            "America/Los_Angeles",
            "America/St_Johns",
            "Europe/Berlin",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
        )
    ]
)
ZONES = st.one_of(FIXED_OFFSETS, IANA_ZONES)

#: Any timezone-aware instant, in any offset or IANA zone (including DST folds and gaps).
AWARE_INSTANTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2199, 12, 31), timezones=ZONES
)

#: Instants around one month, to the microsecond: before it, inside it and after it.
AROUND_A_MONTH = st.timedeltas(min_value=timedelta(days=-40), max_value=timedelta(days=72))

ALLOWANCES = st.floats(min_value=0.0, max_value=1e13, allow_nan=False, allow_infinity=False)
BYTES = st.floats(min_value=0.0, max_value=1e14, allow_nan=False, allow_infinity=False)
POSITIVE_ALLOWANCES = st.floats(min_value=1.0, max_value=1e13, allow_nan=False, allow_infinity=False)
NOT_RUNNING = st.one_of(
    st.sampled_from(
        ["stopped", "pending", "stopping", "rebooting", "shutting-down", "Running", "RUNNING", ""]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzRUNING-_ ", max_size=12),
).filter(lambda state: state != "running")

SEVERITY = {Verdict.OK: 0, Verdict.WARN: 1, Verdict.STOP: 2}


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    stop = draw(st.floats(min_value=1.0, max_value=100.0))
    warns = draw(
        st.lists(st.floats(min_value=0.5, max_value=stop, exclude_max=True), max_size=4, unique=True)
    )
    return Thresholds(stop_percent=stop, warn_percents=tuple(sorted(warns)))


@st.composite
def months(draw: st.DrawFn):
    """A billing period, from any aware instant."""
    return billing_period_at(draw(AWARE_INSTANTS))


PROJECTIONS = st.one_of(
    st.none(),
    st.builds(
        Projection,
        used_bytes=BYTES,
        rate_bytes_per_second=st.floats(min_value=0, max_value=1.25e9),
        horizon_seconds=st.floats(min_value=0, max_value=7200),
    ),
)


# -- the billing period ----------------------------------------------------------------------------------------


@PROPERTY
@given(AWARE_INSTANTS)
def test_period_contains_the_instant(instant: datetime) -> None:
    """For any aware instant, its billing period contains it."""
    assert billing_period_at(instant).contains(instant)


@PROPERTY
@given(AWARE_INSTANTS)
def test_period_starts_on_the_first_at_midnight_utc(instant: datetime) -> None:
    """For any aware instant, the period starts on the 1st at 00:00:00.000000Z of the instant's UTC month."""
    start = billing_period_at(instant).start
    utc = as_utc(instant)

    assert (start.utcoffset(), start.year, start.month, start.day, start.time()) == (
        timedelta(0),
        utc.year,
        utc.month,
        1,
        datetime.min.time(),
    )


@PROPERTY
@given(AWARE_INSTANTS)
def test_period_ends_where_the_next_month_starts(instant: datetime) -> None:
    """For any aware instant, the period's end is the start of the following month's period."""
    period = billing_period_at(instant)

    assert period.end == billing_period_at(period.start + timedelta(days=32)).start


@PROPERTY
@given(AWARE_INSTANTS)
def test_period_is_28_to_31_days(instant: datetime) -> None:
    """For any aware instant, the period is a whole number of days between 28 and 31."""
    length = billing_period_at(instant).end - billing_period_at(instant).start

    assert length in {timedelta(days=d) for d in (28, 29, 30, 31)}


@PROPERTY
@given(AWARE_INSTANTS)
def test_window_runs_daily_from_the_first_to_now(now: datetime) -> None:
    """For any aware clock, the metric window is [1st 00:00Z, now) at 86400 s, with 1–31 points (C2, C3)."""
    period = billing_period_at(now)
    window = month_to_date_window(period, now)

    assert (window.start, window.end, window.period, 1 <= window.datapoints <= 31) == (
        period.start,
        as_utc(now),
        86400,
        True,
    )


# -- proration ----------------------------------------------------------------------------------------------------


@PROPERTY
@given(months(), ALLOWANCES, AROUND_A_MONTH)
def test_prorated_allowance_is_between_zero_and_the_allowance(
    period, allowance: float, offset: timedelta
) -> None:
    """For any createdAt, the prorated allowance lies in [0, allowance]."""
    share = prorated_allowance(allowance, created_at=period.start + offset, period=period)

    assert 0.0 <= share <= allowance


@PROPERTY
@given(months(), ALLOWANCES, AROUND_A_MONTH, AROUND_A_MONTH)
def test_prorated_allowance_never_grows_with_a_later_created_at(
    period, allowance: float, first: timedelta, second: timedelta
) -> None:
    """For any two createdAt, the later one never earns more."""
    earlier, later = sorted((first, second))

    share_of_earlier = prorated_allowance(allowance, created_at=period.start + earlier, period=period)
    share_of_later = prorated_allowance(allowance, created_at=period.start + later, period=period)

    assert share_of_later <= share_of_earlier


@PROPERTY
@given(months(), ALLOWANCES, st.timedeltas(min_value=timedelta(days=-800), max_value=timedelta(0)), ZONES)
def test_created_at_or_before_month_start_earns_the_full_allowance(
    period, allowance: float, before: timedelta, zone
) -> None:
    """For createdAt at or before the 1st 00:00Z (in any zone), the allowance is exactly the full one."""
    created_at = (period.start + before).astimezone(zone)

    assert prorated_allowance(allowance, created_at=created_at, period=period) == allowance


@PROPERTY
@given(months(), ALLOWANCES, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)), ZONES)
def test_created_at_or_after_month_end_earns_nothing(
    period, allowance: float, after: timedelta, zone
) -> None:
    """For createdAt at or after the month's end (in any zone), the allowance is 0."""
    created_at = (period.end + after).astimezone(zone)

    assert prorated_allowance(allowance, created_at=created_at, period=period) == 0.0


@PROPERTY
@given(months(), ALLOWANCES, AROUND_A_MONTH, AROUND_A_MONTH, AROUND_A_MONTH)
def test_prorations_of_consecutive_intervals_add_up(
    period, allowance: float, a: timedelta, b: timedelta, c: timedelta
) -> None:
    """For a ≤ b ≤ c, share(a→b) + share(b→c) == share(a→c): splitting an instance's life at gone_at
    (delete + recreate in the same pool) neither creates nor loses allowance."""
    first, middle, last = (period.start + t for t in sorted((a, b, c)))

    before = prorated_allowance(allowance, created_at=first, period=period, gone_at=middle)
    after = prorated_allowance(allowance, created_at=middle, period=period, gone_at=last)
    whole = prorated_allowance(allowance, created_at=first, period=period, gone_at=last)

    assert before + after == pytest.approx(whole, rel=1e-9, abs=1e-3)


@PROPERTY
@given(months(), ALLOWANCES, AROUND_A_MONTH, AROUND_A_MONTH)
def test_gone_at_split_adds_up_to_the_share_until_month_end(
    period, allowance: float, a: timedelta, b: timedelta
) -> None:
    """For created ≤ gone, share(created→gone) + share(gone→end of month) == share(created→end of month)."""
    created, gone = (period.start + t for t in sorted((a, b)))

    until_gone = prorated_allowance(allowance, created_at=created, period=period, gone_at=gone)
    after_gone = prorated_allowance(allowance, created_at=gone, period=period)
    whole = prorated_allowance(allowance, created_at=created, period=period)

    assert until_gone + after_gone == pytest.approx(whole, rel=1e-9, abs=1e-3)


# -- datapoints -----------------------------------------------------------------------------------------------------

#: Byte counts as the API returns them: whole numbers carried in floats (a month of 1 Gbit/s is ~3.3e14).
POINTS = st.lists(
    st.builds(
        lambda day, value: {
            "timestamp": datetime(2025, 8, day, tzinfo=UTC),
            "sum": float(value),
            "unit": "Bytes",
        },
        st.integers(min_value=1, max_value=31),
        st.integers(min_value=0, max_value=10**13),
    ),
    min_size=1,
    max_size=31,
)


@PROPERTY
@given(POINTS, st.data())
def test_sum_datapoints_is_invariant_under_permutation(points: list[dict], data: st.DataObject) -> None:
    """For any datapoints, any order gives the same sum (the API does not order them: C4)."""
    shuffled = data.draw(st.permutations(points))

    assert sum_datapoints(shuffled) == sum_datapoints(points)


@PROPERTY
@given(POINTS)
def test_sum_datapoints_is_the_exact_byte_total(points: list[dict]) -> None:
    """For any whole-byte datapoints, the sum is the exact integer total (no bytes lost to rounding)."""
    assert sum_datapoints(points) == sum(int(p["sum"]) for p in points)


# -- the decision ---------------------------------------------------------------------------------------------------


@PROPERTY
@given(thresholds(), POSITIVE_ALLOWANCES, BYTES, BYTES, PROJECTIONS)
def test_more_usage_is_never_less_severe(
    levels: Thresholds, allowance: float, first: float, second: float, projection: Projection | None
) -> None:
    """For a running instance, more usage never gives a less severe verdict (ok < warn < stop)."""
    less, more = sorted((first, second))

    def severity(used: float) -> int:
        verdict = decide(
            used_bytes=used,
            allowance_bytes=allowance,
            state="running",
            thresholds=levels,
            bytes_per_gb=1e9,
            projection=projection,
        ).verdict
        return SEVERITY[verdict]

    assert severity(less) <= severity(more)


@PROPERTY
@given(thresholds(), POSITIVE_ALLOWANCES, POSITIVE_ALLOWANCES, BYTES)
def test_smaller_allowance_is_never_less_severe(
    levels: Thresholds, first: float, second: float, used: float
) -> None:
    """For a running instance, a smaller (e.g. prorated) allowance never gives a less severe verdict."""
    small, large = sorted((first, second))

    def severity(allowance: float) -> int:
        verdict = decide(
            used_bytes=used, allowance_bytes=allowance, state="running", thresholds=levels, bytes_per_gb=1e9
        ).verdict
        return SEVERITY[verdict]

    assert severity(large) <= severity(small)


@PROPERTY
@given(thresholds(), POSITIVE_ALLOWANCES, BYTES, NOT_RUNNING, PROJECTIONS)
def test_an_instance_not_running_is_never_stopped(
    levels: Thresholds, allowance: float, used: float, state: str, projection: Projection | None
) -> None:
    """For any state other than 'running', whatever the usage or projection, the verdict is never STOP."""
    decision = decide(
        used_bytes=used,
        allowance_bytes=allowance,
        state=state,
        thresholds=levels,
        bytes_per_gb=1e9,
        projection=projection,
    )

    assert decision.verdict is not Verdict.STOP


@PROPERTY
@given(thresholds(), POSITIVE_ALLOWANCES, BYTES, st.sampled_from(["running", "stopped"]))
def test_percent_is_100_times_used_over_allowance(
    levels: Thresholds, allowance: float, used: float, state: str
) -> None:
    """For any usage and allowance, the decision's percent is 100 × used / allowance."""
    decision = decide(
        used_bytes=used, allowance_bytes=allowance, state=state, thresholds=levels, bytes_per_gb=1e9
    )

    assert decision.percent == pytest.approx(100.0 * used / allowance, rel=1e-12)


@PROPERTY
@given(
    thresholds(), st.sampled_from([None, 0, 0.0]), BYTES, st.sampled_from(["running", "stopped"]), PROJECTIONS
)
def test_missing_allowance_is_always_unknown(
    levels: Thresholds, allowance: float | None, used: float, state: str, projection: Projection | None
) -> None:
    """For a missing or zero allowance, whatever the usage, the verdict is UNKNOWN: never ok, never stop."""
    decision = decide(
        used_bytes=used,
        allowance_bytes=allowance,
        state=state,
        thresholds=levels,
        bytes_per_gb=1e9,
        projection=projection,
    )

    assert decision.verdict is Verdict.UNKNOWN


@PROPERTY
@given(thresholds(), POSITIVE_ALLOWANCES, BYTES)
def test_running_at_or_over_the_stop_line_is_stopped(
    levels: Thresholds, allowance: float, used: float
) -> None:
    """For a running instance at or over the stop percent, the verdict is STOP (the other side of monotone)."""
    assume(100.0 * used / allowance >= levels.stop_percent)

    decision = decide(
        used_bytes=used, allowance_bytes=allowance, state="running", thresholds=levels, bytes_per_gb=1e9
    )

    assert decision.verdict is Verdict.STOP
