"""The HTTP side of the Lightsail fake: a botocore ``before-send`` handler for the ``lightsail`` service.

Real boto3 clients build, validate, serialize and sign their requests as usual; just before the request
would leave the process, this handler decodes it (JSON 1.1, ``X-Amz-Target: Lightsail_20161128.<Op>``),
lets the fake answer, and hands botocore an ``AWSResponse`` with the JSON body AWS would send. botocore
then parses it with the service model, raises ``ClientError`` for errors and retries throttling: the code
under test meets the wire format, not a stub of the client.

Hooking in works like moto's own mock: botocore sessions register ``botocore.handlers.BUILTIN_HANDLERS``
when they are created, so :func:`install` appends ``("before-send.lightsail", dispatch)`` there. The
emitter calls the more specific ``before-send.lightsail`` handlers before moto's generic ``before-send``
one and takes the first response, so the fake wins under ``moto.mock_aws`` too. Sessions created before
:func:`install` do not see it (same as moto); :func:`install` also attaches to boto3's default session,
and :func:`attach` covers any other session or client.

Identity comes from the request, as in AWS: the region from the endpoint host
(``lightsail.<region>.amazonaws.com``, else the SigV4 credential scope) and the account from the access
key id in the SigV4 ``Authorization`` header, mapped by moto's IAM (which knows keys handed out by moto's
``sts.assume_role``). Without moto, every key maps to :data:`DEFAULT_ACCOUNT_ID`.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any, Protocol
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.handlers import BUILTIN_HANDLERS

from .errors import LightsailError

EVENT = "before-send.lightsail"
TARGET_PREFIX = "Lightsail_20161128."
DEFAULT_ACCOUNT_ID = "123456789012"  # moto's default account, so both agree
_UNIQUE_ID = "lightsail-guard-lightsail-fake"
_ANSWERED = "_lightsail_fake_response"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/[^/,\s]+/aws4_request")
_HOST = re.compile(r"^lightsail\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")


class Responder(Protocol):
    """What :func:`dispatch` needs from a fake (implemented by ``LightsailFake.handle``)."""

    def handle(
        self, operation: str, params: dict[str, Any], *, account: str, region: str
    ) -> tuple[int, dict[str, Any]]: ...


_active: Responder | None = None
_install_lock = threading.Lock()
_request_ids = itertools.count(1)


def dispatch(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    """The ``before-send.lightsail`` handler: ``None`` (let others answer) when no fake is installed."""
    fake = _active
    if fake is None:
        return None
    # A session can hold the handler twice (BUILTIN_HANDLERS plus attach()); answer each attempt once
    # so call counts stay exact. botocore builds a new request object for every retry.
    cached: AWSResponse | None = getattr(request, _ANSWERED, None)
    if cached is None:
        cached = respond(fake, request)
        setattr(request, _ANSWERED, cached)
    return cached


def respond(fake: Responder, request: AWSPreparedRequest) -> AWSResponse:
    """Decode one signed Lightsail request, let ``fake`` answer it, encode the answer as AWS would."""
    try:
        operation = operation_of(request)
        params = params_of(request)
        access_key, scope_region = _credential(request)
        account = account_for_access_key(access_key)
        region = region_of(request.url, scope_region)
    except LightsailError as error:
        status, payload = error.status, error.body()
    else:
        status, payload = fake.handle(operation, params, account=account, region=region)
    return _response(request.url, status, payload)


def operation_of(request: AWSPreparedRequest) -> str:
    target = _text(request.headers.get("X-Amz-Target"))
    if not target.startswith(TARGET_PREFIX):
        raise LightsailError("UnknownOperationException", f"Unknown target: {target!r}")
    return target[len(TARGET_PREFIX) :]


def params_of(request: AWSPreparedRequest) -> dict[str, Any]:
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    text = _text(body)
    try:
        params = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as error:
        raise LightsailError("SerializationException", f"Request body is not JSON: {error}") from error
    if not isinstance(params, dict):
        raise LightsailError("SerializationException", "Request body must be a JSON object")
    return params


def region_of(url: str, scope_region: str) -> str:
    match = _HOST.match(urlsplit(url).hostname or "")
    return match.group(1) if match else scope_region


def account_for_access_key(access_key: str) -> str:
    """The account an access key belongs to, as moto's IAM knows it (assumed roles included)."""
    try:
        from moto.iam.models import get_account_id_from
    except ImportError:  # moto is a local/dev dependency only
        return DEFAULT_ACCOUNT_ID
    return get_account_id_from(access_key)


def _credential(request: AWSPreparedRequest) -> tuple[str, str]:
    authorization = _text(request.headers.get("Authorization"))
    match = _CREDENTIAL.search(authorization)
    if match is None:
        raise LightsailError(
            "MissingAuthenticationTokenException", "Missing Authentication Token", status=403
        )
    return match.group(1), match.group(2)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8")
    return str(value)


class _RawBody(io.BytesIO):
    """The minimal urllib3-like body botocore reads (``stream()``)."""

    def stream(self, amt: int = 65536, **_: Any) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _response(url: str, status: int, payload: dict[str, Any]) -> AWSResponse:
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {
        "x-amzn-RequestId": str(uuid.UUID(int=next(_request_ids), version=4)),
        "Content-Type": "application/x-amz-json-1.1",
        "Content-Length": str(len(body)),
    }
    return AWSResponse(url, status, headers, _RawBody(body))


# -- installation ------------------------------------------------------------------------------------

_SPEC = (EVENT, dispatch)


def install(fake: Responder) -> None:
    """Make ``fake`` answer Lightsail for sessions created from now on (one fake at a time)."""
    global _active
    with _install_lock:
        if _active is not None and _active is not fake:
            raise RuntimeError("another LightsailFake is installed; uninstall it first")
        _active = fake
        if _SPEC not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.append(_SPEC)
        import boto3

        if boto3.DEFAULT_SESSION is not None:
            attach(boto3.DEFAULT_SESSION)


def uninstall(fake: Responder) -> None:
    """Stop answering. Sessions that kept the handler fall through to moto or the network."""
    global _active
    with _install_lock:
        if _active is fake:
            _active = None
        while _SPEC in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.remove(_SPEC)


def attach(target: Any) -> None:
    """Register the handler on an existing boto3/botocore session or client (idempotent)."""
    events = getattr(getattr(target, "meta", None), "events", None)  # a client
    if events is None:
        session = getattr(target, "_session", target)  # boto3.Session wraps a botocore Session
        events = session.get_component("event_emitter")
    events.register(EVENT, dispatch, unique_id=_UNIQUE_ID)
