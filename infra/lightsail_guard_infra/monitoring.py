"""Watching the watcher: alarms when executions fail or cannot even start, and a dashboard of usage.

The dashboard's usage graph reads the ``UsagePercent`` metric CheckInstance emits (namespace
``LightsailGuard``, dimensions Account, Region, Instance) with a SEARCH expression, so instances appear
and disappear on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig

from .environment import AwsEnvironment
from .naming import physical_name

METRICS_NAMESPACE = "LightsailGuard"
USAGE_METRIC = "UsagePercent"
USAGE_SEARCH = (
    f"SEARCH('{{{METRICS_NAMESPACE},Account,Instance,Region}} MetricName=\"{USAGE_METRIC}\"', 'Maximum', 300)"
)
EXECUTION_METRICS = ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut")


@dataclass(frozen=True)
class DeployedMonitoring:
    alarms: list[aws.cloudwatch.MetricAlarm]
    dashboard: aws.cloudwatch.Dashboard


def failure_metrics(config: GuardConfig) -> list[str]:
    # An Express execution is cut at 5 minutes: a timeout is a failure to check. A Standard one has
    # no timeout in this definition, so it can only fail.
    return (
        ["ExecutionsFailed", "ExecutionsTimedOut"]
        if config.workflow_type == "EXPRESS"
        else ["ExecutionsFailed"]
    )


def execution_alarm(
    metric: str, state_machine: aws.sfn.StateMachine, topic: aws.sns.Topic
) -> aws.cloudwatch.MetricAlarm:
    return aws.cloudwatch.MetricAlarm(
        f"alarm-{metric}",
        name=physical_name(metric),
        alarm_description=f"Lightsail Guard: {metric} > 0. Open the state machine's executions to see why.",
        namespace="AWS/States",
        metric_name=metric,
        dimensions={"StateMachineArn": state_machine.arn},
        statistic="Sum",
        period=300,
        evaluation_periods=1,
        threshold=0,
        comparison_operator="GreaterThanThreshold",
        # No executions in a window is not an error (the DLQ alarm covers executions that never start).
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
    )


def dead_letter_alarm(queue: aws.sqs.Queue, topic: aws.sns.Topic) -> aws.cloudwatch.MetricAlarm:
    return aws.cloudwatch.MetricAlarm(
        "alarm-schedule-dead-letters",
        name=physical_name("schedule-dead-letters"),
        alarm_description="Lightsail Guard: a schedule could not start the state machine (see the queue).",
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimensions={"QueueName": queue.name},
        statistic="Maximum",
        period=300,
        evaluation_periods=1,
        threshold=0,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
    )


def dashboard_body(config: GuardConfig, env: AwsEnvironment, state_machine_arn: pulumi.Input[str]) -> dict:
    thresholds = [{"label": f"warn {w:g} %", "value": w} for w in config.warn_percents]
    thresholds.append(
        {"label": f"stop {config.stop_percent:g} %", "value": config.stop_percent, "color": "#d62728"}
    )
    return {
        "widgets": [
            {
                "type": "metric",
                "x": 0,
                "y": 0,
                "width": 24,
                "height": 9,
                "properties": {
                    "title": "Data transfer used, % of allowance (per instance)",
                    "region": env.region,
                    "view": "timeSeries",
                    "metrics": [[{"expression": USAGE_SEARCH, "id": "usage", "label": ""}]],
                    "yAxis": {"left": {"min": 0, "max": 110, "label": "%", "showUnits": False}},
                    "annotations": {"horizontal": thresholds},
                    "period": 300,
                },
            },
            {
                "type": "metric",
                "x": 0,
                "y": 9,
                "width": 24,
                "height": 6,
                "properties": {
                    "title": "Guard executions",
                    "region": env.region,
                    "view": "timeSeries",
                    "stat": "Sum",
                    "period": 300,
                    "metrics": [
                        ["AWS/States", metric, "StateMachineArn", state_machine_arn]
                        for metric in EXECUTION_METRICS
                    ],
                },
            },
        ]
    }


def deploy_monitoring(
    config: GuardConfig,
    env: AwsEnvironment,
    state_machine: aws.sfn.StateMachine,
    topic: aws.sns.Topic,
    dead_letter_queue: aws.sqs.Queue,
) -> DeployedMonitoring:
    alarms = [execution_alarm(metric, state_machine, topic) for metric in failure_metrics(config)]
    alarms.append(dead_letter_alarm(dead_letter_queue, topic))
    dashboard = aws.cloudwatch.Dashboard(
        "dashboard",
        dashboard_name=physical_name(),
        dashboard_body=pulumi.Output.json_dumps(dashboard_body(config, env, state_machine.arn)),
    )
    return DeployedMonitoring(alarms, dashboard)
