"""The whole deployment, wired: hub resources, functions, workflow, schedules, monitoring, member roles.

:func:`deploy` takes validated models and is what the tests run under Pulumi's mocks; :func:`main` is
what ``pulumi up`` runs (it reads the stack configuration first, so a bad value stops the preview).
"""

from __future__ import annotations

import pulumi

from lightsail_guard.config import GuardConfig

from .access import Grant, HubResources, grants_of
from .environment import look_up_environment
from .lambdas import deploy_functions
from .ledger import ledger_table
from .member_role import deploy_member_roles
from .monitoring import deploy_monitoring
from .notifications import notification_channels
from .preflight import check_deployable
from .schedules import deploy_schedules
from .settings import DeploySettings
from .stack_config import read_stack_inputs
from .workflow import deploy_workflow

#: Action events go to the account's default bus: rules there can forward them anywhere.
EVENT_BUS_NAME = "default"


def needs_organization(config: GuardConfig) -> bool:
    """Organizational units need the organization's id (IAM conditions) and a StackSet its root."""
    return config.member_role_mode == "stackset" or any(t.organizational_units for t in config.targets)


def deploy(
    config: GuardConfig,
    settings: DeploySettings,
    *,
    telegram_bot_token: pulumi.Input[str] | None = None,
) -> dict[str, pulumi.Output]:
    """Declare every resource; return the stack outputs."""
    env = look_up_environment(with_organization=needs_organization(config))
    check_deployable(config, settings, env, has_telegram_token=telegram_bot_token is not None)

    ledger = ledger_table()
    channels = notification_channels(config, telegram_bot_token)
    hub = HubResources(
        ledger_table_name=ledger.name,
        ledger_table_arn=ledger.arn,
        alert_topic_arn=channels.topic.arn,
        event_bus_name=EVENT_BUS_NAME,
        event_bus_arn=env.arn("events", f"event-bus/{EVENT_BUS_NAME}"),
        telegram_secret_arn=channels.telegram_secret.arn if channels.telegram_secret else None,
    )
    functions = deploy_functions(config, settings, env, hub)
    workflow = deploy_workflow(config, env, {key: f.function.arn for key, f in functions.items()})
    schedules = deploy_schedules(config, env, workflow.state_machine)
    monitoring = deploy_monitoring(
        config, env, workflow.state_machine, channels.topic, schedules.dead_letter_queue
    )
    member_role_users = [
        f.role.arn for key, f in functions.items() if Grant.ASSUME_MEMBER_ROLE in grants_of(key, config)
    ]
    deploy_member_roles(config, settings, env, member_role_users)

    return {
        "stateMachineArn": workflow.state_machine.arn,
        "alertTopicArn": channels.topic.arn,
        "ledgerTableName": ledger.name,
        "executionsConsoleUrl": workflow.state_machine.arn.apply(env.state_machine_console_url),
        "dashboardUrl": monitoring.dashboard.dashboard_name.apply(
            lambda name: env.console_url("cloudwatch/home?region={region}#dashboards/dashboard/" + name)
        ),
    }


def main() -> None:
    inputs = read_stack_inputs()
    outputs = deploy(inputs.guard, inputs.deploy, telegram_bot_token=inputs.telegram_bot_token)
    for name, value in outputs.items():
        pulumi.export(name, value)
