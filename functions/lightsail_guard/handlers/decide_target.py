"""Lambda: DecideTarget state (one target's measurements → actions)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..core.billing_period import parse_instant
from ..runtime import settings
from ..steps.decide_target import decide_target
from .events import DecideTargetEvent
from .ledger import ledger_for
from .observability import identify, logger


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=DecideTargetEvent)
def handler(event: DecideTargetEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    identify(account=event.target.account, region=event.target.region)
    results = decide_target(
        target=event.target,
        measurements=event.measurements,
        config=env.config,
        now=parse_instant(event.now, field="now"),
        ledger=ledger_for(env),
    )
    acted = [r for r in results if r.action != "none"]
    logger.info(
        "target decided", extra={"actions": {r.name: r.action for r in acted}, "instances": len(results)}
    )
    # Only what needs an action travels on; every result is in the ledger (payloads stay small).
    return {
        "target": event.target.to_payload(),
        "instanceConcurrency": event.instance_concurrency,
        "counts": dict(sorted(Counter(r.verdict for r in results).items())),
        "actions": [r.to_payload() for r in acted],
    }
