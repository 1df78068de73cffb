"""Each guard action as an EventBridge event (source ``lightsail-guard``), for rules and other tools.

The detail's shape is ``event_detail.schema.json`` (schemaVersion 1). Detail types name what happened,
so a rule can match on ``detail-type`` alone (e.g. only real stops: "Lightsail Guard Instance Stopped").
Express executions are at-least-once: the same event can arrive twice; ``detail.dedupKey`` is equal for
both copies.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..adapters.events import EventPublisher
from .alert import Alert, alert_subject

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("event_detail.schema.json")

DETAIL_TYPES: dict[str, str] = {
    "stopped": "Lightsail Guard Instance Stopped",
    "stop-failed": "Lightsail Guard Instance Stop Failed",
    "not-stopped": "Lightsail Guard Instance Not Stopped",
    "stop-dry-run": "Lightsail Guard Instance Would Stop",
    "stop-alerted": "Lightsail Guard Instance Over Stop Line",
    "started": "Lightsail Guard Instance Started",
    "start-failed": "Lightsail Guard Instance Start Failed",
    "not-started": "Lightsail Guard Instance Not Started",
    "start-dry-run": "Lightsail Guard Instance Would Start",
    "warn": "Lightsail Guard Instance Warning",
    "unknown": "Lightsail Guard Usage Unknown",
    "error": "Lightsail Guard Check Failed",
}


def detail_type(alert: Alert) -> str:
    if alert.kind in ("stop", "start"):
        key = f"{alert.kind}-{alert.outcome}" if alert.outcome in ("dry-run", "alerted") else alert.outcome
        return DETAIL_TYPES[key]
    return DETAIL_TYPES[alert.kind]


def event_detail(alert: Alert) -> dict[str, Any]:
    detail = {
        "schemaVersion": SCHEMA_VERSION,
        "kind": alert.kind,
        "outcome": alert.outcome,
        "succeeded": alert.succeeded,
        "dryRun": alert.dry_run,
        "summary": alert_subject(alert),
        "account": {"id": alert.account, "name": alert.account_name},
        "region": alert.region,
        "instance": {
            "name": alert.name,
            "arn": alert.arn,
            "state": alert.state,
            "bundleId": alert.bundle_id,
            "staticIp": alert.static_ip,
            "ipAddressType": alert.ip_type,
        },
        "usage": {
            "usedBytes": _int(alert.used_bytes),
            "bytesIn": _int(alert.bytes_in),
            "bytesOut": _int(alert.bytes_out),
            "allowanceBytes": _int(alert.allowance_bytes),
            "fullAllowanceBytes": _int(alert.full_allowance_bytes),
            "percent": _round(alert.own_percent),
            "projectedPercent": _round(alert.projected_percent),
            "bytesPerGb": alert.bytes_per_gb,
        },
        "verdict": alert.verdict,
        "level": alert.level,
        "pool": None
        if alert.pool is None
        else {
            "key": alert.pool,
            "usedBytes": _int(alert.pool_used_bytes),
            "allowanceBytes": _int(alert.pool_allowance_bytes),
            "percent": _round(alert.pool_percent),
        },
        "reason": alert.reason,
        "action": alert.action,
        "actionResult": alert.action_result,
        "publicIpv4Changes": alert.address_note is not None,
        "addressNote": alert.address_note,
    }
    identity = [alert.account, alert.region, alert.arn or alert.name, alert.kind, alert.outcome, alert.reason]
    detail["dedupKey"] = hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:32]
    return detail


def event_detail_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class EventBridgeChannel:
    """Publishes each alert as an event. Machines read it, so it does not count as "notified"."""

    name = "events"
    people = False

    def __init__(self, publisher: EventPublisher) -> None:
        self.publisher = publisher

    def __repr__(self) -> str:
        return f"EventBridgeChannel({self.publisher!r})"

    def send_alert(self, alert: Alert) -> None:
        self.publisher.put(
            detail_type(alert), event_detail(alert), resources=[alert.arn] if alert.arn else []
        )
