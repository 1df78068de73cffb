"""Runs the Pulumi program under mocks and records every resource and its resolved inputs.

Assertions are made on the recording *after* the run, never inside an ``apply``: an ``apply`` that
never resolves would pass silently. ``pulumi.runtime.test`` waits for every outstanding registration,
so when :func:`run_program` returns, every resource the program declared is in ``resources`` with its
inputs fully resolved (ARNs of other resources included).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

ROOT = Path(__file__).resolve().parents[2]
HUB_ACCOUNT = "999999999999"
HUB_REGION = "eu-central-1"
ORGANIZATION_ID = "o-exampleorg1"
ROOT_ID = "r-ab12"


@dataclass(frozen=True)
class Recorded:
    type: str
    name: str
    inputs: dict[str, Any]
    provider: str | None
    outputs: dict[str, Any]

    def json_input(self, key: str) -> Any:
        """An input that travels as a JSON string (policies, definitions; every provider setting)."""
        return json.loads(self.inputs[key])

    @property
    def provider_name(self) -> str | None:
        """The explicit provider's resource name; ``None`` for the default provider."""
        return self.provider.split("::")[-2] if self.provider else None


class RecordingMocks(pulumi.runtime.Mocks):
    """Answers like AWS would (names, ARNs) and records what the program asked for."""

    def __init__(self, *, account: str, region: str, management_account: str) -> None:
        self.account = account
        self.region = region
        self.management_account = management_account
        self.resources: list[Recorded] = []
        self.invokes: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        outputs = dict(args.inputs)
        name = outputs.get("name") or outputs.get("dashboardName") or f"{args.name}-a1b2c3d"
        if args.typ.startswith("aws:") and "name" not in outputs and args.typ != "pulumi:providers:aws":
            outputs["name"] = name
        arn = self._arn(args.typ, name)
        if arn:
            outputs["arn"] = arn
        if args.typ == "aws:sqs/queue:Queue":
            outputs["url"] = f"https://sqs.{self.region}.amazonaws.com/{self.account}/{name}"
        self.resources.append(Recorded(args.typ, args.name, dict(args.inputs), args.provider, outputs))
        return f"{name}-id", outputs

    def _arn(self, typ: str, name: str) -> str | None:
        head = f"arn:aws:{{}}:{self.region}:{self.account}:"
        return {
            "aws:iam/role:Role": f"arn:aws:iam::{self.account}:role/{name}",
            "aws:lambda/function:Function": head.format("lambda") + f"function:{name}",
            "aws:cloudwatch/logGroup:LogGroup": head.format("logs") + f"log-group:{name}",
            "aws:sfn/stateMachine:StateMachine": head.format("states") + f"stateMachine:{name}",
            "aws:sns/topic:Topic": head.format("sns") + name,
            "aws:dynamodb/table:Table": head.format("dynamodb") + f"table/{name}",
            "aws:sqs/queue:Queue": head.format("sqs") + name,
            "aws:secretsmanager/secret:Secret": head.format("secretsmanager") + f"secret:{name}-AbCdEf",
            "aws:scheduler/schedule:Schedule": head.format("scheduler") + f"schedule/default/{name}",
            "aws:cloudformation/stackSet:StackSet": head.format("cloudformation") + f"stackset/{name}:uuid",
        }.get(typ)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list]:
        self.invokes.append(args.token)
        answers = {
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "accountId": self.account,
                "arn": f"arn:aws:iam::{self.account}:user/deployer",
                "userId": "AIDAEXAMPLE",
                "id": self.account,
            },
            "aws:index/getRegion:getRegion": {
                "region": self.region,
                "name": self.region,
                "id": self.region,
                "endpoint": f"ec2.{self.region}.amazonaws.com",
                "description": "Europe",
            },
            "aws:index/getPartition:getPartition": {
                "partition": "aws",
                "dnsSuffix": "amazonaws.com",
                "id": "aws",
                "reverseDnsPrefix": "com.amazonaws",
            },
            "aws:organizations/getOrganization:getOrganization": {
                "id": ORGANIZATION_ID,
                "arn": f"arn:aws:organizations::{self.management_account}:organization/{ORGANIZATION_ID}",
                "masterAccountId": self.management_account,
                "masterAccountArn": f"arn:aws:organizations::{self.management_account}:account/{ORGANIZATION_ID}/{self.management_account}",
                "masterAccountEmail": "root@example.com",
                "masterAccountName": "management",
                "featureSet": "ALL",
                "roots": [
                    {
                        "id": ROOT_ID,
                        "arn": f"arn:aws:organizations::{self.management_account}:root/{ORGANIZATION_ID}/{ROOT_ID}",
                        "name": "Root",
                        "policyTypes": [],
                    }
                ],
                "accounts": [],
                "nonMasterAccounts": [],
                "awsServiceAccessPrincipals": [],
                "enabledPolicyTypes": [],
            },
        }
        if args.token not in answers:
            raise NotImplementedError(f"the mocks do not answer {args.token}: add it to RecordingMocks.call")
        return answers[args.token], []


