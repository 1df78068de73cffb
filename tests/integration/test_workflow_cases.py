"""The cases from the field, through the whole state machine on the local AWS (moto + the Lightsail fake).

Every test runs the real ASL (``statemachine/lightsail-guard.asl.json``) on moto's Step Functions
interpreter with the real handlers in-process. Most build a tiny scenario and call ``simulate``; where a
scenario cannot say it (a metric with *no* data, the request parameters, the execution history, a run
without ``now``) the test drives :class:`LocalAws` and the fake directly.

Figures: allowances are the API's "GB" with 1 GB = 10^9 bytes, stop line 95 %, and the fake's metric lag
is 60 s, so traffic up to ``now - 60 s`` is visible.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.retries.standard import ExponentialBackoff

from lightsail_guard.config.model import load_config
from lightsail_guard.core.billing_period import format_instant, parse_instant
from lightsail_guard.local.environment import Execution, LocalAws
from lightsail_guard.local.runner import VirtualClock, simulate
from lightsail_guard.local.scenario import parse_scenario

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
REGION = "eu-west-1"
LONG_AGO = "2024-06-01T00:00:00Z"  # created long before the month under test: full allowance
METRIC_LAG = 60  # seconds; the scenario format's default for the fake


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- scenario building ----------------------------------------------------------------------------------


def instance(
    name: str, *, allowance_gb: int = 1024, created: str = LONG_AGO, **fields: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "bundleId": "micro_3_0",
        "allowanceGb": allowance_gb,
        "createdAt": created,
        **fields,
    }


def scenario(
    name: str,
    instances: list[dict[str, Any]],
    *,
    at: list[str],
    extra_accounts: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One account, one region, the given instances; checked at the instants in ``at``."""
    accounts = [{"id": ACCOUNT, "regions": [{"name": REGION, "instances": instances}]}]
    return {"name": name, "accounts": accounts + (extra_accounts or []), "checks": {"at": at}, **fields}


def run_scenario(raw: dict[str, Any]) -> dict[str, Any]:
    return simulate(parse_scenario(raw))


def only_run(result: dict[str, Any]) -> dict[str, Any]:
    assert len(result["runs"]) == 1
    run = result["runs"][0]
    assert run["status"] == "SUCCEEDED", run["error"]
    return run


def by_name(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in run["instances"]}


@pytest.fixture(scope="module")
def instant_retries() -> Iterator[None]:
    """botocore's standard retry mode sleeps up to 20 s between throttled attempts: skip the waiting.

    Only the delay changes; the number of attempts and which errors are retried stay botocore's.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
        yield


# -- driving LocalAws directly ----------------------------------------------------------------------------


@contextmanager
def local_aws(
    now: datetime,
    *,
    member_accounts: dict[str, bool] | None = None,
    config: dict[str, Any] | None = None,
) -> Iterator[LocalAws]:
    members = member_accounts or {ACCOUNT: True}
    raw = config or {"targets": [{"accounts": sorted(members), "regions": [REGION]}]}
    local = LocalAws(config=load_config(raw), clock=VirtualClock(now), member_accounts=members)
    with local.started(page_size=2, metric_lag=timedelta(seconds=METRIC_LAG)):
        yield local


def measurements_of(execution: Execution) -> dict[str, dict[str, Any]]:
    """Every instance's CheckInstance result in one execution, by name (what DecideTarget received)."""
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    found = {}
    for event in execution.events:
        details = event.get("stateEnteredEventDetails")
        if details and details["name"] == "DecideTarget":
            for measurement in json.loads(details["input"]).get("measurements", []):
                found[measurement.get("name") or measurement["instance"]["name"]] = measurement
    return found


