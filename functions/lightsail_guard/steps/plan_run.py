"""PlanRun: configuration → the run's clock and its targets (accounts × regions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ..adapters.sessions import member_role_arn
from ..config.model import GuardConfig
from ..core.billing_period import format_instant, parse_instant
from ..model.messages import Message, Target


class AccountDirectory(Protocol):
    """Resolves organizational units to their ACTIVE accounts (AWS Organizations)."""

    def active_accounts(self, parent_id: str) -> dict[str, str]: ...


class RunPlan(Message):
    run_id: str
    now: str
    mode: str
    limits: dict[str, int]
    targets: list[Target]
    errors: list[dict[str, Any]]


def resolve_now(requested: str | None, execution_start: str | None, fallback: datetime) -> datetime:
    """The run's instant: the input's ``now`` (a replay), else the execution's start time."""
    if requested:
        return parse_instant(requested, field="now")
    if execution_start:
        return parse_instant(execution_start, field="$$.Execution.StartTime")
    return fallback


def plan_run(
    *,
    config: GuardConfig,
    now: datetime,
    run_id: str,
    mode: str,
    directory: AccountDirectory | None,
) -> RunPlan:
    if mode not in ("check", "report"):
        raise ValueError(f"mode must be 'check' or 'report', got {mode!r}")
    targets: dict[tuple[str, str], Target] = {}
    errors: list[dict[str, Any]] = []
    for spec in config.targets:
        accounts = {a: spec.account_names.get(a) for a in spec.accounts}
        for ou in spec.organizational_units:
            if directory is None:
                errors.append({"target": ou, "error": "organizational units need AWS Organizations access"})
                continue
            try:
                for account, name in directory.active_accounts(ou).items():
                    accounts.setdefault(account, spec.account_names.get(account) or name)
            except Exception as exc:  # one OU's failure must not hide the other targets
                errors.append({"target": ou, "error": f"{type(exc).__name__}: {exc}"})
        for account, account_name in accounts.items():
            for region in spec.regions:
                if (account, region) in targets:
                    # An OU overlapping another target: the first target's filters apply; say so.
                    errors.append(
                        {
                            "target": f"{account}/{region}",
                            "error": "covered by more than one target; the first target's include/exclude apply",
                        }
                    )
                    continue
                targets.setdefault(
                    (account, region),
                    Target(
                        account=account,
                        region=region,
                        role_arn=member_role_arn(account, config.member_role_name, region),
                        external_id=config.external_id,
                        account_name=account_name,
                        include=spec.include,
                        exclude=spec.exclude,
                    ),
                )
    return RunPlan(
        run_id=run_id,
        now=format_instant(now),
        mode=mode,
        limits={"targets": config.target_concurrency, "instances": config.instance_concurrency},
        targets=sorted(targets.values(), key=lambda t: (t.account, t.region)),
        errors=errors,
    )
