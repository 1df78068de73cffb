"""Every IAM policy the program writes: exact actions and resources per role, least privilege, and every
action a real AWS operation (botocore's service models) with resources of the right type (parliament)."""

import pytest
from code_calls import iam_actions_called
from iam_checks import actions_of, parliament_findings, unknown_actions
from infra_harness import HUB_ACCOUNT, ORGANIZATION_ID
from infra_scenarios import LISTED_ACCOUNTS

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MEMBER_ROLE = "LightsailGuardMember"
REGION = "eu-central-1"


def policy_of(run, role_name: str) -> dict:
    return run.one(ROLE_POLICY, f"{role_name}-policy").json_input("policy")


def grants(run, role_name: str) -> dict[str, tuple]:
    """Sid → (actions, resources, condition) of a role's inline policy."""
    found = {}
    for entry in policy_of(run, role_name)["Statement"]:
        assert entry["Effect"] == "Allow"
        resources = entry["Resource"] if isinstance(entry["Resource"], list) else [entry["Resource"]]
        found[entry["Sid"]] = (sorted(entry["Action"]), sorted(resources), entry.get("Condition"))
    return found


def arn_of(run, typ: str, name: str | None = None) -> str:
    return run.one(typ, name).outputs["arn"]


def own_logs(run, key: str) -> tuple:
    group = arn_of(run, "aws:cloudwatch/logGroup:LogGroup", f"{key}-logs")
    return (["logs:CreateLogStream", "logs:PutLogEvents"], [f"{group}:*"], None)


def member_role_statements(*, organization: bool = True) -> dict[str, tuple]:
    listed = sorted(f"arn:aws:iam::{account}:role/{MEMBER_ROLE}" for account in LISTED_ACCOUNTS)
    statements = {"AssumeMemberRoleInListedAccounts": (["sts:AssumeRole"], listed, None)}
    if organization:
        statements["AssumeMemberRoleInOrganization"] = (
            ["sts:AssumeRole"],
            [f"arn:aws:iam::*:role/{MEMBER_ROLE}"],
            {"StringEquals": {"aws:ResourceOrgID": ORGANIZATION_ID}},
        )
    return statements


# -- the Lambdas -------------------------------------------------------------------------------------


def test_plan_run_may_only_walk_this_organizations_units(organization_stack):
    assert grants(organization_stack, "PlanRun-role") == {
        "WriteOwnLogs": own_logs(organization_stack, "PlanRun"),
        "ResolveOrganizationalUnits": (
            ["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
            [
                f"arn:aws:organizations::{HUB_ACCOUNT}:ou/{ORGANIZATION_ID}/*",
                f"arn:aws:organizations::{HUB_ACCOUNT}:root/{ORGANIZATION_ID}/*",
            ],
            None,
        ),
    }


def test_plan_run_gets_no_organizations_access_without_organizational_units(standard_stack):
    assert grants(standard_stack, "PlanRun-role") == {"WriteOwnLogs": own_logs(standard_stack, "PlanRun")}


@pytest.mark.parametrize("key", ["ListInstances", "CheckInstance", "StopInstance"])
def test_member_account_functions_may_only_assume_the_member_role(organization_stack, key):
    assert grants(organization_stack, f"{key}-role") == {
        "WriteOwnLogs": own_logs(organization_stack, key),
        **member_role_statements(),
    }


def test_listed_accounts_only_means_no_organization_wide_wildcard(standard_stack):
    assert grants(standard_stack, "ListInstances-role") == {
        "WriteOwnLogs": own_logs(standard_stack, "ListInstances"),
        **member_role_statements(organization=False),
    }


def test_start_instance_may_enter_no_account_without_restart_next_month(organization_stack):
    assert grants(organization_stack, "StartInstance-role") == {
        "WriteOwnLogs": own_logs(organization_stack, "StartInstance")
    }


def test_start_instance_may_assume_the_member_role_with_restart_next_month(restarting_stack):
    assert grants(restarting_stack, "StartInstance-role") == {
        "WriteOwnLogs": own_logs(restarting_stack, "StartInstance"),
        **member_role_statements(),
    }


def ledger_read_write(run) -> tuple:
    actions = [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "dynamodb:BatchWriteItem",
    ]
    return (sorted(actions), [arn_of(run, "aws:dynamodb/table:Table")], None)


def test_decide_target_reads_and_writes_the_ledger_and_nothing_else(organization_stack):
    assert grants(organization_stack, "DecideTarget-role") == {
        "WriteOwnLogs": own_logs(organization_stack, "DecideTarget"),
        "ReadWriteLedger": ledger_read_write(organization_stack),
    }


def notification_statements(run) -> dict[str, tuple]:
    return {
        "PublishAlerts": (["sns:Publish"], [arn_of(run, "aws:sns/topic:Topic")], None),
        "PutActionEvents": (
            ["events:PutEvents"],
            [f"arn:aws:events:{REGION}:{HUB_ACCOUNT}:event-bus/default"],
            None,
        ),
        "ReadTelegramToken": (
            ["secretsmanager:GetSecretValue"],
            [arn_of(run, "aws:secretsmanager/secret:Secret")],
            None,
        ),
    }


def test_notify_may_publish_put_events_and_read_the_telegram_token(organization_stack):
    assert grants(organization_stack, "Notify-role") == {
        "WriteOwnLogs": own_logs(organization_stack, "Notify"),
        **notification_statements(organization_stack),
    }


def test_summarize_run_may_notify_and_use_the_ledger(organization_stack):
    """It reads the ledger for the report and records the stops and starts the workflow confirmed."""
    assert grants(organization_stack, "SummarizeRun-role") == {
        "WriteOwnLogs": own_logs(organization_stack, "SummarizeRun"),
        **notification_statements(organization_stack),
        "ReadWriteLedger": ledger_read_write(organization_stack),
    }


def test_no_secret_access_without_telegram(standard_stack):
    assert "ReadTelegramToken" not in grants(standard_stack, "Notify-role")


def test_every_function_role_is_assumable_by_lambda_only(organization_stack):
    from lightsail_guard.workflow import FUNCTION_KEYS

    for key in FUNCTION_KEYS:
        trust = organization_stack.one(ROLE, f"{key}-role").json_input("assumeRolePolicy")
        assert trust["Statement"] == [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]


def test_each_policy_is_attached_to_its_own_role_and_no_managed_policy_is(organization_stack):
    for policy in organization_stack.every(ROLE_POLICY):
        role = organization_stack.one(ROLE, policy.name.removesuffix("-policy"))
        assert policy.inputs["role"] == role.outputs["name"]
    assert organization_stack.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []


# -- the state machine and the schedules ----------------------------------------------------------


def test_state_machine_may_invoke_exactly_the_deployed_functions_and_deliver_logs(organization_stack):
    functions = [f.outputs["arn"] for f in organization_stack.all("aws:lambda/function:Function")]
    found = grants(organization_stack, "workflow-role")
    assert found["InvokeGuardFunctions"] == (
        ["lambda:InvokeFunction"],
        sorted(functions + [f"{arn}:*" for arn in functions]),
        None,
    )
    # Log delivery acts on no resource of ours: AWS documents these actions with "*".
    assert found["DeliverExecutionLogs"][1] == ["*"]
    assert set(found) == {"InvokeGuardFunctions", "DeliverExecutionLogs"}


def test_state_machine_role_trusts_step_functions_of_this_account_only(organization_stack):
    trust = organization_stack.one(ROLE, "workflow-role").json_input("assumeRolePolicy")
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": HUB_ACCOUNT}},
        }
    ]