def record_params(local: LocalAws) -> list[tuple[str, dict[str, Any]]]:
    """Spy on every request the fake answers: (operation, decoded parameters)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    answer: Callable[..., Any] = local.fake.handle

    def spy(operation: str, params: dict[str, Any], **where: Any) -> Any:
        seen.append((operation, dict(params)))
        return answer(operation, params, **where)

    local.fake.handle = spy  # type: ignore[method-assign]
    return seen


# -- C3: a month at 5-minute resolution ------------------------------------------------------------------

C3_NOW = "2025-01-31T23:55:00Z"
C3_RATE_IN, C3_RATE_OUT = 50_000, 300_000  # bytes per second, all of January


@pytest.fixture(scope="module")
def c3_run() -> dict[str, Any]:
    month = {"from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z"}
    raw = scenario(
        "c3",
        [
            instance("busy-all-month", traffic=[{**month, "rateIn": C3_RATE_IN, "rateOut": C3_RATE_OUT}]),
            instance("silent-box"),  # running since long before the 1st, no datapoints at all
        ],
        at=[C3_NOW],
    )
    return only_run(run_scenario(raw))


def test_c3_a_whole_month_of_traffic_is_counted_to_the_byte(c3_run: dict[str, Any]) -> None:
    """C3 (DOMAIN.md "The API": 1440-point cap, "direction"): a month read at 300 s would be 8,928 points
    and the API would answer an empty list; read at 86400 s it is 31 points and every byte counts.

    Given an instance with steady traffic since 2025-01-01T00:00Z, checked at 2025-01-31T23:55Z
    When the workflow runs
    Then its used bytes are the whole month's in + out up to now minus the metric lag
    """
    visible_seconds = (parse_instant(C3_NOW) - utc(2025, 1, 1)).total_seconds() - METRIC_LAG
    expected = (C3_RATE_IN + C3_RATE_OUT) * visible_seconds

    assert by_name(c3_run)["busy-all-month"]["usedBytes"] == pytest.approx(expected, rel=1e-9)


@pytest.fixture(scope="module")
def c3_metric_queries() -> list[dict[str, Any]]:
    """Every GetInstanceMetricData request of one run at 2025-01-31T23:55Z (parameters as sent)."""
    now = parse_instant(C3_NOW)
    with local_aws(now) as local:
        local.fake.add_instance(
            account=ACCOUNT,
            region=REGION,
            name="web-1",
            bundle_id="nano_3_0",
            allowance_gb=1024,
            created_at=utc(2024, 6, 1),
        )
        seen = record_params(local)
        local.run(now=now)
    return [params for operation, params in seen if operation == "GetInstanceMetricData"]


def test_c3_month_to_date_is_asked_in_daily_points_from_the_first(
    c3_metric_queries: list[dict[str, Any]],
) -> None:
    """C3 (DOMAIN.md "The API": period 86400 s from the 1st 00:00:00Z gives ≤ 31 points).

    Given an instance checked at 2025-01-31T23:55Z
    When the workflow runs
    Then the queries from 2025-01-01T00:00:00Z ask NetworkIn and NetworkOut at period 86400
    """
    month_start = utc(2025, 1, 1).timestamp()
    from_month_start = {
        (q["metricName"], q["period"]) for q in c3_metric_queries if q["startTime"] == month_start
    }

    assert from_month_start == {("NetworkIn", 86400), ("NetworkOut", 86400)}


def test_c3_no_metric_query_asks_more_than_1440_points(c3_metric_queries: list[dict[str, Any]]) -> None:
    """C3 (DOMAIN.md "The API": more than 1440 datapoints per call answers an empty list, not an error).

    Given the same run
    When every GetInstanceMetricData request is sized (aligned buckets from start to end)
    Then none asks for more than 1440 points
    """
    sizes = [
        math.ceil((q["endTime"] - math.floor(q["startTime"] / q["period"]) * q["period"]) / q["period"])
        for q in c3_metric_queries
    ]

    assert (sizes != [], max(sizes, default=0) <= 1440) == (True, True)


def test_c3_no_datapoints_in_either_direction_is_unknown_not_zero(c3_run: dict[str, Any]) -> None:
    """C3, C5 (DOMAIN.md "Empty is not zero").

    Given an instance running since before the 1st with no datapoints in either direction
    When the workflow checks it late in the month
    Then its verdict is unknown and it has no percentage (never 0 %)
    """
    silent = by_name(c3_run)["silent-box"]

    assert (silent["verdict"], silent["percent"], silent["usedBytes"]) == ("unknown", None, None)


def test_c3_no_datapoints_in_either_direction_sends_an_alert(c3_run: dict[str, Any]) -> None:
    """C3, C5 (DOMAIN.md "Empty is not zero": unknown means alert).

    Given the silent instance above
    When the workflow checks it
    Then one notification names it
    """
    about_silent = [n for n in c3_run["notifications"] if "silent-box" in n["subject"]]

    assert len(about_silent) == 1


def test_c5_unknown_on_day_10_for_an_instance_running_since_day_1() -> None:
    """C5 (DOMAIN.md "Empty is not zero").

    Given an instance running since 2025-01-01T00:00Z with no datapoints in either direction
    When the workflow checks it on 2025-01-10
    Then the verdict is unknown and an alert goes out
    """
    raw = scenario(
        "c5-empty", [instance("quiet-1", created="2025-01-01T00:00:00Z")], at=["2025-01-10T12:00:00Z"]
    )
    run = only_run(run_scenario(raw))

    assert (by_name(run)["quiet-1"]["verdict"], by_name(run)["quiet-1"]["notified"]) == ("unknown", True)


# -- C5: one direction without data ------------------------------------------------------------------------


def test_c5_one_direction_without_data_counts_the_other() -> None:
    """C5 (DOMAIN.md "Empty is not zero": one direction empty and the other not, count what exists).

    The scenario format writes 0 bytes for a missing direction (a 0 datapoint), so this drives the
    fake directly: ``bytes_in=None`` makes NetworkIn answer an empty list.

    Given NetworkIn with no data at all and NetworkOut 700e9 B this month, allowance 1024 GB
    When the workflow checks the instance
    Then it has used 700e9 B = 68.359 % of its allowance
    """
    now = utc(2025, 1, 10, 12)
    with local_aws(now) as local:
        local.fake.add_instance(
            account=ACCOUNT,
            region=REGION,
            name="one-way",
            bundle_id="nano_3_0",
            allowance_gb=1024,
            created_at=utc(2024, 6, 1),
        )
        local.fake.add_traffic(
            account=ACCOUNT,
            region=REGION,
            name="one-way",
            start=utc(2025, 1, 1),
            end=utc(2025, 1, 5),
            bytes_in=None,
            bytes_out=700e9,
        )
        result = measurements_of(local.run(now=now))["one-way"]

    assert (result["usedBytes"], result["percent"]) == (pytest.approx(700e9), pytest.approx(68.359, abs=1e-3))


# -- C7: instances that are not running -------------------------------------------------------------------

C7_STATES = {
    "over-running": "running",
    "over-pending": "pending",
    "over-stopping": "stopping",
    "over-stopped": "stopped",
    "over-rebooting": "rebooting",
}


@pytest.fixture(scope="module")
def c7_result() -> dict[str, Any]:
    """Five instances with 1000e9 B used (97.66 % of 1024 GB); all but one left ``running`` on Jan 9."""
    spent = [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-08T00:00:00Z", "bytesOut": 1000e9}]
    instances = []
    for name, state in C7_STATES.items():
        changes = [] if state == "running" else [{"at": "2025-01-09T00:00:00Z", "state": state}]
        instances.append(instance(name, traffic=spent, stateChanges=changes))
    return run_scenario(scenario("c7", instances, at=["2025-01-10T00:00:00Z"]))


def test_c7_exactly_one_stop_call_in_the_whole_run(c7_result: dict[str, Any]) -> None:
    """C7 (DOMAIN.md "States": only running gets a stop call).

    Given five instances over the line in states running, pending, stopping, stopped, rebooting
    When the workflow runs
    Then Lightsail receives exactly one StopInstance call
    """
    assert c7_result["totals"]["lightsailCalls"].get("StopInstance", 0) == 1


def test_c7_the_running_instance_is_the_one_stopped(c7_result: dict[str, Any]) -> None:
    """C7 (DOMAIN.md "States").

    Given the five instances above
    When the workflow runs
    Then the running one is stopping after the run (its stop went through)
    """
    running = by_name(only_run(c7_result))["over-running"]

    assert (running["action"], running["stopResult"]) == ("stop", "stopping")


def test_c7_instances_not_running_are_reported_with_their_state(c7_result: dict[str, Any]) -> None:
    """C7 (DOMAIN.md "States": pending, stopping, stopped and unknown states are reported, no call).

    Given the five instances above
    When the workflow runs
    Then every non-running instance appears in the results with the state it is in
    """
    results = by_name(only_run(c7_result))
    reported = {
        name: results[name]["state"] for name in C7_STATES if name in results and name != "over-running"
    }

    assert reported == {name: state for name, state in C7_STATES.items() if state != "running"}


# -- C8: many pages of instances ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def c8_result() -> dict[str, Any]:
    small = [{"day": "2025-01-02", "bytesIn": 1e9, "bytesOut": 2e9}]
    raw = scenario(
        "c8",
        [instance(n, traffic=small) for n in ("page-a", "page-b", "page-c")],
        at=["2025-01-10T00:00:00Z"],
        fake={"pageSize": 2},
    )
    return run_scenario(raw)


def test_c8_every_page_of_instances_is_evaluated(c8_result: dict[str, Any]) -> None:
    """C8 (DOMAIN.md "The API": GetInstances is paginated).

    Given three instances in one target and a page size of 2
    When the workflow runs
    Then all three get a verdict from their own figures
    """
    results = by_name(only_run(c8_result))

    assert {name: r["usedBytes"] for name, r in results.items()} == {
        "page-a": pytest.approx(3e9),
        "page-b": pytest.approx(3e9),
        "page-c": pytest.approx(3e9),
    }


def test_c8_the_listing_really_spanned_two_pages(c8_result: dict[str, Any]) -> None:
    """C8: the premise of the test above (otherwise it would prove nothing about paging).

    Given the same three instances and page size 2
    When the workflow runs
    Then GetInstances was called twice (page 1 with a nextPageToken, then page 2)
    """
    assert c8_result["totals"]["lightsailCalls"]["GetInstances"] == 2


# -- C11: throttling and a missing member role -------------------------------------------------------------

C11_TRAFFIC = [
    {"from": "2025-01-01T00:00:00Z", "to": "2025-01-05T00:00:00Z", "bytesIn": 100e9, "bytesOut": 900e9}
]


def c11_scenario(name: str, faults: list[dict[str, Any]]) -> dict[str, Any]:
    """node-a and node-c are over the line (1000e9 B of 1024 GB); node-b is at 50 %."""
    half = [
        {"from": "2025-01-01T00:00:00Z", "to": "2025-01-05T00:00:00Z", "bytesIn": 112e9, "bytesOut": 400e9}
    ]
    return scenario(
        name,
        [
            instance("node-a", traffic=C11_TRAFFIC),
            instance("node-b", traffic=half),
            instance("node-c", traffic=C11_TRAFFIC),
        ],
        at=["2025-01-10T00:00:00Z"],
        faults=faults,
        fake={"pageSize": 10},
    )


@pytest.fixture(scope="module")
def c11_always_throttled(instant_retries: None) -> dict[str, Any]:
    fault = {"operation": "GetInstanceMetricData", "account": ACCOUNT, "instance": "node-b"}
    return run_scenario(c11_scenario("c11-always", [fault]))


@pytest.fixture(scope="module")
def c11_throttled_twice(instant_retries: None) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The run's measurements and the GetInstanceMetricData attempts per instance (the fake counts them)."""
    now = utc(2025, 1, 10)
    with local_aws(now) as local:
        for name, (bytes_in, bytes_out) in {"node-a": (100e9, 900e9), "node-b": (112e9, 400e9)}.items():
            local.fake.add_instance(
                account=ACCOUNT,
                region=REGION,
                name=name,
                bundle_id="micro_3_0",
                allowance_gb=1024,
                created_at=utc(2024, 6, 1),
            )
            local.fake.add_traffic(
                account=ACCOUNT,
                region=REGION,
                name=name,
                start=utc(2025, 1, 1),
                end=utc(2025, 1, 5),
                bytes_in=bytes_in,
                bytes_out=bytes_out,
            )
        local.fake.fail(operation="GetInstanceMetricData", account=ACCOUNT, instance="node-b", times=2)
        measurements = measurements_of(local.run(now=now))
        attempts = {n: local.fake.count("GetInstanceMetricData", instance=n) for n in ("node-a", "node-b")}
    return measurements, attempts


