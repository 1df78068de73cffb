"""The member role in every guarded account, from one CloudFormation template (``infra/member-role.yaml``).

- ``stackset`` (default): a service-managed StackSet deploys the template to the target OUs (and to
  listed accounts), now and to every account that joins them later. StackSets never deploy to the
  management account, so there the template is deployed as a plain stack when it is a target.
- ``providers``: the template as a plain stack in each listed account, through a provider that assumes
  an administrator role there.
- ``existing``: nothing is created; the roles are the user's (they must match the template).

The same template everywhere means the permissions cannot drift between accounts or modes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig

from .environment import AwsEnvironment
from .naming import physical_name
from .settings import AccountAccess, DeploySettings

TEMPLATE_FILE = Path(__file__).resolve().parents[1] / "member-role.yaml"
CAPABILITIES = ["CAPABILITY_NAMED_IAM"]  # the role has a fixed name: the hub builds its ARN from it


@dataclass
class MemberRoles:
    stack_set: aws.cloudformation.StackSet | None = None
    stack_set_instances: list[aws.cloudformation.StackSetInstance] = field(default_factory=list)
    #: Account id → the template deployed as a plain stack there.
    direct_stacks: dict[str, aws.cloudformation.Stack] = field(default_factory=dict)


def template_body() -> str:
    return TEMPLATE_FILE.read_text()


def template_parameters(
    config: GuardConfig, hub_role_arns: list[pulumi.Output[str]]
) -> dict[str, pulumi.Input[str]]:
    return {
        "RoleName": config.member_role_name,
        "HubRoleArns": pulumi.Output.all(*hub_role_arns).apply(lambda arns: ",".join(sorted(arns))),
        "ExternalId": config.external_id or "",
        "AllowStart": "true" if config.restart_next_month else "false",
    }


def management_account_id(settings: DeploySettings, env: AwsEnvironment) -> str | None:
    if settings.management_account_id:
        return settings.management_account_id
    return env.organization.management_account_id if env.organization else None


def management_account_is_target(config: GuardConfig, settings: DeploySettings, env: AwsEnvironment) -> bool:
    """Listed explicitly, or inside a target that is the organization's root (the root holds it too)."""
    management = management_account_id(settings, env)
    root = env.organization.root_id if env.organization else None
    return any(management in t.accounts or (root and root in t.organizational_units) for t in config.targets)


def direct_stack(
    account: str,
    access: AccountAccess | None,
    env: AwsEnvironment,
    parameters: dict[str, pulumi.Input[str]],
) -> aws.cloudformation.Stack:
    """The template as a plain stack in ``account``: with the deploying credentials when that is the
    deploying account, else through a provider assuming ``access``'s administrator role there."""
    provider = None
    if account != env.account_id:
        if access is None:
            raise ValueError(f"no access configured for account {account} (checked by preflight before this)")
        provider = aws.Provider(
            f"account-{account}",
            region=env.region,
            profile=access.profile,
            allowed_account_ids=[account],
            assume_roles=[
                aws.ProviderAssumeRoleArgs(
                    role_arn=env.role_arn(account, access.admin_role_name),
                    session_name="lightsail-guard-deploy",
                )
            ],
        )
    return aws.cloudformation.Stack(
        f"member-role-{account}",
        name=physical_name("member-role"),
        template_body=template_body(),
        parameters=parameters,
        capabilities=CAPABILITIES,
        opts=pulumi.ResourceOptions(provider=provider),
    )


