"""The report's sentences, shared by the text and HTML writers so both say exactly the same thing.

Every function returns plain text; the HTML writer escapes it.
"""

from __future__ import annotations

from . import formatting as fmt
from .month_end import MonthEnd
from .report import Attention, InstanceLine, PoolLine, Report, Section

TITLE = "Lightsail Guard daily report"
ATTENTION_TITLE = "Needs attention"
FOOTNOTE = (
    "Month end: usage at the recent rate where the check measured one, otherwise at the month-to-date "
    "average; a stopped instance stays where it is. Overage at risk: projected OUT bytes past the "
    "allowance x the region's price per GB, if nothing is stopped."
)


def plural(count: int, noun: str) -> str:
    """``1 instance``, ``2 instances``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def heading(report: Report) -> str:
    return f"{TITLE}: {report.period.name} (UTC billing month)"


def as_of(report: Report) -> str:
    return (
        f"As of {fmt.instant(report.generated_at)}, {report.elapsed_percent:.0f} % of the month gone; "
        f"stop line {report.stop_percent:g} %."
    )


def counts(report: Report) -> str:
    t = report.totals
    parts = [
        f"{t.stopped_this_run} stopped this run",
        f"{t.over_stop_line} over the stop line",
    ]
    if t.usage_unknown:
        parts.append(f"{t.usage_unknown} usage unknown")
    if t.check_failed:
        parts.append(f"{t.check_failed} check failed")
    if t.failed_targets:
        parts.append(f"{t.failed_targets} target{'s' if t.failed_targets != 1 else ''} failed")
    return f"{plural(t.instances, 'instance')} in {plural(t.accounts, 'account')}: " + ", ".join(parts) + "."


def overage_total(report: Report) -> str:
    t = report.totals
    text = f"Overage at risk by month end at current rates: {fmt.usd(t.overage_usd)}"
    if t.unpriced_regions:
        text += f" (plus {', '.join(t.unpriced_regions)}: no price known)"
    return text


def attention_line(item: Attention) -> str:
    where = " ".join(
        p
        for p in (fmt.account_label(item.account, item.account_name) if item.account else None, item.region)
        if p
    )
    label = {
        "target-failed": "target failed",
        "usage-unknown": "usage unknown",
        "check-failed": "check failed",
        "stop-failed": "stop failed",
    }[item.kind]
    subject = f"{item.instance} in {where}" if item.instance else where
    text = item.text.removeprefix(f"{label}: ")  # reasons often start with the same words
    return f"{subject}: {label}: {text}" if subject else f"{label}: {text}"


ATTENTION_MARK = {"target-failed": "!", "stop-failed": "!", "check-failed": "?", "usage-unknown": "?"}


def section_title(section: Section) -> str:
    price = (
        f"overage {fmt.usd(section.price_usd_per_gb).rstrip('0').rstrip('.')}/GB OUT"
        if section.price_usd_per_gb is not None
        else "overage price unknown"
    )
    return f"{fmt.account_label(section.account, section.account_name)} - {section.region} ({price})"


def instance_title(line: InstanceLine) -> str:
    action = "" if line.action_text == "none" else f" - {line.action_text}"
    return f"{line.state or 'state unknown'} - {line.verdict}{action}"


def figures(used: float, allowance: float | None, percent: float | None, bytes_per_gb: int) -> str:
    return f"{fmt.percent(percent):>7}  {fmt.gb_pair(used, allowance, bytes_per_gb)}"


def month_end(
    projection: MonthEnd | None, *, stop_percent: float, bytes_per_gb: int, price_known: bool, pooled: bool
) -> str:
    if projection is None:
        return "month end: no rate yet"
    if projection.rate_source == "stopped":
        text = f"stopped: stays at {fmt.gb(projection.used_bytes, bytes_per_gb)} this month"
    else:
        share = f" ({fmt.percent(projection.percent)})" if projection.percent is not None else ""
        text = f"month end ~{fmt.gb(projection.used_bytes, bytes_per_gb)}{share}"
    if projection.over_stop_line:
        text += f", over the {stop_percent:g} % line"
    elif projection.crosses_stop_line_on:
        text += f", crosses {stop_percent:g} % on {fmt.day(projection.crosses_stop_line_on)}"
    if projection.overage_out_bytes > 0 and not pooled:
        if price_known and projection.overage_usd is not None:
            text += f", overage at risk {fmt.usd(projection.overage_usd)}"
        else:
            text += f", overage ~{fmt.gb(projection.overage_out_bytes, bytes_per_gb)} OUT (price unknown)"
    return text


def pool_title(pool: PoolLine) -> str:
    unknown = f", {pool.unknown_members} with unknown usage" if pool.unknown_members else ""
    return f"pool {pool.size} ({plural(len(pool.members), 'member')}: {', '.join(pool.members)}{unknown})"


def not_measured(section: Section) -> str:
    n = len(section.not_measured)
    return f"{n} instance{'s' if n != 1 else ''} without usage figures, listed under '{ATTENTION_TITLE}'"


def section_overage(section: Section, bytes_per_gb: int) -> str | None:
    if section.overage_out_bytes <= 0:
        return None
    if section.overage_usd is None:
        return f"Overage at risk here: ~{fmt.gb(section.overage_out_bytes, bytes_per_gb)} OUT (price unknown)"
    return f"Overage at risk here: {fmt.usd(section.overage_usd)}"


def usage_detail(
    subject: InstanceLine | PoolLine,
    section: Section,
    *,
    stop_percent: float,
    bytes_per_gb: int,
    pooled: bool,
) -> str:
    """``1,742 / 2,048 GB; month end ~2,791 GB …``: an instance's or a pool's figures and outlook."""
    figures_text = figures(subject.used_bytes, subject.allowance_bytes, subject.percent, bytes_per_gb)
    return f"{figures_text}; " + month_end(
        subject.month_end,
        stop_percent=stop_percent,
        bytes_per_gb=bytes_per_gb,
        price_known=section.price_usd_per_gb is not None,
        pooled=pooled,
    )
