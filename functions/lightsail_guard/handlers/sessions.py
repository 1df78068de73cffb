"""The warm container's member-account clients (credentials and clients reused across invocations)."""

from __future__ import annotations

from ..adapters.aws_clients import CLIENTS
from ..adapters.lightsail import LightsailGateway
from ..adapters.sessions import AssumedRoleClients
from ..model.messages import Target
from ..runtime import RuntimeSettings

_members: dict[str, AssumedRoleClients] = {}


def lightsail_in(target: Target, env: RuntimeSettings, *, purpose: str) -> LightsailGateway:
    """A LightsailGateway in the target's account and region, through its member role."""
    members = _members.get(env.hub_region)
    if members is None:
        members = _members[env.hub_region] = AssumedRoleClients(env.hub_region)
    client = members.client(
        "lightsail",
        role_arn=target.role_arn,
        region=target.region,
        external_id=target.external_id,
        name=f"{target.account}-{target.region}-{purpose}",
    )
    return LightsailGateway(client)


def forget_sessions() -> None:
    """Drop cached credentials and clients (a new local simulation starts with a cold container)."""
    _members.clear()
    CLIENTS.clear()
