"""StartInstance: start an instance the guard stopped last month (``restartNextMonth``).

Safe to repeat: only a ``stopped`` instance gets the call.
"""

from __future__ import annotations

from ..adapters.lightsail import LightsailGateway
from ..model.messages import InstanceResult


def start_instance(item: InstanceResult, gateway: LightsailGateway) -> InstanceResult:
    state = gateway.state_of(item.name)
    if state != "stopped":
        item.start_result = f"not started: instance is {state}"
        item.state = state
        return item
    gateway.start_instance(item.name)
    item.state = gateway.state_of(item.name)
    item.start_result = item.state
    return item
