"""The Telegram Bot API over HTTPS, with the standard library only (case C17: nothing Lambda lacks).

- HTTP 429 is honoured: the answer's ``parameters.retry_after`` seconds are waited, then the call is
  repeated. 5xx answers and network errors are retried with exponential backoff. Attempts are bounded
  and ``sleep`` is injectable (tests do not wait).
- Any other error is raised at once as :class:`TelegramApiError` (a 400 is the caller's to handle:
  the channel resends as plain text).
- The bot token is part of every URL (``/bot<token>/<method>``): it never appears in an exception, a
  log line or a ``repr``. Errors carry the method, status and Telegram's description, redacted.

The bot token lives in Secrets Manager (:class:`SecretBotToken`): read on first use, cached for the
container's life, read again after Telegram answers 401 (a rotated token).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from threading import Lock
from typing import Any
from urllib.parse import urlsplit

from .aws_clients import CLIENTS

DEFAULT_API_BASE = "https://api.telegram.org"
_TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
#: Anything that looks like a bot token or a token-bearing path, wherever it shows up.
_TOKEN_LIKE = re.compile(r"(bot)?\d{3,20}:[A-Za-z0-9_-]{20,100}")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class TelegramApiError(Exception):
    """A Bot API call that did not succeed. Its text never holds the token."""

    def __init__(
        self, method: str, status: int | None, description: str, *, retry_after: float | None = None
    ):
        self.method = method
        self.status = status
        self.description = redact(description)
        self.retry_after = retry_after
        where = f"HTTP {status}" if status is not None else "no answer"
        super().__init__(f"Telegram {method}: {where}: {self.description}")


class TelegramConfigError(ValueError):
    """The bot token or the API address cannot be used (the message says which, never the token)."""


def redact(text: str, token: str | None = None) -> str:
    if token:
        text = text.replace(token, "<redacted>")
    return _TOKEN_LIKE.sub("<redacted>", text)


def check_api_base(base_url: str) -> str:
    """HTTPS, or plain HTTP to a loopback address only (the local fake): the token is in the URL."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return base_url.rstrip("/")
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return base_url.rstrip("/")
    raise TelegramConfigError(
        f"Telegram API base {base_url!r} must be https:// (plain http only to 127.0.0.1 or localhost)"
    )


class SecretBotToken:
    """The bot token from a Secrets Manager secret: the token itself, or JSON with ``botToken``."""

    _KEYS = ("botToken", "bot_token", "token", "TELEGRAM_BOT_TOKEN")

    def __init__(self, secret_arn: str, *, region: str | None = None) -> None:
        self.secret_arn = secret_arn
        self._region = region
        self._token: str | None = None
        self._lock = Lock()

    def __repr__(self) -> str:
        return f"SecretBotToken({self.secret_arn!r})"

    def __call__(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._read()
            return self._token

    def forget(self) -> None:
        with self._lock:
            self._token = None

    def _read(self) -> str:
        client = CLIENTS.client("secretsmanager", self._region)
        try:
            raw = client.get_secret_value(SecretId=self.secret_arn).get("SecretString") or ""
        except Exception as exc:  # botocore's ClientError text names the secret, never its value
            raise TelegramConfigError(
                f"cannot read the Telegram bot token from {self.secret_arn}: {type(exc).__name__}: {exc}"
            ) from None
        token = raw.strip()
        if token.startswith("{"):
            try:
                values = json.loads(token)
            except ValueError:
                values = {}
            token = next(
                (str(values[k]).strip() for k in self._KEYS if isinstance(values, dict) and values.get(k)), ""
            )
        if not _TOKEN_SHAPE.fullmatch(token):
            raise TelegramConfigError(
                f"secret {self.secret_arn} holds no Telegram bot token (expected the token "
                f'\'<digits>:<35 characters>\' or JSON {{"botToken": "..."}})'
            )
        return token


class TelegramBotApi:
    def __init__(
        self,
        token: Callable[[], str],
        *,
        base_url: str = DEFAULT_API_BASE,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 4,
        backoff_seconds: float = 1.0,
        max_retry_after_seconds: float = 30.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._token = token
        self.base_url = check_api_base(base_url)
        self._sleep = sleep
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_retry_after_seconds = max_retry_after_seconds
        self.timeout_seconds = timeout_seconds

    def __repr__(self) -> str:
        return f"TelegramBotApi(base_url={self.base_url!r})"

    def send_message(self, chat_id: str, text: str, *, parse_mode: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": {"is_disabled": True},
        }
        if parse_mode:
            params["parse_mode"] = parse_mode
        return self.call("sendMessage", params)

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """One Bot API method; returns its ``result``. Retries 429, 5xx and network errors (bounded)."""
        token_refreshed = False
        last: TelegramApiError | None = None
        for attempt in range(1, self.max_attempts + 1):
            status, answer = self._post(method, params)
            if status == 200 and answer.get("ok"):
                return answer.get("result") or {}
            description = str(answer.get("description") or "no description")
            retry_after = _retry_after(answer)
            last = TelegramApiError(method, status, description, retry_after=retry_after)
            if status == 401 and not token_refreshed and hasattr(self._token, "forget"):
                self._token.forget()  # the token may have been rotated: read it again, once
                token_refreshed = True
                continue
            if status == 429:
                wait = retry_after if retry_after is not None else self._backoff(attempt)
                if wait > self.max_retry_after_seconds:
                    raise TelegramApiError(
                        method,
                        status,
                        f"{description} (retry_after {wait:g} s is longer than we wait)",
                        retry_after=wait,
                    )
            elif status is None or status >= 500:
                wait = self._backoff(attempt)
            else:
                raise last
            if attempt < self.max_attempts:
                self._sleep(wait)
        assert last is not None
        raise TelegramApiError(
            method,
            last.status,
            f"{last.description} (gave up after {self.max_attempts} attempts)",
            retry_after=last.retry_after,
        )

    def _backoff(self, attempt: int) -> float:
        return self.backoff_seconds * 2 ** (attempt - 1)

    def _post(self, method: str, params: dict[str, Any]) -> tuple[int | None, dict[str, Any]]:
        """(HTTP status, decoded answer); ``None`` status when no answer came. Never raises with the URL."""
        token = self._token()
        request = urllib.request.Request(
            f"{self.base_url}/bot{token}/{method}",
            data=json.dumps(params).encode("utf-8"),
            headers={"Content-Type": "application/json", "User-Agent": "lightsail-guard"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                body = exc.read()
            answer = _decode(body)
            answer.setdefault("description", f"{exc.code} {redact(str(exc.reason), token)}")
            answer["description"] = redact(str(answer["description"]), token)
            return exc.code, answer
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return None, {"description": redact(f"{type(exc).__name__}: {reason}", token)}


def _decode(body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {"ok": False, "description": body[:200].decode("utf-8", "replace").strip() or "empty answer"}
    return answer if isinstance(answer, dict) else {"ok": False, "description": "unexpected answer"}


def _retry_after(answer: dict[str, Any]) -> float | None:
    parameters = answer.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    try:
        return None if value is None else max(0.0, float(value))
    except (TypeError, ValueError):
        return None
