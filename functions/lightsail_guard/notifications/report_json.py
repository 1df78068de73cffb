"""The report as JSON (``report.schema.json``): what ``lightsail-guard simulate --json`` shows.

Stable: keys always present (``null`` when unknown), bytes as integers, percents to two decimals,
money to the cent, lists in the report's order. ``schemaVersion`` changes only when a key changes
meaning or disappears.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.billing_period import format_instant
from .month_end import MonthEnd
from .report import SCHEMA_VERSION, Attention, InstanceLine, PoolLine, Report, Section

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def report_json(report: Report) -> dict[str, Any]:
    t = report.totals
    return {
        "schemaVersion": SCHEMA_VERSION,
        "runId": report.run_id,
        "generatedAt": format_instant(report.generated_at),
        "month": {
            "label": report.period.label,
            "name": report.period.name,
            "start": format_instant(report.period.start),
            "end": format_instant(report.period.end),
            "elapsedPercent": _pct(report.elapsed_percent),
        },
        "bytesPerGb": report.bytes_per_gb,
        "stopPercent": report.stop_percent,
        "totals": {
            "accounts": t.accounts,
            "targets": t.targets,
            "failedTargets": t.failed_targets,
            "instances": t.instances,
            "usageUnknown": t.usage_unknown,
            "checkFailed": t.check_failed,
            "stoppedThisRun": t.stopped_this_run,
            "overStopLine": t.over_stop_line,
            "overageAtRiskUsd": t.overage_usd,
            "unpricedRegions": list(t.unpriced_regions),
        },
        "attention": [_attention(a) for a in report.attention],
        "sections": [_section(s) for s in report.sections],
    }


def report_json_text(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False)


def _attention(item: Attention) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "account": item.account,
        "accountName": item.account_name,
        "region": item.region,
        "instance": item.instance,
        "text": item.text,
    }


def _section(section: Section) -> dict[str, Any]:
    return {
        "account": section.account,
        "accountName": section.account_name,
        "region": section.region,
        "overagePriceUsdPerGb": section.price_usd_per_gb,
        "overageAtRiskOutBytes": _bytes(section.overage_out_bytes),
        "overageAtRiskUsd": _usd(section.overage_usd),
        "instances": [_instance(i) for i in section.instances],
        "pools": [_pool(p) for p in section.pools],
        "notMeasured": list(section.not_measured),
    }


def _instance(line: InstanceLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "arn": line.arn,
        "state": line.state,
        "verdict": line.verdict,
        "action": line.action,
        "actionText": line.action_text,
        "usedBytes": _bytes(line.used_bytes),
        "bytesOut": _bytes(line.bytes_out),
        "allowanceBytes": _bytes(line.allowance_bytes),
        "percent": _pct(line.percent),
        "stopPercent": line.stop_percent,
        "pool": line.pool,
        "overageCountedInPool": line.pooled,
        "reason": line.reason,
        "monthEnd": _month_end(line.month_end),
    }


def _pool(pool: PoolLine) -> dict[str, Any]:
    return {
        "key": pool.key,
        "size": pool.size,
        "members": list(pool.members),
        "unknownMembers": pool.unknown_members,
        "usedBytes": _bytes(pool.used_bytes),
        "allowanceBytes": _bytes(pool.allowance_bytes),
        "percent": _pct(pool.percent),
        "monthEnd": _month_end(pool.month_end),
    }


def _month_end(projection: MonthEnd | None) -> dict[str, Any] | None:
    if projection is None:
        return None
    return {
        "rateBytesPerSecond": round(projection.rate_bytes_per_second, 3),
        "rateSource": projection.rate_source,
        "usedBytes": _bytes(projection.used_bytes),
        "percent": _pct(projection.percent),
        "overStopLine": projection.over_stop_line,
        "crossesStopLineOn": projection.crosses_stop_line_on.isoformat()
        if projection.crosses_stop_line_on
        else None,
        "overageOutBytes": _bytes(projection.overage_out_bytes),
        "overageAtRiskUsd": _usd(projection.overage_usd),
    }


def _bytes(value: float | None) -> int | None:
    return None if value is None else round(value)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _usd(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def report_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())
