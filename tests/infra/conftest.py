"""Infra tests: the Pulumi program under Pulumi's mocks, and its artifacts validated offline.

The program's package lives in infra/ (Pulumi runs it from there); the Lambda code in functions/.
Each scenario below runs the program once per session; tests assert on its recording.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT / "infra", ROOT / "functions", Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import pytest  # noqa: E402
from infra_harness import HUB_ACCOUNT, ProgramRun, run_program  # noqa: E402
from infra_scenarios import LISTED_ACCOUNTS, ORGANIZATION_GUARD, guard  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pulumi_aws warns at import time about its own deprecated resource types; the suite otherwise
    # turns every DeprecationWarning into an error (case C13), which must stay strict for our code.
    for item in items:
        if "tests/infra/" in str(item.fspath):
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:pulumi_aws"))
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:pulumi_aws.*"))


@pytest.fixture(scope="session")
def organization_stack() -> ProgramRun:
    """The default deployment: EXPRESS, arm64, stackset, deployed from the management account."""
    return run_program(ORGANIZATION_GUARD, telegram_bot_token="123456:token")


@pytest.fixture(scope="session")
def restarting_stack() -> ProgramRun:
    """restartNextMonth and an external id: StartInstance enters member accounts, the role may start."""
    return run_program(
        guard(restartNextMonth=True, externalId="guard-ext-id-42"), telegram_bot_token="123456:token"
    )


@pytest.fixture(scope="session")
def standard_stack() -> ProgramRun:
    """STANDARD workflow on x86_64, listed accounts only, e-mail only, existing member roles."""
    return run_program(
        {
            "targets": [{"accounts": LISTED_ACCOUNTS, "regions": ["eu-west-1"]}],
            "workflowType": "STANDARD",
            "architecture": "x86_64",
            "memberRoleMode": "existing",
            "notificationEmails": ["ops@example.com"],
            "checkIntervalMinutes": 1,
        },
        {"lambdaRuntime": "python3.13", "powertoolsLayerVersion": 30},
    )


@pytest.fixture(scope="session")
def providers_stack() -> ProgramRun:
    """memberRoleMode providers: the hub account itself plus one account reached through its admin role."""
    return run_program(
        {
            "targets": [{"accounts": [HUB_ACCOUNT, LISTED_ACCOUNTS[0]], "regions": ["eu-west-1"]}],
            "memberRoleMode": "providers",
        },
        {
            "accounts": {
                LISTED_ACCOUNTS[0]: {"adminRoleName": "OrganizationAccountAccessRole", "profile": "shop"}
            }
        },
    )
