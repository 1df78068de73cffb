"""EventBridge Scheduler: the periodic check and the daily report, each starting the state machine.

A schedule that cannot start an execution retries briefly, then parks the event in a dead-letter queue
(which has its own alarm in :mod:`.monitoring`): a silent guard is the failure that costs money.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig

from .environment import AwsEnvironment
from .iam import document, role_with_policy, service_trust, statement
from .naming import physical_name

CHECK_INPUT = json.dumps({"mode": "check"})
REPORT_INPUT = json.dumps({"mode": "report"})
#: A report start that keeps failing for an hour is better re-sent by hand than delivered late.
REPORT_EVENT_AGE_SECONDS = 3600
#: Scheduler's limits for maximum_event_age_in_seconds.
MIN_EVENT_AGE_SECONDS, MAX_EVENT_AGE_SECONDS = 60, 86_400


@dataclass(frozen=True)
class DeployedSchedules:
    check: aws.scheduler.Schedule
    report: aws.scheduler.Schedule
    dead_letter_queue: aws.sqs.Queue
    role: aws.iam.Role


def check_expression(interval_minutes: int) -> str:
    unit = "minute" if interval_minutes == 1 else "minutes"  # Scheduler refuses "rate(1 minutes)"
    return f"rate({interval_minutes} {unit})"


def report_expression(report_time: str) -> str:
    """``HH:MM`` → ``cron(M H * * ? *)``; the time zone is the schedule's, not part of the cron."""
    hours, minutes = (int(part) for part in report_time.split(":"))
    return f"cron({minutes} {hours} * * ? *)"


def check_event_age_seconds(interval_minutes: int) -> int:
    # A check retried after the next one has started is worth nothing: retry within one interval.
    return max(MIN_EVENT_AGE_SECONDS, min(MAX_EVENT_AGE_SECONDS, interval_minutes * 60))


def deploy_schedules(
    config: GuardConfig, env: AwsEnvironment, state_machine: aws.sfn.StateMachine
) -> DeployedSchedules:
    dead_letter_queue = aws.sqs.Queue(
        "schedule-dead-letters",
        name=physical_name("schedule-dead-letters"),
        message_retention_seconds=14 * 24 * 3600,
        sqs_managed_sse_enabled=True,
    )
    access = role_with_policy(
        "scheduler-role",
        trust=service_trust("scheduler.amazonaws.com", source_account=env.account_id),
        policy=document(
            [
                statement("StartGuardExecutions", ["states:StartExecution"], [state_machine.arn]),
                # Scheduler delivers undeliverable events with the schedule's own role.
                statement("ParkFailedStarts", ["sqs:SendMessage"], [dead_letter_queue.arn]),
            ]
        ),
        description="Lightsail Guard schedules: start the state machine, park failed starts",
    )

    def target(payload: str, retries: int, event_age: int) -> aws.scheduler.ScheduleTargetArgs:
        return aws.scheduler.ScheduleTargetArgs(
            arn=state_machine.arn,
            role_arn=access.role.arn,
            input=payload,
            retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                maximum_retry_attempts=retries, maximum_event_age_in_seconds=event_age
            ),
            dead_letter_config=aws.scheduler.ScheduleTargetDeadLetterConfigArgs(arn=dead_letter_queue.arn),
        )

    depends = pulumi.ResourceOptions(depends_on=[access.policy])
    check = aws.scheduler.Schedule(
        "check-schedule",
        name=physical_name("check"),
        description=f"Lightsail Guard: check every {config.check_interval_minutes} minute(s)",
        schedule_expression=check_expression(config.check_interval_minutes),
        schedule_expression_timezone="UTC",
        flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
        target=target(CHECK_INPUT, 2, check_event_age_seconds(config.check_interval_minutes)),
        opts=depends,
    )
    report = aws.scheduler.Schedule(
        "report-schedule",
        name=physical_name("report"),
        description=f"Lightsail Guard: daily report at {config.report_time} {config.report_timezone}",
        schedule_expression=report_expression(config.report_time),
        schedule_expression_timezone=config.report_timezone,
        flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
        target=target(REPORT_INPUT, 5, REPORT_EVENT_AGE_SECONDS),
        opts=depends,
    )
    return DeployedSchedules(check, report, dead_letter_queue, access.role)
