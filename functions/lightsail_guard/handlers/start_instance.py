"""Lambda: StartInstance state (restart next month)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..model.messages import Target
from ..runtime import settings
from ..steps.start_instance import start_instance
from .events import ActionEvent
from .observability import identify, logger
from .sessions import lightsail_in


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=ActionEvent)
def handler(event: ActionEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    identify(account=event.account, region=event.region, instance=event.name)
    if not event.role_arn:
        raise ValueError("roleArn is required to start an instance")
    target = Target(
        account=event.account, region=event.region, role_arn=event.role_arn, external_id=event.external_id
    )
    result = start_instance(event, lightsail_in(target, env, purpose=f"start-{event.name}"))
    logger.warning("start requested", extra={"start_result": result.start_result, "reason": result.reason})
    return result.to_payload()
