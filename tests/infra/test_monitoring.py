"""Alarms that reach the topic when the guard fails, and the dashboard of usage and executions."""

import json

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def alarms_by_metric(run) -> dict[str, dict]:
    return {a.inputs["metricName"]: a.inputs for a in run.all(ALARM)}


def test_express_alarms_on_failed_and_timed_out_executions(organization_stack):
    alarms = alarms_by_metric(organization_stack)
    machine = organization_stack.one("aws:sfn/stateMachine:StateMachine").outputs["arn"]
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        assert alarms[metric]["namespace"] == "AWS/States"
        assert alarms[metric]["dimensions"] == {"StateMachineArn": machine}
        assert (alarms[metric]["comparisonOperator"], alarms[metric]["threshold"]) == (
            "GreaterThanThreshold",
            0,
        )


def test_standard_alarms_on_failed_executions_only(standard_stack):
    assert set(alarms_by_metric(standard_stack)) == {"ExecutionsFailed", "ApproximateNumberOfMessagesVisible"}


def test_a_schedule_that_cannot_start_the_workflow_raises_an_alarm(organization_stack):
    alarm = alarms_by_metric(organization_stack)["ApproximateNumberOfMessagesVisible"]
    assert alarm["dimensions"] == {"QueueName": organization_stack.one("aws:sqs/queue:Queue").outputs["name"]}


def test_every_alarm_notifies_the_alert_topic(organization_stack):
    topic = organization_stack.one("aws:sns/topic:Topic").outputs["arn"]
    alarms = organization_stack.all(ALARM)
    assert len(alarms) == 3
    assert all(a.inputs["alarmActions"] == [topic] for a in alarms)


def dashboard(run) -> dict:
    return run.one("aws:cloudwatch/dashboard:Dashboard").json_input("dashboardBody")


def test_dashboard_searches_usage_percent_by_account_region_and_instance(organization_stack):
    usage = dashboard(organization_stack)["widgets"][0]["properties"]
    (expression,) = [m[0]["expression"] for m in usage["metrics"]]
    assert expression == (
        "SEARCH('{LightsailGuard,Account,Instance,Region} MetricName=\"UsagePercent\"', 'Maximum', 300)"
    )


def test_dashboard_marks_the_warn_and_stop_lines(organization_stack):
    usage = dashboard(organization_stack)["widgets"][0]["properties"]
    assert [line["value"] for line in usage["annotations"]["horizontal"]] == [80.0, 90.0, 95.0]


def test_dashboard_counts_this_state_machines_executions(organization_stack):
    machine = organization_stack.one("aws:sfn/stateMachine:StateMachine").outputs["arn"]
    executions = dashboard(organization_stack)["widgets"][1]["properties"]["metrics"]
    assert {(m[0], m[1], m[3]) for m in executions} == {
        ("AWS/States", metric, machine)
        for metric in ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut")
    }


def test_dashboard_body_is_valid_json_with_a_region_per_widget(organization_stack):
    body = json.loads(organization_stack.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    assert all(w["properties"]["region"] == "eu-central-1" for w in body["widgets"])
