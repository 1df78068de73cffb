"""How numbers, names and instants read in alerts and reports, the same in every channel."""

from __future__ import annotations

from datetime import date, datetime

from ..core.billing_period import as_utc
from ..core.decision import format_gb

BAR_CELLS = 10
_BAR_GLYPHS = {"unicode": ("█", "░"), "ascii": ("#", "-")}


def gb(value_bytes: float | None, bytes_per_gb: float) -> str:
    return "unknown" if value_bytes is None else format_gb(value_bytes, bytes_per_gb)


def gb_pair(used: float | None, allowance: float | None, bytes_per_gb: float) -> str:
    """``1,742 / 2,048 GB``: one unit, shown once."""
    if used is None or not allowance:
        return f"{gb(used, bytes_per_gb)} / {gb(allowance, bytes_per_gb) if allowance else 'no allowance'}"
    return f"{format_gb(used, bytes_per_gb).removesuffix(' GB')} / {format_gb(allowance, bytes_per_gb)}"


def percent(value: float | None) -> str:
    if value is None:
        return "? %"
    return f"{value:.1f} %" if value < 1000 else f"{value:,.0f} %"


def usage_bar(value: float | None, *, style: str = "ascii", cells: int = BAR_CELLS) -> str:
    """``#####-----`` for 50 %; full past 100 %; all empty when unknown."""
    full, empty = _BAR_GLYPHS[style]
    if value is None:
        return empty * cells
    filled = max(0, min(cells, round(value / 100 * cells)))
    return full * filled + empty * (cells - filled)


def usd(amount: float) -> str:
    return f"${amount:,.2f}"


def day(value: date) -> str:
    """``22 Mar``: a day within the report's month (the month is in the heading)."""
    return f"{value.day} {value.strftime('%b')}"


def instant(value: datetime) -> str:
    """``2025-03-20 08:20 UTC``."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def account_label(account: str, name: str | None) -> str:
    return f"{account} ({name})" if name else account


def shorten_middle(text: str, width: int) -> str:
    """Fit ``text`` into ``width`` characters, keeping its start and end (names often differ at the end)."""
    if len(text) <= width:
        return text
    if width <= 3:
        return text[:width]
    head = (width - 3 + 1) // 2
    tail = width - 3 - head
    return text[:head] + "..." + (text[-tail:] if tail else "")
