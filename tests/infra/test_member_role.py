"""The member role in every account: a service-managed StackSet (default), per-account providers, or
nothing (existing roles); always the template infra/member-role.yaml with the same parameters."""

from infra_harness import HUB_ACCOUNT, ROOT_ID, run_program
from infra_scenarios import LISTED_ACCOUNTS, WORKLOADS_OU, guard

from lightsail_guard_infra.member_role import TEMPLATE_FILE

STACK_SET = "aws:cloudformation/stackSet:StackSet"
INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance"
STACK = "aws:cloudformation/stack:Stack"
PROVIDER = "pulumi:providers:aws"


def role_arns(run, *keys: str) -> str:
    return ",".join(sorted(run.one("aws:iam/role:Role", f"{key}-role").outputs["arn"] for key in keys))


# -- stackset ----------------------------------------------------------------------------------------


def test_stackset_is_service_managed_auto_deployed_and_may_name_iam_roles(organization_stack):
    stack_set = organization_stack.one(STACK_SET).inputs
    assert stack_set["permissionModel"] == "SERVICE_MANAGED"
    assert stack_set["autoDeployment"] == {"enabled": True, "retainStacksOnAccountRemoval": False}
    assert stack_set["capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert stack_set["callAs"] == "SELF"


def test_stackset_deploys_the_template_file(organization_stack):
    assert organization_stack.one(STACK_SET).inputs["templateBody"] == TEMPLATE_FILE.read_text()


def test_stackset_trusts_exactly_the_roles_of_the_functions_that_enter_member_accounts(organization_stack):
    parameters = organization_stack.one(STACK_SET).inputs["parameters"]
    assert parameters == {
        "RoleName": "LightsailGuardMember",
        "HubRoleArns": role_arns(organization_stack, "ListInstances", "CheckInstance", "StopInstance"),
        "ExternalId": "",
        "AllowStart": "false",
    }


def test_with_restart_the_role_may_start_and_trusts_start_instance_and_the_external_id(restarting_stack):
    parameters = restarting_stack.one(STACK_SET).inputs["parameters"]
    assert parameters["AllowStart"] == "true"
    assert parameters["ExternalId"] == "guard-ext-id-42"
    assert parameters["HubRoleArns"] == role_arns(
        restarting_stack, "ListInstances", "CheckInstance", "StopInstance", "StartInstance"
    )


def test_organizational_units_get_the_role_in_one_region(organization_stack):
    instance = organization_stack.one(INSTANCE, "member-role-organizational-units").inputs
    assert instance["deploymentTargets"] == {"organizationalUnitIds": [WORKLOADS_OU]}
    assert instance["stackSetInstanceRegion"] == "eu-central-1"
    assert instance["stackSetName"] == organization_stack.one(STACK_SET).inputs["name"]


def test_listed_accounts_get_the_role_through_the_root_narrowed_to_them(organization_stack):
    instance = organization_stack.one(INSTANCE, "member-role-listed-accounts").inputs
    assert instance["deploymentTargets"] == {
        "organizationalUnitIds": [ROOT_ID],
        "accounts": sorted(LISTED_ACCOUNTS),
        "accountFilterType": "INTERSECTION",
    }
    assert instance["stackSetInstanceRegion"] == "eu-central-1"


def test_the_stackset_region_and_delegated_admin_are_configurable():
    run = run_program(
        guard(telegramChatIds=[]), {"stacksetRegion": "us-east-1", "stacksetCallAs": "DELEGATED_ADMIN"}
    )
    assert {i.inputs["stackSetInstanceRegion"] for i in run.all(INSTANCE)} == {"us-east-1"}
    assert {i.inputs["callAs"] for i in [*run.all(INSTANCE), run.one(STACK_SET)]} == {"DELEGATED_ADMIN"}


def test_no_management_account_stack_when_it_is_not_a_target(organization_stack):
    assert organization_stack.all(STACK) == []


def test_the_management_account_gets_the_role_directly_when_it_is_a_target():
    # Given the management account (where this stack runs) listed as a target
    run = run_program(
        guard(
            telegramChatIds=[],
            targets=[{"accounts": [HUB_ACCOUNT, LISTED_ACCOUNTS[0]], "regions": ["eu-west-1"]}],
        )
    )
    # Then StackSets skip it and a plain stack of the same template is created there, with the
    # deploying credentials; the StackSet instance covers the other account only
    stack = run.one(STACK)
    assert stack.name == f"member-role-{HUB_ACCOUNT}"
    assert stack.inputs["templateBody"] == TEMPLATE_FILE.read_text()
    assert stack.inputs["parameters"] == run.one(STACK_SET).inputs["parameters"]
    assert stack.provider_name is None
    assert run.one(INSTANCE).inputs["deploymentTargets"]["accounts"] == [LISTED_ACCOUNTS[0]]


def test_the_root_as_target_includes_the_management_account():
    run = run_program(
        guard(telegramChatIds=[], targets=[{"organizationalUnits": [ROOT_ID], "regions": ["eu-west-1"]}])
    )
    assert [s.name for s in run.all(STACK)] == [f"member-role-{HUB_ACCOUNT}"]


def test_from_a_delegated_admin_the_management_account_is_reached_through_its_admin_role():
    # Given the stack deployed from a delegated admin account, the management account being a target
    management = "111111111111"
    run = run_program(
        guard(telegramChatIds=[], targets=[{"accounts": [management], "regions": ["eu-west-1"]}]),
        {"stacksetCallAs": "DELEGATED_ADMIN", "accounts": {management: {}}},
        management_account=management,
    )
    # Then its role stack goes through a provider assuming OrganizationAccountAccessRole there
    provider = run.one(PROVIDER, f"account-{management}")
    assert provider.json_input("assumeRoles") == [
        {
            "roleArn": f"arn:aws:iam::{management}:role/OrganizationAccountAccessRole",
            "sessionName": "lightsail-guard-deploy",
        }
    ]
    assert run.one(STACK).provider_name == f"account-{management}"


# -- providers ---------------------------------------------------------------------------------------


def test_providers_mode_creates_no_stackset(providers_stack):
    assert providers_stack.all(STACK_SET) == [] and providers_stack.all(INSTANCE) == []


def test_providers_mode_creates_the_role_in_every_listed_account(providers_stack):
    assert sorted(s.name for s in providers_stack.all(STACK)) == sorted(
        f"member-role-{account}" for account in (HUB_ACCOUNT, LISTED_ACCOUNTS[0])
    )


def test_providers_mode_enters_other_accounts_with_their_admin_role_and_profile(providers_stack):
    provider = providers_stack.one(PROVIDER, f"account-{LISTED_ACCOUNTS[0]}")
    assert provider.json_input("assumeRoles") == [
        {
            "roleArn": f"arn:aws:iam::{LISTED_ACCOUNTS[0]}:role/OrganizationAccountAccessRole",
            "sessionName": "lightsail-guard-deploy",
        }
    ]
    assert (provider.inputs["profile"], provider.inputs["region"]) == ("shop", "eu-central-1")
    # The provider refuses to act if the role lands anywhere else
    assert provider.json_input("allowedAccountIds") == [LISTED_ACCOUNTS[0]]


def test_providers_mode_creates_each_accounts_role_through_that_accounts_provider(providers_stack):
    stack = providers_stack.one(STACK, f"member-role-{LISTED_ACCOUNTS[0]}")
    assert stack.provider_name == f"account-{LISTED_ACCOUNTS[0]}"


def test_providers_mode_uses_the_deploying_credentials_in_the_hub_account(providers_stack):
    assert [p.name for p in providers_stack.all(PROVIDER)] == [f"account-{LISTED_ACCOUNTS[0]}"]
    assert providers_stack.one(STACK, f"member-role-{HUB_ACCOUNT}").provider_name is None


def test_providers_mode_needs_no_organization(providers_stack):
    assert "aws:organizations/getOrganization:getOrganization" not in providers_stack.invokes


# -- existing ----------------------------------------------------------------------------------------


def test_existing_mode_creates_no_member_role(standard_stack):
    assert standard_stack.all(STACK_SET) == []
    assert standard_stack.all(STACK) == []
    assert standard_stack.all(PROVIDER) == []


def test_existing_mode_with_listed_accounts_needs_no_organization(standard_stack):
    assert "aws:organizations/getOrganization:getOrganization" not in standard_stack.invokes
