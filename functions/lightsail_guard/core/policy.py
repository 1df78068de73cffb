"""Which instances are guarded, and how (configuration and instance tags).

Tags (keys under ``lightsail-guard:``):

- ``lightsail-guard:mode``: ``stop`` (default: warn, then stop), ``notify`` (alerts, never stopped) or
  ``off`` (reported only: no alert, no stop).
- ``lightsail-guard:stop-percent``: a stop level for this instance, a number in (0, 100].
- ``lightsail-guard:hold``: ``true`` keeps an instance the guard stopped from being started again
  next month (``restartNextMonth``).

An invalid tag value is reported as such and the default applies. The target's ``include``/``exclude``
name patterns decide whether an instance is guarded at all (not guarded = reported only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

MODE_TAG = "lightsail-guard:mode"
STOP_PERCENT_TAG = "lightsail-guard:stop-percent"
HOLD_TAG = "lightsail-guard:hold"
MODES = ("stop", "notify", "off")


@dataclass(frozen=True, slots=True)
class InstancePolicy:
    mode: str
    stop_percent: float
    hold: bool
    problems: tuple[str, ...] = ()

    @property
    def may_stop(self) -> bool:
        return self.mode == "stop"

    @property
    def may_notify(self) -> bool:
        return self.mode != "off"


def _selected(name: str, include: Sequence[str], exclude: Sequence[str]) -> str | None:
    """``None`` when guarded; otherwise why not."""
    if include and not any(fnmatchcase(name, p) for p in include):
        return f"not in include list {list(include)}"
    hit = next((p for p in exclude if fnmatchcase(name, p)), None)
    return f"excluded by pattern {hit!r}" if hit else None


def instance_policy(
    *,
    name: str,
    tags: Mapping[str, str],
    include: Sequence[str],
    exclude: Sequence[str],
    stop_percent: float,
    warn_percents: Sequence[float],
) -> InstancePolicy:
    problems: list[str] = []
    mode = "stop"
    raw_mode = tags.get(MODE_TAG)
    if raw_mode is not None:
        if raw_mode.strip().lower() in MODES:
            mode = raw_mode.strip().lower()
        else:
            problems.append(
                f"tag {MODE_TAG}={raw_mode!r} is invalid (allowed: {', '.join(MODES)}); using 'stop'"
            )
    unselected = _selected(name, include, exclude)
    if unselected:
        mode = "off"
        problems.append(f"not guarded: {unselected}")

    level = stop_percent
    raw_level = tags.get(STOP_PERCENT_TAG)
    if raw_level is not None:
        try:
            value = float(raw_level.strip().rstrip("%"))
        except ValueError:
            value = float("nan")
        highest_warn = max(warn_percents, default=0.0)
        if highest_warn < value <= 100:
            level = value
        else:
            problems.append(
                f"tag {STOP_PERCENT_TAG}={raw_level!r} is invalid (allowed: a number above {highest_warn:g} "
                f"and at most 100); using {stop_percent:g}"
            )

    hold = False
    raw_hold = tags.get(HOLD_TAG)
    if raw_hold is not None:
        if raw_hold.strip().lower() in ("true", "false"):
            hold = raw_hold.strip().lower() == "true"
        else:
            problems.append(f"tag {HOLD_TAG}={raw_hold!r} is invalid (allowed: true, false); using false")
    return InstancePolicy(mode=mode, stop_percent=level, hold=hold, problems=tuple(problems))