def test_c11_throttled_twice_then_answered_gives_the_right_figure(
    c11_throttled_twice: tuple[dict[str, dict[str, Any]], dict[str, int]],
) -> None:
    """C11 (DOMAIN.md "Throttling": standard retry mode, ~10 attempts).

    Given GetInstanceMetricData for node-b answers ThrottlingException twice, then normally
    When the workflow runs
    Then node-b's usage is its real month-to-date 512e9 B
    """
    measurements, _ = c11_throttled_twice

    assert measurements["node-b"]["usedBytes"] == pytest.approx(512e9)


def test_c11_the_two_throttled_attempts_really_happened(
    c11_throttled_twice: tuple[dict[str, dict[str, Any]], dict[str, int]],
) -> None:
    """C11: the premise of the test above.

    Given the same fault
    When the workflow runs
    Then node-b's metric queries took exactly two attempts more than node-a's (retried, not skipped)
    """
    _, attempts = c11_throttled_twice

    assert attempts["node-b"] == attempts["node-a"] + 2


def test_c11_always_throttled_instance_is_unknown(c11_always_throttled: dict[str, Any]) -> None:
    """C11 (DOMAIN.md "Throttling": one instance's failure must not stop the others; "Empty is not zero").

    Given GetInstanceMetricData for node-b always answers ThrottlingException
    When the workflow runs
    Then node-b has no figure and its verdict is unknown or error
    """
    node_b = by_name(only_run(c11_always_throttled))["node-b"]

    assert (node_b["verdict"] in ("unknown", "error"), node_b["percent"]) == (True, None)


