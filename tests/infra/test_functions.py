"""The Lambda functions: one per FUNCTIONS entry, from the package archive and Powertools' public layer,
each with its own log group and only the environment it may use."""

import json

import pytest

from lightsail_guard.workflow import FUNCTIONS

FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SPECS = {spec.key: spec for spec in FUNCTIONS}


def test_one_function_per_workflow_step(organization_stack):
    assert sorted(f.name for f in organization_stack.all(FUNCTION)) == sorted(SPECS)


@pytest.mark.parametrize("key", list(SPECS))
def test_function_runs_its_handler_with_its_timeout_and_memory(organization_stack, key):
    inputs = organization_stack.one(FUNCTION, key).inputs
    assert (inputs["handler"], inputs["timeout"], inputs["memorySize"]) == (
        SPECS[key].handler,
        SPECS[key].timeout_seconds,
        SPECS[key].memory_mb,
    )


def test_default_is_python_3_12_on_arm64_with_the_matching_powertools_layer(organization_stack):
    for function in organization_stack.every(FUNCTION):
        assert function.inputs["runtime"] == "python3.12"
        assert function.inputs["architectures"] == ["arm64"]
        assert function.inputs["layers"] == [
            "arn:aws:lambda:eu-central-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27"
        ]


def test_runtime_architecture_and_layer_version_follow_the_configuration(standard_stack):
    # Given x86_64, python3.13 and layer version 30, then the layer is the one built for exactly that
    for function in standard_stack.every(FUNCTION):
        assert function.inputs["runtime"] == "python3.13"
        assert function.inputs["architectures"] == ["x86_64"]
        assert function.inputs["layers"] == [
            "arn:aws:lambda:eu-central-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:30"
        ]


@pytest.mark.parametrize("key", list(SPECS))
def test_function_logs_to_its_own_group_with_the_configured_retention(organization_stack, key):
    function = organization_stack.one(FUNCTION, key)
    group = organization_stack.one(LOG_GROUP, f"{key}-logs")
    assert function.inputs["loggingConfig"]["logGroup"] == group.inputs["name"]
    assert group.inputs["name"] == f"/aws/lambda/{function.inputs['name']}"
    assert group.inputs["retentionInDays"] == 14


def test_every_function_receives_the_validated_configuration(organization_stack):
    from lightsail_guard.config import load_config

    for function in organization_stack.every(FUNCTION):
        raw = function.inputs["environment"]["variables"]["LIGHTSAIL_GUARD_CONFIG"]
        assert load_config(raw).report_timezone == "Europe/Berlin"


EXPECTED_VARIABLES = {
    "PlanRun": set(),
    "ListInstances": set(),
    "CheckInstance": set(),
    "DecideTarget": {"LEDGER_TABLE"},
    "StopInstance": set(),
    "StartInstance": set(),
    "Notify": {"ALERT_TOPIC_ARN", "EVENT_BUS_NAME", "TELEGRAM_SECRET_ARN"},
    "SummarizeRun": {"ALERT_TOPIC_ARN", "EVENT_BUS_NAME", "TELEGRAM_SECRET_ARN", "LEDGER_TABLE"},
}


@pytest.mark.parametrize("key", list(SPECS))
def test_function_is_told_only_about_the_resources_it_may_use(organization_stack, key):
    variables = organization_stack.one(FUNCTION, key).inputs["environment"]["variables"]
    assert set(variables) - {"LIGHTSAIL_GUARD_CONFIG"} == EXPECTED_VARIABLES[key]


def test_environment_values_name_the_deployed_resources(organization_stack):
    variables = organization_stack.one(FUNCTION, "SummarizeRun").inputs["environment"]["variables"]
    assert variables["LEDGER_TABLE"] == organization_stack.one("aws:dynamodb/table:Table").outputs["name"]
    assert variables["ALERT_TOPIC_ARN"] == organization_stack.one("aws:sns/topic:Topic").outputs["arn"]
    assert (
        variables["TELEGRAM_SECRET_ARN"]
        == organization_stack.one("aws:secretsmanager/secret:Secret").outputs["arn"]
    )
    assert variables["EVENT_BUS_NAME"] == "default"


def test_no_service_name_variable_that_would_split_the_usage_metric(organization_stack):
    # POWERTOOLS_SERVICE_NAME would add a "service" dimension and hide UsagePercent from the dashboard
    for function in organization_stack.every(FUNCTION):
        assert "POWERTOOLS_SERVICE_NAME" not in function.inputs["environment"]["variables"]


def test_no_telegram_secret_without_chat_ids(standard_stack):
    assert standard_stack.all("aws:secretsmanager/secret:Secret") == []
    for function in standard_stack.every(FUNCTION):
        assert "TELEGRAM_SECRET_ARN" not in function.inputs["environment"]["variables"]


def test_the_environment_fits_lambdas_4_kb(organization_stack):
    for function in organization_stack.every(FUNCTION):
        variables = function.inputs["environment"]["variables"]
        assert sum(len(k) + len(v) for k, v in variables.items()) <= 4096, json.dumps(variables)[:200]
