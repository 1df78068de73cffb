"""LightsailGateway: the only code that speaks to the Lightsail API."""

from __future__ import annotations

from typing import Any

from ..core.billing_period import as_utc, format_instant
from ..core.usage import MetricWindow
from ..model.messages import InstanceSnapshot

#: Only tags under this prefix travel between states: the rest stay in Lightsail (compact messages).
GUARD_TAG_PREFIX = "lightsail-guard:"


def snapshot_of(instance: dict[str, Any]) -> InstanceSnapshot:
    """Reduce one GetInstances entry to what the guard needs; ``createdAt`` is converted to UTC."""
    monthly = (instance.get("networking") or {}).get("monthlyTransfer") or {}
    return InstanceSnapshot(
        name=instance["name"],
        arn=instance["arn"],
        created_at=format_instant(as_utc(instance["createdAt"], field="createdAt")),
        bundle_id=instance.get("bundleId", ""),
        allowance_gb=monthly.get("gbPerMonthAllocated"),
        state=(instance.get("state") or {}).get("name", "unknown"),
        static_ip=bool(instance.get("isStaticIp")),
        ip_type=instance.get("ipAddressType", "ipv4"),
        tags={
            t["key"]: t.get("value", "")
            for t in instance.get("tags") or []
            if t.get("key", "").startswith(GUARD_TAG_PREFIX)
        },
    )


class LightsailGateway:
    """Lightsail in one account and region, through a client made by :mod:`.sessions`."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def list_instances(self) -> list[InstanceSnapshot]:
        paginator = self._client.get_paginator("get_instances")
        return [snapshot_of(i) for page in paginator.paginate() for i in page.get("instances", [])]

    def metric_points(self, name: str, metric: str, window: MetricWindow) -> list[dict[str, Any]]:
        """The ``Sum`` datapoints of one metric (one call; the API takes one metric per call)."""
        answer = self._client.get_instance_metric_data(
            instanceName=name,
            metricName=metric,
            period=window.period,
            startTime=window.start,
            endTime=window.end,
            unit="Bytes",
            statistics=["Sum"],
        )
        return answer.get("metricData") or []

    def state_of(self, name: str) -> str:
        return self._client.get_instance(instanceName=name)["instance"]["state"]["name"]

    def stop_instance(self, name: str, *, force: bool = False) -> None:
        self._client.stop_instance(instanceName=name, force=force)

    def start_instance(self, name: str) -> None:
        self._client.start_instance(instanceName=name)
