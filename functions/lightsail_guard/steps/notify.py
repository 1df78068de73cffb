"""Notify: tell people (and EventBridge) about one instance's warn, stop, start, unknown or error outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model.messages import InstanceResult
from ..notifications.delivery import deliver_alert
from .decide_target import describe_error


def notify(
    item: InstanceResult, channels: Sequence[Any], *, bytes_per_gb: int
) -> tuple[InstanceResult, list[str]]:
    """Send the alert on every channel; one channel's failure never stops the others.

    Returns the item (``notified`` set when a channel that reaches people took it) and the failures.
    """
    if item.stop_error:
        item.stop_result = f"stop failed: {describe_error(item.stop_error)}"
    if item.start_error:
        item.start_result = f"start failed: {describe_error(item.start_error)}"
    _, delivery = deliver_alert(item, channels, bytes_per_gb=bytes_per_gb)
    item.notified = delivery.reached_people
    return item, delivery.failures
