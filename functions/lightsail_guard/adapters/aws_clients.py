"""boto3 clients shared by everything the guard calls (DOMAIN.md, "Throttling").

One boto3 session loads each service model once; clients are cached per (service, region, identity)
so a warm Lambda container reuses them across invocations (creating a client costs far more than
an API call).
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from .. import __version__

#: Standard retry mode retries throttling (HTTP 400 ThrottlingException) and transient errors with
#: exponential backoff. botocore's ``max_attempts`` counts retries: 9 retries = 10 attempts in all.
RETRY_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 10},
    user_agent_extra=f"lightsail-guard/{__version__}",
    connect_timeout=5,
    read_timeout=20,
)


class ClientCache:
    """Thread-safe cache of boto3 clients; a client is replaced when its credentials change."""

    def __init__(self) -> None:
        self._session: boto3.Session | None = None
        self._clients: dict[tuple[str, str | None, str], tuple[str | None, Any]] = {}
        self._lock = threading.Lock()

    def client(
        self,
        service: str,
        region: str | None = None,
        *,
        identity: str = "hub",
        credentials: dict[str, str] | None = None,
    ) -> Any:
        key = (service, region, identity)
        access_key = credentials["aws_access_key_id"] if credentials else None
        with self._lock:
            cached = self._clients.get(key)
            if cached and cached[0] == access_key:
                return cached[1]
            if self._session is None:
                self._session = boto3.Session()
            client = self._session.client(
                service, region_name=region, config=RETRY_CONFIG, **(credentials or {})
            )
            self._clients[key] = (access_key, client)
            return client

    def clear(self) -> None:
        with self._lock:
            self._clients.clear()
            self._session = None


#: The process-wide cache (one per Lambda container).
CLIENTS = ClientCache()
