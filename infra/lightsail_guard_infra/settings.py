"""Deploy-only settings: what Pulumi needs to know that the Lambdas never do.

They live in ``lightsail-guard:deploy`` next to the guard's own configuration
(``lightsail-guard:guard``, a :class:`~lightsail_guard.config.GuardConfig`). Same conventions: camelCase
keys, unknown keys refused, every error names the field and what it allows (:class:`ConfigError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from lightsail_guard.config.model import (
    ROLE_NAME,
    AccountId,
    ConfigError,
    Region,
    describe_validation_error,
)

#: A recent AWSLambdaPowertoolsPythonV3 layer version (Powertools docs, layer table); raise it to upgrade.
DEFAULT_POWERTOOLS_LAYER_VERSION = 27

#: The role AWS Organizations creates in every account it creates: an administrator the management
#: account may assume. The usual way into a member account for ``providers`` mode.
ORGANIZATIONS_ADMIN_ROLE = "OrganizationAccountAccessRole"


def _role_name(value: str) -> str:
    if not ROLE_NAME.fullmatch(value):
        raise ValueError(
            f"{value!r} is not valid; allowed: an IAM role name: 1-64 of letters, digits and +=,.@_-"
        )
    return value


RoleName = Annotated[str, AfterValidator(_role_name)]


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, validate_default=True
    )


class AccountAccess(_Model):
    """How Pulumi gets into one member account to create the member role there."""

    #: An administrator role in that account, assumed from the deploying credentials.
    admin_role_name: RoleName = ORGANIZATIONS_ADMIN_ROLE
    #: An AWS CLI profile to use instead of the deploying credentials (the role is assumed from it).
    profile: str | None = Field(None, min_length=1, max_length=128)


class DeploySettings(_Model):
    """Everything about *how* the guard is deployed that the guard itself never reads."""

    #: Version of AWS's public Powertools V3 layer (it also carries pydantic v2, which the code needs).
    powertools_layer_version: int = Field(DEFAULT_POWERTOOLS_LAYER_VERSION, ge=1, le=10_000)
    lambda_runtime: Literal["python3.12", "python3.13"] = "python3.12"
    #: The one region the member-role StackSet deploys to (IAM is global); default: the hub's region.
    stackset_region: Region | None = None
    #: SELF when deploying from the management account, DELEGATED_ADMIN from a StackSets delegated admin.
    stackset_call_as: Literal["SELF", "DELEGATED_ADMIN"] = "SELF"
    #: The organization's management account; default: looked up with DescribeOrganization.
    management_account_id: AccountId | None = None
    #: Member accounts Pulumi creates the role in directly (``providers`` mode, and the management
    #: account in ``stackset`` mode when the stack is deployed from another account).
    accounts: dict[AccountId, AccountAccess] = Field(default_factory=dict)


def load_deploy_settings(raw: Mapping[str, Any] | None, *, source: str = "deploy settings") -> DeploySettings:
    """Validate ``raw`` (``None`` means all defaults) into :class:`DeploySettings` or raise ConfigError."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(source, [f"(top level): expected an object, got {type(raw).__name__}"])
    try:
        return DeploySettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, describe_validation_error(exc)) from None
