"""The Lightsail fake speaks the real wire format and has the API's quirks (DOMAIN.md, "The API").

Every test drives the fake through a real boto3 client: botocore validates and serializes the request,
the fake answers over the ``before-send`` hook, and botocore parses the answer with its own model.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.handlers
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.models import botocore_stubber

from lightsail_guard.local.lightsail_fake import DEFAULT_ACCOUNT_ID, LightsailFake, attach
from lightsail_guard.local.lightsail_fake.model import service_model

ACCOUNT = DEFAULT_ACCOUNT_ID
REGION = "eu-west-1"
GB = 10**9
AUG = datetime(2025, 8, 1, tzinfo=UTC)


class VirtualClock:
    """Virtual UTC time the fake and the test share."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(datetime(2025, 8, 22, 12, 0, tzinfo=UTC))


@pytest.fixture
def fake(clock: VirtualClock) -> Iterator[LightsailFake]:
    with LightsailFake(clock) as installed:
        yield installed


_SHARED = boto3.Session()  # one session for speed: model loading dominates client creation
attach(_SHARED)  # it predates the fake's install(), so register the hook on it explicitly


def client_for(
    region: str = REGION,
    *,
    access_key: str = "AKIAIOSFODNN7EXAMPLE",
    config: Config | None = None,
    session_token: str | None = None,
    fresh: bool = False,
) -> Any:
    """A real boto3 client; ``fresh`` builds a new session, which picks the hook up from install()."""
    session = boto3.Session() if fresh else _SHARED
    return session.client(
        "lightsail",
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key="not-a-secret",
        aws_session_token=session_token,
        config=config,
    )


@pytest.fixture
def client(fake: LightsailFake) -> Any:
    return client_for()


def add(
    fake: LightsailFake,
    name: str,
    *,
    account: str = ACCOUNT,
    region: str = REGION,
    created_at: datetime = AUG,
    **kwargs: Any,
) -> str:
    kwargs.setdefault("bundle_id", "nano_3_0")
    kwargs.setdefault("allowance_gb", 1024)
    return fake.add_instance(account=account, region=region, name=name, created_at=created_at, **kwargs)


def traffic(
    fake: LightsailFake,
    name: str,
    start: datetime,
    end: datetime,
    *,
    bytes_in: float | None = 0.0,
    bytes_out: float | None = 0.0,
) -> None:
    fake.add_traffic(
        account=ACCOUNT,
        region=REGION,
        name=name,
        start=start,
        end=end,
        bytes_in=bytes_in,
        bytes_out=bytes_out,
    )


def metric(
    client: Any,
    name: str,
    metric_name: str = "NetworkOut",
    *,
    start: datetime = AUG,
    end: datetime | None = None,
    period: int = 86400,
    unit: str = "Bytes",
    statistics: list[str] | None = None,
) -> dict[str, Any]:
    return client.get_instance_metric_data(
        instanceName=name,
        metricName=metric_name,
        period=period,
        startTime=start,
        endTime=end or datetime(2025, 8, 22, 12, 0, tzinfo=UTC),
        unit=unit,
        statistics=statistics or ["Sum"],
    )


def day(n: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, 8, n, hour, minute, tzinfo=UTC)


# -- GetInstances ------------------------------------------------------------------------------------


def test_c8_paginator_walks_every_page(fake: LightsailFake, client: Any) -> None:
    # Given five instances and the fake's default page size of 2 (case C8)
    names = [f"web-{i}" for i in range(5)]
    for name in names:
        add(fake, name)
    # When the guard lists them with the boto3 paginator
    pages = list(client.get_paginator("get_instances").paginate())
    # Then three pages come back, chained by nextPageToken, and every instance is on one of them
    assert [len(p["instances"]) for p in pages] == [2, 2, 1]
    assert "nextPageToken" in pages[0] and "nextPageToken" not in pages[-1]
    assert [i["name"] for p in pages for i in p["instances"]] == names
    assert fake.calls["GetInstances"] == 3


