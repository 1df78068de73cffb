"""Logger and Metrics shared by every handler (one service name, one metrics namespace)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "lightsail-guard"
NAMESPACE = "LightsailGuard"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


def identify(*, account: str | None = None, region: str | None = None, instance: str | None = None) -> None:
    """Put the instance identity (account, region, name) on every log line of this invocation."""
    keys = {k: v for k, v in (("account", account), ("region", region), ("instance", instance)) if v}
    logger.thread_safe_append_keys(**keys)
