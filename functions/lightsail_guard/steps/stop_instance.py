"""StopInstance: stop one running instance and confirm the state it moved to.

Safe to repeat (Express executions are at-least-once): only a ``running`` instance gets the call.
"""

from __future__ import annotations

from ..adapters.lightsail import LightsailGateway
from ..model.messages import InstanceResult


def stop_instance(item: InstanceResult, gateway: LightsailGateway) -> InstanceResult:
    state = gateway.state_of(item.name)
    if state != "running":
        item.stop_result = f"not stopped: instance is {state}"
        item.state = state
        return item
    gateway.stop_instance(item.name)
    item.state = gateway.state_of(item.name)
    item.stop_result = item.state
    return item
