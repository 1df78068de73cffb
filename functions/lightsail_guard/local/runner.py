"""Runs a scenario: for each scheduled instant, the real workflow on the local AWS, and what it did."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from ..adapters.ledger import DynamoLedger
from ..config.model import GuardConfig
from ..core.billing_period import format_instant
from ..notifications.report import build_report
from ..steps.summarize_run import collect_outcomes, summarize_run, with_every_instance
from ..workflow import state_names
from .environment import HUB_REGION, LEDGER_TABLE, Execution, LocalAws
from .scenario import InstanceSpec, Scenario

#: The fields recorded per instance per run (in this order in JSON and tables).
INSTANCE_FIELDS = (
    "account",
    "region",
    "name",
    "state",
    "bytesIn",
    "bytesOut",
    "usedBytes",
    "allowanceBytes",
    "percent",
    "verdict",
    "reason",
    "action",
    "stopResult",
    "notified",
)


class VirtualClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def handler_output(log: TextIO | None) -> Iterator[None]:
    """The handlers log JSON (and EMF metrics) to stdout as on Lambda; keep that out of the report."""
    import logging
    import os

    from ..handlers.observability import SERVICE

    target = log if log is not None else open(os.devnull, "w")  # noqa: SIM115
    streams = [h for h in logging.getLogger(SERVICE).handlers if isinstance(h, logging.StreamHandler)]
    saved_streams = [h.setStream(target) for h in streams]
    saved = sys.stdout
    sys.stdout = target
    try:
        yield
    finally:
        sys.stdout = saved
        for handler, stream in zip(streams, saved_streams, strict=True):
            handler.setStream(stream)
        if log is None:
            target.close()


_ORDER = {"delete": 0, "create": 1, "state": 2}


def _lifecycle(scenario: Scenario) -> list[tuple[datetime, str, str, str, InstanceSpec, str]]:
    """Creations, deletions and state changes in time order (a delete before a re-create at one instant)."""
    events = []
    for account in scenario.accounts:
        for region in account.regions:
            for spec in region.instances:
                events.append((spec.created_at, "create", account.id, region.name, spec, ""))
                if spec.deleted_at is not None:
                    events.append((spec.deleted_at, "delete", account.id, region.name, spec, ""))
                for change in spec.state_changes:
                    events.append((change.at, "state", account.id, region.name, spec, change.state))
    return sorted(events, key=lambda e: (e[0], _ORDER[e[1]]))


def simulate(
    scenario: Scenario,
    *,
    log: TextIO | None = None,
    progress: Callable[[int, int, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Execute every run of ``scenario``; return one JSON-ready document (deterministic)."""
    config = scenario.guard_config()
    runs = scenario.runs()
    clock = VirtualClock(runs[0][0])
    local = LocalAws(
        config=config,
        clock=clock,
        member_accounts={a.id: a.role_assumable for a in scenario.accounts},
    )
    pending = _lifecycle(scenario)
    records = []
    with (
        handler_output(log),
        local.started(
            page_size=scenario.fake.page_size,
            metric_lag=timedelta(seconds=scenario.fake.metric_lag_seconds),
            stop_duration=timedelta(seconds=scenario.fake.stop_duration_seconds),
        ),
    ):
        fake = local.fake
        for fault in scenario.faults:
            fake.fail(
                operation=fault.operation,
                account=fault.account,
                region=fault.region,
                instance=fault.instance,
                code=fault.code,
                times=fault.times,
            )
        for index, (instant, mode) in enumerate(runs, start=1):
            clock.now = instant
            while pending and pending[0][0] <= instant:
                at, kind, account, region, spec, state = pending.pop(0)
                if kind == "create":
                    _create(fake, account, region, spec)
                elif kind == "delete":
                    fake.delete_instance(account=account, region=region, name=spec.name, at=at)
                else:
                    fake.set_state(account=account, region=region, name=spec.name, state=state, at=at)
            before_calls = sum(fake.calls.values())
            before_invocations = sum(local.bridge.invocations.values())
            execution = local.run(now=instant, mode=mode, name=f"{mode}-{index:04d}-{instant:%Y%m%dT%H%M%SZ}")
            records.append(
                _record(
                    execution,
                    instant=instant,
                    mode=mode,
                    lightsail_calls=sum(fake.calls.values()) - before_calls,
                    invocations=sum(local.bridge.invocations.values()) - before_invocations,
                    inbox=local.inbox(),
                    telegram=local.telegram_messages(),
                    events=local.events(),
                    config=config,
                )
            )
            if progress is not None:
                progress(index, len(runs), records[-1])
        totals = {
            "runs": len(records),
            "stateTransitions": sum(r["counts"]["stateTransitions"] for r in records),
            "lambdaInvocations": dict(sorted(local.bridge.invocations.items())),
            "lightsailCalls": dict(sorted(fake.calls.items())),
            "notifications": sum(len(r["notifications"]) for r in records),
            "telegramMessages": sum(len(r["telegram"]) for r in records),
            "events": sum(len(r["events"]) for r in records),
        }
    return {"scenario": scenario.name, "description": scenario.description, "runs": records, "totals": totals}


