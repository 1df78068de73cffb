"""IAM policy documents (plain dicts whose values may be Outputs) and the roles that carry them.

Every statement names its purpose in ``Sid``; resources are the exact ARNs the program created, wildcards
only where AWS requires them (each such place says why).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig

from .access import Grant, HubResources
from .environment import AwsEnvironment

Statement = dict[str, Any]


def statement(
    sid: str, actions: Sequence[str], resources: Any, condition: Mapping | None = None
) -> Statement:
    entry: Statement = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        entry["Condition"] = dict(condition)
    return entry


def document(statements: Iterable[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# -- trust ------------------------------------------------------------------------------------------


def service_trust(service: str, *, source_account: str | None = None) -> dict[str, Any]:
    """``service`` may assume the role; with ``source_account``, only on behalf of this account
    (confused-deputy protection, where the service supports the condition)."""
    trust: Statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account:
        trust["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return document([trust])


# -- what a Lambda may do ---------------------------------------------------------------------------


def write_own_logs(log_group_arn: pulumi.Input[str]) -> Statement:
    # Streams are created by Lambda inside the group: the group's ARN with ":*" covers exactly them.
    return statement(
        "WriteOwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        pulumi.Output.concat(log_group_arn, ":*"),
    )


def assume_member_role(config: GuardConfig, env: AwsEnvironment) -> list[Statement]:
    """sts:AssumeRole on the member role: by ARN for explicit accounts; for organizational units (whose
    accounts are only known at run time) any account's role of that name, inside our organization."""
    accounts = sorted({a for t in config.targets for a in t.accounts})
    statements = []
    if accounts:
        arns = [env.role_arn(a, config.member_role_name) for a in accounts]
        statements.append(statement("AssumeMemberRoleInListedAccounts", ["sts:AssumeRole"], arns))
    if any(t.organizational_units for t in config.targets):
        wildcard = env.role_arn("*", config.member_role_name)
        condition = {"StringEquals": {"aws:ResourceOrgID": env.organization.id}} if env.organization else None
        statements.append(
            statement("AssumeMemberRoleInOrganization", ["sts:AssumeRole"], [wildcard], condition)
        )
    return statements


def list_organizational_units(env: AwsEnvironment) -> Statement:
    """The two List* calls that walk an OU tree, limited to this organization's OUs and root."""
    if env.organization is None:
        raise ValueError("resolving organizational units needs the organization (looked up at deploy time)")
    org = env.organization
    owner = org.management_account_id
    resources = [
        env.arn("organizations", f"ou/{org.id}/*", region="", account=owner),
        env.arn("organizations", f"root/{org.id}/*", region="", account=owner),
    ]
    return statement(
        "ResolveOrganizationalUnits",
        ["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
        resources,
    )


def ledger_access(table_arn: pulumi.Input[str], *, write: bool) -> Statement:
    # The table has no secondary indexes: its own ARN is all there is to grant.
    if write:
        actions = [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "dynamodb:BatchWriteItem",
        ]
        return statement("ReadWriteLedger", actions, [table_arn])
    return statement("ReadLedger", ["dynamodb:GetItem", "dynamodb:Query"], [table_arn])


def send_notifications(hub: HubResources) -> list[Statement]:
    statements = [
        statement("PublishAlerts", ["sns:Publish"], [hub.alert_topic_arn]),
        statement("PutActionEvents", ["events:PutEvents"], [hub.event_bus_arn]),
    ]
    if hub.telegram_secret_arn is not None:
        statements.append(
            statement("ReadTelegramToken", ["secretsmanager:GetSecretValue"], [hub.telegram_secret_arn])
        )
    return statements


def function_policy(
    grants: frozenset[Grant],
    *,
    config: GuardConfig,
    env: AwsEnvironment,
    hub: HubResources,
    log_group_arn: pulumi.Input[str],
) -> dict[str, Any]:
    statements = [write_own_logs(log_group_arn)]
    if Grant.RESOLVE_ORGANIZATIONAL_UNITS in grants:
        statements.append(list_organizational_units(env))
    if Grant.ASSUME_MEMBER_ROLE in grants:
        statements.extend(assume_member_role(config, env))
    if Grant.WRITE_LEDGER in grants:
        statements.append(ledger_access(hub.ledger_table_arn, write=True))
    elif Grant.READ_LEDGER in grants:
        statements.append(ledger_access(hub.ledger_table_arn, write=False))
    if Grant.SEND_NOTIFICATIONS in grants:
        statements.extend(send_notifications(hub))
    return document(statements)


# -- roles ------------------------------------------------------------------------------------------


class RoleWithPolicy(NamedTuple):
    role: aws.iam.Role
    #: Depend on this, not only on the role, to use the role's permissions on first use.
    policy: aws.iam.RolePolicy


def role_with_policy(
    name: str, *, trust: Mapping[str, Any], policy: Mapping[str, Any], description: str
) -> RoleWithPolicy:
    """A role with one inline policy (no managed policies: nothing broader than ``policy``)."""
    role = aws.iam.Role(
        name,
        assume_role_policy=pulumi.Output.json_dumps(trust),
        description=description,
        max_session_duration=3600,
    )
    inline = aws.iam.RolePolicy(
        f"{name}-policy",
        role=role.name,
        policy=pulumi.Output.json_dumps(policy),
        opts=pulumi.ResourceOptions(parent=role),
    )
    return RoleWithPolicy(role, inline)
