"""infra/member-role.yaml: valid CloudFormation (cfn-lint), and, evaluated for its parameters, a role
that only the hub's Lambda roles can assume and that can only read Lightsail and stop (or start)."""

import pytest
from cfn_template import TemplateEvaluation, load_template
from cfnlint.api import ManualArgs, lint
from code_calls import iam_actions_called
from iam_checks import parliament_findings, unknown_actions

from lightsail_guard_infra.member_role import TEMPLATE_FILE

HUB_ROLES = [
    "arn:aws:iam::999999999999:role/ListInstances-role-a1b2c3d",
    "arn:aws:iam::999999999999:role/CheckInstance-role-a1b2c3d",
]
ACCOUNT = "123456789012"
READ = ["lightsail:GetInstance", "lightsail:GetInstanceMetricData", "lightsail:GetInstances"]


def rendered(**parameters) -> dict[str, dict]:
    values = {"HubRoleArns": ",".join(HUB_ROLES), **parameters}
    return TemplateEvaluation(
        load_template(TEMPLATE_FILE), values, account=ACCOUNT, region="eu-central-1"
    ).resources()


def permission_policies(resources: dict) -> list[dict]:
    """Every policy document that ends up on the member role (inline, and extra RolePolicy resources)."""
    policies = [p["PolicyDocument"] for p in resources["MemberRole"]["Properties"]["Policies"]]
    policies += [
        r["Properties"]["PolicyDocument"] for r in resources.values() if r["Type"] == "AWS::IAM::RolePolicy"
    ]
    return policies


def allowed(resources: dict) -> dict[str, list]:
    """Action → resources it is allowed on."""
    found: dict[str, list] = {}
    for policy in permission_policies(resources):
        for entry in policy["Statement"]:
            assert entry["Effect"] == "Allow"
            actions = [entry["Action"]] if isinstance(entry["Action"], str) else entry["Action"]
            for action in actions:
                found.setdefault(action, []).append(entry["Resource"])
    return found


def test_cfn_lint_finds_no_error_or_warning_in_any_partition():
    # cfn-lint's defaults (errors and warnings, as its CLI reports them), in commercial and GovCloud regions
    regions = ["eu-central-1", "us-east-1", "ap-southeast-2", "us-gov-west-1"]
    matches = lint(TEMPLATE_FILE.read_text(), config=ManualArgs(regions=regions))
    assert [str(m) for m in matches] == []


def test_cfn_lint_does_report_a_broken_template():
    # Guards the test above against a linter that reports nothing
    broken = TEMPLATE_FILE.read_text().replace("Type: AWS::IAM::Role", "Type: AWS::IAM::Rolle")
    assert lint(broken, config=ManualArgs(regions=["eu-central-1"]))


def test_the_template_takes_the_parameters_the_program_passes():
    template = load_template(TEMPLATE_FILE)
    assert set(template["Parameters"]) == {"RoleName", "HubRoleArns", "ExternalId", "AllowStart"}
    assert set(template["Outputs"]) == {"RoleArn", "RoleName"}


def test_role_has_the_configured_name():
    assert rendered(RoleName="GuardRole")["MemberRole"]["Properties"]["RoleName"] == "GuardRole"


def test_only_the_hub_lambda_roles_may_assume_it_without_external_id():
    trust = rendered()["MemberRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Sid": "GuardHubOnly",
            "Effect": "Allow",
            "Principal": {"AWS": HUB_ROLES},
            "Action": "sts:AssumeRole",
        }
    ]


def test_with_an_external_id_the_hub_must_present_it():
    trust = rendered(ExternalId="guard-ext-id-42")["MemberRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": "guard-ext-id-42"}}
    assert trust["Statement"][0]["Principal"] == {"AWS": HUB_ROLES}


def test_without_allow_start_it_reads_and_stops_only():
    resources = rendered(AllowStart="false")
    assert allowed(resources) == {
        **{action: ["*"] for action in READ},
        "lightsail:StopInstance": [f"arn:aws:lightsail:*:{ACCOUNT}:Instance/*"],
    }
    assert "StartPolicy" not in resources


def test_with_allow_start_it_may_also_start_instances_of_its_own_account():
    assert allowed(rendered(AllowStart="true"))["lightsail:StartInstance"] == [
        f"arn:aws:lightsail:*:{ACCOUNT}:Instance/*"
    ]


def test_with_allow_start_the_role_grants_every_lightsail_call_of_the_gateway_and_nothing_more():
    # The gateway's calls are the whole of what the guard does in a member account
    assert set(allowed(rendered(AllowStart="true"))) == iam_actions_called("lightsail", "lightsail")


@pytest.mark.parametrize("allow_start", ["true", "false"])
def test_policies_pass_botocore_and_parliament(allow_start):
    policies = permission_policies(rendered(AllowStart=allow_start))
    actions = [
        a
        for p in policies
        for s in p["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    assert len(actions) >= 4
    assert unknown_actions(actions) == []
    assert [parliament_findings(p) for p in policies] == [[] for _ in policies]
