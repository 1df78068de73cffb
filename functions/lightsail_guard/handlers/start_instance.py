"""Lambda: StartInstance state (restart next month)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..runtime import settings
from ..steps.instance_state import start_instance
from .events import ActionEvent
from .observability import identify, logger
from .sessions import lightsail_for


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=ActionEvent)
def handler(event: ActionEvent, context: LambdaContext) -> dict[str, Any]:
    identify(account=event.account, region=event.region, instance=event.name)
    result = start_instance(event, lightsail_for(event, settings(), purpose="start"))
    logger.warning("start requested", extra={"result": result.start_result, "reason": result.reason})
    return result.to_payload()
