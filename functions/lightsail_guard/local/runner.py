"""Runs a scenario: for each scheduled instant, the real workflow on the local AWS, and what it did."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from ..core.billing_period import format_instant
from .environment import Execution, LocalAws
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
def _handler_output(log: TextIO | None) -> Iterator[None]:
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


def simulate(scenario: Scenario, *, log: TextIO | None = None) -> dict[str, Any]:
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
        _handler_output(log),
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
                )
            )
        totals = {
            "runs": len(records),
            "stateTransitions": sum(r["counts"]["stateTransitions"] for r in records),
            "lambdaInvocations": dict(sorted(local.bridge.invocations.items())),
            "lightsailCalls": dict(sorted(fake.calls.items())),
            "notifications": sum(len(r["notifications"]) for r in records),
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
    """States entered, in first-entered order, with how many times (the console's graph, as a list)."""
    counts = Counter(execution.states_entered())
    order = list(dict.fromkeys(execution.states_entered()))
    return [{"state": s, "entered": counts[s]} for s in order]


def _record(
    execution: Execution,
    *,
    instant: datetime,
    mode: str,
    lightsail_calls: int,
    invocations: int,
    inbox: list[dict[str, str]],
) -> dict[str, Any]:
    summary_input = execution.state_input("SummarizeRun") or {}
    instances: list[dict[str, Any]] = []
    target_errors: list[dict[str, Any]] = []
    for entry in summary_input.get("targetResults", []):
        target = entry.get("target", {})
        if "error" in entry:
            error = entry["error"]
            target_errors.append(
                {
                    "account": target.get("account"),
                    "region": target.get("region"),
                    "error": error.get("Error"),
                    "cause": _short_cause(error.get("Cause", "")),
                }
            )
            continue
        for outcome in entry.get("outcomes", []):
            instances.append({k: outcome.get(k) for k in INSTANCE_FIELDS})
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
    }


def _short_cause(cause: str) -> str:
    import json

    try:
        parsed = json.loads(cause)
        return str(parsed.get("errorMessage", cause)) if isinstance(parsed, dict) else cause
    except ValueError:
        return cause


def bundled_scenario(name: str) -> Path:
    from .scenario import SCENARIOS_DIR

    return SCENARIOS_DIR / f"{name}.json"
