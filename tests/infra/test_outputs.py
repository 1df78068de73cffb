"""The stack outputs: where to find the guard once it is deployed."""

from urllib.parse import unquote


def test_outputs_name_the_state_machine_topic_and_ledger(organization_stack):
    outputs = organization_stack.outputs
    assert (
        outputs["stateMachineArn"]
        == organization_stack.one("aws:sfn/stateMachine:StateMachine").outputs["arn"]
    )
    assert outputs["alertTopicArn"] == organization_stack.one("aws:sns/topic:Topic").outputs["arn"]
    assert outputs["ledgerTableName"] == organization_stack.one("aws:dynamodb/table:Table").outputs["name"]


def test_the_executions_url_opens_this_state_machine_in_the_hub_region(organization_stack):
    url = organization_stack.outputs["executionsConsoleUrl"]
    assert url.startswith(
        "https://eu-central-1.console.aws.amazon.com/states/home?region=eu-central-1#/statemachines/view/"
    )
    assert unquote(url.rsplit("/", 1)[1]) == organization_stack.outputs["stateMachineArn"]


def test_the_dashboard_url_opens_the_guard_dashboard(organization_stack):
    assert organization_stack.outputs["dashboardUrl"].endswith("#dashboards/dashboard/lightsail-guard-test")
