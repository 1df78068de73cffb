"""Lambda invocations from the Step Functions interpreter, served in-process by the real handlers.

moto's interpreter calls ``lambda:Invoke`` through a real boto3 client. A ``before-call.lambda.Invoke``
hook answers it: the function ARN names a handler of :data:`~lightsail_guard.workflow.FUNCTIONS`, the
payload is the serialized request body, and the answer has Lambda's shape, including
``FunctionError: Unhandled`` with ``errorMessage``/``errorType`` when the handler raises, as Lambda
reports an uncaught exception. No Docker, no network.
"""

from __future__ import annotations

import importlib
import io
import json
import threading
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.response import StreamingBody

from ..workflow import FUNCTIONS, FunctionSpec

_EVENT = "before-call.lambda.Invoke"


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that the handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def _load(handler_path: str) -> Callable[[dict[str, Any], Any], Any]:
    module, _, name = handler_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


class LambdaBridge:
    """Maps function ARNs to handlers and counts invocations per function key."""

    def __init__(self, function_arns: dict[str, str]) -> None:
        self.function_arns = function_arns
        self._by_arn: dict[str, FunctionSpec] = {function_arns[f.key]: f for f in FUNCTIONS}
        self.invocations: Counter[str] = Counter()
        self.failures: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._entry = (_EVENT, self._on_invoke)

    def install(self) -> None:
        botocore.handlers.BUILTIN_HANDLERS.append(self._entry)

    def uninstall(self) -> None:
        if self._entry in botocore.handlers.BUILTIN_HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.remove(self._entry)

    def invoke(self, arn: str, event: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Run the handler for ``arn``; return (result, None) or (None, Lambda's error payload)."""
        spec = self._by_arn.get(arn.split(":$")[0])
        if spec is None:
            return None, {
                "errorMessage": f"Function not found: {arn}",
                "errorType": "ResourceNotFoundException",
            }
        with self._lock:
            self.invocations[spec.key] += 1
        context = LambdaContext(
            function_name=arn.rsplit(":", 1)[-1],
            invoked_function_arn=arn,
            memory_limit_in_mb=spec.memory_mb,
            aws_request_id=str(uuid.uuid4()),
        )
        try:
            # A round trip through JSON, as Lambda does: nothing but JSON crosses the boundary.
            result = _load(spec.handler)(json.loads(json.dumps(event)), context)
            return json.loads(json.dumps(result)), None
        except Exception as exc:
            error = {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "stackTrace": traceback.format_exception(exc)[-3:],
            }
            with self._lock:
                self.failures.append(
                    {"function": spec.key, "errorType": error["errorType"], "errorMessage": str(exc)}
                )
            return None, error

    def _on_invoke(self, model: Any, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        arn = unquote(params["url_path"].split("/functions/", 1)[1].split("/", 1)[0])
        body = params.get("body") or b"{}"
        event = json.loads(body if isinstance(body, (bytes, str)) else body.read())
        result, error = self.invoke(arn, event)
        payload = json.dumps(error if error else result).encode()
        parsed: dict[str, Any] = {
            "StatusCode": 200,
            "ExecutedVersion": "$LATEST",
            "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
            "ResponseMetadata": {"HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0},
        }
        if error:
            parsed["FunctionError"] = "Unhandled"
        return AWSResponse(params.get("url", ""), 200, {}, None), parsed
