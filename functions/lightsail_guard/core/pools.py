"""Pooled allowances (DOMAIN.md, "pooling" and "delete + recreate").

AWS pools the allowance per account, region and bundle size: IPv4 and IPv6-only bundles of one size
share a pool. A member contributes its allowance prorated over the time it existed this month, and its
traffic counts even after it was deleted. Where the size cannot be read from the bundle id, the instance
forms a pool of its own (the strict side).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .billing_period import BillingPeriod
from .proration import prorated_allowance

_BUNDLE = re.compile(r"^(?P<size>[0-9]*[a-z]+)_(?:(?P<ipv6>ipv6)_)?(?:(?P<win>win)_)?\d+_\d+$")
KNOWN_SIZES = frozenset({"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge"})


def pool_size(bundle_id: str) -> str | None:
    """``nano_3_0`` and ``nano_ipv6_3_0`` → ``nano``; Windows bundles pool apart; unknown → None."""
    match = _BUNDLE.match(bundle_id or "")
    if not match or match["size"] not in KNOWN_SIZES:
        return None
    return f"{match['size']}-windows" if match["win"] else match["size"]


def pool_key(account: str, region: str, bundle_id: str, instance_arn: str) -> str:
    size = pool_size(bundle_id)
    return f"{account}/{region}/{size}" if size else f"{account}/{region}/instance:{instance_arn}"


@dataclass(frozen=True, slots=True)
class PoolMember:
    arn: str
    name: str
    full_allowance_bytes: float | None
    created_at: datetime
    used_bytes: float | None
    #: When the member vanished this month (last seen); ``None`` while it exists.
    gone_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PoolUsage:
    key: str
    used_bytes: float
    allowance_bytes: float
    members: int
    vanished: int
    unknown: int

    def describe(self) -> str:
        parts = [
            f"pool {self.key.rsplit('/', 1)[-1]} ({self.members} member{'s' if self.members != 1 else ''}"
        ]
        if self.vanished:
            parts.append(f", {self.vanished} deleted this month")
        if self.unknown:
            parts.append(f", {self.unknown} with unknown usage")
        return "".join(parts) + ")"


def pool_usage(key: str, members: Iterable[PoolMember], period: BillingPeriod) -> PoolUsage:
    """Sum of members' usage against the sum of their prorated allowances.

    A member with unknown usage adds its allowance but no usage: the pool figure is then a lower
    bound, and the member itself is reported ``unknown``.
    """
    used = allowance = 0.0
    count = vanished = unknown = 0
    for member in members:
        count += 1
        vanished += member.gone_at is not None
        if member.full_allowance_bytes:
            allowance += prorated_allowance(
                member.full_allowance_bytes,
                created_at=member.created_at,
                period=period,
                gone_at=member.gone_at,
            )
        if member.used_bytes is None:
            unknown += 1
        else:
            used += member.used_bytes
    return PoolUsage(key, used, allowance, count, vanished, unknown)
