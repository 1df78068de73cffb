"""The ledger: the guard's memory between runs, one item per instance per billing month.

DynamoDB layout (one table, on-demand, TTL on ``expiresAt``; README "The ledger"):

- ``pk = <account>#<region>#<YYYY-MM>``, ``sk = instance#<arn>``: first and last seen, bundle, pool,
  allowance, the last known reading (bytes in/out and when), state, the last decision (verdict,
  percent, reason, action), ``events`` (a string set of the alerts sent), ``stopRequestedAt`` and
  ``stoppedByGuardAt`` (the guard's stop, confirmed), ``startRequestedAt`` and ``restartedAt``.

Every "only once" write is conditional, so two executions at the same instant (an Express retry)
cannot both send an alert or both stop an instance.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from botocore.exceptions import ClientError

from ..core.billing_period import billing_period_at, format_instant, parse_instant
from .aws_clients import CLIENTS

_REQUESTED = {"stop": "stopRequestedAt", "start": "startRequestedAt"}
_CONFIRMED = {"stop": "stoppedByGuardAt", "start": "restartedAt"}

#: Items outlive their month by this much (reports and restarts look one month back).
RETENTION = timedelta(days=100)


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    account: str
    region: str
    month: str
    arn: str
    name: str
    bundle_id: str = ""
    pool: str = ""
    full_allowance_bytes: float | None = None
    created_at: str = ""
    first_seen: str = ""
    last_seen: str = ""
    last_reading_at: str | None = None
    last_used_bytes: float | None = None
    last_bytes_in: float | None = None
    last_bytes_out: float | None = None
    state: str = ""
    static_ip: bool | None = None
    ip_type: str | None = None
    # The last decision (the run's detail lives here, not in the workflow's payload).
    decided_at: str | None = None
    allowance_bytes: float | None = None
    verdict: str | None = None
    level: float | None = None
    percent: float | None = None
    projected_percent: float | None = None
    pool_used_bytes: float | None = None
    pool_allowance_bytes: float | None = None
    reason: str | None = None
    action: str | None = None
    events: frozenset[str] = field(default_factory=frozenset)
    stop_requested_at: str | None = None
    #: Set when the workflow confirmed the guard's stop (the instance went to stopping/stopped).
    stopped_by_guard_at: str | None = None
    start_requested_at: str | None = None
    #: Set when the workflow confirmed a next-month restart.
    restarted_at: str | None = None


class Ledger(Protocol):
    def load(self, *, account: str, region: str, month: str) -> dict[str, LedgerRecord]: ...
    def save_reading(self, record: LedgerRecord) -> None: ...
    def claim_event(self, record: LedgerRecord, event: str) -> bool: ...
    def claim_action(self, record: LedgerRecord, action: str, *, now: datetime, quiet: timedelta) -> bool: ...
    def confirm(
        self, *, account: str, region: str, month: str, arn: str, what: str, at: datetime
    ) -> None: ...


def _pk(account: str, region: str, month: str) -> str:
    return f"{account}#{region}#{month}"


def _expires(month: str) -> int:
    end = billing_period_at(parse_instant(f"{month}-01T00:00:00Z")).end
    return int((end + RETENTION).timestamp())


_READING_FIELDS = (
    "name", "bundle_id", "pool", "full_allowance_bytes", "created_at", "last_seen", "last_reading_at",
    "last_used_bytes", "last_bytes_in", "last_bytes_out", "state", "static_ip", "ip_type", "decided_at",
    "allowance_bytes", "verdict", "level", "percent", "projected_percent", "pool_used_bytes",
    "pool_allowance_bytes", "reason", "action",
)  # fmt: skip


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _to_dynamo(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, float) else value


def _from_item(item: dict[str, Any]) -> LedgerRecord:
    values: dict[str, Any] = {}
    for name in LedgerRecord.__dataclass_fields__:
        raw = item.get(_camel(name))
        if raw is None:
            continue
        if isinstance(raw, Decimal):
            raw = float(raw)
        if name == "events":
            raw = frozenset(raw)
        values[name] = raw
    return LedgerRecord(**values)


class DynamoLedger:
    def __init__(self, table_name: str, *, region: str | None = None) -> None:
        self._table_name = table_name
        self._client = CLIENTS.client("dynamodb", region)
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self._ser, self._de = TypeSerializer(), TypeDeserializer()

    def _item(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {k: self._de.deserialize(v) for k, v in raw.items()}

    def load(self, *, account: str, region: str, month: str) -> dict[str, LedgerRecord]:
        records: dict[str, LedgerRecord] = {}
        paginator = self._client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self._table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={
                ":pk": {"S": _pk(account, region, month)},
                ":prefix": {"S": "instance#"},
            },
            ConsistentRead=True,
        ):
            for raw in page["Items"]:
                record = _from_item(self._item(raw))
                records[record.arn] = record
        return records

    def save_reading(self, record: LedgerRecord) -> None:
        names = {
            "#first": "firstSeen",
            "#acct": "account",
            "#reg": "region",
            "#month": "month",
            "#arn": "arn",
            "#exp": "expiresAt",
        }
        values = {
            ":first": record.first_seen or record.last_seen,
            ":acct": record.account,
            ":reg": record.region,
            ":month": record.month,
            ":arn": record.arn,
            ":exp": _expires(record.month),
        }
        sets = [
            "#first = if_not_exists(#first, :first)",
            "#acct = :acct",
            "#reg = :reg",
            "#month = :month",
            "#arn = :arn",
            "#exp = :exp",
        ]
        removes = []
        for i, name in enumerate(_READING_FIELDS):
            names[f"#f{i}"] = _camel(name)
            value = getattr(record, name)
            if value is None:
                removes.append(f"#f{i}")
            else:
                values[f":v{i}"] = _to_dynamo(value)
                sets.append(f"#f{i} = :v{i}")
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        self._client.update_item(
            TableName=self._table_name,
            Key={
                "pk": {"S": _pk(record.account, record.region, record.month)},
                "sk": {"S": f"instance#{record.arn}"},
            },
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={k: self._ser.serialize(v) for k, v in values.items()},
        )

    def _conditional(
        self,
        key: dict[str, Any],
        expression: str,
        condition: str,
        names: dict[str, str],
        values: dict[str, Any],
    ) -> bool:
        try:
            self._client.update_item(
                TableName=self._table_name,
                Key=key,
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={k: self._ser.serialize(v) for k, v in values.items()},
            )
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def _key(self, record: LedgerRecord) -> dict[str, Any]:
        return {
            "pk": {"S": _pk(record.account, record.region, record.month)},
            "sk": {"S": f"instance#{record.arn}"},
        }

    def claim_event(self, record: LedgerRecord, event: str) -> bool:
        return self._conditional(
            self._key(record),
            "ADD #events :set",
            "attribute_not_exists(#events) OR NOT contains(#events, :event)",
            {"#events": "events"},
            {":set": {event}, ":event": event},
        )

    def claim_action(self, record: LedgerRecord, action: str, *, now: datetime, quiet: timedelta) -> bool:
        """Claim a ``stop`` or ``start`` unless one was claimed less than ``quiet`` ago."""
        return self._conditional(
            self._key(record),
            "SET #req = :now",
            "attribute_not_exists(#req) OR #req <= :cutoff",
            {"#req": _REQUESTED[action]},
            {":now": format_instant(now), ":cutoff": format_instant(now - quiet)},
        )

    def confirm(self, *, account: str, region: str, month: str, arn: str, what: str, at: datetime) -> None:
        """Record that a stop or start the guard requested happened (``what``: stop or start)."""
        self._client.update_item(
            TableName=self._table_name,
            Key={"pk": {"S": _pk(account, region, month)}, "sk": {"S": f"instance#{arn}"}},
            UpdateExpression="SET #at = :at",
            ExpressionAttributeNames={"#at": _CONFIRMED[what]},
            ExpressionAttributeValues={":at": {"S": format_instant(at)}},
        )


class MemoryLedger:
    """The same contract in memory: for tests, and a deployment without a table (no memory between runs)."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], LedgerRecord] = {}
        self._lock = threading.Lock()

    def load(self, *, account: str, region: str, month: str) -> dict[str, LedgerRecord]:
        pk = _pk(account, region, month)
        with self._lock:
            return {arn: r for (key, arn), r in self._records.items() if key == pk}

    def save_reading(self, record: LedgerRecord) -> None:
        key = (_pk(record.account, record.region, record.month), record.arn)
        with self._lock:
            old = self._records.get(key)
            if old is None:
                self._records[key] = replace(record, first_seen=record.first_seen or record.last_seen)
            else:
                self._records[key] = replace(old, **{name: getattr(record, name) for name in _READING_FIELDS})

    def claim_event(self, record: LedgerRecord, event: str) -> bool:
        key = (_pk(record.account, record.region, record.month), record.arn)
        with self._lock:
            current = self._records.get(key, record)
            if event in current.events:
                return False
            self._records[key] = replace(current, events=current.events | {event})
            return True

    def claim_action(self, record: LedgerRecord, action: str, *, now: datetime, quiet: timedelta) -> bool:
        key = (_pk(record.account, record.region, record.month), record.arn)
        field_name = f"{action}_requested_at"
        with self._lock:
            current = self._records.get(key, record)
            previous = getattr(current, field_name)
            if previous and parse_instant(previous) > now - quiet:
                return False
            self._records[key] = replace(current, **{field_name: format_instant(now)})
            return True

    def confirm(self, *, account: str, region: str, month: str, arn: str, what: str, at: datetime) -> None:
        key = (_pk(account, region, month), arn)
        field_name = "stopped_by_guard_at" if what == "stop" else "restarted_at"
        with self._lock:
            current = self._records.get(key) or LedgerRecord(
                account=account, region=region, month=month, arn=arn, name=""
            )
            self._records[key] = replace(current, **{field_name: format_instant(at)})
