"""Messages between states (STYLE.md, lesson 5: a few hundred bytes per instance; detail goes to logs).

One identity for an instance everywhere: account + region + name (names are unique only per account
and region), with the ARN alongside.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

Action = Literal["stop", "start", "notify", "none"]


class Message(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready dict a Lambda returns: camelCase, ``None`` fields left out to stay compact."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Target(Message):
    """One (account, region) to check, and how to get in."""

    account: str
    region: str
    role_arn: str
    external_id: str | None = None
    account_name: str | None = None
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}"


class InstanceSnapshot(Message):
    """What GetInstances said about one instance, reduced to what the guard needs."""

    name: str
    arn: str
    created_at: str
    bundle_id: str
    allowance_gb: float | None = None
    state: str
    static_ip: bool = False
    ip_type: str = "ipv4"
    tags: dict[str, str] = Field(default_factory=dict)


class InstanceResult(Message):
    """The outcome for one instance in one run: figures, verdict, reason and what was done."""

    account: str
    region: str
    name: str
    #: The account's display name (configuration or AWS Organizations), for alerts and events.
    account_name: str | None = None
    arn: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    state: str | None = None
    bundle_id: str | None = None
    static_ip: bool | None = None
    ip_type: str | None = None
    created_at: str | None = None
    bytes_in: float | None = None
    bytes_out: float | None = None
    used_bytes: float | None = None
    allowance_bytes: float | None = None
    full_allowance_bytes: float | None = None
    percent: float | None = None
    projected_percent: float | None = None
    #: The recent rate (bytes/s between the last two readings), when there were two.
    rate_bytes_per_second: float | None = None
    #: This instance's stop line in percent (configuration, or its lightsail-guard:stop-percent tag).
    stop_percent: float | None = None
    verdict: Literal["ok", "warn", "stop", "unknown", "error"]
    level: float | None = None
    reason: str
    #: Only the guard's own tags (``lightsail-guard:*``), and only when there are any.
    tags: dict[str, str] | None = None
    pool: str | None = None
    pool_used_bytes: float | None = None
    pool_allowance_bytes: float | None = None
    action: Action = "none"
    dry_run: bool | None = None
    stop_result: str | None = None
    start_result: str | None = None
    notified: bool | None = None
    error: str | None = None
    #: Set by the workflow's Catch when StopInstance or Notify failed (``{"Error", "Cause"}``).
    stop_error: dict[str, Any] | None = None
    start_error: dict[str, Any] | None = None
    notify_error: dict[str, Any] | None = None
