"""EventBridge ``PutEvents``: one event per guard action, on the configured bus (or ``default``).

PutEvents can answer HTTP 200 with a failed entry (``FailedEntryCount``): that is an error here too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .aws_clients import CLIENTS

SOURCE = "lightsail-guard"
DEFAULT_BUS = "default"
#: PutEvents' limit for one entry (Detail, DetailType, Source, Resources together).
ENTRY_LIMIT = 256 * 1024


class EventPublishError(Exception):
    pass


class EventPublisher:
    def __init__(self, bus_name: str | None = None, *, region: str | None = None) -> None:
        self.bus_name = bus_name or DEFAULT_BUS
        self._region = region

    def __repr__(self) -> str:
        return f"EventPublisher(bus={self.bus_name!r})"

    def put(self, detail_type: str, detail: dict[str, Any], *, resources: Sequence[str] = ()) -> str:
        """Publish one event; returns its EventBridge id."""
        entry = {
            "Source": SOURCE,
            "DetailType": detail_type,
            "Detail": json.dumps(detail, separators=(",", ":"), sort_keys=True),
            "EventBusName": self.bus_name,
            "Resources": [r for r in resources if r],
        }
        if len(entry["Detail"].encode("utf-8")) > ENTRY_LIMIT - 2048:
            raise EventPublishError(f"event detail over {ENTRY_LIMIT // 1024} KiB: {detail_type}")
        answer = CLIENTS.client("events", self._region).put_events(Entries=[entry])
        if answer.get("FailedEntryCount"):
            failed = (answer.get("Entries") or [{}])[0]
            raise EventPublishError(
                f"PutEvents to bus {self.bus_name!r} refused the event: "
                f"{failed.get('ErrorCode', 'error')}: {failed.get('ErrorMessage', '')}".rstrip(": ")
            )
        return str((answer.get("Entries") or [{}])[0].get("EventId", ""))