def test_c8_single_call_without_paginator_sees_only_the_first_page(fake: LightsailFake, client: Any) -> None:
    # Given three instances (case C8: A, B on page 1, C on page 2)
    for name in ("inst-a", "inst-b", "inst-c"):
        add(fake, name)
    # When a caller makes one GetInstances call and ignores the token
    answer = client.get_instances()
    # Then it misses C: only the paginator (or following nextPageToken) sees all three
    assert [i["name"] for i in answer["instances"]] == ["inst-a", "inst-b"]
    assert client.get_instances(pageToken=answer["nextPageToken"])["instances"][0]["name"] == "inst-c"


def test_a_forged_page_token_is_invalid_input(fake: LightsailFake, client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        client.get_instances(pageToken="not-a-token")
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"


def test_instance_fields_follow_the_model(fake: LightsailFake, client: Any, clock: VirtualClock) -> None:
    # Given an instance with tags, a static IP and an IPv6-only sibling
    arn = add(fake, "web-1", tags={"env": "prod"}, is_static_ip=True, created_at=day(3, 14, 30))
    add(fake, "v6-only", bundle_id="nano_ipv6_3_0", ip_address_type="ipv6")
    # When they are read back
    web, v6 = (client.get_instance(instanceName=n)["instance"] for n in ("web-1", "v6-only"))
    # Then the fields carry the model's names and real values
    assert web["arn"] == arn
    assert arn.startswith(f"arn:aws:lightsail:{REGION}:{ACCOUNT}:Instance/")
    assert web["createdAt"] == day(3, 14, 30)  # an aware datetime (botocore uses the local zone)
    assert web["location"] == {"availabilityZone": f"{REGION}a", "regionName": REGION}
    assert web["resourceType"] == "Instance"
    assert web["tags"] == [{"key": "env", "value": "prod"}]
    assert web["networking"]["monthlyTransfer"] == {"gbPerMonthAllocated": 1024}
    assert web["state"] == {"code": 16, "name": "running"}
    assert web["isStaticIp"] is True and web["ipAddressType"] == "dualstack"
    assert web["publicIpAddress"] and web["ipv6Addresses"]
    assert v6["ipAddressType"] == "ipv6" and "publicIpAddress" not in v6


def test_instances_exist_only_between_creation_and_deletion(
    fake: LightsailFake, client: Any, clock: VirtualClock
) -> None:
    # Given an instance created in an hour and one deleted in an hour, then recreated under the same name
    add(fake, "later", created_at=clock.now + timedelta(hours=1))
    old_arn = add(fake, "doomed")
    traffic(fake, "doomed", day(1), day(22), bytes_out=5 * GB)
    fake.delete_instance(account=ACCOUNT, region=REGION, name="doomed", at=clock.now + timedelta(hours=1))
    new_arn = add(fake, "doomed", created_at=clock.now + timedelta(hours=2))
    # When the clock passes each moment
    before = [
        i["name"] for i in client.get_paginator("get_instances").paginate().build_full_result()["instances"]
    ]
    clock.advance(hours=1, minutes=30)
    middle = [i["name"] for i in client.get_instances()["instances"]]
    # Then each is visible only while it exists, and a deleted instance's metrics are gone with it
    assert before == ["doomed"]
    assert middle == ["later"]
    with pytest.raises(ClientError) as caught:
        metric(client, "doomed")
    assert caught.value.response["Error"]["Code"] == "NotFoundException"
    clock.advance(hours=1)
    assert client.get_instance(instanceName="doomed")["instance"]["arn"] == new_arn != old_arn


# -- GetInstanceMetricData ---------------------------------------------------------------------------


def test_c3_more_than_1440_datapoints_answers_an_empty_list_not_an_error(
    fake: LightsailFake, client: Any, clock: VirtualClock
) -> None:
    # Given an instance with traffic all month (case C3)
    clock.now = datetime(2025, 2, 1, 0, 30, tzinfo=UTC)
    add(fake, "busy", created_at=datetime(2024, 12, 1, tzinfo=UTC))
    traffic(
        fake, "busy", datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC), bytes_out=31 * GB
    )
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 31, 23, 55, tzinfo=UTC)
    # When the whole month is asked at 300 s (8,928 points) and at 86400 s (31 points)
    fine = metric(client, "busy", start=start, end=end, period=300)
    daily = metric(client, "busy", start=start, end=end, period=86400)
    # Then the first answers HTTP 200 with no datapoints, the second answers all 31 days
    assert fine["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fine["metricData"] == [] and fine["metricName"] == "NetworkOut"
    assert len(daily["metricData"]) == 31
    assert sum(p["sum"] for p in daily["metricData"]) == pytest.approx(31 * GB)


def test_exactly_1440_datapoints_is_still_answered(fake: LightsailFake, client: Any) -> None:
    add(fake, "busy")
    traffic(fake, "busy", day(20), day(21), bytes_out=1440.0)
    points = metric(client, "busy", start=day(20), end=day(21), period=60)["metricData"]
    assert len(points) == 1440


def test_a_wrong_unit_answers_an_empty_list(fake: LightsailFake, client: Any) -> None:
    add(fake, "busy")
    traffic(fake, "busy", day(1), day(22), bytes_out=10 * GB)
    assert metric(client, "busy", unit="Megabytes")["metricData"] == []
    assert metric(client, "busy", unit="Bytes")["metricData"] != []


def test_c4_datapoints_are_unordered_and_include_todays_partial_day(fake: LightsailFake, client: Any) -> None:
    # Given the traffic of case C4, today being Aug 22 at 12:00
    add(fake, "web")
    traffic(fake, "web", day(20), day(21), bytes_out=3_130_984_833)
    traffic(fake, "web", day(21), day(22), bytes_out=6_930_673_489)
    traffic(fake, "web", day(22), day(22, 11, 0), bytes_out=893_584_166)
    # When the month is read at 86400 s
    points = metric(client, "web")["metricData"]
    # Then the total includes today's partial day, and the points are not in time order
    assert sum(p["sum"] for p in points) == 10_955_242_488
    stamps = [p["timestamp"] for p in points]
    assert max(stamps) == day(22)
    assert stamps != sorted(stamps)
    assert all(isinstance(p["sum"], float) and p["unit"] == "Bytes" for p in points)


def test_data_becomes_visible_only_after_the_metric_lag(
    fake: LightsailFake, client: Any, clock: VirtualClock
) -> None:
    # Given 1,000 bytes/s until now and the default 60 s lag
    add(fake, "web")
    fake.set_rate(
        account=ACCOUNT,
        region=REGION,
        name="web",
        start=day(22),
        end=day(23),
        in_bytes_per_second=0,
        out_bytes_per_second=1000,
    )
    # When read now, and again 60 s later
    seen_now = sum(p["sum"] for p in metric(client, "web")["metricData"])
    clock.advance(seconds=60)
    seen_later = sum(p["sum"] for p in metric(client, "web")["metricData"])
    # Then the last minute shows up only after the lag
    assert seen_now == pytest.approx(1000 * (12 * 3600 - 60))
    assert seen_later == pytest.approx(1000 * 12 * 3600)


def test_no_datapoints_before_creation_nor_without_traffic(fake: LightsailFake, client: Any) -> None:
    # Given an instance created on Aug 10 whose traffic was scripted from Aug 5, and a silent one
    add(fake, "young", created_at=day(10))
    add(fake, "silent")
    traffic(fake, "young", day(5), day(15), bytes_out=10 * GB)
    # When the month is read
    points = metric(client, "young")["metricData"]
    # Then nothing is reported before creation (only 5 of the 10 scripted days count), and no traffic
    # at all means no datapoints: empty is not zero
    assert sorted(p["timestamp"] for p in points) == [day(n) for n in range(10, 15)]
    assert sum(p["sum"] for p in points) == pytest.approx(5 * GB)
    assert metric(client, "silent")["metricData"] == []


def test_c5_one_direction_without_data_answers_empty_the_other_answers(
    fake: LightsailFake, client: Any
) -> None:
    # Given NetworkIn has no data at all while NetworkOut has 700e9 bytes (case C5)
    add(fake, "web")
    traffic(fake, "web", day(1), day(22), bytes_in=None, bytes_out=700 * GB)
    # Then NetworkIn answers an empty list and NetworkOut its bytes
    assert metric(client, "web", "NetworkIn")["metricData"] == []
    assert sum(p["sum"] for p in metric(client, "web", "NetworkOut")["metricData"]) == pytest.approx(700 * GB)


def test_reported_zero_is_a_zero_datapoint(fake: LightsailFake, client: Any) -> None:
    add(fake, "idle")
    traffic(fake, "idle", day(21), day(22), bytes_in=0, bytes_out=0)
    assert [p["sum"] for p in metric(client, "idle", "NetworkIn")["metricData"]] == [0.0]


def test_buckets_align_on_the_period_since_the_epoch(fake: LightsailFake, client: Any) -> None:
    add(fake, "web")
    traffic(fake, "web", day(22, 10), day(22, 11), bytes_out=3600.0)
    points = metric(client, "web", start=day(22, 10, 17), end=day(22, 11, 59), period=3600)["metricData"]
    assert [(p["timestamp"], p["sum"]) for p in points] == [(day(22, 10), 3600.0)]


def test_other_statistics_are_answered_only_when_asked(fake: LightsailFake, client: Any) -> None:
    add(fake, "web")
    traffic(fake, "web", day(21), day(22), bytes_out=288 * 1000.0)
    (point,) = metric(
        client, "web", start=day(21), end=day(22), statistics=["Sum", "SampleCount", "Average", "Maximum"]
    )["metricData"]
    assert point["sum"] == 288_000.0 and point["sampleCount"] == 288.0
    assert point["average"] == pytest.approx(1000.0) and point["maximum"] == pytest.approx(1000.0)
    assert "minimum" not in point


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [(90, AUG, day(2)), (86460, AUG, day(2)), (300, day(2), day(2)), (300, day(3), day(2))],
    ids=["not-a-multiple-of-60", "above-86400", "empty-window", "reversed-window"],
)
def test_invalid_metric_requests_are_invalid_input(
    fake: LightsailFake, client: Any, period: int, start: datetime, end: datetime
) -> None:
    add(fake, "web")
    with pytest.raises(ClientError) as caught:
        metric(client, "web", start=start, end=end, period=period)
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


