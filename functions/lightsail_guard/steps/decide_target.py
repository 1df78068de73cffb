"""DecideTarget: turn one target's measurements into actions (stop, notify or nothing).

The state machine's Choice state routes on ``action``; this step decides what each result means.
"""

from __future__ import annotations

from typing import Any

from ..config.model import GuardConfig
from ..model.messages import InstanceResult, Target


def error_result(target: Target, entry: dict[str, Any]) -> InstanceResult:
    """A per-instance failure caught by the workflow becomes a result of its own (nothing is lost)."""
    instance = entry.get("instance") or {}
    error = entry.get("error") or {}
    return InstanceResult(
        account=target.account,
        region=target.region,
        name=instance.get("name", "?"),
        arn=instance.get("arn"),
        state=instance.get("state"),
        bundle_id=instance.get("bundleId"),
        verdict="error",
        reason=f"check failed: {error.get('Error', 'Error')}: {_cause(error)}",
        error=error.get("Error", "Error"),
    )


def _cause(error: dict[str, Any]) -> str:
    """Lambda errors arrive as a JSON string in ``Cause``; keep their message only."""
    import json

    cause = error.get("Cause", "")
    try:
        parsed = json.loads(cause)
    except (TypeError, ValueError):
        return str(cause)[:300]
    if isinstance(parsed, dict):
        return str(parsed.get("errorMessage", cause))[:300]
    return str(cause)[:300]


def action_for(result: InstanceResult, *, dry_run: bool) -> str:
    if result.verdict == "stop":
        return "notify" if dry_run else "stop"
    if result.verdict in ("warn", "unknown", "error"):
        return "notify"
    return "none"


def decide_target(
    *, target: Target, measurements: list[dict[str, Any]], config: GuardConfig
) -> list[InstanceResult]:
    results = []
    for entry in measurements:
        result = error_result(target, entry) if "error" in entry else InstanceResult.model_validate(entry)
        result.role_arn = target.role_arn
        result.external_id = target.external_id
        result.action = action_for(result, dry_run=config.dry_run)
        result.dry_run = config.dry_run or None
        results.append(result)
    return sorted(results, key=lambda r: r.name)
