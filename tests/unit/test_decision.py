"""The verdict and its reason (STYLE.md lesson 6; DOMAIN.md "States", rows "units", "regional allowance").

Only ``running`` gets STOP; every other state over the line is a WARN that says no stop call is made. A
missing or zero allowance is UNKNOWN (a data problem). Cases C1, C5, C6 and the burst projection (C15's
premise) pin the numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lightsail_guard.core.billing_period import billing_period_at
from lightsail_guard.core.decision import Decision, Projection, Thresholds, Verdict, decide, format_gb
from lightsail_guard.core.proration import prorated_allowance

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

GB = 10**9
GIB = 2**30
THRESHOLDS = Thresholds(stop_percent=95.0, warn_percents=(80.0, 90.0))


def judge(
    used: float | None,
    allowance: float | None = 100 * GB,
    *,
    state: str = "running",
    full: float | None = None,
    bytes_per_gb: float = GB,
    projection: Projection | None = None,
) -> Decision:
    return decide(
        used_bytes=used,
        allowance_bytes=allowance,
        full_allowance_bytes=full,
        state=state,
        thresholds=THRESHOLDS,
        bytes_per_gb=bytes_per_gb,
        projection=projection,
    )


# -- the cases ------------------------------------------------------------------------------------------------


def c1_decision() -> Decision:
    created_at = datetime(2025, 1, 31, 12, tzinfo=UTC)
    period = billing_period_at(datetime(2025, 1, 31, 18, tzinfo=UTC))
    allowance = prorated_allowance(1024 * GB, created_at=created_at, period=period)
    return judge(16.0e9, allowance, full=1024 * GB)


def test_c1_created_on_the_last_day_is_stopped() -> None:
    """C1: given 16.0e9 B used against 1024 GB prorated to 16.516 GB, when decided, then STOP."""
    assert c1_decision().verdict is Verdict.STOP


def test_c1_reason_names_the_prorated_allowance() -> None:
    """C1: given the same instance, when decided, then the reason reads '1,024 GB prorated to 16.5 GB'."""
    assert "1,024 GB prorated to 16.5 GB" in c1_decision().reason


@pytest.mark.parametrize(
    ("bytes_per_gb", "verdict", "percent"),
    [
        pytest.param(GB, Verdict.STOP, 97.66, id="C6-10^9-stop"),
        pytest.param(GIB, Verdict.WARN, 90.95, id="C6-2^30-no-stop"),
    ],
)
def test_c6_gb_or_gib(bytes_per_gb: int, verdict: Verdict, percent: float) -> None:
    """C6: given 1024 "GB" and 10^12 B used, when decided with 10^9 or 2^30 bytes per GB, then 97.66 % → stop
    or 90.95 % → no stop (DOMAIN.md row "units")."""
    decision = judge(1_000_000_000_000, 1024 * bytes_per_gb, bytes_per_gb=bytes_per_gb)

    assert (decision.verdict, round(decision.percent, 2)) == (verdict, percent)


def test_c5_one_direction_is_68_36_percent() -> None:
    """C5: given 700e9 B counted from one direction against 1024 GB, when decided, then 68.36 %, OK."""
    decision = judge(700e9, 1024 * GB)

    assert (decision.verdict, round(decision.percent, 2)) == (Verdict.OK, 68.36)


def test_c5_unknown_usage_is_unknown_never_zero_percent() -> None:
    """C5: given usage unknown (no datapoints either way), when decided, then UNKNOWN with no percent."""
    decision = decide(
        used_bytes=None,
        allowance_bytes=1024 * GB,
        state="running",
        thresholds=THRESHOLDS,
        bytes_per_gb=GB,
        usage_note="no datapoints in either direction after 228 h running this month",
    )

    assert (decision.verdict, decision.percent, decision.reason) == (
        Verdict.UNKNOWN,
        None,
        "no datapoints in either direction after 228 h running this month",
    )


# -- states (DOMAIN.md "States", case C7 at the core level) ---------------------------------------------------


def test_running_over_the_line_is_stopped() -> None:
    """Given a running instance at 96 %, when decided, then STOP at the stop level."""
    decision = judge(96 * GB)

    assert (decision.verdict, decision.level) == (Verdict.STOP, 95.0)


@pytest.mark.parametrize(
    "state", ["stopped", "pending", "stopping", "rebooting", "shutting-down", "Running", ""]
)
def test_not_running_over_the_line_is_a_warning_at_the_stop_level(state: str) -> None:
    """Given an instance not in state 'running' at 99 %, when decided, then WARN at the stop level, no STOP."""
    decision = judge(99 * GB, state=state)

    assert (decision.verdict, decision.level) == (Verdict.WARN, 95.0)


@pytest.mark.parametrize("state", ["stopped", "pending", "stopping", "rebooting"])
def test_not_running_over_the_line_says_no_stop_call(state: str) -> None:
    """Given a non-running instance over the line, when decided, then the reason names its state and 'no stop call'."""
    decision = judge(99 * GB, state=state)

    assert f"the instance is {state}: no stop call" in decision.reason


@pytest.mark.parametrize("state", ["stopped", "pending", "stopping", "rebooting"])
def test_not_running_projected_past_the_allowance_is_not_stopped(state: str) -> None:
    """Given a non-running instance whose projection crosses 100 %, when decided, then WARN, not STOP."""
    projection = Projection(used_bytes=101 * GB, rate_bytes_per_second=125e6, horizon_seconds=960)

    assert judge(50 * GB, state=state, projection=projection).verdict is Verdict.WARN


# -- the allowance is data (DOMAIN.md row "regional allowance") ------------------------------------------------


@pytest.mark.parametrize("allowance", [None, 0, 0.0])
@pytest.mark.parametrize("used", [0.0, 50 * GB, 2000 * GB])
def test_missing_or_zero_allowance_is_unknown(allowance: float | None, used: float) -> None:
    """Given no allowance (or 0) from GetInstances, when decided, then UNKNOWN: never ok, never stop."""
    assert judge(used, allowance).verdict is Verdict.UNKNOWN


def test_missing_allowance_reason_says_data_problem() -> None:
    """Given no allowance, when decided, then the reason calls it a data problem."""
    assert "data problem" in judge(50 * GB, None).reason


# -- levels ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used_gb", "verdict", "level"),
    [
        pytest.param(0, Verdict.OK, None, id="zero"),
        pytest.param(79.99, Verdict.OK, None, id="just-below-first-warning"),
        pytest.param(80, Verdict.WARN, 80.0, id="at-first-warning"),
        pytest.param(89.99, Verdict.WARN, 80.0, id="between-warnings"),
        pytest.param(90, Verdict.WARN, 90.0, id="at-second-warning-picks-highest"),
        pytest.param(94.99, Verdict.WARN, 90.0, id="just-below-stop"),
        pytest.param(95, Verdict.STOP, 95.0, id="at-stop-line"),
        pytest.param(150, Verdict.STOP, 95.0, id="far-over"),
    ],
)
def test_levels_pick_the_highest_crossed(used_gb: float, verdict: Verdict, level: float | None) -> None:
    """Given a running instance with a 100 GB allowance, when decided, then the highest crossed level wins."""
    decision = judge(used_gb * GB)

    assert (decision.verdict, decision.level) == (verdict, level)


def test_warning_reason_names_the_level() -> None:
    """Given 92 % used, when decided, then the reason names the 90 % warning level (the highest crossed)."""
    assert "above the 90 % warning level" in judge(92 * GB).reason


def test_stop_reason_names_the_stop_line() -> None:
    """Given 96 % used, when decided, then the reason names the 95 % stop line."""
    assert "at or above the 95 % stop line" in judge(96 * GB).reason


# -- reasons carry the numbers (STYLE.md lesson 6) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "allowance", "full", "fragment"),
    [
        pytest.param(68 * GB, 100 * GB, None, "68.0 % of 100 GB (68.0 GB used)", id="plain"),
        pytest.param(
            612 * 0.941 * GB, 612 * GB, 1024 * GB, "94.1 % of 1,024 GB prorated to 612 GB", id="prorated"
        ),
        pytest.param(
            50 * GB, 1024 * GB, 1024 * GB, "4.9 % of 1,024 GB (50.0 GB used)", id="full-equals-allowance"
        ),
    ],
)
def test_reason_contains_percent_and_allowance(
    used: float, allowance: float, full: float | None, fragment: str
) -> None:
    """Given usage and an allowance, when decided, then the reason carries percent, allowance and usage."""
    assert fragment in judge(used, allowance, full=full).reason


def test_reason_does_not_say_prorated_for_a_full_month() -> None:
    """Given the allowance equal to the plan's, when decided, then the reason does not claim proration."""
    assert "prorated" not in judge(50 * GB, 1024 * GB, full=1024 * GB).reason


