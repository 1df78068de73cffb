"""The Lambda environment, parsed once per value into a validated model (a bad value fails loudly).

Variables:
- ``LIGHTSAIL_GUARD_CONFIG``: the :class:`~lightsail_guard.config.GuardConfig` as JSON (required).
- ``ALERT_TOPIC_ARN``: the SNS topic for alerts and reports (optional: no SNS when unset).
- ``LEDGER_TABLE``: the DynamoDB ledger table (optional: no memory between runs when unset).
- ``TELEGRAM_SECRET_ARN``: Secrets Manager secret holding the Telegram bot token (optional).
- ``EVENT_BUS_NAME``: EventBridge bus for action events (optional: the default bus).
- ``TELEGRAM_API_BASE``: the Bot API's address (optional: https://api.telegram.org; the local runner
  points it at its loopback fake).
- ``AWS_REGION``: set by Lambda; the hub's region.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from .config.model import ConfigError, GuardConfig, load_config

CONFIG_VARIABLE = "LIGHTSAIL_GUARD_CONFIG"


@dataclass(frozen=True, slots=True)
class RuntimeSettings:
    config: GuardConfig
    hub_region: str
    alert_topic_arn: str | None
    ledger_table: str | None
    telegram_secret_arn: str | None
    event_bus_name: str | None
    telegram_api_base: str | None = None


def settings() -> RuntimeSettings:
    """The current settings; re-parsed only when the environment changes (cheap on warm starts)."""
    names = (
        CONFIG_VARIABLE,
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "ALERT_TOPIC_ARN",
        "LEDGER_TABLE",
        "TELEGRAM_SECRET_ARN",
        "EVENT_BUS_NAME",
        "TELEGRAM_API_BASE",
    )
    return _parse(tuple(os.environ.get(n) for n in names))


@lru_cache(maxsize=8)
def _parse(values: tuple[str | None, ...]) -> RuntimeSettings:
    raw_config, region, default_region, topic, table, secret, bus, telegram_api = values
    if not raw_config:
        raise ConfigError(
            f"environment variable {CONFIG_VARIABLE}", ["(missing): set it to the guard's JSON configuration"]
        )
    return RuntimeSettings(
        config=load_config(raw_config, source=f"environment variable {CONFIG_VARIABLE}"),
        hub_region=region or default_region or "us-east-1",
        alert_topic_arn=topic or None,
        ledger_table=table or None,
        telegram_secret_arn=secret or None,
        event_bus_name=bus or None,
        telegram_api_base=telegram_api or None,
    )
