"""The example stack (Pulumi.prod.yaml) through the program's real entry point, under mocks: what
`pulumi up` would create for it."""

import pytest
import yaml
from infra_harness import ROOT, run_stack

from lightsail_guard.workflow import FUNCTION_KEYS


@pytest.fixture(scope="module")
def example_run():
    # Given Pulumi.prod.yaml plus the token `pulumi config set --secret` would add
    config = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"]
    return run_stack(config, secrets={"lightsail-guard:telegramBotToken": "123456:token"}, stack="prod")


def test_the_example_stack_deploys_and_lists_its_resources(example_run):
    # When the program runs as `pulumi up` runs it, then these resources are declared
    listing = sorted(f"{r.type}  {r.name}" for r in example_run.resources)
    print("\nResources for Pulumi.prod.yaml:\n  " + "\n  ".join(listing) + f"\n  ({len(listing)} resources)")
    assert len(example_run.all("aws:lambda/function:Function")) == len(FUNCTION_KEYS)
    assert len(example_run.all("aws:sfn/stateMachine:StateMachine")) == 1
    assert len(example_run.all("aws:scheduler/schedule:Schedule")) == 2


def test_the_example_stack_names_resources_after_the_stack(example_run):
    assert example_run.one("aws:sfn/stateMachine:StateMachine").inputs["name"] == "lightsail-guard-prod"
    assert example_run.one("aws:dynamodb/table:Table").inputs["name"] == "lightsail-guard-prod-ledger"


def test_the_example_stack_deploys_member_roles_with_a_stackset(example_run):
    instances = example_run.all("aws:cloudformation/stackSetInstance:StackSetInstance")
    assert {i.inputs["stackSetInstanceRegion"] for i in instances} == {"eu-central-1"}
    assert len(example_run.all("aws:cloudformation/stackSet:StackSet")) == 1
