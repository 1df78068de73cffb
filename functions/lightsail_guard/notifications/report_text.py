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
            detail = say.usage_detail(
                line, section, stop_percent=line.stop_percent, bytes_per_gb=per_gb, pooled=line.pooled
            )
            lines.append(f"    [{fmt.usage_bar(line.percent)}] {detail}")
        for pool in section.pools:
            lines.append(f"  {say.pool_title(pool)}")
            detail = say.usage_detail(
                pool, section, stop_percent=report.stop_percent, bytes_per_gb=per_gb, pooled=False
            )
            lines.append(f"    [{fmt.usage_bar(pool.percent)}] {detail}")
        if section.not_measured:
            lines.append(f"  ({say.not_measured(section)})")
        overage = say.section_overage(section, per_gb)
        if overage:
            lines.append(f"  {overage}")
    lines += ["", say.FOOTNOTE]
    return "\n".join(lines)
