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


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"accounts": [{"id": "12", "regions": [{"name": "eu-central-1"}]}]}, "accounts.0.id"),
        ({"checks": {}}, "checks"),
        ({"config": {"stopPercent": 150}}, "config.stopPercent"),
        ({"config": {"dryrun": True}}, "config.dryrun"),
        ({"faults": [{"operation": "DeleteInstance"}]}, "faults.0.operation"),
    ],
    ids=["account-id", "no-checks", "stop-percent", "config-typo", "fault-operation"],
)
def test_a_bad_scenario_names_the_field(patch: dict, field: str) -> None:
    raw = json.loads(bundled_scenario("demo").read_text()) | patch

    with pytest.raises(ConfigError) as error:
        parse_scenario(raw, source="bad.json")

    assert any(problem.startswith(field) for problem in error.value.problems), error.value.problems