def test_c11_always_throttled_instance_raises_an_alert(c11_always_throttled: dict[str, Any]) -> None:
    """C11 (DOMAIN.md "Throttling").

    Given node-b always throttled
    When the workflow runs
    Then a notification about node-b is delivered
    """
    run = only_run(c11_always_throttled)

    assert [n["subject"] for n in run["notifications"] if "node-b" in n["subject"]] != []


def test_c11_the_other_instances_are_still_evaluated_and_stopped(
    c11_always_throttled: dict[str, Any],
) -> None:
    """C11 (DOMAIN.md "Throttling": one instance's failure must not stop the others).

    Given node-b always throttled, node-a and node-c over the stop line
    When the workflow runs
    Then node-a and node-c are stopped
    """
    results = by_name(only_run(c11_always_throttled))

    assert {n: results[n]["stopResult"] for n in ("node-a", "node-c")} == {
        "node-a": "stopping",
        "node-c": "stopping",
    }


@pytest.fixture(scope="module")
def c11_role_denied() -> dict[str, Any]:
    denied = {
        "id": OTHER_ACCOUNT,
        "roleAssumable": False,
        "regions": [{"name": REGION, "instances": [instance("locked-out", traffic=C11_TRAFFIC)]}],
    }
    raw = scenario(
        "c11-denied",
        [instance("reachable", traffic=C11_TRAFFIC)],
        at=["2025-01-10T00:00:00Z"],
        extra_accounts=[denied],
    )
    return only_run(run_scenario(raw))


