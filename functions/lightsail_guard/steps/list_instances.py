"""ListInstances: assume the member role in one (account, region) and list its instances."""

from __future__ import annotations

from ..adapters.lightsail import LightsailGateway
from ..model.messages import InstanceSnapshot, Target


def list_instances(target: Target, gateway: LightsailGateway) -> list[InstanceSnapshot]:
    """Every instance of the target, all pages (case C8), in a stable order."""
    return sorted(gateway.list_instances(), key=lambda i: i.name)
