"""StopInstance and StartInstance: change one instance's state, only from the state that allows it.

Safe to repeat (Express executions are at-least-once): an instance not in the required state gets no
call, and the answer says which state it was in.
"""

from __future__ import annotations

from ..adapters.lightsail import LightsailGateway
from ..model.messages import InstanceResult


def _change(item: InstanceResult, gateway: LightsailGateway, *, required: str, verb: str, call) -> str:
    state = gateway.state_of(item.name)
    if state != required:
        item.state = state
        return f"not {verb}: instance is {state}"
    call(item.name)
    item.state = gateway.state_of(item.name)
    return item.state


def stop_instance(item: InstanceResult, gateway: LightsailGateway) -> InstanceResult:
    """Stop a ``running`` instance (DOMAIN.md: only running gets a stop call; never delete)."""
    item.stop_result = _change(item, gateway, required="running", verb="stopped", call=gateway.stop_instance)
    return item


def start_instance(item: InstanceResult, gateway: LightsailGateway) -> InstanceResult:
    """Start a ``stopped`` instance (restartNextMonth)."""
    item.start_result = _change(
        item, gateway, required="stopped", verb="started", call=gateway.start_instance
    )
    return item
