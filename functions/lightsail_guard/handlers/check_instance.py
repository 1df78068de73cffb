"""Lambda: CheckInstance state (the per-instance Lambda: metrics, allowance, verdict)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..core.billing_period import parse_instant
from ..runtime import settings
from ..steps.check_instance import check_instance
from .events import InstanceEvent
from .observability import NAMESPACE, identify, logger
from .sessions import lightsail_in


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=InstanceEvent)
def handler(event: InstanceEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    target, instance = event.target, event.instance
    identify(account=target.account, region=target.region, instance=instance.name)
    now = parse_instant(event.now, field="now")
    gateway = lightsail_in(target, env, purpose=instance.name)
    result = check_instance(target=target, instance=instance, now=now, config=env.config, gateway=gateway)
    logger.info(
        "instance checked",
        extra={"verdict": result.verdict, "percent": result.percent, "reason": result.reason},
    )
    if result.percent is not None:
        # One metric per instance (dimensions = identity): what the dashboard graphs.
        with single_metric(
            name="UsagePercent", unit=MetricUnit.Percent, value=result.percent, namespace=NAMESPACE
        ) as metric:
            metric.add_dimension(name="Account", value=target.account)
            metric.add_dimension(name="Region", value=target.region)
            metric.add_dimension(name="Instance", value=instance.name)
    return result.to_payload()