@dataclass
class ProgramRun:
    resources: list[Recorded]
    outputs: dict[str, Any] = field(default_factory=dict)
    invokes: list[str] = field(default_factory=list)

    def all(self, typ: str) -> list[Recorded]:
        return [r for r in self.resources if r.type == typ]

    def every(self, typ: str) -> list[Recorded]:
        """Like :meth:`all`, for loops: an empty list would let the loop's assertions pass unrun."""
        found = self.all(typ)
        assert found, f"no {typ} was declared"
        return found

    def one(self, typ: str, name: str | None = None) -> Recorded:
        found = [r for r in self.all(typ) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {typ} {name or ''}, found {[r.name for r in found]}"
        return found[0]

    def by_name(self, name: str) -> Recorded:
        found = [r for r in self.resources if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, found {len(found)}"
        return found[0]


def install_mocks(
    *,
    account: str = HUB_ACCOUNT,
    region: str = HUB_REGION,
    management_account: str = HUB_ACCOUNT,
    stack: str = "test",
) -> RecordingMocks:
    mocks = RecordingMocks(account=account, region=region, management_account=management_account)
    pulumi.runtime.set_mocks(mocks, project="lightsail-guard", stack=stack, preview=False)
    return mocks


def run_program(
    guard: Mapping[str, Any],
    deploy: Mapping[str, Any] | None = None,
    *,
    telegram_bot_token: str | None = None,
    **environment: str,
) -> ProgramRun:
    """Validate ``guard``/``deploy`` like the stack does, run :func:`deploy` under fresh mocks, and
    return the recording plus the resolved stack outputs."""
    mocks = install_mocks(**environment)
    # Imported after the mocks are installed, as Pulumi's testing guide asks.
    from lightsail_guard.config import load_config
    from lightsail_guard_infra.program import deploy as deploy_program
    from lightsail_guard_infra.settings import load_deploy_settings

    config = load_config(dict(guard), source="test guard config")
    settings = load_deploy_settings(dict(deploy or {}), source="test deploy settings")
    run = ProgramRun(resources=mocks.resources, invokes=mocks.invokes)

    @pulumi.runtime.test
    def program() -> pulumi.Output:
        outputs = deploy_program(config, settings, telegram_bot_token=telegram_bot_token)
        return pulumi.Output.all(**outputs).apply(run.outputs.update)

    program()
    return run


def run_stack(
    config: Mapping[str, Any], *, secrets: Mapping[str, str] | None = None, **environment: str
) -> ProgramRun:
    """Run the program the way `pulumi up` does: from stack configuration (``namespace:key`` → value,
    structured values as the CLI passes them, JSON), through ``program.main``. The hub region is the
    stack's ``aws:region``. No outputs: main exports them to the stack."""
    if "aws:region" in config:
        environment.setdefault("region", config["aws:region"])
    mocks = install_mocks(**environment)
    from lightsail_guard_infra import program

    values = {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}
    values.update(secrets or {})
    pulumi.runtime.set_all_config(values, list(secrets or {}))

    @pulumi.runtime.test
    def stack() -> None:
        program.main()

    try:
        stack()
    finally:
        pulumi.runtime.set_all_config({})
    return ProgramRun(resources=mocks.resources, invokes=mocks.invokes)
