"""Offline checks of IAM policy documents: every action names a real AWS operation (botocore's service
models), and parliament (IAM's own action/resource database) finds nothing wrong."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import botocore.session

#: IAM actions that authorize no API operation of their own name: action → why it is still right.
PERMISSION_ONLY_ACTIONS = {
    "lambda:InvokeFunction": "authorizes the Invoke API operation",
    "logs:CreateLogDelivery": "vended-log delivery set up by Step Functions (no public API)",
    "logs:GetLogDelivery": "vended-log delivery set up by Step Functions (no public API)",
    "logs:UpdateLogDelivery": "vended-log delivery set up by Step Functions (no public API)",
    "logs:DeleteLogDelivery": "vended-log delivery set up by Step Functions (no public API)",
    "logs:ListLogDeliveries": "vended-log delivery set up by Step Functions (no public API)",
}


#: IAM prefixes whose botocore service has another name (the model's signingName must still agree).
BOTOCORE_SERVICE_NAMES = {"states": "stepfunctions"}


@cache
def operations_of(prefix: str) -> frozenset[str]:
    """botocore's operation names for the IAM service prefix (the model's signing name)."""
    loader = botocore.session.get_session().get_component("data_loader")
    service = BOTOCORE_SERVICE_NAMES.get(prefix, prefix)
    if service not in loader.list_available_services("service-2"):
        return frozenset()
    model = loader.load_service_model(service, "service-2")
    metadata = model["metadata"]
    if (metadata.get("signingName") or metadata["endpointPrefix"]) != prefix:
        return frozenset()
    return frozenset(model["operations"])


def actions_of(policy: dict[str, Any]) -> list[str]:
    statements = policy["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    actions: list[str] = []
    for entry in statements:
        action = entry["Action"]
        actions.extend([action] if isinstance(action, str) else action)
    return actions


def unknown_actions(actions: Iterable[str]) -> list[str]:
    unknown = []
    for action in actions:
        if action in PERMISSION_ONLY_ACTIONS:
            continue
        prefix, _, name = action.partition(":")
        if name not in operations_of(prefix):
            unknown.append(action)
    return unknown


def parliament_findings(policy: dict[str, Any]) -> list[str]:
    from parliament import analyze_policy_string

    analyzed = analyze_policy_string(json.dumps(policy))
    return [f"{f.issue}: {f.detail} {f.location}" for f in analyzed.findings]
