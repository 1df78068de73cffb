"""Cut a long message into Telegram messages (DOMAIN.md: 4096 characters per ``sendMessage``).

Cuts fall on line boundaries; only a line longer than a whole message is cut inside, at a space if it
can be, and never inside an HTML tag or entity. A tag still open at a cut is closed at the end of that
message and opened again at the start of the next, so every message parses on its own.

Length is counted in UTF-16 code units, as Telegram counts (an emoji can be two), on the raw text: the
parsed text Telegram measures is never longer than that.
"""

from __future__ import annotations

import re
from html import unescape

TELEGRAM_LIMIT = 4096
#: Room kept for the "(2/3) " label put in front of each part of a split message.
_LABEL_ROOM = 16

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
_HTML_ATOMS = re.compile(r"<[^<>]*>|&#?[0-9a-zA-Z]+;|\s+|[^\s<&]+|[<&]")
_TEXT_ATOMS = re.compile(r"\s+|\S+")


def telegram_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def html_to_plain(text: str) -> str:
    """The text a reader sees, for the plain-text resend when Telegram refuses the HTML (C9)."""
    return unescape(_TAG.sub("", text))


def split_message(
    text: str, limit: int = TELEGRAM_LIMIT, *, html: bool = True, numbered: bool = True
) -> list[str]:
    """Messages of at most ``limit`` characters; with ``numbered``, each part of several says "(k/n)"."""
    if limit < 64:
        raise ValueError(f"limit must be at least 64 characters, got {limit}")
    parts = _Splitter(limit, html).split(text)
    if numbered and len(parts) > 1:
        parts = _Splitter(limit - _LABEL_ROOM, html).split(text)
        parts = [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, start=1)]
    return parts


class _Splitter:
    def __init__(self, limit: int, html: bool) -> None:
        self.limit = limit
        self.html = html
        self.parts: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (name, opening tag as written), open at the end of current
        self.current: str | None = None

    def split(self, text: str) -> list[str]:
        for line in text.split("\n"):
            self._line(line)
        self._flush()
        return self.parts

    # -- tags ---------------------------------------------------------------------------------------

    def _after(self, segment: str) -> list[tuple[str, str]]:
        stack = list(self.stack)
        if not self.html:
            return stack
        for match in _TAG.finditer(segment):
            name = match.group(2).lower()
            if match.group(1):
                if stack and stack[-1][0] == name:
                    stack.pop()
            else:
                stack.append((name, match.group(0)))
        return stack

    @staticmethod
    def _closers(stack: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def _reopen(self) -> str:
        return "".join(tag for _, tag in self.stack)

    # -- filling ------------------------------------------------------------------------------------

    def _fits(self, body: str, stack: list[tuple[str, str]]) -> bool:
        return telegram_length(body + self._closers(stack)) <= self.limit

    def _line(self, line: str) -> None:
        if self.current is None and not line.strip() and not self.stack:
            return  # no message starts with a blank line
        after = self._after(line)
        body = self._reopen() + line if self.current is None else self.current + "\n" + line
        if self._fits(body, after):
            self.current, self.stack = body, after
            return
        if self.current is not None:
            self._flush()
            body = self._reopen() + line
            if self._fits(body, after):
                self.current, self.stack = body, after
                return
        # A line longer than a message: cut between words, tags and entities.
        if self.current is not None:
            self.current += "\n"
        atoms = (_HTML_ATOMS if self.html else _TEXT_ATOMS).findall(line)
        self._atoms(atoms)

    def _atoms(self, atoms: list[str]) -> None:
        for atom in atoms:
            after = self._after(atom)
            body = (self.current if self.current is not None else self._reopen()) + atom
            if self._fits(body, after):
                self.current, self.stack = body, after
                continue
            self._flush()
            body = self._reopen() + atom.lstrip()
            if self._fits(body, after):
                self.current, self.stack = body, after
            elif atom.startswith("<") or atom.startswith("&"):
                raise ValueError(f"an HTML tag of {len(atom)} characters cannot fit in a message")
            else:
                self._atoms(list(atom))  # one word longer than a message: by character

    def _flush(self) -> None:
        if self.current is not None and html_to_plain(self.current).strip():
            self.parts.append(self.current.rstrip() + self._closers(self.stack))
        self.current = None
