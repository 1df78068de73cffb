"""Bill-exact accounting through the whole state machine on the local AWS (issue: pools, ledger,
once-per-event, projection, restart next month). Facts from ../shared/DOMAIN.md: "pooling",
"delete + recreate", "Burst overshoot", "Express executions are at-least-once".
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from lightsail_guard.local.environment import HUB_REGION, LocalAws
from lightsail_guard.local.runner import VirtualClock, simulate
from lightsail_guard.local.scenario import parse_scenario

GB = 1_000_000_000
ACCOUNT = "111111111111"
REGION = "eu-central-1"


def scenario(instances: list[dict[str, Any]], checks: dict[str, Any], **config: Any) -> dict[str, Any]:
    return {
        "name": "accounting",
        "config": config,
        "accounts": [{"id": ACCOUNT, "regions": [{"name": REGION, "instances": instances}]}],
        "checks": checks,
    }


def instance_row(result: dict[str, Any], name: str, run: int = -1) -> dict[str, Any]:
    rows = [r for r in result["runs"][run]["instances"] if r["name"] == name]
    assert len(rows) == 1, f"{name} appears {len(rows)} times in run {run}"
    return rows[0]


# -- pools --------------------------------------------------------------------------------------------

POOL_PAIR = [
    {
        "name": "heavy",
        "bundleId": "nano_3_0",
        "allowanceGb": 1024,
        "createdAt": "2024-06-01T00:00:00Z",
        "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-15T00:00:00Z", "bytesOut": 1000 * GB}],
    },
    {
        "name": "light",
        "bundleId": "nano_ipv6_3_0",
        "allowanceGb": 1024,
        "createdAt": "2024-06-01T00:00:00Z",
        "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-15T00:00:00Z", "bytesOut": 100 * GB}],
    },
]


def test_pool_mode_does_not_stop_an_instance_whose_pool_is_under_the_line() -> None:
    """Given nano_3_0 at 97.7 % of its own 1024 GB and nano_ipv6_3_0 at 9.8 % (one pool: DOMAIN.md
    "pooling"), when checked in pool mode, then nothing is stopped: the pool is at 53.7 %."""
    result = simulate(
        parse_scenario(scenario(POOL_PAIR, {"at": ["2025-01-20T00:00:00Z"]}, accounting="pool"))
    )

    heavy = instance_row(result, "heavy")
    assert heavy["verdict"] == "ok"
    assert heavy["action"] == "none"
    assert heavy["percent"] == pytest.approx(1100 / 2048 * 100, abs=0.01)
    assert "pool nano (2 members)" in heavy["reason"]


def test_instance_mode_stops_the_same_instance() -> None:
    """Given the same pair, when checked in the stricter instance mode, then the heavy one is stopped."""
    result = simulate(
        parse_scenario(scenario(POOL_PAIR, {"at": ["2025-01-20T00:00:00Z"]}, accounting="instance"))
    )

    heavy = instance_row(result, "heavy")
    assert heavy["verdict"] == "stop"
    assert heavy["action"] == "stop"
    assert instance_row(result, "light")["action"] == "none"


def test_a_pool_over_the_line_stops_every_running_member() -> None:
    """Given two pooled nanos whose sum passes 95 % of the pool, then both running members are stopped."""
    pair = [dict(POOL_PAIR[0]), dict(POOL_PAIR[1])]
    pair[1]["traffic"] = [
        {"from": "2025-01-01T00:00:00Z", "to": "2025-01-15T00:00:00Z", "bytesOut": 960 * GB}
    ]
    result = simulate(parse_scenario(scenario(pair, {"at": ["2025-01-20T00:00:00Z"]})))

    assert {r["name"]: r["action"] for r in result["runs"][-1]["instances"]} == {
        "heavy": "stop",
        "light": "stop",
    }


def test_deleted_instance_traffic_keeps_counting_for_its_replacement() -> None:
    """Given "app" (nano) used ~870 GB, then deleted on the 15th and recreated under the same name,
    when the replacement has used 150 GB by the 20th, then the pool still carries the old traffic
    (DOMAIN.md "delete + recreate") and the replacement is stopped; alone it would be at 27 %."""
    instances = [
        {
            "name": "app",
            "bundleId": "nano_3_0",
            "allowanceGb": 1024,
            "createdAt": "2024-06-01T00:00:00Z",
            "deletedAt": "2025-01-15T12:00:00Z",
            "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-15T12:00:00Z", "bytesOut": 900 * GB}],
        },
        {
            "name": "app",
            "bundleId": "nano_3_0",
            "allowanceGb": 1024,
            "createdAt": "2025-01-15T12:00:00Z",
            "traffic": [{"from": "2025-01-15T12:00:00Z", "to": "2025-01-20T00:00:00Z", "bytesOut": 150 * GB}],
        },
    ]
    checks = {"at": ["2025-01-15T00:00:00Z", "2025-01-20T00:00:00Z"]}

    pooled = simulate(parse_scenario(scenario(instances, checks)))
    alone = simulate(parse_scenario(scenario(instances, checks, accounting="instance")))

    replacement = instance_row(pooled, "app")
    assert replacement["verdict"] == "stop", replacement["reason"]
    assert "1 deleted this month" in replacement["reason"]
    assert instance_row(alone, "app")["verdict"] == "ok"
    # Alone: 150 GB of 1024 GB prorated over the 16.5 days from Jan 15 12:00Z (545 GB): 27.5 %.
    assert instance_row(alone, "app")["percent"] == pytest.approx(150 / (1024 * 16.5 / 31) * 100, abs=0.1)


# -- C15: burst overshoot ------------------------------------------------------------------------------

BURST_START = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
T0 = BURST_START + timedelta(seconds=1280)  # true usage 960 GB: 800 GB before + 1280 s at 125 MB/s


def c15_scenario(projection: bool) -> dict[str, Any]:
    """C15: allowance 1024, 960 GB used at t0, then 1 Gbit/s; lag 300 s; checks every 600 s; stop 60 s."""
    iso = lambda t: t.isoformat().replace("+00:00", "Z")  # noqa: E731
    return {
        "name": f"C15 projection={projection}",
        "config": {
            "projection": projection,
            "checkIntervalMinutes": 10,
            "metricLagSeconds": 300,
            "stopDurationSeconds": 60,
        },
        "fake": {"metricLagSeconds": 300, "stopDurationSeconds": 60},
        "accounts": [
            {
                "id": ACCOUNT,
                "regions": [
                    {
                        "name": REGION,
                        "instances": [
                            {
                                "name": "streamer",
                                "bundleId": "nano_3_0",
                                "allowanceGb": 1024,
                                "createdAt": "2024-06-01T00:00:00Z",
                                "traffic": [
                                    {
                                        "from": "2025-01-01T00:00:00Z",
                                        "to": "2025-01-10T00:00:00Z",
                                        "bytesOut": 800 * GB,
                                    },
                                    {
                                        "from": iso(BURST_START),
                                        "to": "2025-01-10T16:00:00Z",
                                        "rateOut": 125_000_000,
                                    },
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "checks": {
            "from": iso(T0 - timedelta(seconds=1800)),
            "to": iso(T0 + timedelta(seconds=2400)),
            "everyMinutes": 10,
        },
    }


def final_usage(result: dict[str, Any]) -> float:
    return instance_row(result, "streamer")["usedBytes"]


def test_c15_without_projection_the_static_line_overshoots() -> None:
    """Given C15 with projection off, then the stop comes one check late and usage ends ~1042.5 GB."""
    result = simulate(parse_scenario(c15_scenario(projection=False)))

    assert final_usage(result) == pytest.approx(1042.5 * GB, rel=0.002)
    assert final_usage(result) > 1024 * GB


def test_c15_with_projection_the_guard_stops_at_t0_and_ends_under_the_allowance() -> None:
    """Given C15 with projection on, then the stop comes at t0 and usage ends under 1024 GB."""
    result = simulate(parse_scenario(c15_scenario(projection=True)))

    stops = [
        (run["at"], r["reason"]) for run in result["runs"] for r in run["instances"] if r["action"] == "stop"
    ]
    assert [at for at, _ in stops] == [T0.isoformat().replace("+00:00", "Z")]
    assert "projected" in stops[0][1]
    assert final_usage(result) < 1024 * GB
    assert final_usage(result) == pytest.approx(967.5 * GB, rel=0.002)
    # After the stop, lying between the warning levels and the stop line is no news: no further alert.
    stop_run = next(i for i, run in enumerate(result["runs"]) if run["instances"][0]["action"] == "stop")
    assert [len(run["notifications"]) for run in result["runs"][stop_run + 1 :]] == [0] * (
        len(result["runs"]) - stop_run - 1
    )
    assert "projected" not in result["runs"][-1]["instances"][0]["reason"]  # stopped: no rate to project


# -- once per event -------------------------------------------------------------------------------------


def test_two_executions_at_the_same_instant_give_one_alert_and_one_stop_call() -> None:
    """Given an instance over the line, when two executions run at the same instant at once (an
    Express retry: DOMAIN.md, at-least-once), then one StopInstance call and one alert."""
    parsed = parse_scenario(scenario(POOL_PAIR[:1], {"at": ["2025-01-20T00:00:00Z"]}))
    now = datetime(2025, 1, 20, tzinfo=UTC)
    local = LocalAws(config=parsed.guard_config(), clock=VirtualClock(now), member_accounts={ACCOUNT: True})
    with local.started():
        local.fake.add_instance(
            account=ACCOUNT,
            region=REGION,
            name="heavy",
            bundle_id="nano_3_0",
            allowance_gb=1024,
            created_at=datetime(2024, 6, 1, tzinfo=UTC),
        )
        local.fake.add_traffic(
            account=ACCOUNT,
            region=REGION,
            name="heavy",
            start=datetime(2025, 1, 1, tzinfo=UTC),
            end=datetime(2025, 1, 15, tzinfo=UTC),
            bytes_in=0,
            bytes_out=1000 * GB,
        )
        sfn = boto3.client("stepfunctions", region_name=HUB_REGION)
        payload = json.dumps({"mode": "check", "now": "2025-01-20T00:00:00Z"})
        arns = [
            sfn.start_execution(stateMachineArn=local.state_machine_arn, input=payload, name=f"dup-{i}")[
                "executionArn"
            ]
            for i in range(2)
        ]
        for arn in arns:
            while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
                time.sleep(0.02)
        statuses = [sfn.describe_execution(executionArn=a)["status"] for a in arns]
        third = local.run(now=now)  # and a third, later, at the same instant

        assert statuses == ["SUCCEEDED", "SUCCEEDED"]
        assert third.status == "SUCCEEDED"
        assert local.fake.count("StopInstance") == 1
        assert len(local.inbox()) == 1


def test_a_new_level_is_a_new_event() -> None:
    """Given usage rising through 80 %, 90 % and the stop line over three checks, then three alerts,
    and checks in between that cross nothing new send nothing."""
    growing = [
        {
            "name": "grower",
            "bundleId": "micro_3_0",
            "allowanceGb": 1000,
            "createdAt": "2024-06-01T00:00:00Z",
            "traffic": [
                {"from": "2025-01-01T00:00:00Z", "to": "2025-01-31T00:00:00Z", "bytesOut": 1000 * GB}
            ],
        }
    ]
    # 1000 GB over 30 days: 80 % on Jan 25, 90 % on Jan 28, 95 % on Jan 29 12:00.
    checks = {
        "at": [
            "2025-01-25T06:00:00Z",
            "2025-01-25T07:00:00Z",
            "2025-01-28T06:00:00Z",
            "2025-01-28T07:00:00Z",
            "2025-01-29T13:00:00Z",
        ]
    }
    result = simulate(parse_scenario(scenario(growing, checks, projection=False)))

    per_run = [len(run["notifications"]) for run in result["runs"]]
    assert per_run == [1, 0, 1, 0, 1]
    assert [run["instances"][0]["action"] for run in result["runs"]] == [
        "notify",
        "none",
        "notify",
        "none",
        "stop",
    ]


# -- restart next month -----------------------------------------------------------------------------------

ROLLOVER = [
    {
        "name": "guard-stopped",
        "bundleId": "nano_3_0",
        "allowanceGb": 1024,
        "createdAt": "2024-06-01T00:00:00Z",
        "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-31T00:00:00Z", "bytesOut": 1010 * GB}],
    },
    {
        "name": "held",
        "bundleId": "micro_3_0",
        "allowanceGb": 2048,
        "createdAt": "2024-06-01T00:00:00Z",
        "tags": {"lightsail-guard:hold": "true"},
        "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-31T00:00:00Z", "bytesOut": 2040 * GB}],
    },
    {
        "name": "owner-stopped",
        "bundleId": "small_3_0",
        "allowanceGb": 3072,
        "createdAt": "2024-06-01T00:00:00Z",
        "stateChanges": [{"at": "2025-01-20T00:00:00Z", "state": "stopped"}],
    },
]
ROLLOVER_CHECKS = {"at": ["2025-01-31T12:00:00Z", "2025-02-01T00:10:00Z", "2025-02-01T00:20:00Z"]}


def test_restart_on_starts_only_what_the_guard_stopped_last_month() -> None:
    """Given restartNextMonth on, an instance the guard stopped in January, one it stopped but held by
    tag, and one its owner stopped, when February's first check runs, then only the first is started,
    once."""
    result = simulate(
        parse_scenario(scenario(ROLLOVER, ROLLOVER_CHECKS, restartNextMonth=True, projection=False))
    )

    january, february, later = result["runs"]
    assert {r["name"]: r["action"] for r in january["instances"]}["guard-stopped"] == "stop"
    assert {r["name"]: r["action"] for r in january["instances"]}["held"] == "stop"
    feb = {r["name"]: r for r in february["instances"]}
    assert feb["guard-stopped"]["action"] == "start"
    assert feb["held"]["action"] == "none"
    assert "held" in feb["held"]["reason"]
    assert feb["owner-stopped"]["action"] == "none"
    assert {r["name"]: r["state"] for r in later["instances"]}["guard-stopped"] == "running"
    assert all(r["action"] == "none" for r in later["instances"])


def test_restart_off_leaves_everything_stopped() -> None:
    """Given the same month with restartNextMonth off (the default), then nothing is started."""
    result = simulate(parse_scenario(scenario(ROLLOVER, ROLLOVER_CHECKS, projection=False)))

    assert all(r["action"] != "start" for run in result["runs"] for r in run["instances"])
    assert {r["name"]: r["state"] for r in result["runs"][-1]["instances"]}["guard-stopped"] == "stopped"


def _restart_case(checks: list[str], *, faults: list[dict] | None = None, **instance: Any) -> dict[str, Any]:
    spec = {
        "name": "web",
        "bundleId": "nano_3_0",
        "allowanceGb": 1024,
        "createdAt": "2024-06-01T00:00:00Z",
        "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-27T00:00:00Z", "bytesOut": 1010 * GB}],
        **instance,
    }
    raw = scenario([spec], {"at": checks}, restartNextMonth=True, projection=False)
    raw["faults"] = faults or []
    return simulate(parse_scenario(raw))


def actions_of(result: dict[str, Any]) -> list[str]:
    return [instance_row(result, "web", run)["action"] for run in range(len(result["runs"]))]


def test_restart_leaves_alone_an_instance_the_guard_only_tried_to_stop() -> None:
    """Given every StopInstance fails and the owner stops the instance by hand, when February starts,
    then it is not started: the guard never stopped it (README "Restart next month")."""
    result = _restart_case(
        ["2025-01-28T00:00:00Z", "2025-02-01T00:10:00Z"],
        faults=[{"operation": "StopInstance", "code": "OperationFailureException"}],
        stateChanges=[{"at": "2025-01-28T02:00:00Z", "state": "stopped"}],
    )

    assert actions_of(result) == ["stop", "none"]
    assert "stop failed" in (instance_row(result, "web", 0)["stopResult"] or "")


def test_restart_waits_for_an_instance_still_stopping_at_midnight() -> None:
    """Given the guard stopped it 30 s before midnight (a stop takes 60 s), then the 00:00 check finds
    it stopping and does nothing, and the 00:10 check starts it."""
    result = _restart_case(["2025-01-31T23:59:30Z", "2025-02-01T00:00:00Z", "2025-02-01T00:10:00Z"])

    assert actions_of(result) == ["stop", "none", "start"]


def test_a_failed_restart_is_tried_again_at_the_next_check() -> None:
    result = _restart_case(
        ["2025-01-28T00:00:00Z", "2025-02-01T00:10:00Z", "2025-02-01T00:20:00Z", "2025-02-01T00:30:00Z"],
        faults=[{"operation": "StartInstance", "code": "OperationFailureException", "times": 1}],
    )

    assert actions_of(result) == ["stop", "start", "start", "none"]
    assert instance_row(result, "web", 3)["state"] == "running"


def test_a_pool_member_without_data_does_not_make_the_pool_look_safer() -> None:
    """Given a nano at 1000 GB and a pooled nano with no metric data at all (unknown, never 0), then
    the silent member's allowance is not credited: the heavy one is stopped, the silent one alerted."""
    pair = [dict(POOL_PAIR[0]), {**POOL_PAIR[1], "traffic": []}]
    result = simulate(parse_scenario(scenario(pair, {"at": ["2025-01-20T00:00:00Z"]})))

    assert instance_row(result, "heavy")["action"] == "stop"
    assert instance_row(result, "light")["verdict"] == "unknown"
    assert "1 with unknown usage" in instance_row(result, "heavy")["reason"]