def test_pool_subject_prefixes_the_reason() -> None:
    """Given a pool subject, when decided, then the reason starts with it (one identity everywhere)."""
    decision = decide(
        used_bytes=50 * GB,
        allowance_bytes=100 * GB,
        state="running",
        thresholds=THRESHOLDS,
        bytes_per_gb=GB,
        subject="123456789012/eu-west-1/nano",
    )

    assert decision.reason.startswith("123456789012/eu-west-1/nano: ")


# -- projection (DOMAIN.md "Burst overshoot") ---------------------------------------------------------------------

# C15's premise: 960 GB used of 1024 GB (below the 972.8 GB line), 1 Gbit/s, 16 min until a stop can act.
BURST = Projection(used_bytes=960 * GB + 125e6 * 960, rate_bytes_per_second=125e6, horizon_seconds=960)


def test_projection_past_100_percent_stops_a_running_instance_below_the_line() -> None:
    """Given 93.75 % used and a projection of 105 % by the next chance to act, when decided, then STOP."""
    decision = judge(960 * GB, 1024 * GB, projection=BURST)

    assert (decision.verdict, round(decision.projected_percent, 2)) == (Verdict.STOP, 105.47)


def test_projection_stop_reason_says_projected_past_the_allowance() -> None:
    """Given the burst, when decided, then the reason says it is projected past the allowance, with the rate."""
    reason = judge(960 * GB, 1024 * GB, projection=BURST).reason

    assert "projected 105.5 % within 16 min at 1.0 Gbit/s: projected past the allowance" in reason


