"""The ledger: month-to-date usage per instance (also of instances deleted this month), once-per-event
rules and planned restarts. Items expire on their own (``expiresAt``) after the month they describe."""

from __future__ import annotations

import pulumi_aws as aws

from .naming import physical_name

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "expiresAt"


def ledger_table() -> aws.dynamodb.Table:
    return aws.dynamodb.Table(
        "ledger",
        name=physical_name("ledger"),
        # A few writes per instance per check: on-demand costs cents and never throttles a burst.
        billing_mode="PAY_PER_REQUEST",
        hash_key=PARTITION_KEY,
        range_key=SORT_KEY,
        attributes=[
            aws.dynamodb.TableAttributeArgs(name=PARTITION_KEY, type="S"),
            aws.dynamodb.TableAttributeArgs(name=SORT_KEY, type="S"),
        ],
        ttl=aws.dynamodb.TableTtlArgs(attribute_name=TTL_ATTRIBUTE, enabled=True),
        # The ledger is the memory of what was already used this month: losing it means under-counting.
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
        deletion_protection_enabled=False,
    )
