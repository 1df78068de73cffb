"""Lambda: ListInstances state (one target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..runtime import settings
from ..steps.list_instances import list_instances
from .events import TargetEvent
from .observability import identify, logger
from .sessions import lightsail_in


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=TargetEvent)
def handler(event: TargetEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    identify(account=event.target.account, region=event.target.region)
    gateway = lightsail_in(event.target, env, purpose=event.run_id)
    instances = list_instances(event.target, gateway)
    logger.info("instances listed", extra={"count": len(instances)})
    return {
        "target": event.target.to_payload(),
        "now": event.now,
        "runId": event.run_id,
        "instanceConcurrency": event.instance_concurrency,
        "instances": [i.to_payload() for i in instances],
    }