# -- StopInstance / StartInstance --------------------------------------------------------------------


def test_stop_and_start_follow_the_state_machine_on_the_clock(
    fake: LightsailFake, client: Any, clock: VirtualClock
) -> None:
    # Given a running instance without a static IP
    add(fake, "web")
    ip_before = client.get_instance(instanceName="web")["instance"]["publicIpAddress"]
    # When it is stopped
    (operation,) = client.stop_instance(instanceName="web")["operations"]
    # Then it is stopping now and stopped after the stop duration, without a public IPv4
    assert operation["operationType"] == "StopInstance" and operation["status"] == "Started"
    assert operation["resourceName"] == "web" and operation["isTerminal"] is False
    assert client.get_instance(instanceName="web")["instance"]["state"] == {"code": 64, "name": "stopping"}
    clock.advance(seconds=60)
    stopped = client.get_instance(instanceName="web")["instance"]
    assert stopped["state"] == {"code": 80, "name": "stopped"} and "publicIpAddress" not in stopped
    # And when it is started, it is pending, then running with a new public IPv4 (case C14)
    assert client.start_instance(instanceName="web")["operations"][0]["operationType"] == "StartInstance"
    assert fake.instance_state(ACCOUNT, REGION, "web") == "pending"
    clock.advance(seconds=60)
    running = client.get_instance(instanceName="web")["instance"]
    assert running["state"] == {"code": 16, "name": "running"}
    assert running["publicIpAddress"] != ip_before


