"""The daily report, built once as a structured model; renderers turn it into text, HTML or JSON.

What needs a person comes first: targets that failed and instances whose usage is unknown. Then, per
account and region (stable order: account id, region, instance name), each instance's usage against
its allowance, where it ends the month at its rate, the day it crosses the stop line, its state and
what the guard did; pool totals where the results carry a pool; and the overage cost at risk at the
region's price. The month is the UTC billing month of the run's instant (C12).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ..core.billing_period import BillingPeriod, billing_period_at, parse_instant
from ..model.messages import InstanceResult
from .month_end import IDLE_STATES, MonthEnd, RateSource, month_average_rate, project_month_end
from .overage_price import overage_price

SCHEMA_VERSION = 1
DEFAULT_STOP_PERCENT = 95.0

AttentionKind = Literal["target-failed", "usage-unknown", "check-failed", "stop-failed"]
_ATTENTION_ORDER = {"target-failed": 0, "stop-failed": 1, "check-failed": 2, "usage-unknown": 3}


@dataclass(frozen=True, slots=True)
class Attention:
    kind: AttentionKind
    account: str | None
    account_name: str | None
    region: str | None
    instance: str | None
    text: str


@dataclass(frozen=True, slots=True)
class InstanceLine:
    name: str
    arn: str | None
    state: str | None
    verdict: str
    action: str
    #: What the guard did, in words: "stopped (stopping)", "alert sent", "stop FAILED: ...", "none".
    action_text: str
    used_bytes: float
    bytes_out: float | None
    allowance_bytes: float | None
    percent: float | None
    stop_percent: float
    pool: str | None
    reason: str
    month_end: MonthEnd | None
    #: True when the overage is counted on the pool's line instead (never twice).
    pooled: bool


@dataclass(frozen=True, slots=True)
class PoolLine:
    key: str
    size: str
    members: tuple[str, ...]
    used_bytes: float
    allowance_bytes: float
    percent: float | None
    unknown_members: int
    month_end: MonthEnd | None


@dataclass(frozen=True, slots=True)
class Section:
    account: str
    account_name: str | None
    region: str
    price_usd_per_gb: float | None
    instances: tuple[InstanceLine, ...]
    pools: tuple[PoolLine, ...]
    #: Instances of this section listed under "needs attention" instead (their usage is unknown).
    not_measured: tuple[str, ...]

    @property
    def overage_out_bytes(self) -> float:
        lines = [i.month_end for i in self.instances if not i.pooled] + [p.month_end for p in self.pools]
        return sum(m.overage_out_bytes for m in lines if m is not None)

    @property
    def overage_usd(self) -> float | None:
        return None if self.price_usd_per_gb is None else self._priced()

    def _priced(self) -> float:
        lines = [i.month_end for i in self.instances if not i.pooled] + [p.month_end for p in self.pools]
        return sum(m.overage_usd or 0.0 for m in lines if m is not None)


@dataclass(frozen=True, slots=True)
class Totals:
    accounts: int
    targets: int
    failed_targets: int
    instances: int
    usage_unknown: int
    check_failed: int
    stopped_this_run: int
    over_stop_line: int
    overage_usd: float
    #: Regions with projected overage but no known price (their cost is not in ``overage_usd``).
    unpriced_regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    run_id: str | None
    generated_at: datetime
    period: BillingPeriod
    bytes_per_gb: int
    stop_percent: float
    attention: tuple[Attention, ...]
    sections: tuple[Section, ...]
    totals: Totals

    @property
    def elapsed_percent(self) -> float:
        done = (self.generated_at - self.period.start).total_seconds()
        return max(0.0, min(100.0, 100.0 * done / self.period.seconds))

    def to_json(self) -> dict[str, Any]:
        from .report_json import report_json

        return report_json(self)


# -- building ---------------------------------------------------------------------------------------


def build_report(
    outcomes: Sequence[Any],
    summary: Any,
    *,
    bytes_per_gb: int,
    stop_percent: float = DEFAULT_STOP_PERCENT,
) -> Report:
    """``outcomes``: the run's per-target outcomes (``account``, ``region``, ``account_name``, ``error``,
    ``results``); ``summary``: the run summary (``now``, ``run_id``, ``errors``)."""
    now = parse_instant(summary.now, field="now")
    period = billing_period_at(now)
    attention: list[Attention] = []
    sections: list[Section] = []
    failed_targets = 0
    target_errors: set[str] = set()
    for outcome in outcomes:
        if outcome.error:
            failed_targets += 1
            target_errors.add(f"{outcome.account}/{outcome.region}: {outcome.error}")
            attention.append(
                Attention(
                    "target-failed",
                    outcome.account,
                    outcome.account_name,
                    outcome.region,
                    None,
                    outcome.error,
                )
            )
            continue
        section, notes = _section(
            outcome, now=now, period=period, bytes_per_gb=bytes_per_gb, stop_percent=stop_percent
        )
        sections.append(section)
        attention += notes
    for error in getattr(summary, "errors", None) or []:
        if error not in target_errors:  # a planning error: the target never got as far as an outcome
            failed_targets += 1
            attention.append(Attention("target-failed", None, None, None, None, error))
    attention.sort(
        key=lambda a: (
            _ATTENTION_ORDER[a.kind],
            a.account is None,
            a.account or "",
            a.region or "",
            a.instance or "",
            a.text,
        )
    )
    sections.sort(key=lambda s: (s.account, s.region))
    return Report(
        run_id=getattr(summary, "run_id", None),
        generated_at=now,
        period=period,
        bytes_per_gb=bytes_per_gb,
        stop_percent=stop_percent,
        attention=tuple(attention),
        sections=tuple(sections),
        totals=_totals(sections, attention, failed_targets, targets=len(list(outcomes))),
    )


def _section(
    outcome: Any, *, now: datetime, period: BillingPeriod, bytes_per_gb: int, stop_percent: float
) -> tuple[Section, list[Attention]]:
    price = overage_price(outcome.region)
    lines: list[InstanceLine] = []
    not_measured: list[str] = []
    notes: list[Attention] = []
    results: list[InstanceResult] = sorted(outcome.results, key=lambda r: (r.name, r.arn or ""))
    pool_members = _pool_members(results)
    for result in results:
        where = (outcome.account, outcome.account_name, outcome.region, result.name)
        if result.used_bytes is None or result.verdict in ("unknown", "error"):
            kind: AttentionKind = "check-failed" if result.verdict == "error" else "usage-unknown"
            notes.append(Attention(kind, *where, result.reason))
            not_measured.append(result.name)
            continue
        line = _instance_line(
            result,
            now=now,
            period=period,
            bytes_per_gb=bytes_per_gb,
            stop_percent=_stop_percent(result, stop_percent),
            price=price,
            pooled=result.pool in pool_members,
        )
        if line.action_text.startswith("stop FAILED"):
            notes.append(Attention("stop-failed", *where, line.action_text))
        lines.append(line)
    pools = [
        _pool_line(
            key,
            members,
            lines,
            now=now,
            period=period,
            bytes_per_gb=bytes_per_gb,
            stop_percent=stop_percent,
            price=price,
        )
        for key, members in sorted(pool_members.items())
    ]
    section = Section(
        account=outcome.account,
        account_name=outcome.account_name,
        region=outcome.region,
        price_usd_per_gb=price,
        instances=tuple(lines),
        pools=tuple(pools),
        not_measured=tuple(not_measured),
    )
    return section, notes


def _stop_percent(result: InstanceResult, default: float) -> float:
    own = getattr(result, "stop_percent", None)  # optional field (messages.py patch)
    return float(own) if own else default


def _pool_members(results: Iterable[InstanceResult]) -> dict[str, list[InstanceResult]]:
    """Pools worth a line of their own: two or more members here, or members this run cannot see."""
    groups: dict[str, list[InstanceResult]] = defaultdict(list)
    for result in results:
        if result.pool and "/instance:" not in result.pool:
            groups[result.pool].append(result)
    return {
        key: members
        for key, members in groups.items()
        if len(members) > 1 or members[0].pool_used_bytes is not None
    }


def _rate(result: InstanceResult, *, now: datetime, period: BillingPeriod) -> tuple[float | None, RateSource]:
    if (result.state or "") in IDLE_STATES:
        return 0.0, "stopped"
    recent = getattr(result, "rate_bytes_per_second", None)  # optional field (messages.py patch)
    if recent is not None:
        return float(recent), "recent"
    created = parse_instant(result.created_at, field="createdAt") if result.created_at else None
    return (
        month_average_rate(result.used_bytes or 0.0, created_at=created, now=now, period=period),
        "month-average",
    )


def _instance_line(
    result: InstanceResult,
    *,
    now: datetime,
    period: BillingPeriod,
    bytes_per_gb: int,
    stop_percent: float,
    price: float | None,
    pooled: bool,
) -> InstanceLine:
    used = float(result.used_bytes or 0.0)
    rate, source = _rate(result, now=now, period=period)
    month_end = project_month_end(
        used_bytes=used,
        bytes_out=result.bytes_out,
        allowance_bytes=result.allowance_bytes,
        rate=rate,
        rate_source=source,
        now=now,
        period=period,
        stop_percent=stop_percent,
        price_usd_per_gb=price,
        bytes_per_gb=bytes_per_gb,
    )
    return InstanceLine(
        name=result.name,
        arn=result.arn,
        state=result.state,
        verdict=result.verdict,
        action=result.action,
        action_text=action_text(result),
        used_bytes=used,
        bytes_out=result.bytes_out,
        allowance_bytes=result.allowance_bytes,
        # The instance's own share (in pool accounting the result's percent is the pool's).
        percent=100.0 * used / result.allowance_bytes if result.allowance_bytes else result.percent,
        stop_percent=stop_percent,
        pool=result.pool,
        reason=result.reason,
        month_end=month_end,
        pooled=pooled,
    )


def action_text(result: InstanceResult) -> str:
    """What the guard did about one instance in this run, in a few words."""
    if result.stop_error or (result.stop_result or "").startswith("stop failed"):
        detail = result.stop_result or str((result.stop_error or {}).get("Error", "error"))
        return f"stop FAILED: {detail.removeprefix('stop failed: ')}"
    if result.action == "stop":
        if result.stop_result and result.stop_result.startswith("not stopped"):
            return result.stop_result
        return f"stopped ({result.stop_result})" if result.stop_result else "stop requested"
    if result.verdict == "stop" and result.dry_run:
        return "would stop (dry run)"
    if result.action == "notify":
        return (
            "alert sent"
            if result.notified
            else "alert (not delivered)"
            if result.notified is False
            else "alert"
        )
    return "none" if result.verdict == "ok" else "no new alert this run"


def _pool_line(
    key: str,
    members: list[InstanceResult],
    lines: list[InstanceLine],
    *,
    now: datetime,
    period: BillingPeriod,
    bytes_per_gb: int,
    stop_percent: float,
    price: float | None,
) -> PoolLine:
    names = tuple(sorted(m.name for m in members))
    known = [line for line in lines if line.pool == key]
    used = sum(line.used_bytes for line in known)
    allowance = sum(line.allowance_bytes or 0.0 for line in known)
    unknown = sum(1 for m in members if m.used_bytes is None)
    # Pool figures from the check (they include members deleted earlier this month) win when present.
    carried_used = next((m.pool_used_bytes for m in members if m.pool_used_bytes is not None), None)
    carried_allowance = next((m.pool_allowance_bytes for m in members if m.pool_allowance_bytes), None)
    if carried_used is not None:
        used = max(used, float(carried_used))
    if carried_allowance:
        allowance = float(carried_allowance)
    rate = sum(line.month_end.rate_bytes_per_second for line in known if line.month_end)
    outs = [line.bytes_out for line in known]
    known_used = sum(line.used_bytes for line in known)
    bytes_out = (
        None
        if any(o is None for o in outs) or not known_used
        else sum(o or 0.0 for o in outs) / known_used * used
    )
    sources = {line.month_end.rate_source for line in known if line.month_end}
    month_end = project_month_end(
        used_bytes=used,
        bytes_out=bytes_out,
        allowance_bytes=allowance or None,
        rate=rate if known else None,
        rate_source="recent" if sources == {"recent"} else "month-average",
        now=now,
        period=period,
        stop_percent=stop_percent,
        price_usd_per_gb=price,
        bytes_per_gb=bytes_per_gb,
    )
    return PoolLine(
        key=key,
        size=key.rsplit("/", 1)[-1],
        members=names,
        used_bytes=used,
        allowance_bytes=allowance,
        percent=100.0 * used / allowance if allowance else None,
        unknown_members=unknown,
        month_end=month_end,
    )


def _totals(
    sections: list[Section], attention: list[Attention], failed_targets: int, *, targets: int
) -> Totals:
    lines = [line for s in sections for line in s.instances]
    return Totals(
        accounts=len({s.account for s in sections} | {a.account for a in attention if a.account}),
        targets=targets,
        failed_targets=failed_targets,
        instances=len(lines) + sum(len(s.not_measured) for s in sections),
        usage_unknown=sum(1 for a in attention if a.kind == "usage-unknown"),
        check_failed=sum(1 for a in attention if a.kind == "check-failed"),
        stopped_this_run=sum(1 for line in lines if line.action_text.startswith("stopped")),
        over_stop_line=sum(1 for line in lines if line.month_end and line.month_end.over_stop_line),
        overage_usd=round(sum(s.overage_usd or 0.0 for s in sections), 2),
        unpriced_regions=tuple(
            sorted({s.region for s in sections if s.price_usd_per_gb is None and s.overage_out_bytes > 0})
        ),
    )


def report_subject(report: Report) -> str:
    t = report.totals
    parts = [f"{t.instances} instances"]
    if t.stopped_this_run:
        parts.append(f"{t.stopped_this_run} stopped")
    if t.usage_unknown + t.check_failed:
        parts.append(f"{t.usage_unknown + t.check_failed} unknown")
    if t.failed_targets:
        parts.append(f"{t.failed_targets} targets failed")
    if t.overage_usd >= 0.01:
        parts.append(f"${t.overage_usd:,.2f} at risk")
    return f"Lightsail Guard report, {report.period.name}: " + ", ".join(parts)


def render_report(
    outcomes: Sequence[Any], summary: Any, *, bytes_per_gb: int, stop_percent: float = DEFAULT_STOP_PERCENT
) -> tuple[str, str]:
    """(subject, plain text): the report as e-mail reads it."""
    from .report_text import report_text

    report = build_report(outcomes, summary, bytes_per_gb=bytes_per_gb, stop_percent=stop_percent)
    return report_subject(report), report_text(report)
