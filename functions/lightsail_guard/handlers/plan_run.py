"""Lambda: PlanRun state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..adapters.organizations import OrganizationsDirectory
from ..runtime import settings
from ..steps.plan_run import plan_run, resolve_now
from .events import PlanRunEvent
from .observability import logger


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=PlanRunEvent)
def handler(event: PlanRunEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    now = resolve_now(event.input.get("now"), event.execution_start_time, datetime.now(UTC))
    needs_directory = any(t.organizational_units for t in env.config.targets)
    plan = plan_run(
        config=env.config,
        now=now,
        run_id=(event.execution_id or context.aws_request_id).rsplit(":", 1)[-1],
        mode=event.input.get("mode", "check"),
        directory=OrganizationsDirectory() if needs_directory else None,
    )
    logger.info("run planned", extra={"targets": len(plan.targets), "now": plan.now, "errors": plan.errors})
    return plan.to_payload()
