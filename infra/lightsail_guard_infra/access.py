"""What each Lambda may touch: one entry per function of the workflow, least privilege.

Both the function's IAM policy (:mod:`.iam`) and its environment (:mod:`.lambdas`) are derived from
this table, so a function is never told about a resource it may not use, nor allowed one it is not told
about. A new function in ``lightsail_guard.workflow.FUNCTIONS`` must get an entry here to deploy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pulumi

from lightsail_guard.config import GuardConfig


class Grant(StrEnum):
    #: organizations:List* to resolve organizational units to accounts (PlanRun).
    RESOLVE_ORGANIZATIONAL_UNITS = "resolve-organizational-units"
    #: sts:AssumeRole on the member role in the guarded accounts.
    ASSUME_MEMBER_ROLE = "assume-member-role"
    #: Read and write the ledger (month-to-date usage, once-per-event rules, restarts).
    WRITE_LEDGER = "write-ledger"
    #: Read the ledger only (no function needs this alone today; kept for read-only additions).
    READ_LEDGER = "read-ledger"
    #: SNS, Telegram (its bot token secret) and EventBridge: every channel a notice goes out on.
    SEND_NOTIFICATIONS = "send-notifications"


def grants_of(key: str, config: GuardConfig) -> frozenset[Grant]:
    """The grants of function ``key`` under ``config``; KeyError for a function nobody has decided on."""
    uses_organizational_units = any(t.organizational_units for t in config.targets)
    table: dict[str, set[Grant]] = {
        "PlanRun": {Grant.RESOLVE_ORGANIZATIONAL_UNITS} if uses_organizational_units else set(),
        "ListInstances": {Grant.ASSUME_MEMBER_ROLE},
        "CheckInstance": {Grant.ASSUME_MEMBER_ROLE},
        "DecideTarget": {Grant.WRITE_LEDGER},
        "StopInstance": {Grant.ASSUME_MEMBER_ROLE},
        # Called only for restartNextMonth; without it the function exists but may enter no account.
        "StartInstance": {Grant.ASSUME_MEMBER_ROLE} if config.restart_next_month else set(),
        "Notify": {Grant.SEND_NOTIFICATIONS},
        # Reads the ledger for the report; records the stops and starts the workflow confirmed.
        "SummarizeRun": {Grant.SEND_NOTIFICATIONS, Grant.WRITE_LEDGER},
    }
    return frozenset(table[key])


@dataclass(frozen=True)
class HubResources:
    """The hub resources a function may be granted, by name and ARN."""

    ledger_table_name: pulumi.Input[str]
    ledger_table_arn: pulumi.Input[str]
    alert_topic_arn: pulumi.Input[str]
    event_bus_name: str
    event_bus_arn: str
    #: Only when telegramChatIds are configured.
    telegram_secret_arn: pulumi.Input[str] | None = None
