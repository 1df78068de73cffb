"""A stack configuration that cannot be deployed stops `pulumi preview` with a ConfigError naming
each bad field and what it allows, before any resource is declared."""

import json

import pulumi
import pytest
from infra_harness import install_mocks
from infra_scenarios import ORGANIZATION_GUARD

from lightsail_guard.config import ConfigError
from lightsail_guard_infra.stack_config import read_stack_inputs


@pytest.fixture
def stack_config():
    """Sets `lightsail-guard:*` stack configuration the way the Pulumi CLI hands it to the program."""
    mocks = install_mocks()

    def set_config(values: dict, secrets: dict | None = None):
        raw = {f"lightsail-guard:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
        raw.update({f"lightsail-guard:{k}": v for k, v in (secrets or {}).items()})
        pulumi.runtime.set_all_config(raw, [f"lightsail-guard:{k}" for k in secrets or {}])
        return mocks

    yield set_config
    pulumi.runtime.set_all_config({})


def error_of(call) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        call()
    return caught.value


def test_an_invalid_guard_value_names_the_field_the_source_and_what_is_allowed(stack_config):
    # Given a workflow type that does not exist
    stack_config({"guard": {**ORGANIZATION_GUARD, "workflowType": "FAST"}})
    # When the stack configuration is read
    error = error_of(read_stack_inputs)
    # Then the error says where, which field, and what it may be
    assert error.source == "pulumi config lightsail-guard:guard"
    assert error.problems == ["workflowType: allowed: 'EXPRESS' or 'STANDARD'"]


def test_every_bad_field_is_reported_at_once(stack_config):
    stack_config(
        {"guard": {**ORGANIZATION_GUARD, "checkIntervalMinutes": 0, "reportTimezone": "Mars/Olympus"}}
    )
    problems = error_of(read_stack_inputs).problems
    assert len(problems) == 2
    assert problems[0].startswith("checkIntervalMinutes:")
    assert "reportTimezone must be an IANA time zone" in problems[1]


def test_a_misspelt_key_is_refused_not_ignored(stack_config):
    stack_config({"guard": {**ORGANIZATION_GUARD, "stopPercentage": 90}})
    assert error_of(read_stack_inputs).problems == [
        "stopPercentage: unknown field (check the spelling; keys are camelCase)"
    ]


def test_a_missing_guard_configuration_says_where_to_find_an_example(stack_config):
    stack_config({})
    error = error_of(read_stack_inputs)
    assert error.source == "pulumi config lightsail-guard:guard"
    assert "Pulumi.prod.yaml" in error.problems[0]


def test_a_guard_value_that_is_not_structured_is_refused(stack_config):
    stack_config({"guard": "targets=ou-ab12-3cd4e5f6"})
    assert error_of(read_stack_inputs).problems[0].startswith("(top level): not a structured")


def test_invalid_deploy_settings_name_their_fields(stack_config):
    stack_config(
        {"guard": ORGANIZATION_GUARD, "deploy": {"stacksetCallAs": "ME", "stackSetRegion": "eu-west-1"}}
    )
    error = error_of(read_stack_inputs)
    assert error.source == "pulumi config lightsail-guard:deploy"
    assert sorted(error.problems) == [
        "stackSetRegion: unknown field (check the spelling; keys are camelCase)",
        "stacksetCallAs: allowed: 'SELF' or 'DELEGATED_ADMIN'",
    ]


def test_a_valid_configuration_reads_into_the_typed_models_with_the_secret_token(stack_config):
    stack_config(
        {"guard": ORGANIZATION_GUARD, "deploy": {"powertoolsLayerVersion": 31}},
        secrets={"telegramBotToken": "123456:token"},
    )
    inputs = read_stack_inputs()
    assert inputs.guard.report_timezone == "Europe/Berlin"
    assert inputs.deploy.powertools_layer_version == 31
    assert isinstance(inputs.telegram_bot_token, pulumi.Output)


def test_the_program_stops_before_declaring_any_resource(stack_config):
    # Given an invalid stack configuration, when `pulumi preview` runs the program
    from lightsail_guard_infra.program import main

    mocks = stack_config({"guard": {**ORGANIZATION_GUARD, "logRetentionDays": 0}})
    with pytest.raises(ConfigError) as caught:
        pulumi.runtime.test(main)()
    # Then it fails with the field named, and nothing was created
    assert caught.value.problems[0].startswith("logRetentionDays:")
    assert mocks.resources == []
