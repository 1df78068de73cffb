"""Checks that need the guard's configuration, the deploy settings and the AWS environment together.

They run before any resource is declared, so ``pulumi preview`` stops with one ConfigError that lists
every problem by field, instead of AWS refusing a resource halfway through ``pulumi up``.
"""

from __future__ import annotations

import re

import pulumi

from lightsail_guard.config import ConfigError, GuardConfig
from lightsail_guard.workflow import FUNCTION_KEYS

from .environment import AwsEnvironment
from .member_role import management_account_id, management_account_is_target
from .naming import PRODUCT
from .settings import DeploySettings

SOURCE = "pulumi config lightsail-guard:guard / lightsail-guard:deploy"

# fmt: on

#: Lambda allows 4 KB of environment in all; the ARNs and names besides the configuration take < 512.
LAMBDA_ENVIRONMENT_BYTES = 4096
CONFIG_BUDGET_BYTES = LAMBDA_ENVIRONMENT_BYTES - 512


#: Lambda function and schedule names hold at most 64 characters; StackSet names only letters,
#: digits and hyphens. Every physical name is ``lightsail-guard-<stack>-<what>``.
NAME_LIMIT = 64
LONGEST_WHAT = max([*FUNCTION_KEYS, "schedule-dead-letters"], key=len)
STACK_NAME = re.compile(r"[A-Za-z0-9-]+")


def stack_name_problems(stack: str) -> list[str]:
    longest = len(f"{PRODUCT}-{stack}-{LONGEST_WHAT}")
    if not STACK_NAME.fullmatch(stack) or longest > NAME_LIMIT:
        room = NAME_LIMIT - len(f"{PRODUCT}--{LONGEST_WHAT}")
        return [
            f"(stack name): {stack!r} names the guard's resources (lightsail-guard-<stack>-...); "
            f"allowed: letters, digits and hyphens, at most {room} characters"
        ]
    return []


def problems_of(
    config: GuardConfig,
    settings: DeploySettings,
    env: AwsEnvironment,
    *,
    has_telegram_token: bool,
    stack: str = "prod",
) -> list[str]:
    problems = stack_name_problems(stack)
    if config.telegram_chat_ids and not has_telegram_token:
        problems.append(
            "telegramBotToken: required when telegramChatIds is set; "
            "run `pulumi config set --secret lightsail-guard:telegramBotToken <token>`"
        )
    size = len(config.to_json().encode())
    if size > CONFIG_BUDGET_BYTES:
        problems.append(
            f"(whole configuration): {size} bytes as JSON, but the Lambda environment holds 4 KB in all "
            f"(at most {CONFIG_BUDGET_BYTES} bytes for the configuration); shorten accountNames or target "
            "organizationalUnits instead of long account lists"
        )
    problems += _member_role_problems(config, settings, env)
    return problems


def _member_role_problems(config: GuardConfig, settings: DeploySettings, env: AwsEnvironment) -> list[str]:
    def unreachable(account: str) -> bool:
        return account != env.account_id and account not in settings.accounts

    problems = []
    if config.member_role_mode == "providers":
        for index, target in enumerate(config.targets):
            for account in target.accounts:
                if unreachable(account):
                    problems.append(
                        f"targets.{index}.accounts: memberRoleMode providers creates the role in account "
                        f"{account}, but deploy.accounts has no entry for it; allowed: add "
                        f'"{account}": {{"adminRoleName": "OrganizationAccountAccessRole"}} (or a profile)'
                    )
    elif config.member_role_mode == "stackset":
        root = env.organization.root_id if env.organization else None
        for index, target in enumerate(config.targets):
            for ou in target.organizational_units:
                if ou.startswith("r-") and ou != root:
                    problems.append(
                        f"targets.{index}.organizationalUnits: {ou} is not this organization's root; "
                        f"allowed: {root} or an OU id"
                    )
        management = management_account_id(settings, env)
        if management and management_account_is_target(config, settings, env) and unreachable(management):
            problems.append(
                f"deploy.accounts: the management account {management} is a target and StackSets never "
                f"deploy there, so Pulumi creates its role directly, but this stack runs in {env.account_id}; "
                f'allowed: run from the management account, or add "{management}": {{"adminRoleName": ...}}'
            )
    return problems


def check_deployable(
    config: GuardConfig, settings: DeploySettings, env: AwsEnvironment, *, has_telegram_token: bool
) -> None:
    problems = problems_of(
        config, settings, env, has_telegram_token=has_telegram_token, stack=pulumi.get_stack()
    )
    if problems:
        raise ConfigError(SOURCE, problems)
