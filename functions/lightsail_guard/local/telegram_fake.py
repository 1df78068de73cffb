"""A Telegram Bot API on loopback, for local runs and tests: ``sendMessage`` as Telegram answers it.

- Answers ``{"ok": true, "result": {...Message}}`` or ``{"ok": false, "error_code": ..., "description":
  ...}`` with the same HTTP status, like the real API.
- Parses ``parse_mode=HTML`` the way Telegram does: only Telegram's tags, properly nested and closed;
  entities ``&lt; &gt; &amp; &quot;`` and numeric ones. A bare ``<`` or ``&``, an unknown tag or an
  unbalanced one is refused with 400 "Bad Request: can't parse entities: ...". (MarkdownV2 and
  Markdown are refused outright: the guard never uses them.)
- Refuses text over 4096 characters (after parsing, in UTF-16 code units) and empty text.
- Can be told to answer 400, 429 (with ``parameters.retry_after``) or 5xx to the next calls, in turn.
- Records every request (``requests``) and every message it accepted (``messages``).

Threads: ``http.server`` in a daemon thread on 127.0.0.1, port 0 (the OS picks a free port).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

DEFAULT_TOKEN = "123456789:AAF-local-fake-token-for-lightsail-guard"
MESSAGE_LIMIT = 4096

#: Telegram's HTML tags (Bot API, "HTML style") and the attributes each may carry.
_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")


class EntityError(ValueError):
    """What Telegram says after "can't parse entities: "."""


def parse_html(text: str) -> str:
    """The text Telegram would show for ``text`` in HTML mode, or :class:`EntityError`."""
    out: list[str] = []
    stack: list[str] = []
    i = 0

    def offset(position: int) -> int:
        return len(text[:position].encode("utf-8"))

    while i < len(text):
        ch = text[i]
        if ch == "<":
            match = _TAG.match(text, i)
            if not match:
                raise EntityError(f'Unsupported start tag "" at byte offset {offset(i)}')
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3) or ""
            if name not in _TAGS:
                kind = "end" if closing else "start"
                raise EntityError(f'Unsupported {kind} tag "{name}" at byte offset {offset(i)}')
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(f"Unexpected end tag at byte offset {offset(i)}")
                stack.pop()
            else:
                for attr in _ATTR.findall(attrs):
                    if attr.lower() not in _TAGS[name]:
                        raise EntityError(
                            f'Unsupported attribute "{attr}" of tag "{name}" at byte offset {offset(i)}'
                        )
                stack.append(name)
            i = match.end()
        elif ch == "&":
            match = _ENTITY.match(text, i)
            if not match:
                raise EntityError(f"Can't find end of the entity starting at byte offset {offset(i)}")
            body = match.group(1)
            if body.startswith("#"):
                code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
                try:
                    out.append(chr(code))
                except (ValueError, OverflowError):
                    raise EntityError(f"Invalid entity at byte offset {offset(i)}") from None
            elif body in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[body])
            else:
                raise EntityError(f'Unsupported HTML entity "&{body};" at byte offset {offset(i)}')
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class FakeRequest:
    """One call as the fake received it (also the refused ones)."""

    method: str
    token_ok: bool
    params: dict[str, Any]
    status: int
    description: str | None = None

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")


@dataclass
class FakeMessage:
    """One message Telegram accepted: what was sent and what a reader sees."""

    message_id: int
    chat_id: str
    text: str
    parse_mode: str | None
    shown: str


@dataclass
class _Scripted:
    status: int
    description: str
    retry_after: float | None = None
    body: bytes | None = None


@dataclass
class TelegramFake:
    token: str = DEFAULT_TOKEN
    #: Chats that exist; ``None`` accepts any chat id.
    chats: set[str] | None = None
    requests: list[FakeRequest] = field(default_factory=list)
    messages: list[FakeMessage] = field(default_factory=list)
    _script: deque[_Scripted] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> TelegramFake:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._serve(self)

            def do_GET(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the request path carries the (fake) token

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="telegram-fake", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> TelegramFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the Telegram fake is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting --------------------------------------------------------------------------------

    def answer_next(
        self,
        status: int,
        *,
        description: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
        body: bytes | None = None,
    ) -> None:
        """The next ``times`` sendMessage calls get ``status`` (after the already scripted ones)."""
        default = {
            400: "Bad Request: can't parse entities: scripted refusal",
            429: f"Too Many Requests: retry after {retry_after:g}"
            if retry_after is not None
            else "Too Many Requests",
        }.get(status) or HTTPStatus(status).phrase
        with self._lock:
            for _ in range(times):
                self._script.append(_Scripted(status, description or default, retry_after, body))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.messages.clear()
            self._script.clear()

    def texts(self, chat_id: str | None = None) -> list[str]:
        """What readers see, message by message (optionally for one chat)."""
        return [m.shown for m in self.messages if chat_id is None or m.chat_id == str(chat_id)]

    # -- serving ----------------------------------------------------------------------------------

    def _serve(self, http: BaseHTTPRequestHandler) -> None:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", http.path.split("?", 1)[0])
        params = self._params(http)
        if not match:
            self._answer(http, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match.groups()
        token_ok = token == self.token
        with self._lock:
            record = FakeRequest(method, token_ok, params, 0)
            self.requests.append(record)
            status, payload, raw = self._decide(token_ok, method, params)
            record.status = status
            record.description = None if payload is None else payload.get("description")
        if raw is not None:
            self._answer_raw(http, status, raw)
        else:
            self._answer(http, status, payload)

    def _decide(
        self, token_ok: bool, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any] | None, bytes | None]:
        if not token_ok:
            return 401, _error(401, "Unauthorized"), None
        if method != "sendMessage":
            return 404, _error(404, "Not Found: method not found"), None
        if self._script:
            scripted = self._script.popleft()
            if scripted.body is not None:
                return scripted.status, None, scripted.body
            error = _error(scripted.status, scripted.description)
            if scripted.retry_after is not None:
                error["parameters"] = {"retry_after": scripted.retry_after}
            return scripted.status, error, None
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            return 400, _error(400, "Bad Request: chat_id is empty"), None
        if self.chats is not None and str(chat_id) not in self.chats:
            return 400, _error(400, "Bad Request: chat not found"), None
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            return 400, _error(400, "Bad Request: message text is empty"), None
        mode = params.get("parse_mode")
        if mode in (None, ""):
            shown = text
        elif str(mode).upper() == "HTML":
            try:
                shown = parse_html(text)
            except EntityError as exc:
                return 400, _error(400, f"Bad Request: can't parse entities: {exc}"), None
        else:
            return 400, _error(400, f"Bad Request: unsupported parse_mode {mode!r} in this fake"), None
        if not shown.strip():
            return 400, _error(400, "Bad Request: message text is empty"), None
        if utf16_length(shown) > MESSAGE_LIMIT:
            return 400, _error(400, "Bad Request: message is too long"), None
        message = FakeMessage(len(self.messages) + 1, str(chat_id), text, mode or None, shown)
        self.messages.append(message)
        result = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {
                "id": _chat_number(chat_id),
                "type": "private" if not str(chat_id).startswith("-") else "supergroup",
            },
            "text": shown,
        }
        return 200, {"ok": True, "result": result}, None

    @staticmethod
    def _params(http: BaseHTTPRequestHandler) -> dict[str, Any]:
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        content_type = (http.headers.get("Content-Type") or "").split(";")[0].strip()
        query = http.path.split("?", 1)[1] if "?" in http.path else ""
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
        if content_type == "application/json" and body:
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = {}
            if isinstance(decoded, dict):
                params.update(decoded)
        elif body:
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()})
        return params

    @staticmethod
    def _answer(http: BaseHTTPRequestHandler, status: int, payload: dict[str, Any] | None) -> None:
        TelegramFake._answer_raw(http, status, json.dumps(payload).encode("utf-8"), "application/json")

    @staticmethod
    def _answer_raw(
        http: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "text/html"
    ) -> None:
        http.send_response(status)
        http.send_header("Content-Type", content_type)
        http.send_header("Content-Length", str(len(body)))
        http.end_headers()
        http.wfile.write(body)


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


def _chat_number(chat_id: Any) -> Any:
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return chat_id