@pytest.mark.parametrize(
    ("projected_gb", "verdict"),
    [
        pytest.param(99.99, Verdict.OK, id="just-below-100"),
        pytest.param(100, Verdict.STOP, id="exactly-100"),
    ],
)
def test_projection_threshold_is_100_percent(projected_gb: float, verdict: Verdict) -> None:
    """Given 50 % used, when the projection reaches 100 % of the allowance, then STOP; just below, no effect."""
    projection = Projection(used_bytes=projected_gb * GB, rate_bytes_per_second=1e6, horizon_seconds=600)

    assert judge(50 * GB, projection=projection).verdict is verdict


# -- thresholds and format ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop", "warns", "message"),
    [
        pytest.param(0, (), r"stop_percent must be in \(0, 100\], got 0", id="stop-zero"),
        pytest.param(101, (), r"stop_percent must be in \(0, 100\], got 101", id="stop-over-100"),
        pytest.param(95, (90.0, 80.0), r"warn_percents must be ascending and distinct", id="descending"),
        pytest.param(95, (80.0, 80.0), r"warn_percents must be ascending and distinct", id="duplicate"),
        pytest.param(
            95, (80.0, 95.0), r"warn_percents must lie between 0 and stop_percent", id="warn-at-stop"
        ),
        pytest.param(95, (0.0,), r"warn_percents must lie between 0 and stop_percent", id="warn-zero"),
    ],
)
def test_thresholds_refuse_inconsistent_levels(stop: float, warns: tuple[float, ...], message: str) -> None:
    """Given inconsistent levels, when Thresholds is built, then it is refused with the rule broken."""
    with pytest.raises(ValueError, match=message):
        Thresholds(stop_percent=stop, warn_percents=warns)


@pytest.mark.parametrize(
    ("value", "bytes_per_gb", "text"),
    [
        pytest.param(1024 * GB, GB, "1,024 GB", id="large-no-decimals"),
        pytest.param(16.516129 * GB, GB, "16.5 GB", id="medium-one-decimal"),
        pytest.param(1.376344 * GB, GB, "1.376 GB", id="small-three-decimals"),
        pytest.param(1024 * GIB, GIB, "1,024 GB", id="gib"),
    ],
)
def test_format_gb(value: float, bytes_per_gb: int, text: str) -> None:
    """Given a byte count, when formatted, then precision follows magnitude (three decimals under 10 GB)."""
    assert format_gb(value, bytes_per_gb) == text
