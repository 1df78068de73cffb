"""One simulated Lightsail instance and its wire rendering (the ``Instance`` shape of the API model).

Everything derived (ARN uuid, support code, IP addresses) is a hash of the instance's identity, so a
scenario replays byte for byte. Times are float epoch seconds; on the wire they stay epoch seconds, as
the JSON protocol sends timestamps.
"""

from __future__ import annotations

import bisect
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .traffic import Interval, Segment, traffic_intervals

#: Documented instance state codes (the EC2 scheme Lightsail uses). Names not listed here (for example
#: ``rebooting``) are reported with their name only: the fake does not invent a code for them, and the
#: guard must key on ``state.name`` anyway (DOMAIN.md, "States").
STATE_CODES: dict[str, int] = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}

#: (cpuCount, ramSizeInGb) per bundle size, the word before the first ``_`` of the bundle id.
_HARDWARE: dict[str, tuple[int, float]] = {
    "nano": (2, 0.5),
    "micro": (2, 1.0),
    "small": (2, 2.0),
    "medium": (2, 4.0),
    "large": (2, 8.0),
    "xlarge": (4, 16.0),
    "2xlarge": (8, 32.0),
}

#: First octets of AWS public IPv4 ranges, so generated addresses look like Lightsail's.
_AWS_FIRST_OCTETS = (3, 13, 18, 34, 35, 44, 52, 54)

_ARN_NAMESPACE = uuid.UUID("6f1c5c2e-7d0b-4c55-9a57-0d7c1f1f4a11")


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat()


@dataclass
class Instance:
    """A simulated instance: identity, configuration, state history and traffic."""

    account: str
    region: str
    name: str
    bundle_id: str
    allowance_gb: int | None
    created_at: float
    history: list[tuple[float, str]]
    is_static_ip: bool = False
    ip_address_type: str = "dualstack"
    tags: dict[str, str] = field(default_factory=dict)
    deleted_at: float | None = None
    segments: list[Segment] = field(default_factory=list)
    ip_generation: int = 0

    @property
    def uid(self) -> str:
        return str(
            uuid.uuid5(_ARN_NAMESPACE, f"{self.account}/{self.region}/{self.name}/{self.created_at!r}")
        )

    @property
    def arn(self) -> str:
        return f"arn:aws:lightsail:{self.region}:{self.account}:Instance/{self.uid}"

    def exists_at(self, now: float) -> bool:
        return self.created_at <= now and (self.deleted_at is None or now < self.deleted_at)

    def state_at(self, now: float) -> str:
        times = [t for t, _ in self.history]
        index = bisect.bisect_right(times, now) - 1
        return self.history[max(index, 0)][1]

    def set_state(self, at: float, state: str) -> None:
        """Make ``state`` the state from ``at`` on, dropping any transition scheduled after ``at``."""
        self.history = [(t, s) for t, s in self.history if t < at]
        self.history.append((at, state))

    def intervals(self) -> list[Interval]:
        return traffic_intervals(self.history, self.deleted_at)

    def location(self) -> dict[str, str]:
        return {"availabilityZone": f"{self.region}a", "regionName": self.region}

    def render(self, now: float) -> dict[str, Any]:
        """The ``Instance`` structure as GetInstances/GetInstance send it."""
        state = self.state_at(now)
        digest = _digest(self.arn)
        cpu, ram = _HARDWARE.get(self.bundle_id.split("_", 1)[0], (1, 1.0))
        body: dict[str, Any] = {
            "name": self.name,
            "arn": self.arn,
            "supportCode": f"{self.account}/i-0{digest[:8].hex()}",
            "createdAt": self.created_at,
            "location": self.location(),
            "resourceType": "Instance",
            "tags": [{"key": k, "value": v} for k, v in self.tags.items()],
            "blueprintId": "ubuntu_22_04",
            "blueprintName": "Ubuntu",
            "bundleId": self.bundle_id,
            "addOns": [],
            "isStaticIp": self.is_static_ip,
            "privateIpAddress": f"172.26.{digest[8] % 256}.{digest[9] % 254 + 1}",
            "ipAddressType": self.ip_address_type,
            "hardware": {"cpuCount": cpu, "disks": [], "ramSizeInGb": ram},
            "networking": {"monthlyTransfer": {}, "ports": []},
            "state": {"name": state},
            "username": "ubuntu",
            "sshKeyName": "LightsailDefaultKeyPair",
        }
        if self.allowance_gb is not None:
            body["networking"]["monthlyTransfer"]["gbPerMonthAllocated"] = self.allowance_gb
        if state in STATE_CODES:
            body["state"]["code"] = STATE_CODES[state]
        public_ip = self._public_ipv4(state)
        if public_ip is not None:
            body["publicIpAddress"] = public_ip
        if self.ip_address_type in ("dualstack", "ipv6"):
            groups = [f"{int.from_bytes(digest[i : i + 2], 'big'):x}" for i in range(12, 24, 2)]
            body["ipv6Addresses"] = ["2600:1f18:" + ":".join(groups)]
        return body

    def _public_ipv4(self, state: str) -> str | None:
        """A stopped instance without a static IP has no public IPv4; each start brings a new one."""
        if self.ip_address_type == "ipv6":
            return None
        if state == "stopped" and not self.is_static_ip:
            return None
        generation = 0 if self.is_static_ip else self.ip_generation
        octets = _digest(self.arn, "ipv4", generation)
        first = _AWS_FIRST_OCTETS[octets[0] % len(_AWS_FIRST_OCTETS)]
        return f"{first}.{octets[1]}.{octets[2]}.{octets[3] % 254 + 1}"
