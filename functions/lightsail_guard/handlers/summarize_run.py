"""Lambda: SummarizeRun state (the run's summary; the daily report on the report schedule)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..notifications.channels import configured_channels
from ..notifications.delivery import deliver_report
from ..notifications.report import build_report, report_subject
from ..runtime import settings
from ..steps.summarize_run import collect_outcomes, confirm_actions, summarize_run, with_every_instance
from .events import SummarizeRunEvent
from .ledger import ledger_for
from .observability import logger


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=SummarizeRunEvent)
def handler(event: SummarizeRunEvent, context: LambdaContext) -> dict[str, Any]:
    env = settings()
    outcomes = collect_outcomes(event.target_results)
    summary = summarize_run(
        run_id=event.run_id, now=event.now, mode=event.mode, outcomes=outcomes, plan_errors=event.plan_errors
    )
    ledger = ledger_for(env)
    confirmed = confirm_actions(outcomes, ledger, event.now)
    logger.info("run summarized", extra={"summary": summary.to_payload(), "confirmed_actions": confirmed})
    answer: dict[str, Any] = {"summary": summary.to_payload()}
    if event.mode == "report":
        outcomes = [with_every_instance(o, ledger, event.now) for o in outcomes]
        report = build_report(
            outcomes, summary, bytes_per_gb=env.config.bytes_per_gb, stop_percent=env.config.stop_percent
        )
        delivery = deliver_report(report, configured_channels(env))
        for failure in delivery.failures:
            logger.error("report delivery failed", extra={"failure": failure})
        answer["report"] = {
            "subject": report_subject(report),
            "month": report.period.label,
            "sent": delivery.sent,
            "failures": len(delivery.failures),
        }
    return answer
