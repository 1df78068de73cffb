"""SummarizeRun: every target's outcome → the run's summary (and, on the report schedule, the report)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..adapters.ledger import Ledger
from ..core.billing_period import billing_period_at, parse_instant
from ..model.messages import InstanceResult, Message
from .decide_target import describe_error, result_of


class TargetOutcome(Message):
    account: str
    region: str
    account_name: str | None = None
    error: str | None = None
    #: Instances per verdict.
    counts: dict[str, int] = {}
    #: The instances acted on in this run; :func:`with_every_instance` adds the others from the ledger.
    results: list[InstanceResult] = []


class RunSummary(Message):
    run_id: str
    now: str
    mode: str
    targets: int
    failed_targets: int
    instances: int
    verdicts: dict[str, int]
    stops: int
    notifications: int
    errors: list[str]


def collect_outcomes(target_results: list[dict[str, Any]]) -> list[TargetOutcome]:
    """Normalise the Map's output: a finished target carries results; a failed one an error."""
    outcomes = []
    for entry in target_results:
        target = entry.get("target") or {}
        base = {
            "account": target.get("account", "?"),
            "region": target.get("region", "?"),
            "account_name": target.get("accountName"),
        }
        if "error" in entry:
            outcomes.append(TargetOutcome(**base, error=describe_error(entry["error"] or {})))
        else:
            results = [InstanceResult.model_validate(r) for r in entry.get("outcomes") or []]
            outcomes.append(TargetOutcome(**base, counts=entry.get("counts") or {}, results=results))
    return sorted(outcomes, key=lambda o: (o.account, o.region))


def with_every_instance(outcome: TargetOutcome, ledger: Ledger, now: str) -> TargetOutcome:
    """The target's full picture for this run: every instance decided at ``now`` (from the ledger),
    with the outcome of the actions taken (from the workflow) in place of the recorded decision."""
    if outcome.error:
        return outcome
    month = billing_period_at(parse_instant(now, field="now")).label
    acted = {r.arn or r.name: r for r in outcome.results}
    records = ledger.load(account=outcome.account, region=outcome.region, month=month)
    results = [
        acted.pop(rec.arn, None) or result_of(rec) for rec in records.values() if rec.decided_at == now
    ]
    results += acted.values()  # acted on but not recorded (no ARN): still shown
    return outcome.model_copy(update={"results": sorted(results, key=lambda r: r.name)})


def summarize_run(
    *, run_id: str, now: str, mode: str, outcomes: list[TargetOutcome], plan_errors: list[dict[str, Any]]
) -> RunSummary:
    results = [r for o in outcomes for r in o.results]
    verdicts: Counter[str] = Counter()
    for outcome in outcomes:
        verdicts.update(outcome.counts)
    errors = [f"{e.get('target')}: {e.get('error')}" for e in plan_errors]
    errors += [f"{o.account}/{o.region}: {o.error}" for o in outcomes if o.error]
    return RunSummary(
        run_id=run_id,
        now=now,
        mode=mode,
        targets=len(outcomes),
        failed_targets=sum(1 for o in outcomes if o.error),
        instances=sum(verdicts.values()),
        verdicts=dict(sorted(verdicts.items())),
        stops=sum(
            1 for r in results if r.action == "stop" and r.stop_result and not r.stop_result.startswith("not")
        ),
        notifications=sum(1 for r in results if r.notified),
        errors=errors,
    )


#: What StopInstance and StartInstance answer when the change happened.
_STOPPED = ("stopping", "stopped")
_STARTED = ("pending", "running")


def confirm_actions(outcomes: list[TargetOutcome], ledger: Ledger, now: str) -> int:
    """Record in the ledger the stops and starts that happened, so that next month's restart only
    touches instances the guard itself stopped (not ones it only tried to stop)."""
    at = parse_instant(now, field="now")
    month = billing_period_at(at).label
    confirmed = 0
    for outcome in outcomes:
        for r in outcome.results:
            what = (
                "stop"
                if r.action == "stop" and r.stop_result in _STOPPED
                else "start"
                if r.action == "start" and r.start_result in _STARTED
                else None
            )
            if what and r.arn:
                ledger.confirm(account=r.account, region=r.region, month=month, arn=r.arn, what=what, at=at)
                confirmed += 1
    return confirmed