def test_c11_an_account_whose_role_cannot_be_assumed_is_a_target_error(
    c11_role_denied: dict[str, Any],
) -> None:
    """C11 (DOMAIN.md "Throttling": one account's failure must not stop the others).

    Given a second account whose member role cannot be assumed
    When the workflow runs
    Then its target is reported as an AccessDenied error
    """
    errors = [
        (e["account"], e["region"], "AccessDenied" in f"{e['error']} {e['cause']}")
        for e in c11_role_denied["targetErrors"]
    ]

    assert errors == [(OTHER_ACCOUNT, REGION, True)]


def test_c11_the_other_account_is_still_evaluated_and_stopped(c11_role_denied: dict[str, Any]) -> None:
    """C11 (DOMAIN.md "Throttling").

    Given the denied account above and a reachable account with an instance over the line
    When the workflow runs
    Then the reachable instance is stopped
    """
    assert by_name(c11_role_denied)["reachable"]["stopResult"] == "stopping"


# -- C1 and C2: month edges through the workflow -----------------------------------------------------------


@pytest.fixture(scope="module")
def c1_run() -> dict[str, Any]:
    raw = scenario(
        "c1",
        [
            instance(
                "last-day",
                created="2025-01-31T12:00:00Z",
                traffic=[{"from": "2025-01-31T12:00:00Z", "to": "2025-01-31T17:00:00Z", "bytesOut": 16.0e9}],
            )
        ],
        at=["2025-01-31T18:00:00Z"],
    )
    return only_run(run_scenario(raw))


