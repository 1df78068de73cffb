"""Lambda: Notify state (alerts on every configured channel)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..notifications.channels import configured_channels
from ..runtime import settings
from ..steps.notify import notify
from .events import ActionEvent
from .observability import identify, logger


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=ActionEvent)
def handler(event: ActionEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    identify(account=event.account, region=event.region, instance=event.name)
    item, failures = notify(event, configured_channels(env), bytes_per_gb=env.config.bytes_per_gb)
    for failure in failures:
        logger.error("notification channel failed", extra={"failure": failure})
    result = item.to_payload()
    # The next hop only needs the outcome: credentials' role ARN stays out of the run's results.
    result.pop("roleArn", None)
    result.pop("externalId", None)
    return result
