"""Policies through the whole workflow: include/exclude patterns, instance tags, dry run.
(README "Policies"; the rules live in lightsail_guard/core/policy.py.)"""

from __future__ import annotations

from typing import Any

from lightsail_guard.local.runner import simulate
from lightsail_guard.local.scenario import parse_scenario

GB = 1_000_000_000
ACCOUNT = "111111111111"
REGION = "eu-central-1"
CHECK = {"at": ["2025-01-20T00:00:00Z"]}


def over_the_line(name: str, **extra: Any) -> dict[str, Any]:
    """A micro instance (2048 GB) at 97.7 % on Jan 20: over the 95 % stop line, alone in its pool."""
    return {
        "name": name,
        "bundleId": extra.pop("bundleId", "micro_3_0"),
        "allowanceGb": 2048,
        "createdAt": "2024-06-01T00:00:00Z",
        "traffic": [{"from": "2025-01-01T00:00:00Z", "to": "2025-01-15T00:00:00Z", "bytesOut": 2000 * GB}],
        **extra,
    }


def run(
    instances: list[dict[str, Any]], *, target: dict[str, Any] | None = None, **config: Any
) -> dict[str, dict]:
    if target is not None:
        config["targets"] = [{"accounts": [ACCOUNT], "regions": [REGION], **target}]
    result = simulate(
        parse_scenario(
            {
                "name": "policies",
                "config": {"accounting": "instance", **config},
                "accounts": [{"id": ACCOUNT, "regions": [{"name": REGION, "instances": instances}]}],
                "checks": CHECK,
            }
        )
    )
    (only_run,) = result["runs"]
    rows = {r["name"]: r for r in only_run["instances"]}
    rows["_notifications"] = only_run["notifications"]
    return rows


def test_tag_mode_off_reports_but_neither_stops_nor_alerts() -> None:
    rows = run([over_the_line("quiet", tags={"lightsail-guard:mode": "off"})])

    assert rows["quiet"]["verdict"] == "stop"
    assert rows["quiet"]["action"] == "none"
    assert rows["quiet"]["state"] == "running"
    assert rows["_notifications"] == []


def test_tag_mode_notify_alerts_without_stopping() -> None:
    rows = run([over_the_line("watched", tags={"lightsail-guard:mode": "notify"})])

    assert rows["watched"]["action"] == "notify"
    assert rows["watched"]["state"] == "running"
    assert "mode=notify" in rows["watched"]["reason"]
    assert len(rows["_notifications"]) == 1


def test_an_invalid_tag_value_is_reported_and_the_default_applies() -> None:
    rows = run([over_the_line("typo", tags={"lightsail-guard:mode": "pause"})])

    assert rows["typo"]["action"] == "stop"
    assert "lightsail-guard:mode='pause' is invalid (allowed: stop, notify, off)" in rows["typo"]["reason"]


def test_a_stop_percent_tag_moves_the_line_for_that_instance_only() -> None:
    """Given two instances at 97.7 %, one tagged stop-percent 99, then only the untagged one stops."""
    rows = run(
        [over_the_line("strict"), over_the_line("lenient", tags={"lightsail-guard:stop-percent": "99"})]
    )

    assert rows["strict"]["action"] == "stop"
    assert rows["lenient"]["action"] == "notify"
    assert rows["lenient"]["verdict"] == "warn"


def test_an_out_of_range_stop_percent_tag_is_reported_and_ignored() -> None:
    rows = run([over_the_line("odd", tags={"lightsail-guard:stop-percent": "150"})])

    assert rows["odd"]["action"] == "stop"
    assert "stop-percent='150' is invalid" in rows["odd"]["reason"]


def test_exclude_patterns_leave_matching_instances_unguarded() -> None:
    rows = run([over_the_line("build-7"), over_the_line("web-1")], target={"exclude": ["build-*"]})

    assert rows["build-7"]["action"] == "none"
    assert "excluded by pattern 'build-*'" in rows["build-7"]["reason"]
    assert rows["web-1"]["action"] == "stop"


def test_an_include_list_guards_only_the_named_instances() -> None:
    rows = run([over_the_line("web-1"), over_the_line("web-2")], target={"include": ["web-1"]})

    assert rows["web-1"]["action"] == "stop"
    assert rows["web-2"]["action"] == "none"
    assert "not in include list" in rows["web-2"]["reason"]


def test_dry_run_never_stops_and_says_so() -> None:
    rows = run([over_the_line("big")], dryRun=True)

    assert rows["big"]["verdict"] == "stop"
    assert rows["big"]["action"] == "notify"
    assert rows["big"]["state"] == "running"
    (message,) = rows["_notifications"]
    assert "dry run" in message["body"].splitlines()[0].lower()
