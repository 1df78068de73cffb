"""Telegram: alerts and reports as HTML messages to every configured chat (DOMAIN.md, "Telegram").

HTML mode with every dynamic value escaped, so an instance named ``web_server_1`` or ``a<b&c`` cannot
break the message (C9). Should Telegram still refuse a message (HTTP 400), the same message goes again
as plain text: the alert arrives. Long messages are split at 4096 characters on line boundaries. Each
chat fails alone; the channel raises once at the end, naming the chats that did not get everything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..adapters.telegram_api import TelegramApiError, TelegramBotApi, TelegramConfigError
from .alert import Alert, alert_html
from .report import Report
from .report_html import report_html
from .telegram_split import html_to_plain, split_message

LOG = logging.getLogger("lightsail-guard.notifications")


class TelegramDeliveryError(Exception):
    """Some chats did not get the whole message; the text names them and why (never the token)."""


class TelegramChannel:
    name = "telegram"
    #: Reaches people (counts as "notified").
    people = True

    def __init__(self, api: TelegramBotApi, chat_ids: Sequence[str]) -> None:
        if not chat_ids:
            raise ValueError("a Telegram channel needs at least one chat id")
        self.api = api
        self.chat_ids = tuple(chat_ids)

    def __repr__(self) -> str:
        return f"TelegramChannel(chats={list(self.chat_ids)!r}, api={self.api!r})"

    def send_alert(self, alert: Alert) -> None:
        self.send_html(alert_html(alert))

    def send_report(self, report: Report) -> None:
        self.send_html(report_html(report))

    def send(self, subject: str, body: str) -> None:
        """Plain text (no parse mode): for callers that only have a subject and a body."""
        self._deliver(split_message(f"{subject}\n\n{body}", html=False), html=False)

    def send_html(self, text: str) -> None:
        self._deliver(split_message(text, html=True), html=True)

    def _deliver(self, parts: list[str], *, html: bool) -> None:
        failures: list[str] = []
        for chat in self.chat_ids:
            try:
                for part in parts:
                    self._send_part(chat, part, html=html)
            except (TelegramApiError, TelegramConfigError) as exc:
                failures.append(f"chat {chat}: {exc}")
                if isinstance(exc, TelegramConfigError):
                    break  # no token: no other chat will do better
        if failures:
            delivered = len(self.chat_ids) - len(failures)
            raise TelegramDeliveryError(
                f"delivered to {delivered} of {len(self.chat_ids)} chats; " + "; ".join(failures)
            )

    def _send_part(self, chat: str, part: str, *, html: bool) -> None:
        if not html:
            self.api.send_message(chat, part)
            return
        try:
            self.api.send_message(chat, part, parse_mode="HTML")
        except TelegramApiError as exc:
            if exc.status != 400:
                raise
            LOG.warning(
                "Telegram refused the HTML message; sending it again as plain text",
                extra={"chat": chat, "error": exc.description},
            )
            self.api.send_message(chat, html_to_plain(part))
