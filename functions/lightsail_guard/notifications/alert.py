"""The text of one alert: subject line and body, from an instance's result."""

from __future__ import annotations

from ..core.decision import format_gb
from ..model.messages import InstanceResult

_HEADLINES = {
    "stop": "STOPPED",
    "warn": "Warning",
    "unknown": "Usage unknown",
    "error": "Check failed",
}


def headline(item: InstanceResult) -> str:
    if item.verdict == "stop" and (item.dry_run or item.action != "stop"):
        return "DRY RUN: would stop"
    if item.verdict == "stop" and item.stop_result and item.stop_result.startswith("not stopped"):
        return "Over the stop line"
    return _HEADLINES.get(item.verdict, item.verdict)


def render_alert(item: InstanceResult, *, bytes_per_gb: int) -> tuple[str, str]:
    where = f"{item.account}/{item.region}"
    subject = f"Lightsail Guard: {headline(item)} {item.name} ({where})"
    lines = [subject.removeprefix("Lightsail Guard: ")]
    if item.dry_run:
        lines[0] = "[dry run] " + lines[0]
    lines += [
        f"Instance: {item.name}",
        f"Account: {item.account}",
        f"Region: {item.region}",
    ]
    if item.used_bytes is not None and item.allowance_bytes:
        lines.append(
            f"Usage: {format_gb(item.used_bytes, bytes_per_gb)} of {format_gb(item.allowance_bytes, bytes_per_gb)}"
            f" ({item.percent:.1f} %)"
        )
    lines.append(f"Reason: {item.reason}")
    if item.verdict == "stop":
        if item.stop_result:
            lines.append(f"Action: stop -> {item.stop_result}")
        if not item.static_ip and item.action == "stop":
            lines.append("Note: no static IP is attached: the public IPv4 address changes on the next start.")
    return subject, "\n".join(lines)