def test_c1_created_on_the_last_day_gets_a_prorated_allowance(c1_run: dict[str, Any]) -> None:
    """C1 (DOMAIN.md "proration": allowance × (month_end − createdAt) / (month_end − month_start)).

    Given an instance with 1024 GB created 2025-01-31T12:00Z, checked at 18:00Z
    When the workflow runs
    Then its allowance is 1024 GB × 12 h / 744 h = 16.516 GB
    """
    assert by_name(c1_run)["last-day"]["allowanceBytes"] == pytest.approx(1024e9 * 12 / 744, rel=1e-9)


def test_c1_created_on_the_last_day_is_stopped_at_the_prorated_line(c1_run: dict[str, Any]) -> None:
    """C1 (DOMAIN.md "proration"; stop line 95 % of 16.516 GB = 15.690 GB).

    Given the same instance with 16.0e9 B used
    When the workflow runs
    Then it is stopped
    """
    result = by_name(c1_run)["last-day"]

    assert (result["verdict"], result["stopResult"]) == ("stop", "stopping")


@pytest.fixture(scope="module")
def c2_runs() -> list[dict[str, Any]]:
    raw = scenario(
        "c2",
        [
            instance(
                "new-year",
                created="2024-12-31T23:00:00Z",
                traffic=[
                    {"from": "2024-12-31T23:00:00Z", "to": "2024-12-31T23:20:00Z", "bytesOut": 0.5e9},
                    {"from": "2025-01-01T00:00:00Z", "to": "2025-01-01T00:02:00Z", "bytesOut": 1.0e9},
                ],
            )
        ],
        at=["2024-12-31T23:30:00Z", "2025-01-01T00:05:00Z"],
    )
    runs = run_scenario(raw)["runs"]
    assert [r["status"] for r in runs] == ["SUCCEEDED", "SUCCEEDED"]
    return runs


def test_c2_just_before_new_year_the_allowance_is_one_hour_of_december(c2_runs: list[dict[str, Any]]) -> None:
    """C2 (DOMAIN.md "proration").

    Given an instance with 1024 GB created 2024-12-31T23:00Z
    When the workflow checks it at 2024-12-31T23:30Z
    Then its allowance is 1024 GB × 1 h / 744 h = 1.376 GB
    """
    assert by_name(c2_runs[0])["new-year"]["allowanceBytes"] == pytest.approx(1024e9 / 744, rel=1e-9)


def test_c2_on_new_years_day_the_full_allowance_applies(c2_runs: list[dict[str, Any]]) -> None:
    """C2 (DOMAIN.md "billing month": the allowance resets on the 1st at 00:00:00Z).

    Given the same instance
    When the workflow checks it at 2025-01-01T00:05Z
    Then its allowance is the full 1024 GB
    """
    assert by_name(c2_runs[1])["new-year"]["allowanceBytes"] == pytest.approx(1024e9)


def test_c2_december_traffic_does_not_count_in_january(c2_runs: list[dict[str, Any]]) -> None:
    """C2 (DOMAIN.md "billing month": metrics are read from the 1st 00:00:00Z).

    Given 0.5e9 B moved in December and 1.0e9 B in the first two minutes of January
    When the workflow checks at 2025-01-01T00:05Z
    Then the usage is 1.0e9 B
    """
    assert by_name(c2_runs[1])["new-year"]["usedBytes"] == pytest.approx(1.0e9)


# -- determinism ------------------------------------------------------------------------------------------