def stack_set_roles(
    config: GuardConfig,
    settings: DeploySettings,
    env: AwsEnvironment,
    parameters: dict[str, pulumi.Input[str]],
) -> MemberRoles:
    if env.organization is None:
        raise ValueError("stackset mode needs the organization (looked up at deploy time)")
    region = settings.stackset_region or env.region
    call_as = settings.stackset_call_as
    management = management_account_id(settings, env)
    stack_set = aws.cloudformation.StackSet(
        "member-role-stackset",
        name=physical_name("member-role"),
        description="Lightsail Guard member role (read Lightsail usage, stop instances over the allowance)",
        permission_model="SERVICE_MANAGED",
        # New accounts in a target OU get the role without a new `pulumi up`; leaving ones lose it.
        auto_deployment=aws.cloudformation.StackSetAutoDeploymentArgs(
            enabled=True, retain_stacks_on_account_removal=False
        ),
        capabilities=CAPABILITIES,
        call_as=call_as,
        template_body=template_body(),
        parameters=parameters,
        managed_execution=aws.cloudformation.StackSetManagedExecutionArgs(active=True),
        operation_preferences=aws.cloudformation.StackSetOperationPreferencesArgs(
            failure_tolerance_percentage=10, max_concurrent_percentage=50, region_concurrency_type="PARALLEL"
        ),
        # Service-managed StackSets report an administration role the program never sets.
        opts=pulumi.ResourceOptions(ignore_changes=["administration_role_arn"]),
    )
    roles = MemberRoles(stack_set=stack_set)
    organizational_units = sorted({ou for t in config.targets for ou in t.organizational_units})
    if organizational_units:
        roles.stack_set_instances.append(
            aws.cloudformation.StackSetInstance(
                "member-role-organizational-units",
                stack_set_name=stack_set.name,
                call_as=call_as,
                # One region is enough: IAM roles are global.
                stack_set_instance_region=region,
                deployment_targets=aws.cloudformation.StackSetInstanceDeploymentTargetsArgs(
                    organizational_unit_ids=organizational_units
                ),
                opts=pulumi.ResourceOptions(parent=stack_set),
            )
        )
    listed = sorted({a for t in config.targets for a in t.accounts} - {management})
    if listed:
        # Service-managed StackSets address accounts only through an OU: the root, narrowed to the list.
        roles.stack_set_instances.append(
            aws.cloudformation.StackSetInstance(
                "member-role-listed-accounts",
                stack_set_name=stack_set.name,
                call_as=call_as,
                stack_set_instance_region=region,
                deployment_targets=aws.cloudformation.StackSetInstanceDeploymentTargetsArgs(
                    organizational_unit_ids=[env.organization.root_id],
                    accounts=listed,
                    account_filter_type="INTERSECTION",
                ),
                opts=pulumi.ResourceOptions(parent=stack_set),
            )
        )
    if management and management_account_is_target(config, settings, env):
        roles.direct_stacks[management] = direct_stack(
            management, settings.accounts.get(management), env, parameters
        )
    return roles


def provider_roles(
    config: GuardConfig,
    settings: DeploySettings,
    env: AwsEnvironment,
    parameters: dict[str, pulumi.Input[str]],
) -> MemberRoles:
    accounts = sorted({a for t in config.targets for a in t.accounts} | set(settings.accounts))
    if any(t.organizational_units for t in config.targets):
        pulumi.log.warn(
            "memberRoleMode providers: accounts of organizational units get the member role only when "
            "listed in lightsail-guard:deploy accounts (OUs are resolved at run time, not at deploy time)"
        )
    roles = MemberRoles()
    for account in accounts:
        roles.direct_stacks[account] = direct_stack(account, settings.accounts.get(account), env, parameters)
    return roles


def deploy_member_roles(
    config: GuardConfig,
    settings: DeploySettings,
    env: AwsEnvironment,
    hub_role_arns: list[pulumi.Output[str]],
) -> MemberRoles:
    if config.member_role_mode == "existing":
        pulumi.log.info(
            f"memberRoleMode existing: no member roles created; each target account needs the role "
            f"{config.member_role_name} as defined by infra/member-role.yaml"
        )
        return MemberRoles()
    parameters = template_parameters(config, hub_role_arns)
    if config.member_role_mode == "providers":
        return provider_roles(config, settings, env, parameters)
    return stack_set_roles(config, settings, env, parameters)