def test_traffic_stops_accruing_once_stopped(fake: LightsailFake, client: Any, clock: VirtualClock) -> None:
    # Given 1,000 bytes/s scripted for the whole day, and a stop at 12:00 that takes 60 s
    add(fake, "web")
    fake.set_rate(
        account=ACCOUNT,
        region=REGION,
        name="web",
        start=day(22),
        end=day(23),
        in_bytes_per_second=0,
        out_bytes_per_second=1000,
    )
    client.stop_instance(instanceName="web")
    # When the day is read at its end
    clock.now = day(22, 23, 59)
    total = sum(p["sum"] for p in metric(client, "web", end=day(23))["metricData"])
    # Then only the running and stopping time counted
    assert total == pytest.approx(1000 * (12 * 3600 + 60))


def test_c7_only_a_running_instance_can_be_stopped(fake: LightsailFake, client: Any) -> None:
    # Given instances in every state of case C7
    for state in ("running", "pending", "stopping", "stopped", "rebooting"):
        add(fake, f"vm-{state}", state=state)
    states = {
        i["name"]: i["state"]
        for i in client.get_paginator("get_instances").paginate().build_full_result()["instances"]
    }
    # Then the states read back as set; an unknown state has its name and no invented code
    assert states["vm-pending"] == {"code": 0, "name": "pending"}
    assert states["vm-rebooting"] == {"name": "rebooting"}
    # And stopping anything but the running one is rejected as AWS does
    for state in ("pending", "stopping", "stopped", "rebooting"):
        with pytest.raises(ClientError) as caught:
            client.stop_instance(instanceName=f"vm-{state}")
        assert caught.value.response["Error"]["Code"] == "InvalidInputException"
        assert "not in a valid state" in caught.value.response["Error"]["Message"]
    client.stop_instance(instanceName="vm-running")
    assert fake.count("StopInstance", instance="vm-running") == 1
    assert fake.calls_by_instance[("StopInstance", ACCOUNT, REGION, "vm-running")] == 1


