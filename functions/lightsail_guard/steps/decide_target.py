"""DecideTarget: one target's measurements → the verdict and action of each instance.

This is where the bill is reproduced: pools (account, region, bundle size) including instances deleted
earlier this month, the projection to the next moment the guard can act, the policies from
configuration and tags, the once-per-event rules (through the ledger's conditional writes) and the
restart of instances the guard stopped last month. The state machine's Choice state routes on
``action``; this step decides what each result means.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..adapters.ledger import Ledger, LedgerRecord
from ..config.model import GuardConfig
from ..core.billing_period import billing_period_at, format_instant, parse_instant
from ..core.decision import Projection, Thresholds, Verdict, decide
from ..core.policy import InstancePolicy, instance_policy
from ..core.pools import PoolMember, PoolUsage, pool_key, pool_usage
from ..core.projection import Reading, project, recent_rate
from ..model.messages import InstanceResult, Target


def describe_error(error: dict[str, Any]) -> str:
    """``Error: message`` from a Step Functions error; Lambda errors carry JSON in ``Cause``."""
    cause = error.get("Cause", "")
    try:
        parsed = json.loads(cause)
    except (TypeError, ValueError):
        parsed = None
    message = parsed.get("errorMessage", cause) if isinstance(parsed, dict) else cause
    return f"{error.get('Error', 'Error')}: {str(message)[:300]}"


def error_result(target: Target, entry: dict[str, Any]) -> InstanceResult:
    """A per-instance failure caught by the workflow becomes a result of its own (nothing is lost)."""
    instance = entry.get("instance") or {}
    error = entry.get("error") or {}
    return InstanceResult(
        account=target.account,
        region=target.region,
        name=instance.get("name", "?"),
        arn=instance.get("arn"),
        state=instance.get("state"),
        bundle_id=instance.get("bundleId"),
        created_at=instance.get("createdAt"),
        # Its usage is unknown (case C11): alerted as such, with the failure as the reason.
        verdict="unknown",
        reason=f"usage unknown: check failed: {describe_error(error)}",
        error=error.get("Error", "Error"),
    )


@dataclass(frozen=True, slots=True)
class _Measured:
    result: InstanceResult
    policy: InstancePolicy
    previous: LedgerRecord | None
    projection: Projection | None


def _horizon(config: GuardConfig) -> float:
    """Seconds until the guard can next act: next check + metric lag + the stop itself."""
    return config.check_interval_minutes * 60 + config.metric_lag_seconds + config.stop_duration_seconds


def _reading(record: LedgerRecord | None) -> Reading | None:
    if record is None or record.last_reading_at is None or record.last_used_bytes is None:
        return None
    return Reading(parse_instant(record.last_reading_at), record.last_used_bytes)


def _pools(
    measured: list[_Measured], previous: dict[str, LedgerRecord], now: datetime, config: GuardConfig
) -> tuple[dict[str, PoolUsage], dict[str, float | None]]:
    """Pool usage and pool rate per pool key, members deleted earlier this month included."""
    period = billing_period_at(now)
    members: dict[str, list[PoolMember]] = defaultdict(list)
    rates: dict[str, float | None] = defaultdict(float)
    live = set()
    for m in measured:
        r = m.result
        if not r.arn or not r.pool:
            continue
        live.add(r.arn)
        used, allowance = r.used_bytes, r.full_allowance_bytes
        if used is None:
            # Unknown now: its last known usage still counts; with none at all, its allowance is not
            # credited either, so that a silent member never makes the pool look safer (fail safe).
            used = m.previous.last_used_bytes if m.previous else None
            if used is None:
                allowance = None
        members[r.pool].append(
            PoolMember(r.arn, r.name, allowance, parse_instant(r.created_at or format_instant(now)), used)
        )
        if m.projection is not None:
            rate = m.projection.rate_bytes_per_second
        else:  # a member that is not running adds nothing; a running one without a rate: no pool rate
            rate = 0.0 if r.state != "running" and r.used_bytes is not None else None
        rates[r.pool] = None if rate is None or rates[r.pool] is None else rates[r.pool] + rate
    for arn, record in previous.items():
        if arn in live or not record.pool or not record.created_at:
            continue
        # Gone: its traffic still counts; its allowance only up to when it was last seen.
        members[record.pool].append(
            PoolMember(
                arn,
                record.name,
                record.full_allowance_bytes,
                parse_instant(record.created_at),
                record.last_used_bytes,
                gone_at=parse_instant(record.last_seen),
            )
        )
    return {key: pool_usage(key, group, period) for key, group in members.items()}, dict(rates)


def _final_decision(
    m: _Measured,
    pools: dict[str, PoolUsage],
    rates: dict[str, float | None],
    config: GuardConfig,
    horizon: float,
) -> InstanceResult:
    r = m.result
    if r.verdict == "error" or r.used_bytes is None:
        return r  # unknown usage and failed checks keep the check's verdict and reason
    thresholds = Thresholds(
        stop_percent=m.policy.stop_percent,
        warn_percents=tuple(w for w in config.warn_percents if w < m.policy.stop_percent),
    )
    pool = pools.get(r.pool or "")
    if config.accounting == "pool" and pool is not None and pool.members > 1:
        projection = (
            project(pool.used_bytes, rates.get(pool.key), horizon_seconds=horizon)
            if config.projection
            else None
        )
        decision = decide(
            used_bytes=pool.used_bytes,
            allowance_bytes=pool.allowance_bytes,
            state=r.state or "unknown",
            thresholds=thresholds,
            bytes_per_gb=config.bytes_per_gb,
            projection=projection,
            subject=pool.describe(),
        )
        r.pool_used_bytes = round(pool.used_bytes, 1)
        r.pool_allowance_bytes = round(pool.allowance_bytes, 1)
    else:
        projection = m.projection if config.projection else None
        decision = decide(
            used_bytes=r.used_bytes,
            allowance_bytes=r.allowance_bytes,
            full_allowance_bytes=r.full_allowance_bytes,
            state=r.state or "unknown",
            thresholds=thresholds,
            bytes_per_gb=config.bytes_per_gb,
            projection=projection,
        )
    r.verdict = decision.verdict.value
    r.level = decision.level
    r.reason = decision.reason
    r.percent = None if decision.percent is None else round(decision.percent, 3)
    r.projected_percent = None if decision.projected_percent is None else round(decision.projected_percent, 3)
    r.stop_percent = m.policy.stop_percent
    if m.projection is not None:
        r.rate_bytes_per_second = round(m.projection.rate_bytes_per_second, 3)
    return r


def _event_key(r: InstanceResult, policy: InstancePolicy, dry_run: bool) -> str | None:
    """The once-per-month identity of what this result would alert about."""
    if r.verdict in ("unknown", "error"):
        return r.verdict
    if r.verdict == "stop" or (
        r.verdict == "warn" and r.level is not None and r.level >= policy.stop_percent
    ):
        # Over the stop line: one event, whether the guard stops it or finds it already stopped.
        return f"stop:{r.level:g}" + (":dry-run" if dry_run else "")
    if r.verdict == "warn":
        return f"warn:{r.level:g}"
    return None


def decide_target(
    *,
    target: Target,
    measurements: list[dict[str, Any]],
    config: GuardConfig,
    now: datetime,
    ledger: Ledger,
) -> list[InstanceResult]:
    period = billing_period_at(now)
    month = period.label
    previous = ledger.load(account=target.account, region=target.region, month=month)
    horizon = _horizon(config)
    stamp = format_instant(now)

    measured: list[_Measured] = []
    for entry in measurements:
        r = error_result(target, entry) if "error" in entry else InstanceResult.model_validate(entry)
        r.role_arn, r.external_id, r.dry_run = target.role_arn, target.external_id, config.dry_run or None
        r.account_name = target.account_name
        if r.arn and r.bundle_id is not None:
            r.pool = pool_key(target.account, target.region, r.bundle_id, r.arn)
        policy = instance_policy(
            name=r.name,
            tags=r.tags or {},
            include=target.include,
            exclude=target.exclude,
            stop_percent=config.stop_percent,
            warn_percents=config.warn_percents,
        )
        before = previous.get(r.arn or "")
        projection = None
        if r.used_bytes is not None and r.state == "running":  # only a running instance moves traffic on
            rate = recent_rate(_reading(before), Reading(now, r.used_bytes))
            projection = project(r.used_bytes, rate, horizon_seconds=horizon)
        measured.append(_Measured(r, policy, before, projection))

    pools, rates = _pools(measured, previous, now, config)
    results = []
    for m in measured:
        r = _final_decision(m, pools, rates, config, horizon)
        if m.policy.problems:
            r.reason = f"{r.reason} [{'; '.join(m.policy.problems)}]"
        record = _record_of(target, month, r, m.previous, stamp)
        r.action = _action(r, m.policy, record, ledger, config, now)
        results.append(r)
    if config.restart_next_month:
        _restart_stopped_last_month(target, results, measured, ledger, period, now, config)
    for r, m in zip(results, measured, strict=True):
        record = _record_of(target, month, r, m.previous, stamp)
        if record is not None:
            ledger.save_reading(record)
    return sorted(results, key=lambda r: r.name)


def _record_of(
    target: Target, month: str, r: InstanceResult, before: LedgerRecord | None, stamp: str
) -> LedgerRecord | None:
    if not r.arn:
        return None
    known = r.used_bytes is not None
    return LedgerRecord(
        account=target.account,
        region=target.region,
        month=month,
        arn=r.arn,
        name=r.name,
        bundle_id=r.bundle_id or "",
        pool=r.pool or "",
        full_allowance_bytes=r.full_allowance_bytes,
        created_at=r.created_at or "",
        first_seen=(before.first_seen if before else "") or stamp,
        last_seen=stamp,
        # An unknown reading never overwrites the last known one: a deleted instance's traffic must survive.
        last_reading_at=stamp if known else (before.last_reading_at if before else None),
        last_used_bytes=r.used_bytes if known else (before.last_used_bytes if before else None),
        last_bytes_in=r.bytes_in if known else (before.last_bytes_in if before else None),
        last_bytes_out=r.bytes_out if known else (before.last_bytes_out if before else None),
        state=r.state or "",
        static_ip=r.static_ip,
        ip_type=r.ip_type,
        decided_at=stamp,
        allowance_bytes=r.allowance_bytes,
        verdict=r.verdict,
        level=r.level,
        percent=r.percent,
        projected_percent=r.projected_percent,
        pool_used_bytes=r.pool_used_bytes,
        pool_allowance_bytes=r.pool_allowance_bytes,
        reason=r.reason,
        action=r.action,
        events=before.events if before else frozenset(),
    )


def _action(
    r: InstanceResult,
    policy: InstancePolicy,
    record: LedgerRecord | None,
    ledger: Ledger,
    config: GuardConfig,
    now: datetime,
) -> str:
    if not policy.may_notify:
        if policy.mode == "off" and not any(p.startswith("not guarded") for p in policy.problems):
            r.reason += " (tag lightsail-guard:mode=off: reported only)"
        return "none"
    event = _event_key(r, policy, config.dry_run)
    if event is None:
        return "none"
    if r.verdict == Verdict.STOP and policy.may_stop and not config.dry_run and record is not None:
        # A second execution at the same instant (an Express retry) finds the claim taken: no second call.
        quiet = timedelta(minutes=config.check_interval_minutes) / 2
        if not ledger.claim_action(record, "stop", now=now, quiet=quiet):
            return "none"
        _claim_with_lower_levels(ledger, record, event, config)
        return "stop"
    if r.verdict == Verdict.STOP and not policy.may_stop:
        r.reason += " (tag lightsail-guard:mode=notify: no stop)"
    if record is None:
        return "notify"
    return "notify" if _claim_with_lower_levels(ledger, record, event, config) else "none"


def _claim_with_lower_levels(ledger: Ledger, record: LedgerRecord, event: str, config: GuardConfig) -> bool:
    """Claim ``event``; a stop-level event also settles the warnings below it (after a stop, falling
    back under the stop line is no news)."""
    claimed = ledger.claim_event(record, event)
    if claimed and event.startswith("stop:"):
        for level in config.warn_percents:
            ledger.claim_event(record, f"warn:{level:g}")
    return claimed


def _restart_stopped_last_month(
    target: Target,
    results: list[InstanceResult],
    measured: list[_Measured],
    ledger: Ledger,
    period: Any,
    now: datetime,
    config: GuardConfig,
) -> None:
    """Start again what the guard itself stopped last month (a confirmed stop), unless held.

    Tried at every check until the restart is confirmed: an instance still ``stopping`` at midnight,
    or a start that failed, is tried again at a later check (at most once per check interval).
    """
    last_month = ledger.load(account=target.account, region=target.region, month=period.previous().label)
    if not last_month:
        return
    this_month = {m.result.arn: m.previous for m in measured}
    policies = {m.result.arn: m.policy for m in measured}
    quiet = timedelta(minutes=config.check_interval_minutes) / 2
    for r in results:
        before = last_month.get(r.arn or "")
        if before is None or not before.stopped_by_guard_at or r.state != "stopped":
            continue
        current = this_month.get(r.arn)
        if current is not None and current.restarted_at:
            continue  # restarted already this month; stopped again since by someone else
        policy = policies.get(r.arn)
        if policy is not None and (policy.hold or policy.mode == "off"):
            r.reason += f" [stopped by the guard on {before.stopped_by_guard_at}; held: not restarted]"
            continue
        record = _record_of(target, period.label, r, current, format_instant(now))
        if record is None or not ledger.claim_action(record, "start", now=now, quiet=quiet):
            continue
        r.action = "start"
        r.reason = (
            f"new billing month {period.label}: starting again, stopped by the guard on "
            f"{before.stopped_by_guard_at}"
        )


def result_of(record: LedgerRecord, *, role_arn: str | None = None) -> InstanceResult:
    """The last decision recorded for an instance, as a result (what reports and the runner show)."""
    known = record.verdict not in ("unknown", "error", None)
    return InstanceResult(
        account=record.account,
        region=record.region,
        name=record.name,
        arn=record.arn,
        state=record.state or None,
        bundle_id=record.bundle_id or None,
        static_ip=record.static_ip,
        ip_type=record.ip_type,
        created_at=record.created_at or None,
        bytes_in=record.last_bytes_in if known else None,
        bytes_out=record.last_bytes_out if known else None,
        used_bytes=record.last_used_bytes if known else None,
        allowance_bytes=record.allowance_bytes,
        full_allowance_bytes=record.full_allowance_bytes,
        percent=record.percent,
        projected_percent=record.projected_percent,
        verdict=record.verdict or "unknown",
        level=record.level,
        reason=record.reason or "",
        pool=record.pool or None,
        pool_used_bytes=record.pool_used_bytes,
        pool_allowance_bytes=record.pool_allowance_bytes,
        action=record.action or "none",
        role_arn=role_arn,
    )