def test_scheduler_may_only_start_this_state_machine_and_park_failures(organization_stack):
    assert grants(organization_stack, "scheduler-role") == {
        "StartGuardExecutions": (
            ["states:StartExecution"],
            [arn_of(organization_stack, "aws:sfn/stateMachine:StateMachine")],
            None,
        ),
        "ParkFailedStarts": (["sqs:SendMessage"], [arn_of(organization_stack, "aws:sqs/queue:Queue")], None),
    }


def test_scheduler_role_trusts_eventbridge_scheduler_of_this_account_only(organization_stack):
    trust = organization_stack.one(ROLE, "scheduler-role").json_input("assumeRolePolicy")
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": HUB_ACCOUNT}}


# -- validity against AWS's own definitions ----------------------------------------------------------

SCENARIOS = ["organization_stack", "restarting_stack", "standard_stack", "providers_stack"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_action_is_an_existing_aws_operation(scenario, request):
    run = request.getfixturevalue(scenario)
    policies = [p.json_input("policy") for p in run.all(ROLE_POLICY)]
    policies += [r.json_input("assumeRolePolicy") for r in run.all(ROLE)]
    actions = sorted({a for policy in policies for a in actions_of(policy)})
    assert len(actions) > 10  # the check ran over the real policies
    assert unknown_actions(actions) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_parliament_finds_nothing_in_any_permission_policy(scenario, request):
    run = request.getfixturevalue(scenario)
    policies = {p.name: p.json_input("policy") for p in run.all(ROLE_POLICY)}
    assert len(policies) >= 9
    assert {name: parliament_findings(policy) for name, policy in policies.items()} == {
        name: [] for name in policies
    }


def test_the_action_checker_refuses_a_made_up_action():
    # Guards the two tests above against a checker that accepts everything
    assert unknown_actions(["lightsail:GetInstanz", "lightsail:GetInstances"]) == ["lightsail:GetInstanz"]


# -- in step with the code ---------------------------------------------------------------------------


def test_ledger_writer_is_granted_every_dynamodb_call_of_the_ledger_adapter(organization_stack):
    granted = set(grants(organization_stack, "DecideTarget-role")["ReadWriteLedger"][0])
    assert iam_actions_called("ledger", "dynamodb") <= granted


def test_plan_run_is_granted_exactly_the_organizations_calls_of_its_adapter(organization_stack):
    granted = set(grants(organization_stack, "PlanRun-role")["ResolveOrganizationalUnits"][0])
    assert iam_actions_called("organizations", "organizations") == granted


def test_notifiers_are_granted_every_sns_call_of_the_sns_adapter(organization_stack):
    granted = set(grants(organization_stack, "Notify-role")["PublishAlerts"][0])
    assert iam_actions_called("sns", "sns") <= granted
