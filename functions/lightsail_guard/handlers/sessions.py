"""The warm container's member-account clients (credentials and clients reused across invocations)."""

from __future__ import annotations

from ..adapters.aws_clients import CLIENTS
from ..adapters.lightsail import LightsailGateway
from ..adapters.sessions import AssumedRoleClients
from ..model.messages import InstanceResult, Target
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


def lightsail_for(item: InstanceResult, env: RuntimeSettings, *, purpose: str) -> LightsailGateway:
    """A LightsailGateway for the account and region of an action item (it carries its role)."""
    if not item.role_arn:
        raise ValueError(f"roleArn is required to {purpose} {item.name}")
    target = Target(
        account=item.account, region=item.region, role_arn=item.role_arn, external_id=item.external_id
    )
    return lightsail_in(target, env, purpose=f"{purpose}-{item.name}")


def forget_sessions() -> None:
    """Drop cached credentials and clients (a new local simulation starts with a cold container)."""
    _members.clear()
    CLIENTS.clear()
