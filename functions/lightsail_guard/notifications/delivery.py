"""Send one alert or the report on every channel; one channel's failure never stops the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model.messages import InstanceResult
from .alert import Alert, alert_subject, alert_text, build_alert
from .report import Report, report_subject
from .report_text import report_text


@dataclass
class Delivery:
    #: Channels that took the message.
    sent: list[str] = field(default_factory=list)
    #: ``"<channel>: <ErrorType>: <message>"`` per failed channel (messages never hold secrets).
    failures: list[str] = field(default_factory=list)
    #: True when a channel that reaches people (SNS, Telegram) took it; events alone do not count.
    reached_people: bool = False


def deliver_alert(
    item: InstanceResult,
    channels: Sequence[Any],
    *,
    bytes_per_gb: int,
    account_name: str | None = None,
) -> tuple[Alert, Delivery]:
    alert = build_alert(item, bytes_per_gb=bytes_per_gb, account_name=account_name)
    delivery = Delivery()
    for channel in channels:
        try:
            if hasattr(channel, "send_alert"):
                channel.send_alert(alert)
            else:
                channel.send(alert_subject(alert), alert_text(alert))
        except Exception as exc:
            delivery.failures.append(f"{channel.name}: {type(exc).__name__}: {exc}")
            continue
        delivery.sent.append(channel.name)
        delivery.reached_people |= getattr(channel, "people", True)
    return alert, delivery


def deliver_report(report: Report, channels: Sequence[Any]) -> Delivery:
    delivery = Delivery()
    for channel in channels:
        try:
            if hasattr(channel, "send_report"):
                channel.send_report(report)
            elif getattr(channel, "people", True) and hasattr(channel, "send"):
                channel.send(report_subject(report), report_text(report))
            else:
                continue  # events carry actions, not reports
        except Exception as exc:
            delivery.failures.append(f"{channel.name}: {type(exc).__name__}: {exc}")
            continue
        delivery.sent.append(channel.name)
        delivery.reached_people |= getattr(channel, "people", True)
    return delivery
