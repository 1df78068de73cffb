"""The workflow's Lambda functions: one log group, one role and one function per ``FUNCTIONS`` entry."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig
from lightsail_guard.runtime import CONFIG_VARIABLE
from lightsail_guard.workflow import FUNCTIONS, FunctionSpec

from .access import Grant, HubResources, grants_of
from .archive import code_archive
from .environment import AwsEnvironment
from .iam import function_policy, role_with_policy, service_trust
from .naming import physical_name
from .settings import DeploySettings

#: AWS's public Powertools V3 layer account (the same in every commercial region).
POWERTOOLS_LAYER_ACCOUNT = "017000801446"


@dataclass(frozen=True)
class DeployedFunction:
    spec: FunctionSpec
    function: aws.lambda_.Function
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup


def powertools_layer_arn(env: AwsEnvironment, config: GuardConfig, settings: DeploySettings) -> str:
    python = settings.lambda_runtime.replace(".", "")  # python3.12 -> python312
    layer = f"AWSLambdaPowertoolsPythonV3-{python}-{config.architecture}:{settings.powertools_layer_version}"
    return env.arn("lambda", f"layer:{layer}", account=POWERTOOLS_LAYER_ACCOUNT)


def function_environment(
    grants: frozenset[Grant], config: GuardConfig, hub: HubResources
) -> dict[str, pulumi.Input[str]]:
    """The variables ``lightsail_guard.runtime`` reads, limited to what this function may use.

    POWERTOOLS_SERVICE_NAME is deliberately absent: Powertools would add it as a ``service`` dimension
    to every metric, and the dashboard's SEARCH for {Account, Region, Instance} would find nothing.
    """
    variables: dict[str, pulumi.Input[str]] = {CONFIG_VARIABLE: config.to_json()}
    if grants & {Grant.WRITE_LEDGER, Grant.READ_LEDGER}:
        variables["LEDGER_TABLE"] = hub.ledger_table_name
    if Grant.SEND_NOTIFICATIONS in grants:
        variables["ALERT_TOPIC_ARN"] = hub.alert_topic_arn
        variables["EVENT_BUS_NAME"] = hub.event_bus_name
        if hub.telegram_secret_arn is not None:
            variables["TELEGRAM_SECRET_ARN"] = hub.telegram_secret_arn
    return variables


def deploy_functions(
    config: GuardConfig, settings: DeploySettings, env: AwsEnvironment, hub: HubResources
) -> dict[str, DeployedFunction]:
    """Key (``PlanRun``, ...) → the deployed function, in ``FUNCTIONS`` order."""
    archive = code_archive()
    layer = powertools_layer_arn(env, config, settings)
    deployed = {}
    for spec in FUNCTIONS:
        name = physical_name(spec.key)
        grants = grants_of(spec.key, config)
        # Created before the function, so Lambda never creates it itself with infinite retention.
        log_group = aws.cloudwatch.LogGroup(
            f"{spec.key}-logs", name=f"/aws/lambda/{name}", retention_in_days=config.log_retention_days
        )
        access = role_with_policy(
            f"{spec.key}-role",
            trust=service_trust("lambda.amazonaws.com"),
            policy=function_policy(grants, config=config, env=env, hub=hub, log_group_arn=log_group.arn),
            description=f"Lightsail Guard {spec.key}: {spec.description}",
        )
        function = aws.lambda_.Function(
            spec.key,
            name=name,
            description=f"Lightsail Guard: {spec.description}",
            runtime=settings.lambda_runtime,
            architectures=[config.architecture],
            handler=spec.handler,
            code=archive,
            layers=[layer],
            role=access.role.arn,
            timeout=spec.timeout_seconds,
            memory_size=spec.memory_mb,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables=function_environment(grants, config, hub)
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=log_group.name),
            opts=pulumi.ResourceOptions(depends_on=[access.policy]),
        )
        deployed[spec.key] = DeployedFunction(spec, function, access.role, log_group)
    return deployed