def test_force_stop_is_accepted_for_an_instance_stuck_in_stopping(
    fake: LightsailFake, client: Any, clock: VirtualClock
) -> None:
    add(fake, "stuck", state="stopping")
    clock.advance(hours=1)
    assert fake.instance_state(ACCOUNT, REGION, "stuck") == "stopping"  # scenario states never move alone
    client.stop_instance(instanceName="stuck", force=True)
    clock.advance(seconds=60)
    assert fake.instance_state(ACCOUNT, REGION, "stuck") == "stopped"


# -- Errors and retries ------------------------------------------------------------------------------


def test_errors_are_client_errors_with_the_model_codes(fake: LightsailFake, client: Any) -> None:
    add(fake, "web")
    fake.fail(operation="GetInstances", code="AccessDeniedException", times=1)
    with pytest.raises(ClientError) as denied:
        client.get_instances()
    with pytest.raises(ClientError) as missing:
        client.get_instance(instanceName="nope")
    with pytest.raises(ClientError) as unknown:
        client.reboot_instance(instanceName="web")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert isinstance(missing.value, client.exceptions.NotFoundException)
    assert unknown.value.response["Error"]["Code"] == "UnknownOperationException"
    assert "does not implement RebootInstance" in unknown.value.response["Error"]["Message"]
    assert client.get_instances()["instances"]  # the injected failure was used up


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry backoff sleeps; record the delays instead of waiting for them."""
    delays: list[float] = []
    monkeypatch.setattr("time.sleep", delays.append)
    return delays


def test_c11_throttling_twice_is_retried_by_standard_mode(fake: LightsailFake, no_sleep: list[float]) -> None:
    # Given GetInstanceMetricData for B throttled twice (case C11), and the guard's retry settings
    for name in ("vm-a", "vm-b"):
        add(fake, name)
        traffic(fake, name, day(21), day(22), bytes_out=GB)
    fake.fail(operation="GetInstanceMetricData", instance="vm-b", code="ThrottlingException", times=2)
    client = client_for(config=Config(retries={"mode": "standard", "max_attempts": 10}))
    # When B's metric is read
    answer = metric(client, "vm-b")
    # Then botocore retried twice and succeeded: three attempts reached the fake
    assert sum(p["sum"] for p in answer["metricData"]) == GB
    assert answer["ResponseMetadata"]["RetryAttempts"] == 2
    assert fake.count("GetInstanceMetricData", instance="vm-b") == 3
    assert [r.error for r in fake.records] == ["ThrottlingException", "ThrottlingException", None]
    assert len(no_sleep) == 2
    assert metric(client, "vm-a")["ResponseMetadata"]["RetryAttempts"] == 0


def test_c11_always_throttled_fails_after_the_last_attempt(
    fake: LightsailFake, no_sleep: list[float]
) -> None:
    add(fake, "vm-b")
    fake.fail(operation="GetInstanceMetricData", instance="vm-b")
    client = client_for(config=Config(retries={"mode": "standard", "total_max_attempts": 4}))
    with pytest.raises(ClientError) as caught:
        metric(client, "vm-b")
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert fake.calls["GetInstanceMetricData"] == 4


# -- Identity ----------------------------------------------------------------------------------------


def test_each_region_sees_only_its_own_instances(fake: LightsailFake) -> None:
    add(fake, "web", region="eu-west-1")
    add(fake, "web", region="us-east-1", bundle_id="micro_3_0")  # same name, other region: allowed
    bundles = {
        r: client_for(r).get_instance(instanceName="web")["instance"]["bundleId"]
        for r in ("eu-west-1", "us-east-1")
    }
    assert bundles == {"eu-west-1": "nano_3_0", "us-east-1": "micro_3_0"}
    assert client_for("ap-south-1").get_instances()["instances"] == []


def test_each_assumed_role_account_sees_only_its_own_instances(clock: VirtualClock) -> None:
    fake = LightsailFake(clock)
    for account in ("111111111111", "222222222222"):
        add(fake, f"web-{account[0]}", account=account)
    with mock_aws(), fake:
        # Given credentials for two accounts from moto's STS
        sts = boto3.Session(region_name="us-east-1").client("sts")
        seen = {}
        for account in ("111111111111", "222222222222"):
            creds = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/guard", RoleSessionName="guard-test"
            )
            client = client_for(
                access_key=creds["Credentials"]["AccessKeyId"],
                session_token=creds["Credentials"]["SessionToken"],
                fresh=True,
            )
            # When each lists its instances
            seen[account] = [(i["name"], i["arn"].split(":")[4]) for i in client.get_instances()["instances"]]
    # Then each account sees only its own
    assert seen == {"111111111111": [("web-1", "111111111111")], "222222222222": [("web-2", "222222222222")]}


def test_the_fake_answers_before_motos_generic_hook(clock: VirtualClock) -> None:
    # Given moto's mock active: its generic before-send handler answers unknown AWS hosts with a 404
    fake = LightsailFake(clock)
    add(fake, "web")
    with mock_aws():
        assert ("before-send", botocore_stubber) in botocore.handlers.BUILTIN_HANDLERS
        assert botocore_stubber.enabled
        # When a Lightsail call is made with the fake installed
        with fake:
            answer = client_for(fresh=True).get_instances()
        # (and, to show the competitor is real, without it)
        with pytest.raises(ClientError) as moto_answer:
            client_for(fresh=True).get_instances()
    # Then the more specific before-send.lightsail handler answered first
    assert [i["name"] for i in answer["instances"]] == ["web"]
    assert fake.calls["GetInstances"] == 1
    assert moto_answer.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_install_is_exclusive_and_uninstall_removes_the_hook(clock: VirtualClock) -> None:
    first, second = LightsailFake(clock), LightsailFake(clock)
    with first:
        with pytest.raises(RuntimeError):
            second.install()
        assert any(spec[0] == "before-send.lightsail" for spec in botocore.handlers.BUILTIN_HANDLERS)
    assert not any(spec[0] == "before-send.lightsail" for spec in botocore.handlers.BUILTIN_HANDLERS)


# -- Wire format and concurrency ---------------------------------------------------------------------


def _check_against_shape(value: Any, shape_name: str, path: str) -> list[str]:
    """Every member name, type and enum value of ``value`` must exist in the model's shape."""
    shape = service_model()["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected object"]
        problems = [f"{path}.{k}: not in {shape_name}" for k in value if k not in shape["members"]]
        for key, item in value.items():
            if key in shape["members"]:
                problems += _check_against_shape(item, shape["members"][key]["shape"], f"{path}.{key}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected list"]
        return [
            p
            for i, item in enumerate(value)
            for p in _check_against_shape(item, shape["member"]["shape"], f"{path}[{i}]")
        ]
    expected = {
        "string": str,
        "boolean": bool,
        "integer": int,
        "long": int,
        "timestamp": (int, float),
        "double": (int, float),
        "float": (int, float),
    }[kind]
    if not isinstance(value, expected) or (
        kind in ("integer", "long", "double", "float", "timestamp") and isinstance(value, bool)
    ):
        return [f"{path}: {value!r} is not a {kind}"]
    if "enum" in shape and value not in shape["enum"]:
        return [f"{path}: {value!r} not in enum {shape_name}"]
    return []


