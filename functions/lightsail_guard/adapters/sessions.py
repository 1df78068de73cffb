"""Clients in member accounts, from an assumed role (after instance-scheduler's session manager).

Credentials are cached per (role, external id) until five minutes before they expire: the
per-instance Lambda of a warm container reuses them instead of calling STS for every instance.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .aws_clients import CLIENTS, ClientCache

#: STS limits RoleSessionName to 64 characters of [\w+=,.@-].
SESSION_NAME_LIMIT = 64
_SESSION_NAME_CHARS = re.compile(r"[^\w+=,.@-]")
_REFRESH_MARGIN = timedelta(minutes=5)


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def member_role_arn(account: str, role_name: str, region: str) -> str:
    return f"arn:{partition_of(region)}:iam::{account}:role/{role_name}"


def session_name(*parts: str) -> str:
    """``lightsail-guard-<parts>``, cleaned to STS's alphabet and cut to 64 characters."""
    name = _SESSION_NAME_CHARS.sub("-", "-".join(("lightsail-guard", *[p for p in parts if p])))
    return name[:SESSION_NAME_LIMIT]


@dataclass(frozen=True, slots=True)
class _Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime

    def as_client_kwargs(self) -> dict[str, str]:
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }


class AssumedRoleClients:
    """Hands out clients in member accounts, assuming roles through the hub's regional STS endpoint."""

    def __init__(self, hub_region: str, *, clients: ClientCache = CLIENTS) -> None:
        self._hub_region = hub_region
        self._clients = clients
        self._credentials: dict[tuple[str, str | None], _Credentials] = {}
        self._lock = threading.Lock()

    def client(self, service: str, *, role_arn: str, region: str, external_id: str | None, name: str) -> Any:
        creds = self._assume(role_arn, external_id, name)
        return self._clients.client(
            service, region, identity=f"{role_arn}|{external_id}", credentials=creds.as_client_kwargs()
        )

    def _assume(self, role_arn: str, external_id: str | None, name: str) -> _Credentials:
        key = (role_arn, external_id)
        # Expiry is wall-clock time, not the run's (possibly replayed) instant.
        now = datetime.now(UTC)
        with self._lock:
            cached = self._credentials.get(key)
            if cached and cached.expiration - _REFRESH_MARGIN > now:
                return cached
        # The hub's own region: regional STS, always enabled there, unlike an opt-in member region.
        sts = self._clients.client("sts", self._hub_region)
        params = {"RoleArn": role_arn, "RoleSessionName": session_name(name), "DurationSeconds": 3600}
        if external_id:
            params["ExternalId"] = external_id
        answer = sts.assume_role(**params)["Credentials"]
        creds = _Credentials(
            access_key_id=answer["AccessKeyId"],
            secret_access_key=answer["SecretAccessKey"],
            session_token=answer["SessionToken"],
            expiration=answer["Expiration"].astimezone(UTC),
        )
        with self._lock:
            self._credentials[key] = creds
        return creds
