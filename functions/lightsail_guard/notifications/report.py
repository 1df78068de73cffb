"""The run's report as text: failures and unknowns first, then every account and region."""

from __future__ import annotations

from ..core.billing_period import billing_period_at, parse_instant
from ..core.decision import format_gb


def render_report(outcomes, summary, *, bytes_per_gb: int) -> tuple[str, str]:
    period = billing_period_at(parse_instant(summary.now, field="now"))
    subject = f"Lightsail Guard report, {period.name}: {summary.instances} instances, {summary.stops} stopped"
    lines = [f"Lightsail Guard - {period.name} (UTC month), as of {summary.now}"]
    if summary.errors:
        lines.append("")
        lines.append("Failed targets:")
        lines += [f"  ! {e}" for e in summary.errors]
    unknown = [r for o in outcomes for r in o.results if r.verdict in ("unknown", "error")]
    if unknown:
        lines.append("")
        lines.append("Usage unknown:")
        lines += [f"  ? {r.account}/{r.region}/{r.name}: {r.reason}" for r in unknown]
    for outcome in outcomes:
        if outcome.error:
            continue
        title = f"{outcome.account}" + (f" ({outcome.account_name})" if outcome.account_name else "")
        lines.append("")
        lines.append(f"{title} {outcome.region}")
        for r in outcome.results:
            figures = (
                f"{format_gb(r.used_bytes, bytes_per_gb)} / {format_gb(r.allowance_bytes, bytes_per_gb)} "
                f"{r.percent:5.1f} %"
                if r.used_bytes is not None and r.allowance_bytes
                else "unknown"
            )
            lines.append(f"  {r.name:<24} {r.state or '?':<9} {figures}  {r.verdict}")
    return subject, "\n".join(lines)
