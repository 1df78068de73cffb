"""Each action as an EventBridge event, through moto: a rule on the bus sends them to an SQS queue.

Given a rule matching ``source: lightsail-guard``, When the guard acts, Then one event per action
arrives with a detail type naming what happened and a detail that matches its JSON Schema."""

from __future__ import annotations

import json

import boto3
import jsonschema
import pytest

from lightsail_guard.adapters.events import EventPublisher, EventPublishError
from lightsail_guard.notifications.action_event import DETAIL_TYPES, event_detail_schema
from lightsail_guard.notifications.channels import configured_channels
from lightsail_guard.notifications.delivery import deliver_alert

from .conftest import HUB_REGION, result, settings

PER_GB = 10**9


def capture(bus: str) -> callable:
    """A rule on ``bus`` for the guard's events, with an SQS queue as its target; returns a reader."""
    events, sqs = boto3.client("events", region_name=HUB_REGION), boto3.client("sqs", region_name=HUB_REGION)
    if bus != "default":
        events.create_event_bus(Name=bus)
    queue = sqs.create_queue(QueueName=f"captured-{bus}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="guard-actions", EventBusName=bus, EventPattern=json.dumps({"source": ["lightsail-guard"]})
    )
    events.put_targets(Rule="guard-actions", EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])

    def read() -> list[dict]:
        got = []
        while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                got.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return got

    return read


ACTIONS = {
    "Lightsail Guard Instance Stopped": dict(
        used_gb=990.0, action="stop", stop_result="stopping", state="stopping"
    ),
    "Lightsail Guard Instance Stop Failed": dict(
        used_gb=990.0, action="stop", stop_result="stop failed: ServiceException: boom"
    ),
    "Lightsail Guard Instance Would Stop": dict(used_gb=990.0, action="notify", dry_run=True),
    "Lightsail Guard Instance Over Stop Line": dict(used_gb=990.0, action="notify"),
    "Lightsail Guard Instance Warning": dict(used_gb=850.0),
    "Lightsail Guard Instance Started": dict(
        used_gb=0.0, verdict="ok", action="start", state="pending", start_result="pending"
    ),
    "Lightsail Guard Instance Not Started": dict(
        used_gb=0.0,
        verdict="ok",
        action="start",
        state="stopping",
        start_result="not started: instance is stopping",
    ),
    "Lightsail Guard Usage Unknown": dict(used_gb=None),
    "Lightsail Guard Check Failed": dict(used_gb=None, verdict="error", reason="check failed: Throttling"),
}


def test_each_action_is_one_event_with_its_detail_type_and_a_valid_detail(aws):
    # Given a bus named by EVENT_BUS_NAME with a rule capturing the guard's events
    read = capture("guard-bus")
    channels = configured_channels(settings(event_bus_name="guard-bus"))
    # When the guard acts on one instance of each kind
    for detail_type, fields in ACTIONS.items():
        _, delivery = deliver_alert(result(f"i-{len(detail_type)}", **fields), channels, bytes_per_gb=PER_GB)
        assert delivery.failures == [], detail_type
    # Then each arrives once, from lightsail-guard, typed by what happened, with a schema-valid detail
    events = read()
    assert sorted(e["detail-type"] for e in events) == sorted(ACTIONS)
    validator = jsonschema.Draft202012Validator(event_detail_schema())
    for event in events:
        assert event["source"] == "lightsail-guard"
        validator.validate(event["detail"])
        assert event["resources"] == [event["detail"]["instance"]["arn"]]


def test_the_stopped_event_tells_what_a_consumer_needs(aws):
    read = capture("default")
    item = result(
        "web_server_1",
        used_gb=990.0,
        action="stop",
        stop_result="stopping",
        state="stopping",
        pool="111111111111/eu-central-1/nano",
        pool_used_bytes=1500 * PER_GB,
        pool_allowance_bytes=2048 * PER_GB,
    )
    deliver_alert(item, configured_channels(settings()), bytes_per_gb=PER_GB, account_name="production")
    [event] = read()
    detail = event["detail"]
    assert event["detail-type"] == "Lightsail Guard Instance Stopped"
    assert (detail["kind"], detail["outcome"], detail["succeeded"]) == ("stop", "stopped", True)
    assert detail["account"] == {"id": "111111111111", "name": "production"}
    assert detail["instance"]["name"] == "web_server_1" and detail["instance"]["state"] == "stopping"
    assert detail["usage"]["usedBytes"] == 990 * PER_GB and detail["usage"]["allowanceBytes"] == 1024 * PER_GB
    assert detail["publicIpv4Changes"] is True and "IPv6 addresses stay" in detail["addressNote"]
    assert detail["reason"] == item.reason
    assert detail["pool"] == {
        "key": "111111111111/eu-central-1/nano",
        "usedBytes": 1500 * PER_GB,
        "allowanceBytes": 2048 * PER_GB,
        "percent": 73.242,
    }


def test_a_repeated_action_carries_the_same_dedup_key(aws):
    read = capture("default")
    channels = configured_channels(settings())
    item = result("web-1", used_gb=990.0, action="stop", stop_result="stopping", state="stopping")
    deliver_alert(item, channels, bytes_per_gb=PER_GB)
    deliver_alert(item, channels, bytes_per_gb=PER_GB)  # an Express execution delivered twice
    first, second = read()
    assert first["detail"]["dedupKey"] == second["detail"]["dedupKey"]


def test_a_bus_that_does_not_exist_fails_the_event_alone(aws):
    _, delivery = deliver_alert(
        result("web-1", used_gb=850.0),
        configured_channels(settings(event_bus_name="missing")),
        bytes_per_gb=PER_GB,
    )
    [failure] = delivery.failures
    assert failure.startswith("events: ") and "missing" in failure


def test_a_failed_entry_in_a_200_answer_is_an_error(monkeypatch):
    class Refusing:
        def put_events(self, Entries):
            return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "AccessDenied", "ErrorMessage": "nope"}]}

    from lightsail_guard.adapters import events

    monkeypatch.setattr(events.CLIENTS, "client", lambda *a, **k: Refusing())
    with pytest.raises(EventPublishError, match="AccessDenied: nope"):
        EventPublisher("default").put("Lightsail Guard Instance Warning", {"x": 1})


def test_every_detail_type_is_named_in_the_schema_docs():
    schema = event_detail_schema()
    assert set(schema["properties"]["kind"]["enum"]) == {"warn", "stop", "start", "unknown", "error"}
    assert all(t.startswith("Lightsail Guard ") for t in DETAIL_TYPES.values())
