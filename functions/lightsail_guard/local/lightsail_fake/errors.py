"""Errors the Lightsail fake answers with, using the codes and HTTP statuses AWS uses.

Codes come from botocore's ``lightsail/2016-11-28`` model (the Lightsail-specific exceptions) and from
Lightsail's "Common Errors" API reference page (``ThrottlingException`` is not in the model: it is a
common error, HTTP 400, and botocore's standard retry mode retries it by its code).
"""

from __future__ import annotations

#: HTTP status per error code, as the Lightsail API reference documents them. Unknown codes get 400.
ERROR_STATUS: dict[str, int] = {
    # Lightsail-specific (in the model)
    "AccessDeniedException": 400,
    "AccountSetupInProgressException": 400,
    "InvalidInputException": 400,
    "NotFoundException": 400,
    "OperationFailureException": 400,
    "RegionSetupInProgressException": 400,
    "ServiceException": 500,
    "UnauthenticatedException": 400,
    # Common errors (all AWS APIs)
    "ThrottlingException": 400,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "NotAuthorized": 400,
    "OptInRequired": 403,
    "RequestExpired": 400,
    "ServiceUnavailable": 503,
    "ValidationError": 400,
    "UnrecognizedClientException": 400,
    "UnknownOperationException": 400,
}


class LightsailError(Exception):
    """An API error: becomes an HTTP error response ``{"__type": code, "message": message}``."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else ERROR_STATUS.get(code, 400)

    def body(self) -> dict[str, str]:
        return {"__type": self.code, "message": self.message}


def not_found(name: str) -> LightsailError:
    return LightsailError("NotFoundException", f"The Instance does not exist: {name}")


def invalid_input(message: str) -> LightsailError:
    return LightsailError("InvalidInputException", message)
