"""The scenario format: documented by a JSON Schema kept in the repository, errors that name fields."""

from __future__ import annotations

import json

import jsonschema
import pytest

from lightsail_guard.config.model import ConfigError
from lightsail_guard.local.runner import bundled_scenario
from lightsail_guard.local.scenario import SCHEMA_PATH, parse_scenario, scenario_json_schema


def test_the_committed_schema_is_the_one_the_models_generate() -> None:
    """Given the models, then schema/scenario.schema.json matches them (regenerate: lightsail-guard schema)."""
    assert json.loads(SCHEMA_PATH.read_text()) == scenario_json_schema()


def test_the_demo_scenario_validates_against_the_schema() -> None:
    demo = json.loads(bundled_scenario("demo").read_text())
    jsonschema.validate(demo, json.loads(SCHEMA_PATH.read_text()))
    assert parse_scenario(demo).name == "demo"


def _one(*names: str, **fields: object) -> dict:
    """An account with one region holding instances called ``names`` (extra fields on each)."""
    instances = [
        {
            "name": n,
            "bundleId": "nano_3_0",
            "allowanceGb": 1024,
            "createdAt": "2024-06-01T00:00:00Z",
            **fields,
        }
        for n in names
    ]
    return {"id": "111111111111", "regions": [{"name": "eu-central-1", "instances": instances}]}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"accounts": [{"id": "12", "regions": [{"name": "eu-central-1"}]}]}, "accounts.0.id"),
        ({"checks": {}}, "checks"),
        ({"config": {"stopPercent": 150}}, "config.stopPercent"),
        ({"config": {"dryrun": True}}, "config.dryrun"),
        ({"faults": [{"operation": "DeleteInstance"}]}, "faults.0.operation"),
        (
            {"accounts": [{"id": "111111111111", "regions": [{"name": "xx-nowhere-9"}]}]},
            "accounts.0.regions.0.name",
        ),
        (
            {
                "accounts": [
                    {"id": "111111111111", "regions": [{"name": "eu-central-1"}, {"name": "eu-central-1"}]}
                ]
            },
            "accounts.0.regions",
        ),
        ({"accounts": [_one("web", allowanceGb=1024.5)]}, "accounts.0.regions.0.instances.0.allowanceGb"),
        ({"accounts": [_one("web", allowanceGb=True)]}, "accounts.0.regions.0.instances.0.allowanceGb"),
        ({"accounts": [_one("web", deletedAt="2024-01-01T00:00:00Z")]}, "accounts.0.regions.0.instances.0"),
        (
            {"accounts": [_one("web", traffic=[{"day": "2025-01-02", "bytesOut": 1e309}])]},
            "accounts.0.regions.0.instances.0.traffic.0.bytesOut",
        ),
        ({"accounts": [_one("web", "web")]}, "accounts.0.regions.0"),
        ({"config": {"dryRun": "yes"}}, "config.dryRun"),
        ({"config": {"checkIntervalMinutes": True}}, "config.checkIntervalMinutes"),
    ],
    ids=[
        "account-id",
        "no-checks",
        "stop-percent",
        "config-typo",
        "fault-operation",
        "not-a-lightsail-region",
        "region-twice",
        "fractional-allowance",
        "boolean-allowance",
        "deleted-before-created",
        "infinite-bytes",
        "same-name-twice",
        "dry-run-string",
        "interval-boolean",
    ],
)
def test_a_bad_scenario_names_the_field(patch: dict, field: str) -> None:
    raw = json.loads(bundled_scenario("demo").read_text()) | patch

    with pytest.raises(ConfigError) as error:
        parse_scenario(raw, source="bad.json")

    assert any(problem.startswith(field) for problem in error.value.problems), error.value.problems


def test_a_name_can_be_reused_after_a_delete() -> None:
    raw = json.loads(bundled_scenario("demo").read_text())
    raw["accounts"] = [_one("web", deletedAt="2025-01-10T00:00:00Z")]
    raw["accounts"][0]["regions"][0]["instances"].append(
        {"name": "web", "bundleId": "nano_3_0", "allowanceGb": 1024, "createdAt": "2025-01-10T00:00:00Z"}
    )
    assert len(parse_scenario(raw).accounts[0].regions[0].instances) == 2
