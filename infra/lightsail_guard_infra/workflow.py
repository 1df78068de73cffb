"""The Step Functions state machine: the ASL file of ``statemachine/`` with the deployed ARNs filled in.

The definition stays a file; :func:`lightsail_guard.workflow.render_definition` substitutes the ARNs
(and refuses a missing or unknown one), so the definition deployed is the one the tests and the local
runner execute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig
from lightsail_guard.workflow import render_definition

from .environment import AwsEnvironment
from .iam import document, role_with_policy, service_trust, statement
from .naming import physical_name

#: The log-delivery actions Step Functions needs to set up logging. They act on no resource of ours,
#: so AWS documents them with Resource "*" ("IAM policies for logging to CloudWatch Logs").
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)


@dataclass(frozen=True)
class DeployedWorkflow:
    state_machine: aws.sfn.StateMachine
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup


def workflow_policy(function_arns: list[pulumi.Input[str]]) -> dict:
    # ":*" covers qualified invocations (versions, aliases) of exactly these functions.
    qualified = [pulumi.Output.concat(arn, ":*") for arn in function_arns]
    return document(
        [
            statement("InvokeGuardFunctions", ["lambda:InvokeFunction"], [*function_arns, *qualified]),
            statement("DeliverExecutionLogs", LOG_DELIVERY_ACTIONS, "*"),
        ]
    )


def deploy_workflow(
    config: GuardConfig, env: AwsEnvironment, function_arns: Mapping[str, pulumi.Output[str]]
) -> DeployedWorkflow:
    # /aws/vendedlogs/ keeps CloudWatch Logs' resource policy small (AWS's advice for vended logs).
    log_group = aws.cloudwatch.LogGroup(
        "workflow-logs",
        name=f"/aws/vendedlogs/states/{physical_name()}",
        retention_in_days=config.log_retention_days,
    )
    access = role_with_policy(
        "workflow-role",
        trust=service_trust("states.amazonaws.com", source_account=env.account_id),
        policy=workflow_policy(list(function_arns.values())),
        description="Lightsail Guard state machine: invokes the guard's functions, writes its logs",
    )
    definition = pulumi.Output.all(**function_arns).apply(lambda arns: render_definition(arns))
    express = config.workflow_type == "EXPRESS"
    state_machine = aws.sfn.StateMachine(
        "workflow",
        name=physical_name(),
        type=config.workflow_type,
        definition=definition,
        role_arn=access.role.arn,
        logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
            log_destination=pulumi.Output.concat(log_group.arn, ":*"),
            # Express executions are visible in the console only through these logs, so all of it;
            # Standard keeps its own execution history, so errors are enough there.
            level="ALL" if express else "ERROR",
            include_execution_data=True,
        ),
        opts=pulumi.ResourceOptions(depends_on=[access.policy]),
    )
    return DeployedWorkflow(state_machine, access.role, log_group)
