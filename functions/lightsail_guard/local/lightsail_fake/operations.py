"""The Lightsail API operations the fake answers, with the quirks the guard has to survive.

Each operation takes the decoded JSON request and returns the JSON result body (or raises
:class:`LightsailError`). The quirks are the ones DOMAIN.md lists: paginated GetInstances (case C8),
GetInstanceMetricData answering an empty list, not an error, above 1440 datapoints or for a wrong unit
(C3), unordered datapoints including today's partial day (C4), asynchronous stop/start (C7).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .errors import LightsailError, invalid_input, not_found
from .model import enum_values
from .traffic import datapoints

if TYPE_CHECKING:
    from .instances import Instance

#: Metrics the fake simulates, with their published unit. Others fail loudly instead of answering "empty".
METRIC_UNITS: dict[str, str] = {"NetworkIn": "Bytes", "NetworkOut": "Bytes"}
METRIC_DIRECTIONS = {"NetworkIn": "in", "NetworkOut": "out"}
MAX_DATAPOINTS = 1440
STATISTICS = frozenset({"Minimum", "Maximum", "Sum", "Average", "SampleCount"})


@dataclass(frozen=True)
class Context:
    """Who is calling, where, and when (epoch seconds on the fake's clock)."""

    account: str
    region: str
    now: float


class Operations:
    """API operations; mixed into :class:`LightsailFake`, which provides the attributes below."""

    page_size: int
    metric_lag: timedelta
    stop_duration: timedelta
    start_duration: timedelta
    seed: int
    _operation_counter: int

    def _live(self, ctx: Context) -> list[Instance]:
        raise NotImplementedError

    def _live_named(self, ctx: Context, name: str) -> Instance:
        for instance in self._live(ctx):
            if instance.name == name:
                return instance
        raise not_found(name)

    # -- GetInstances / GetInstance -------------------------------------------------------------------

    def op_get_instances(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        live = self._live(ctx)
        begin = 0
        if params.get("pageToken"):
            after = _decode_token(params["pageToken"])
            begin = sum(1 for instance in live if _sort_key(instance) <= after)
        page = live[begin : begin + self.page_size]
        result: dict[str, Any] = {"instances": [instance.render(ctx.now) for instance in page]}
        if begin + self.page_size < len(live):
            result["nextPageToken"] = _encode_token(_sort_key(page[-1]))
        return result

    def op_get_instance(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        return {"instance": self._live_named(ctx, params["instanceName"]).render(ctx.now)}

    # -- GetInstanceMetricData ------------------------------------------------------------------------

    def op_get_instance_metric_data(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        metric, period, start, end, unit, statistics = _metric_request(params)
        instance = self._live_named(ctx, params["instanceName"])
        empty: dict[str, Any] = {"metricName": metric, "metricData": []}
        if math.ceil((end - math.floor(start / period) * period) / period) > MAX_DATAPOINTS:
            return empty  # AWS: HTTP 200 with no datapoints, not an error (case C3)
        if unit != METRIC_UNITS[metric]:
            return empty  # AWS: a unit the metric is not published in matches nothing
        points = datapoints(
            instance.segments,
            METRIC_DIRECTIONS[metric],  # type: ignore[arg-type]
            instance.intervals(),
            start=start,
            end=end,
            period=period,
            visible_until=ctx.now - self.metric_lag.total_seconds(),
            statistics=statistics,
            unit=unit,
        )
        return {
            "metricName": metric,
            "metricData": self._unordered(points, instance.arn, metric, start, period),
        }

    def _unordered(self, points: list[Any], arn: str, metric: str, start: float, period: int) -> list[Any]:
        """Shuffle deterministically, and never leave two or more points in time order (case C4)."""
        seed = hashlib.sha256(f"{self.seed}|{arn}|{metric}|{start}|{period}".encode()).digest()
        random.Random(seed).shuffle(points)
        if len(points) > 1 and all(a["timestamp"] < b["timestamp"] for a, b in itertools.pairwise(points)):
            points.append(points.pop(0))
        return points

    # -- StopInstance / StartInstance -----------------------------------------------------------------

    def op_stop_instance(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        instance = self._live_named(ctx, params["instanceName"])
        state = instance.state_at(ctx.now)
        allowed = ("running", "stopping") if params.get("force") else ("running",)
        if state not in allowed:
            raise invalid_input(
                f"The instance {instance.name} is not in a valid state to be stopped (state: {state})."
            )
        instance.set_state(ctx.now, "stopping")
        instance.history.append((ctx.now + self.stop_duration.total_seconds(), "stopped"))
        return {"operations": [self._operation(ctx, instance, "StopInstance")]}

    def op_start_instance(self, ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        instance = self._live_named(ctx, params["instanceName"])
        state = instance.state_at(ctx.now)
        if state != "stopped":
            raise invalid_input(
                f"The instance {instance.name} is not in a valid state to be started (state: {state})."
            )
        instance.ip_generation += 1
        instance.set_state(ctx.now, "pending")
        instance.history.append((ctx.now + self.start_duration.total_seconds(), "running"))
        return {"operations": [self._operation(ctx, instance, "StartInstance")]}

    def _operation(self, ctx: Context, instance: Instance, operation_type: str) -> dict[str, Any]:
        self._operation_counter += 1
        digest = hashlib.sha256(f"{self.seed}|op|{self._operation_counter}".encode()).digest()
        return {
            "id": str(uuid.UUID(bytes=digest[:16], version=4)),
            "resourceName": instance.name,
            "resourceType": "Instance",
            "createdAt": ctx.now,
            "location": instance.location(),
            "isTerminal": False,
            "operationDetails": "",
            "operationType": operation_type,
            "status": "Started",
            "statusChangedAt": ctx.now,
        }


OPERATIONS: dict[str, Callable[[Operations, Context, dict[str, Any]], dict[str, Any]]] = {
    "GetInstances": Operations.op_get_instances,
    "GetInstance": Operations.op_get_instance,
    "GetInstanceMetricData": Operations.op_get_instance_metric_data,
    "StopInstance": Operations.op_stop_instance,
    "StartInstance": Operations.op_start_instance,
}


def _metric_request(params: dict[str, Any]) -> tuple[str, int, float, float, str, list[str]]:
    """Validate a GetInstanceMetricData request the way the service does (client-side checks aside)."""
    metric = params.get("metricName")
    if metric not in enum_values("InstanceMetricName"):
        raise invalid_input(f"Invalid metricName: {metric}")
    if metric not in METRIC_UNITS:
        raise invalid_input(f"The Lightsail fake does not simulate the metric {metric}.")
    period = params.get("period")
    if not isinstance(period, int) or not 60 <= period <= 86400 or period % 60:
        raise invalid_input(f"The period must be a multiple of 60 between 60 and 86400 seconds: {period}")
    start, end = params.get("startTime"), params.get("endTime")
    if not isinstance(start, int | float) or not isinstance(end, int | float):
        raise invalid_input("startTime and endTime must be timestamps.")
    if start >= end:
        raise invalid_input("The parameter startTime must be less than the parameter endTime.")
    unit = params.get("unit")
    if unit not in enum_values("MetricUnit"):
        raise invalid_input(f"Invalid unit: {unit}")
    statistics = params.get("statistics") or []
    if not statistics or not set(statistics) <= STATISTICS:
        raise invalid_input(f"Invalid statistics: {statistics}")
    return metric, period, float(start), float(end), unit, list(statistics)


def _sort_key(instance: Instance) -> tuple[float, str, str]:
    return (instance.created_at, instance.name, instance.arn)


def _encode_token(key: tuple[float, str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _decode_token(token: Any) -> tuple[float, str, str]:
    """Tokens are opaque to clients; a forged or stale-format one is rejected as AWS does."""
    try:
        created, name, arn = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        return (float(created), str(name), str(arn))
    except (ValueError, TypeError, binascii.Error) as error:
        raise LightsailError("InvalidInputException", f"Invalid pageToken: {token}") from error
