"""The state machine: the ASL file with exactly the deployed Lambda ARNs, logged, of the chosen type."""

import json

from lightsail_guard.workflow import FUNCTION_KEYS

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
FUNCTION = "aws:lambda/function:Function"


def task_function_names(states: dict) -> list[str]:
    """FunctionName of every Task, inside Map iterations and Parallel branches too."""
    names = []
    for state in states.values():
        if state["Type"] == "Task":
            names.append(state["Parameters"]["FunctionName"])
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            names += task_function_names(processor["States"])
        for branch in state.get("Branches", []):
            names += task_function_names(branch["States"])
    return names


def test_every_task_invokes_a_deployed_function_and_every_function_is_used(organization_stack):
    # Given the deployed functions' ARNs
    deployed = {r.outputs["arn"] for r in organization_stack.all(FUNCTION)}
    assert len(deployed) == len(FUNCTION_KEYS)
    # When the deployed definition is read as JSON
    definition = organization_stack.one(STATE_MACHINE).json_input("definition")
    names = task_function_names(definition["States"])
    # Then its Tasks call exactly those ARNs, each of them
    assert set(names) == deployed
    assert len(names) == len(FUNCTION_KEYS)


def test_no_placeholder_is_left_in_the_definition(organization_stack):
    assert "${" not in organization_stack.one(STATE_MACHINE).inputs["definition"]


def test_express_is_the_default_and_logs_everything_with_execution_data(organization_stack):
    # Given the default configuration, when deployed, then the console can show Express executions
    machine = organization_stack.one(STATE_MACHINE)
    assert machine.inputs["type"] == "EXPRESS"
    assert machine.inputs["loggingConfiguration"] == {
        "level": "ALL",
        "includeExecutionData": True,
        "logDestination": organization_stack.one("aws:cloudwatch/logGroup:LogGroup", "workflow-logs").outputs[
            "arn"
        ]
        + ":*",
    }


def test_the_workflow_log_group_keeps_logs_for_the_configured_retention(organization_stack):
    group = organization_stack.one("aws:cloudwatch/logGroup:LogGroup", "workflow-logs")
    assert group.inputs["retentionInDays"] == 14
    assert group.inputs["name"].startswith("/aws/vendedlogs/states/")


def test_standard_is_selectable_and_still_logs_errors(standard_stack):
    machine = standard_stack.one(STATE_MACHINE)
    assert machine.inputs["type"] == "STANDARD"
    assert machine.inputs["loggingConfiguration"]["level"] == "ERROR"


def test_the_definition_is_the_file_in_statemachine_with_arns_filled_in(organization_stack):
    # Given the ASL file and the deployed definition, when the ARNs are put back as placeholders,
    # then both documents are the same (nothing else was changed or generated)
    from lightsail_guard.workflow import definition_path

    deployed = organization_stack.one(STATE_MACHINE).inputs["definition"]
    for function in organization_stack.every(FUNCTION):
        deployed = deployed.replace(function.outputs["arn"], "${" + function.name + "FunctionArn}")
    assert json.loads(deployed) == json.loads(definition_path().read_text())
