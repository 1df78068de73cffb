"""The report as plain text (e-mail through SNS): ASCII bars, two lines per instance."""

from __future__ import annotations

from . import formatting as fmt
from . import report_phrases as say
from .report import Report


def report_text(report: Report) -> str:
    per_gb = report.bytes_per_gb
    lines = [say.heading(report), say.as_of(report), say.counts(report), say.overage_total(report)]
    if report.attention:
        lines += ["", say.ATTENTION_TITLE.upper()]
        lines += [f"  {say.ATTENTION_MARK[a.kind]} {say.attention_line(a)}" for a in report.attention]
    for section in report.sections:
        lines += ["", say.section_title(section)]
        if not section.instances and not section.not_measured:
            lines.append("  no instances")
        for line in section.instances:
            lines.append(f"  {line.name} - {say.instance_title(line)}")
            lines.append(
                f"    [{fmt.usage_bar(line.percent)}] "
                f"{say.figures(line.used_bytes, line.allowance_bytes, line.percent, per_gb)}; "
                + say.month_end(
                    line.month_end,
                    stop_percent=line.stop_percent,
                    bytes_per_gb=per_gb,
                    price_known=section.price_usd_per_gb is not None,
                    pooled=line.pooled,
                )
            )
        for pool in section.pools:
            lines.append(f"  {say.pool_title(pool)}")
            lines.append(
                f"    [{fmt.usage_bar(pool.percent)}] "
                f"{say.figures(pool.used_bytes, pool.allowance_bytes, pool.percent, per_gb)}; "
                + say.month_end(
                    pool.month_end,
                    stop_percent=report.stop_percent,
                    bytes_per_gb=per_gb,
                    price_known=section.price_usd_per_gb is not None,
                    pooled=False,
                )
            )
        if section.not_measured:
            lines.append(f"  ({say.not_measured(section)})")
        overage = say.section_overage(section, per_gb)
        if overage:
            lines.append(f"  {overage}")
    lines += ["", say.FOOTNOTE]
    return "\n".join(lines)
