"""Checks across the guard configuration, the deploy settings and the AWS environment: each problem
names its field and what is allowed."""

import pytest
from infra_scenarios import LISTED_ACCOUNTS, ORGANIZATION_GUARD

from lightsail_guard.config import ConfigError, load_config
from lightsail_guard_infra.environment import AwsEnvironment, Organization
from lightsail_guard_infra.preflight import problems_of, stack_name_problems
from lightsail_guard_infra.settings import load_deploy_settings

MANAGEMENT = "111111111111"
DELEGATED_ADMIN = "222222222222"
ORG = Organization(id="o-exampleorg1", management_account_id=MANAGEMENT, root_id="r-ab12")


def problems(
    guard: dict, deploy: dict | None = None, *, account: str = MANAGEMENT, token: bool = True
) -> list[str]:
    env = AwsEnvironment(account_id=account, region="eu-central-1", partition="aws", organization=ORG)
    return problems_of(load_config(guard), load_deploy_settings(deploy), env, has_telegram_token=token)


def test_the_example_organization_setup_has_no_problem():
    assert problems(ORGANIZATION_GUARD) == []


def test_a_retention_cloudwatch_logs_does_not_offer_is_named_with_the_allowed_values():
    with pytest.raises(ConfigError) as error:
        load_config({**ORGANIZATION_GUARD, "logRetentionDays": 10})
    (problem,) = error.value.problems
    assert problem.startswith(
        "logRetentionDays: must be one of the retentions CloudWatch Logs accepts: [1, 3, 5"
    )


def test_telegram_chats_without_a_bot_token_ask_for_the_secret():
    (problem,) = problems(ORGANIZATION_GUARD, token=False)
    assert problem.startswith("telegramBotToken: required when telegramChatIds is set")
    assert "pulumi config set --secret lightsail-guard:telegramBotToken" in problem


def test_a_configuration_too_big_for_the_lambda_environment_is_refused():
    names = {f"{n:012d}": "a fairly long account display name" for n in range(100)}
    guard = {
        **ORGANIZATION_GUARD,
        "targets": [{"accounts": list(names), "regions": ["eu-west-1"], "accountNames": names}],
    }
    (problem,) = problems(guard)
    assert problem.startswith("(whole configuration):") and "4 KB" in problem


def test_providers_mode_names_each_account_it_cannot_reach():
    guard = {**ORGANIZATION_GUARD, "memberRoleMode": "providers"}
    found = problems(guard, {"accounts": {LISTED_ACCOUNTS[0]: {}}})
    assert len(found) == 1
    assert found[0].startswith(
        f"targets.1.accounts: memberRoleMode providers creates the role in account {LISTED_ACCOUNTS[1]}"
    )


def test_providers_mode_reaches_the_deploying_account_without_an_entry():
    guard = {
        **ORGANIZATION_GUARD,
        "memberRoleMode": "providers",
        "targets": [{"accounts": [MANAGEMENT], "regions": ["eu-west-1"]}],
    }
    assert problems(guard) == []


def test_stackset_from_a_delegated_admin_needs_a_way_into_a_targeted_management_account():
    guard = {**ORGANIZATION_GUARD, "targets": [{"accounts": [MANAGEMENT], "regions": ["eu-west-1"]}]}
    (problem,) = problems(guard, account=DELEGATED_ADMIN)
    assert problem.startswith(f"deploy.accounts: the management account {MANAGEMENT} is a target")
    assert problems(guard, {"accounts": {MANAGEMENT: {}}}, account=DELEGATED_ADMIN) == []


def test_a_root_of_another_organization_is_refused():
    guard = {**ORGANIZATION_GUARD, "targets": [{"organizationalUnits": ["r-zz99"], "regions": ["eu-west-1"]}]}
    (problem,) = problems(guard)
    assert (
        problem
        == "targets.0.organizationalUnits: r-zz99 is not this organization's root; allowed: r-ab12 or an OU id"
    )


@pytest.mark.parametrize("stack", ["prod", "dev-eu-1", "a" * 26])
def test_short_stack_names_of_letters_digits_and_hyphens_are_fine(stack):
    assert stack_name_problems(stack) == []


@pytest.mark.parametrize("stack", ["prod_eu", "prod.eu", "a" * 27])
def test_a_stack_name_that_makes_names_invalid_or_too_long_is_refused(stack):
    (problem,) = stack_name_problems(stack)
    assert problem.startswith(f"(stack name): {stack!r} names the guard's resources")
    # 64 (Lambda and Scheduler names) - len("lightsail-guard-" + "-schedule-dead-letters") = 26
    assert problem.endswith("allowed: letters, digits and hyphens, at most 26 characters")
