"""CheckInstance: one instance's month-to-date traffic, its (prorated) allowance and its verdict."""

from __future__ import annotations

from datetime import datetime

from ..adapters.lightsail import LightsailGateway
from ..config.model import GuardConfig
from ..core.billing_period import billing_period_at, parse_instant
from ..core.decision import decide
from ..core.proration import prorated_allowance
from ..core.usage import month_to_date_usage, month_to_date_window
from ..model.messages import InstanceResult, InstanceSnapshot, Target


def check_instance(
    *,
    target: Target,
    instance: InstanceSnapshot,
    now: datetime,
    config: GuardConfig,
    gateway: LightsailGateway,
) -> InstanceResult:
    period = billing_period_at(now)
    created_at = parse_instant(instance.created_at, field="createdAt")
    window = month_to_date_window(period, now)
    if window.end > window.start:
        in_points = gateway.metric_points(instance.name, "NetworkIn", window)
        out_points = gateway.metric_points(instance.name, "NetworkOut", window)
    else:  # the first instant of the month: nothing to ask (the API refuses an empty window)
        in_points = out_points = []
    usage = month_to_date_usage(in_points, out_points, state=instance.state, created_at=created_at, now=now)

    full = instance.allowance_gb * config.bytes_per_gb if instance.allowance_gb else None
    allowance = prorated_allowance(full, created_at=created_at, period=period) if full else None
    decision = decide(
        used_bytes=usage.total,
        allowance_bytes=allowance,
        full_allowance_bytes=full,
        state=instance.state,
        thresholds=config.thresholds(),
        bytes_per_gb=config.bytes_per_gb,
        usage_note=usage.note,
    )
    return InstanceResult(
        account=target.account,
        region=target.region,
        name=instance.name,
        arn=instance.arn,
        state=instance.state,
        bundle_id=instance.bundle_id,
        static_ip=instance.static_ip,
        ip_type=instance.ip_type,
        created_at=instance.created_at,
        bytes_in=usage.bytes_in,
        bytes_out=usage.bytes_out,
        used_bytes=usage.total,
        allowance_bytes=allowance,
        full_allowance_bytes=full,
        percent=None if decision.percent is None else round(decision.percent, 3),
        verdict=decision.verdict.value,
        level=decision.level,
        reason=decision.reason,
        tags=instance.tags or None,
    )
