"""The channels configured for this deployment: each optional, each failing alone.

- SNS (e-mail and anything else subscribed) when ``ALERT_TOPIC_ARN`` is set.
- Telegram when both a bot token secret (``TELEGRAM_SECRET_ARN``) and chat ids (``telegramChatIds``)
  are configured; otherwise one log line says why Telegram is off, and no HTTP call is made (C10).
- EventBridge always: each action as an event on ``EVENT_BUS_NAME`` (or the default bus).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from threading import Lock
from typing import Any

from ..adapters.events import EventPublisher
from ..adapters.sns import SnsPublisher
from ..adapters.telegram_api import DEFAULT_API_BASE, SecretBotToken, TelegramBotApi, TelegramConfigError
from ..runtime import RuntimeSettings
from .action_event import EventBridgeChannel
from .alert import Alert, alert_subject, alert_text
from .report import Report, report_subject
from .report_text import report_text
from .telegram import TelegramChannel

LOG = logging.getLogger("lightsail-guard.notifications")

#: One token reader per secret for the container's life: a warm Lambda reads the secret once.
_TOKENS: dict[tuple[str, str | None], SecretBotToken] = {}
_TOKENS_LOCK = Lock()


class SnsChannel:
    name = "sns"
    people = True

    def __init__(self, topic_arn: str, region: str) -> None:
        self._publisher = SnsPublisher(topic_arn, region=region)

    def __repr__(self) -> str:
        return f"SnsChannel({self._publisher.topic_arn!r})"

    def send(self, subject: str, body: str) -> None:
        self._publisher.publish(subject, body)

    def send_alert(self, alert: Alert) -> None:
        self.send(alert_subject(alert), alert_text(alert))

    def send_report(self, report: Report) -> None:
        self.send(report_subject(report), report_text(report))


def configured_channels(env: RuntimeSettings | Any, *, sleep: Callable[[float], None] = time.sleep) -> list:
    channels: list = []
    if env.alert_topic_arn:
        channels.append(SnsChannel(env.alert_topic_arn, env.hub_region))
    telegram = telegram_channel(env, sleep=sleep)
    if telegram is not None:
        channels.append(telegram)
    channels.append(EventBridgeChannel(EventPublisher(env.event_bus_name, region=env.hub_region)))
    return channels


def telegram_channel(
    env: RuntimeSettings | Any, *, sleep: Callable[[float], None] = time.sleep
) -> TelegramChannel | None:
    secret = env.telegram_secret_arn
    chats = list(env.config.telegram_chat_ids)
    if not secret and not chats:
        LOG.info("Telegram is off: no telegramChatIds in the configuration and no TELEGRAM_SECRET_ARN")
        return None
    if not secret:
        LOG.warning(
            "Telegram is off: telegramChatIds is set but TELEGRAM_SECRET_ARN (the bot token's secret) is not"
        )
        return None
    if not chats:
        LOG.warning("Telegram is off: TELEGRAM_SECRET_ARN is set but telegramChatIds is empty")
        return None
    base = getattr(env, "telegram_api_base", None) or DEFAULT_API_BASE
    try:
        api = TelegramBotApi(_token(secret, env.hub_region), base_url=base, sleep=sleep)
    except TelegramConfigError as exc:
        LOG.error(f"Telegram is off: {exc}")
        return None
    return TelegramChannel(api, chats)


def _token(secret_arn: str, region: str | None) -> SecretBotToken:
    with _TOKENS_LOCK:
        key = (secret_arn, region)
        if key not in _TOKENS:
            _TOKENS[key] = SecretBotToken(secret_arn, region=region)
        return _TOKENS[key]


def forget_tokens() -> None:
    """Drop cached bot tokens (tests, and the local runner between simulations)."""
    with _TOKENS_LOCK:
        _TOKENS.clear()
