"""The verdict per instance (or per pool): ok, warn, stop or unknown, always with its reason.

Every verdict carries the numbers that produced it, in one sentence that reaches logs, notifications
and the report unchanged (STYLE.md, lesson 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

#: States that accept a StopInstance call (DOMAIN.md, "States"): only ``running``.
STOPPABLE_STATES = frozenset({"running"})


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"
    STOP = "stop"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Percent levels of the allowance. Warnings below the stop line, in ascending order."""

    stop_percent: float = 95.0
    warn_percents: tuple[float, ...] = (80.0, 90.0)

    def __post_init__(self) -> None:
        if not 0 < self.stop_percent <= 100:
            raise ValueError(f"stop_percent must be in (0, 100], got {self.stop_percent}")
        if list(self.warn_percents) != sorted(set(self.warn_percents)):
            raise ValueError(f"warn_percents must be ascending and distinct, got {list(self.warn_percents)}")
        if any(not 0 < w < self.stop_percent for w in self.warn_percents):
            raise ValueError(
                f"warn_percents must lie between 0 and stop_percent ({self.stop_percent}), "
                f"got {list(self.warn_percents)}"
            )


@dataclass(frozen=True, slots=True)
class Projection:
    """Usage expected by the next moment the guard can act (next check + metric lag + stop time)."""

    used_bytes: float
    rate_bytes_per_second: float
    horizon_seconds: float


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    reason: str
    percent: float | None = None
    #: The threshold that was crossed (a warn level or the stop level); ``None`` when none was.
    level: float | None = None
    projected_percent: float | None = None
    notes: tuple[str, ...] = field(default=())


def format_gb(value_bytes: float, bytes_per_gb: float) -> str:
    gb = value_bytes / bytes_per_gb
    return f"{gb:,.0f} GB" if gb >= 100 else f"{gb:,.1f} GB" if gb >= 10 else f"{gb:,.3f} GB"


def format_rate(bytes_per_second: float) -> str:
    bits = bytes_per_second * 8
    for unit, scale in (("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)):
        if bits >= scale:
            return f"{bits / scale:.1f} {unit}"
    return f"{bits:.0f} bit/s"


def decide(
    *,
    used_bytes: float | None,
    allowance_bytes: float | None,
    full_allowance_bytes: float | None = None,
    state: str,
    thresholds: Thresholds,
    bytes_per_gb: float,
    projection: Projection | None = None,
    subject: str = "",
    usage_note: str = "",
) -> Decision:
    """Compare usage with the (prorated) allowance and pick the verdict.

    ``full_allowance_bytes`` is the plan's monthly allowance; when it differs from ``allowance_bytes``
    the reason says the allowance was prorated. ``subject`` names a pool when deciding for one.
    A missing or zero allowance is a data problem (DOMAIN.md, "regional allowance"): ``unknown``.
    """
    prefix = f"{subject}: " if subject else ""
    notes = (usage_note,) if usage_note else ()
    if used_bytes is None:
        reason = usage_note or "usage unknown: no metric data"
        return Decision(Verdict.UNKNOWN, f"{prefix}{reason}", notes=notes)
    if not allowance_bytes or allowance_bytes <= 0:
        return Decision(
            Verdict.UNKNOWN,
            f"{prefix}allowance missing or zero in GetInstances (a data problem): "
            f"{format_gb(used_bytes, bytes_per_gb)} used",
            notes=notes,
        )

    percent = 100.0 * used_bytes / allowance_bytes
    allowance_text = format_gb(allowance_bytes, bytes_per_gb)
    if full_allowance_bytes and abs(full_allowance_bytes - allowance_bytes) > 0.5:
        allowance_text = f"{format_gb(full_allowance_bytes, bytes_per_gb)} prorated to {allowance_text}"
    figures = f"{percent:.1f} % of {allowance_text} ({format_gb(used_bytes, bytes_per_gb)} used)"

    projected_percent = None
    projection_text = ""
    if projection is not None:
        projected_percent = 100.0 * projection.used_bytes / allowance_bytes
    if projection is not None and projection.rate_bytes_per_second > 0:  # "at 0 bit/s" says nothing
        minutes = projection.horizon_seconds / 60
        projection_text = (
            f"; projected {projected_percent:.1f} % within {minutes:.0f} min "
            f"at {format_rate(projection.rate_bytes_per_second)}"
        )

    over_stop = percent >= thresholds.stop_percent
    projected_over = projected_percent is not None and projected_percent >= 100.0
    if over_stop or projected_over:
        why = (
            f"at or above the {thresholds.stop_percent:g} % stop line"
            if over_stop
            else "projected past the allowance before the next check can act"
        )
        if state in STOPPABLE_STATES:
            return Decision(
                Verdict.STOP,
                f"{prefix}{figures}{projection_text}: {why}",
                percent=percent,
                level=thresholds.stop_percent,
                projected_percent=projected_percent,
                notes=notes,
            )
        return Decision(
            Verdict.WARN,
            f"{prefix}{figures}{projection_text}: {why}, but the instance is {state}: no stop call",
            percent=percent,
            level=thresholds.stop_percent,
            projected_percent=projected_percent,
            notes=notes,
        )

    crossed = [w for w in thresholds.warn_percents if percent >= w]
    if crossed:
        return Decision(
            Verdict.WARN,
            f"{prefix}{figures}{projection_text}: above the {crossed[-1]:g} % warning level",
            percent=percent,
            level=crossed[-1],
            projected_percent=projected_percent,
            notes=notes,
        )
    return Decision(
        Verdict.OK,
        f"{prefix}{figures}{projection_text}",
        percent=percent,
        projected_percent=projected_percent,
        notes=notes,
    )
