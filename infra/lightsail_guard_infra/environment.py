"""Where the hub is deployed: account, region, partition and (when needed) the organization.

Looked up once with the provider's data sources, then passed around as plain values so that every
ARN the program writes is built the same way and is partition-aware.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pulumi_aws as aws

#: Console host per partition (the AWS console is not at the same address everywhere).
_CONSOLE_HOSTS = {
    "aws": "console.aws.amazon.com",
    "aws-us-gov": "console.amazonaws-us-gov.com",
    "aws-cn": "console.amazonaws.cn",
}


@dataclass(frozen=True, slots=True)
class Organization:
    id: str
    management_account_id: str
    root_id: str


@dataclass(frozen=True, slots=True)
class AwsEnvironment:
    account_id: str
    region: str
    partition: str
    organization: Organization | None = None

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``, this hub's by default."""
        region = self.region if region is None else region
        account = self.account_id if account is None else account
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"

    def role_arn(self, account: str, role_name: str) -> str:
        return self.arn("iam", f"role/{role_name}", region="", account=account)

    def console_url(self, fragment: str) -> str:
        host = _CONSOLE_HOSTS.get(self.partition, _CONSOLE_HOSTS["aws"])
        return f"https://{self.region}.{host}/{fragment.format(region=self.region)}"

    def state_machine_console_url(self, state_machine_arn: str) -> str:
        return self.console_url(
            "states/home?region={region}#/statemachines/view/" + quote(state_machine_arn, safe="")
        )


def look_up_environment(*, with_organization: bool) -> AwsEnvironment:
    """The deploying credentials' account, region and partition; the organization only on request
    (a standalone account has none, and DescribeOrganization would fail there)."""
    identity = aws.get_caller_identity()
    region = aws.get_region()
    partition = aws.get_partition()
    organization = None
    if with_organization:
        found = aws.organizations.get_organization()
        organization = Organization(
            id=found.id, management_account_id=found.master_account_id, root_id=found.roots[0].id
        )
    return AwsEnvironment(
        account_id=identity.account_id,
        region=region.region,
        partition=partition.partition,
        organization=organization,
    )