def test_the_json_on_the_wire_uses_only_names_the_model_defines(fake: LightsailFake, client: Any) -> None:
    # Given instances covering the optional fields, and a hook that keeps the raw response bodies
    add(fake, "web-1", tags={"env": "prod", "lightsail-guard:owner": "ops"}, is_static_ip=True)
    add(fake, "v6-only", bundle_id="nano_ipv6_3_0", ip_address_type="ipv6", state="rebooting")
    add(fake, "no-allowance", allowance_gb=None, ip_address_type="ipv4")
    traffic(fake, "web-1", day(20), day(22), bytes_out=GB)
    raw: list[tuple[str, dict[str, Any]]] = []

    def keep(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        raw.append((operation_model.output_shape.name, json.loads(response_dict["body"])))

    client.meta.events.register("before-parse.lightsail", keep)
    # When each implemented operation answers through botocore's parser (which must not fail)
    list(client.get_paginator("get_instances").paginate())
    client.get_instance(instanceName="web-1")
    metric(client, "web-1", statistics=["Sum", "Average", "Minimum", "Maximum", "SampleCount"])
    client.stop_instance(instanceName="web-1")
    # Then every member in the JSON exists in the model's output shape, with the model's types and enums
    assert {shape for shape, _ in raw} == {
        "GetInstancesResult",
        "GetInstanceResult",
        "GetInstanceMetricDataResult",
        "StopInstanceResult",
    }
    problems = [p for shape, body in raw for p in _check_against_shape(body, shape, shape)]
    assert problems == []
    timestamps = [body["instance"]["createdAt"] for shape, body in raw if shape == "GetInstanceResult"]
    assert timestamps == [AUG.timestamp()]  # epoch seconds, as the JSON protocol sends them


def test_concurrent_calls_are_all_answered_and_counted(fake: LightsailFake) -> None:
    # Given instances read from 8 threads at once, as Map iterations do
    for i in range(4):
        add(fake, f"vm-{i}")
    clients = [client_for() for _ in range(4)]

    def read(i: int) -> str:
        return clients[i % 4].get_instance(instanceName=f"vm-{i % 4}")["instance"]["name"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(read, range(64)))
    assert names == [f"vm-{i % 4}" for i in range(64)]
    assert fake.calls["GetInstance"] == 64


def test_scenario_times_must_be_timezone_aware(clock: VirtualClock) -> None:
    fake = LightsailFake(clock)
    with pytest.raises(ValueError, match="timezone-aware"):
        add(fake, "web", created_at=datetime(2025, 8, 1))  # naive on purpose
