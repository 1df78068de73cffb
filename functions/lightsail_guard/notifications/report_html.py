"""The report as Telegram HTML: every dynamic value escaped (C9), each line balanced on its own.

Balanced lines let :func:`~lightsail_guard.notifications.telegram_split.split_message` cut between any
two lines; it still closes and reopens tags should a line ever span a cut.
"""

from __future__ import annotations

from html import escape

from . import formatting as fmt
from . import report_phrases as say
from .report import Report

_MARKS = {"target-failed": "❗", "stop-failed": "❗", "check-failed": "❓", "usage-unknown": "❓"}


def report_html(report: Report) -> str:
    per_gb = report.bytes_per_gb
    lines = [
        f"<b>{escape(say.heading(report))}</b>",
        escape(say.as_of(report)),
        escape(say.counts(report)),
        f"<b>{escape(say.overage_total(report))}</b>",
    ]
    if report.attention:
        lines += ["", f"<b>⚠️ {escape(say.ATTENTION_TITLE)}</b>"]
        lines += [f"{_MARKS[a.kind]} {escape(say.attention_line(a))}" for a in report.attention]
    for section in report.sections:
        lines += ["", f"<b>{escape(say.section_title(section))}</b>"]
        if not section.instances and not section.not_measured:
            lines.append("<i>no instances</i>")
        for line in section.instances:
            lines.append(f"<b>{escape(line.name)}</b> {escape(say.instance_title(line))}")
            detail = say.usage_detail(
                line, section, stop_percent=line.stop_percent, bytes_per_gb=per_gb, pooled=line.pooled
            )
            lines.append(
                f"<code>{fmt.usage_bar(line.percent, style='unicode')}</code> {escape(detail.strip())}"
            )
        for pool in section.pools:
            lines.append(f"<i>{escape(say.pool_title(pool))}</i>")
            detail = say.usage_detail(
                pool, section, stop_percent=report.stop_percent, bytes_per_gb=per_gb, pooled=False
            )
            lines.append(
                f"<code>{fmt.usage_bar(pool.percent, style='unicode')}</code> {escape(detail.strip())}"
            )
        if section.not_measured:
            lines.append(f"<i>{escape(say.not_measured(section))}</i>")
        overage = say.section_overage(section, per_gb)
        if overage:
            lines.append(escape(overage))
    lines += ["", f"<i>{escape(say.FOOTNOTE)}</i>"]
    return "\n".join(lines)