def _create(fake: Any, account: str, region: str, spec: InstanceSpec) -> None:
    fake.add_instance(
        account=account,
        region=region,
        name=spec.name,
        bundle_id=spec.bundle_id,
        allowance_gb=spec.allowance_gb,
        created_at=spec.created_at,
        state=spec.state,
        is_static_ip=spec.static_ip,
        ip_address_type=spec.ip_type,
        tags=spec.tags,
    )
    for traffic in spec.traffic:
        bytes_in, bytes_out = traffic.totals()
        fake.add_traffic(
            account=account,
            region=region,
            name=spec.name,
            start=traffic.from_,
            end=traffic.to,
            bytes_in=bytes_in,
            bytes_out=bytes_out,
        )


def _path(execution: Execution) -> list[dict[str, Any]]:
    """States entered and how many times, in the definition's order (Map iterations run in parallel,
    so the order they were entered in varies from run to run; the definition's does not)."""
    counts = Counter(execution.states_entered())
    return [{"state": s, "entered": counts[s]} for s in state_names() if counts[s]]


def _record(
    execution: Execution,
    *,
    instant: datetime,
    mode: str,
    lightsail_calls: int,
    invocations: int,
    inbox: list[dict[str, str]],
    telegram: list[dict[str, str]],
    events: list[dict[str, Any]],
    config: GuardConfig,
) -> dict[str, Any]:
    # Per instance: every decision of this run from the ledger, with the outcome of the actions
    # taken from the workflow (what SummarizeRun sees in report mode).
    summary_input = execution.state_input("SummarizeRun") or {}
    instances: list[dict[str, Any]] = []
    target_errors: list[dict[str, Any]] = []
    ledger = DynamoLedger(LEDGER_TABLE, region=HUB_REGION)
    outcomes = collect_outcomes(summary_input.get("targetResults", []))
    full_outcomes = [with_every_instance(o, ledger, format_instant(instant)) for o in outcomes]
    for outcome in full_outcomes:
        if outcome.error:
            error, _, cause = outcome.error.partition(": ")
            target_errors.append(
                {"account": outcome.account, "region": outcome.region, "error": error, "cause": cause}
            )
            continue
        for result in outcome.results:
            row = result.model_dump(mode="json", by_alias=True)
            instances.append({k: row.get(k) for k in INSTANCE_FIELDS})
    instances.sort(key=lambda r: (r["account"], r["region"], r["name"]))
    return {
        "at": format_instant(instant),
        "mode": mode,
        "status": execution.status,
        "error": execution.error,
        "path": _path(execution),
        "counts": {
            "stateTransitions": execution.state_transitions,
            "lambdaInvocations": invocations,
            "lightsailCalls": lightsail_calls,
        },
        "instances": instances,
        "targetErrors": sorted(target_errors, key=lambda e: (e["account"], e["region"])),
        "summary": (execution.output or {}).get("summary"),
        "notifications": sorted(inbox, key=lambda m: (m["subject"], m["body"])),
        "telegram": sorted(telegram, key=lambda m: (m["chat"], m["text"])),
        "events": sorted(
            (
                {
                    "detailType": e["detailType"],
                    "account": e["detail"]["account"]["id"],
                    "region": e["detail"]["region"],
                    "instance": e["detail"]["instance"]["name"],
                    "outcome": e["detail"]["outcome"],
                    "succeeded": e["detail"]["succeeded"],
                }
                for e in events
            ),
            key=lambda e: (e["account"], e["region"], e["instance"], e["detailType"]),
        ),
        # The daily report as JSON (notifications/report.schema.json), as SummarizeRun built it.
        "report": _report(summary_input, outcomes, full_outcomes, config) if mode == "report" else None,
    }


def _report(
    summary_input: dict[str, Any], outcomes: list[Any], full_outcomes: list[Any], config: GuardConfig
) -> dict[str, Any] | None:
    if not summary_input:
        return None
    summary = summarize_run(
        run_id=summary_input.get("runId", ""),
        now=summary_input["now"],
        mode=summary_input.get("mode", "report"),
        outcomes=outcomes,
        plan_errors=summary_input.get("errors") or [],
    )
    return build_report(
        full_outcomes, summary, bytes_per_gb=config.bytes_per_gb, stop_percent=config.stop_percent
    ).to_json()


def bundled_scenario(name: str) -> Path:
    from .scenario import SCENARIOS_DIR

    return SCENARIOS_DIR / f"{name}.json"
