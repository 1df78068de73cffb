"""What STS checks before it hands out credentials, on top of moto.

moto's AssumeRole succeeds for any role ARN, even one that does not exist. Real STS refuses with
``AccessDenied`` unless the role exists and its trust policy lets the caller in (with the right
``sts:ExternalId``). The local environment creates each member account's role in moto's IAM, so this
gate can check exactly that, and an account "whose role cannot be assumed" behaves as in AWS.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSResponse
from moto.iam.models import iam_backends

_EVENT = "before-call.sts.AssumeRole"


def _trust_allows(document: str | dict[str, Any], external_id: str | None) -> bool:
    policy = json.loads(document) if isinstance(document, str) else document
    for statement in policy.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if "sts:AssumeRole" not in actions:
            continue
        wanted = (statement.get("Condition") or {}).get("StringEquals", {}).get("sts:ExternalId")
        if wanted is None or wanted == external_id:
            return True
    return False


class AssumeRoleGate:
    def __init__(self) -> None:
        self.denied: list[str] = []
        self._entry = (_EVENT, self._check)

    def install(self) -> None:
        botocore.handlers.BUILTIN_HANDLERS.append(self._entry)

    def uninstall(self) -> None:
        if self._entry in botocore.handlers.BUILTIN_HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.remove(self._entry)

    def _check(
        self, model: Any, params: dict[str, Any], **_: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        from urllib.parse import parse_qs

        body = params.get("body") or {}
        fields = body if isinstance(body, dict) else {k: v[0] for k, v in parse_qs(body).items()}
        role_arn = fields.get("RoleArn", "")
        external_id = fields.get("ExternalId")
        parts = role_arn.split(":")
        account, role_name = (parts[4], parts[5].split("/")[-1]) if len(parts) >= 6 else ("", "")
        partition = parts[1] if len(parts) > 1 else "aws"
        try:
            role = iam_backends[account][partition].get_role(role_name)
            allowed = _trust_allows(role.assume_role_policy_document, external_id)
        except Exception:
            allowed = False
        if allowed:
            return None  # let moto answer
        self.denied.append(role_arn)
        message = f"User is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        error = {
            "Error": {"Code": "AccessDenied", "Message": message, "Type": "Sender"},
            "ResponseMetadata": {"HTTPStatusCode": 403, "HTTPHeaders": {}, "RetryAttempts": 0},
        }
        return AWSResponse(params.get("url", ""), 403, {}, None), error
