"""EventBridge Scheduler: the periodic check and the daily report start the state machine, retry
briefly and park what still fails in a dead-letter queue."""

import json

import pytest

from lightsail_guard_infra.schedules import check_expression, report_expression

SCHEDULE = "aws:scheduler/schedule:Schedule"


def test_check_runs_every_configured_interval_in_check_mode(organization_stack):
    # Given checkIntervalMinutes 5, when deployed, then the check schedule is a 5-minute rate
    check = organization_stack.one(SCHEDULE, "check-schedule").inputs
    assert check["scheduleExpression"] == "rate(5 minutes)"
    assert json.loads(check["target"]["input"]) == {"mode": "check"}


def test_a_one_minute_interval_is_written_the_way_scheduler_accepts_it(standard_stack):
    assert standard_stack.one(SCHEDULE, "check-schedule").inputs["scheduleExpression"] == "rate(1 minute)"


def test_report_runs_daily_at_the_report_time_in_the_report_time_zone(organization_stack):
    # Given reportTime 07:30 in Europe/Berlin, then a daily cron at 7:30 evaluated in that zone
    report = organization_stack.one(SCHEDULE, "report-schedule").inputs
    assert report["scheduleExpression"] == "cron(30 7 * * ? *)"
    assert report["scheduleExpressionTimezone"] == "Europe/Berlin"
    assert json.loads(report["target"]["input"]) == {"mode": "report"}


@pytest.mark.parametrize(
    ("report_time", "expected"),
    [("00:00", "cron(0 0 * * ? *)"), ("23:59", "cron(59 23 * * ? *)"), ("08:05", "cron(5 8 * * ? *)")],
)
def test_report_time_becomes_a_cron_without_leading_zeros(report_time, expected):
    assert report_expression(report_time) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(1, "rate(1 minute)"), (10, "rate(10 minutes)"), (60, "rate(60 minutes)")]
)
def test_check_interval_becomes_a_rate(minutes, expected):
    assert check_expression(minutes) == expected


@pytest.mark.parametrize("name", ["check-schedule", "report-schedule"])
def test_schedule_starts_this_state_machine_with_the_scheduler_role(organization_stack, name):
    target = organization_stack.one(SCHEDULE, name).inputs["target"]
    assert target["arn"] == organization_stack.one("aws:sfn/stateMachine:StateMachine").outputs["arn"]
    assert target["roleArn"] == organization_stack.one("aws:iam/role:Role", "scheduler-role").outputs["arn"]


@pytest.mark.parametrize("name", ["check-schedule", "report-schedule"])
def test_schedule_retries_then_parks_failures_in_the_dead_letter_queue(organization_stack, name):
    target = organization_stack.one(SCHEDULE, name).inputs["target"]
    queue = organization_stack.one("aws:sqs/queue:Queue")
    assert target["deadLetterConfig"] == {"arn": queue.outputs["arn"]}
    assert target["retryPolicy"]["maximumRetryAttempts"] >= 1
    assert 60 <= target["retryPolicy"]["maximumEventAgeInSeconds"] <= 86_400


def test_a_check_is_not_retried_past_the_next_check(organization_stack):
    retry = organization_stack.one(SCHEDULE, "check-schedule").inputs["target"]["retryPolicy"]
    assert retry["maximumEventAgeInSeconds"] == 5 * 60


def test_schedules_fire_on_time(organization_stack):
    for schedule in organization_stack.every(SCHEDULE):
        assert schedule.inputs["flexibleTimeWindow"] == {"mode": "OFF"}
