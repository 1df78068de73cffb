"""Notify: tell people about one instance's warn, stop, unknown or error outcome."""

from __future__ import annotations

from typing import Protocol

from ..model.messages import InstanceResult
from ..notifications.alert import render_alert
from .decide_target import describe_error


class Channel(Protocol):
    name: str

    def send(self, subject: str, body: str) -> None: ...


def notify(
    item: InstanceResult, channels: list[Channel], *, bytes_per_gb: int
) -> tuple[InstanceResult, list[str]]:
    """Send the alert on every channel; one channel's failure never stops the others.

    Returns the item (``notified`` set when at least one channel took it) and the failures.
    """
    if item.stop_error:
        item.stop_result = f"stop failed: {describe_error(item.stop_error)}"
    if item.start_error:
        item.start_result = f"start failed: {describe_error(item.start_error)}"
    subject, body = render_alert(item, bytes_per_gb=bytes_per_gb)
    failures: list[str] = []
    delivered = 0
    for channel in channels:
        try:
            channel.send(subject, body)
            delivered += 1
        except Exception as exc:
            failures.append(f"{channel.name}: {type(exc).__name__}: {exc}")
    item.notified = delivered > 0
    return item, failures