@pytest.mark.slow  # three simulations of two runs each (~5-10 s)
def test_the_same_scenario_gives_the_same_json_twice(instant_retries: None) -> None:
    """DOMAIN.md "Express executions are at-least-once": a replay must be checkable byte for byte.

    Given a scenario with a stop, a warning, an unknown, a throttle and a denied account
    When it is simulated three times (Map iterations run on threads: one pair of runs can agree by luck)
    Then all JSON documents are identical
    """
    raw = scenario(
        "determinism",
        [
            instance("over", traffic=C11_TRAFFIC),
            instance("warned", traffic=[{"day": "2025-01-03", "bytesIn": 100e9, "bytesOut": 750e9}]),
            instance("silent"),
        ],
        at=["2025-01-10T00:00:00Z", "2025-01-10T00:10:00Z"],
        faults=[{"operation": "GetInstanceMetricData", "instance": "warned", "times": 1}],
        extra_accounts=[{"id": OTHER_ACCOUNT, "roleAssumable": False, "regions": [{"name": REGION}]}],
    )

    first, *others = [json.dumps(run_scenario(raw), sort_keys=True, indent=1) for _ in range(3)]

    assert [other.splitlines() for other in others] == [first.splitlines()] * 2


# -- the clock --------------------------------------------------------------------------------------------


def test_a_run_without_now_uses_the_execution_start_time() -> None:
    """DOMAIN.md "billing month" (the clock): PlanRun takes ``$$.Execution.StartTime`` when the input has
    no ``now``.

    Given an execution started without ``now``
    When the workflow runs
    Then the summary's now is within a minute of the wall clock
    """
    wall = datetime.now(UTC)
    with local_aws(wall) as local:
        execution = local.run(now=None)

    assert execution.status == "SUCCEEDED", execution.cause
    assert abs(parse_instant(execution.output["summary"]["now"]) - wall) < timedelta(minutes=1)


def test_a_run_with_now_uses_it() -> None:
    """DOMAIN.md "billing month" (the clock): an input ``now`` (a replay) wins over the start time.

    Given an execution started with now = 2025-03-20T08:00:00Z
    When the workflow runs
    Then the summary's now is exactly that instant
    """
    replayed = utc(2025, 3, 20, 8)
    with local_aws(replayed) as local:
        execution = local.run(now=replayed)

    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["summary"]["now"] == format_instant(replayed)


# -- payload compactness ----------------------------------------------------------------------------------

PER_INSTANCE_STATES = ("CheckInstance", "ChooseAction")
PER_INSTANCE_LIMIT = 1_500  # bytes; 256 KiB / 1,500 B ≈ 170 items in the largest Map result


def largest_item(execution: Execution) -> int:
    sizes = [
        len(e["stateEnteredEventDetails"]["input"].encode())
        for e in execution.events
        if e.get("stateEnteredEventDetails", {}).get("name") in PER_INSTANCE_STATES
    ]
    assert sizes, "no per-instance state was entered"
    return max(sizes)


def test_per_instance_items_between_states_stay_small(record_property: Callable[[str, Any], None]) -> None:
    """STYLE.md lesson 5; DOMAIN.md "Step Functions limits": 256 KiB per state input/output.

    Given an instance over the line with a long name, many tags (two of them the guard's) and an
    external id on the member role
    When the workflow runs
    Then no CheckInstance or ChooseAction input is 1,500 bytes or more
    """
    now = utc(2025, 1, 10)
    name = "customer-portal-frontend-production-eu-west-1-blue-green-a01"
    tags = {f"team:cost-centre-{i:02d}": "x" * 200 for i in range(20)}
    tags |= {"lightsail-guard:stop-percent": "90", "lightsail-guard:owner": "ops@example.com"}
    config = {
        "targets": [{"accounts": [ACCOUNT], "regions": [REGION]}],
        "externalId": "lightsail-guard-ext-0123456789",
    }
    with local_aws(now, config=config) as local:
        local.fake.add_instance(
            account=ACCOUNT,
            region=REGION,
            name=name,
            bundle_id="medium_ipv6_3_0",
            allowance_gb=4096,
            created_at=utc(2024, 6, 1),
            tags=tags,
        )
        local.fake.add_traffic(
            account=ACCOUNT,
            region=REGION,
            name=name,
            start=utc(2025, 1, 1),
            end=utc(2025, 1, 8),
            bytes_in=500e9,
            bytes_out=3500e9,
        )
        execution = local.run(now=now)

    assert "StopInstance" in execution.states_entered()  # the fullest item went through: every field set
    size = largest_item(execution)
    record_property("largest_per_instance_input_bytes", size)
    print(f"largest per-instance state input: {size} bytes")
    assert size < PER_INSTANCE_LIMIT
