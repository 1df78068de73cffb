"""One alert about one instance: built once from its result, rendered for each channel.

An alert says what happened (the first line; a dry run says so there), to which instance (account id
and name, region), the figures (usage, allowance, percent, pool), the decision's reason unchanged, the
action and whether it worked, and what the stop means for the instance's address (DOMAIN.md, "public
IPv4": a stopped instance without a static IP gets a new public IPv4 on its next start).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from ..model.messages import InstanceResult
from . import formatting as fmt

AlertKind = Literal["warn", "stop", "start", "unknown", "error"]
#: How the action ended: what a reader (or an event rule) needs to tell apart.
Outcome = Literal[
    "stopped", "stop-failed", "not-stopped", "dry-run", "started", "start-failed", "not-started", "alerted"
]

SUBJECT_PREFIX = "Lightsail Guard: "
SUBJECT_LIMIT = 99  # SNS: "less than 100 characters" (DOMAIN.md, "Notification channels")
_STOPPED_STATES = frozenset({"stopping", "stopped"})
_STARTED_STATES = frozenset({"pending", "running"})


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    outcome: Outcome
    #: ``True``/``False`` when an action was attempted; ``None`` for an alert-only outcome or a dry run.
    succeeded: bool | None
    headline: str
    name: str
    account: str
    account_name: str | None
    region: str
    arn: str | None
    state: str | None
    bundle_id: str | None
    static_ip: bool | None
    ip_type: str | None
    used_bytes: float | None
    bytes_in: float | None
    bytes_out: float | None
    allowance_bytes: float | None
    full_allowance_bytes: float | None
    percent: float | None
    projected_percent: float | None
    level: float | None
    pool: str | None
    #: The pool's figures when the decision was taken for the pool (pool accounting, 2+ members).
    pool_used_bytes: float | None
    pool_allowance_bytes: float | None
    verdict: str
    reason: str
    action: str
    action_result: str | None
    dry_run: bool
    #: The address consequence of a stop (or start), ``None`` when there is none.
    address_note: str | None
    bytes_per_gb: int

    @property
    def where(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def own_percent(self) -> float | None:
        """This instance's share of its own allowance (the result's percent is the pool's when pooled)."""
        if self.used_bytes is not None and self.allowance_bytes:
            return 100.0 * self.used_bytes / self.allowance_bytes
        return self.percent

    @property
    def pool_percent(self) -> float | None:
        if self.pool_used_bytes is None or not self.pool_allowance_bytes:
            return None
        return 100.0 * self.pool_used_bytes / self.pool_allowance_bytes

    @property
    def pool_size(self) -> str | None:
        """``nano`` for pool ``acct/region/nano``; ``None`` when the instance pools alone."""
        if not self.pool:
            return None
        size = self.pool.rsplit("/", 1)[-1]
        return None if size.startswith("instance:") else size


def build_alert(item: InstanceResult, *, bytes_per_gb: int, account_name: str | None = None) -> Alert:
    kind = _kind(item)
    outcome, succeeded = _outcome(item, kind)
    dry_run = bool(item.dry_run)
    return Alert(
        kind=kind,
        outcome=outcome,
        succeeded=succeeded,
        headline=_headline(kind, outcome),
        name=item.name,
        account=item.account,
        # getattr: InstanceResult gains ``account_name`` with the lead's messages.py patch
        account_name=account_name or getattr(item, "account_name", None),
        region=item.region,
        arn=item.arn,
        state=item.state,
        bundle_id=item.bundle_id,
        static_ip=item.static_ip,
        ip_type=item.ip_type,
        used_bytes=item.used_bytes,
        bytes_in=item.bytes_in,
        bytes_out=item.bytes_out,
        allowance_bytes=item.allowance_bytes,
        full_allowance_bytes=item.full_allowance_bytes,
        percent=item.percent,
        projected_percent=item.projected_percent,
        level=item.level,
        pool=item.pool,
        pool_used_bytes=item.pool_used_bytes,
        pool_allowance_bytes=item.pool_allowance_bytes,
        verdict=item.verdict,
        reason=item.reason,
        action=item.action,
        action_result=_action_result(item),
        dry_run=dry_run,
        address_note=_address_note(item, kind, outcome),
        bytes_per_gb=bytes_per_gb,
    )


def _kind(item: InstanceResult) -> AlertKind:
    if item.action == "start":
        return "start"
    if item.verdict in ("warn", "stop", "unknown", "error"):
        return item.verdict  # type: ignore[return-value]
    return "warn"  # an "ok" result is never sent; if it is, it reads as information, not as an action


def _action_result(item: InstanceResult) -> str | None:
    return item.start_result if item.action == "start" else item.stop_result


def _outcome(item: InstanceResult, kind: AlertKind) -> tuple[Outcome, bool | None]:
    if kind == "stop":
        if item.dry_run:
            return "dry-run", None
        if item.action != "stop":
            return "alerted", None  # over the line but not to be stopped (tag mode=notify)
        result = item.stop_result or ""
        if item.stop_error or result.startswith("stop failed"):
            return "stop-failed", False
        if item.state in _STOPPED_STATES:
            # Also when a repeated execution found it already stopping: what matters is where it is now.
            return "stopped", True
        if result.startswith("not stopped"):
            return "not-stopped", False
        return "stop-failed", False
    if kind == "start":
        if item.dry_run:
            return "dry-run", None
        result = item.start_result or ""
        if item.start_error or result.startswith("start failed"):
            return "start-failed", False
        if item.state in _STARTED_STATES:
            return "started", True
        if result.startswith("not started"):
            return "not-started", False
        return "start-failed", False
    return "alerted", None


_HEADLINES: dict[tuple[str, str], str] = {
    ("stop", "stopped"): "STOPPED",
    ("stop", "stop-failed"): "STOP FAILED",
    ("stop", "not-stopped"): "Over the stop line, not stopped",
    ("stop", "dry-run"): "DRY RUN: would stop",
    ("stop", "alerted"): "Over the stop line (alert only)",
    ("start", "started"): "Started",
    ("start", "start-failed"): "START FAILED",
    ("start", "not-started"): "Not started",
    ("start", "dry-run"): "DRY RUN: would start",
    ("warn", "alerted"): "Warning",
    ("unknown", "alerted"): "Usage unknown",
    ("error", "alerted"): "Check failed",
}


def _headline(kind: AlertKind, outcome: Outcome) -> str:
    return _HEADLINES.get((kind, outcome), kind)


def _address_note(item: InstanceResult, kind: AlertKind, outcome: Outcome) -> str | None:
    """C14: a stop without a static IP changes the public IPv4 at the next start; IPv6 addresses stay."""
    if kind not in ("stop", "start") or item.static_ip or item.ip_type == "ipv6":
        return None  # a static IP keeps its address; an IPv6-only instance has no public IPv4
    ipv6 = " IPv6 addresses stay the same." if item.ip_type == "dualstack" else ""
    if kind == "start":
        if outcome != "started":
            return None
        return f"No static IP is attached: the instance has a new public IPv4 address.{ipv6}"
    if outcome in ("stopped", "dry-run"):
        verb = "would change" if outcome == "dry-run" else "changes"
        return (
            f"No static IP is attached: the public IPv4 address {verb} when the instance is next started."
            f"{ipv6} Attach a static IP to keep the address."
        )
    return None


# -- rendering --------------------------------------------------------------------------------------


def alert_subject(alert: Alert) -> str:
    """One line under 100 characters; a long name is shortened in the middle, the place is kept (C16)."""
    dry = "[DRY RUN] " if alert.dry_run and alert.outcome != "dry-run" else ""
    head = f"{SUBJECT_PREFIX}{dry}{alert.headline} "
    tail = f" ({alert.where})"
    name = " ".join(alert.name.split())
    room = SUBJECT_LIMIT - len(head) - len(tail)
    if room < 12:  # never the case with AWS's 12-digit accounts and region names; kept for safety
        tail, room = "", SUBJECT_LIMIT - len(head)
    return head + fmt.shorten_middle(name, room) + tail


def _first_line(alert: Alert) -> str:
    line = f"{alert.headline} {alert.name} ({fmt.account_label(alert.account, alert.account_name)}, {alert.region})"
    if alert.dry_run and alert.outcome != "dry-run":
        line = "[DRY RUN] " + line
    return line


def _facts(alert: Alert) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order every channel shows them."""
    per_gb = alert.bytes_per_gb
    facts = [
        ("Instance", alert.name),
        ("Account", fmt.account_label(alert.account, alert.account_name)),
        ("Region", alert.region),
    ]
    if alert.state:
        facts.append(("State", alert.state))
    if alert.used_bytes is not None and alert.allowance_bytes:
        facts.append(
            (
                "Usage",
                f"{fmt.gb(alert.used_bytes, per_gb)} of {fmt.gb(alert.allowance_bytes, per_gb)} "
                f"({fmt.percent(alert.own_percent)})",
            )
        )
    elif alert.used_bytes is not None:
        facts.append(("Usage", f"{fmt.gb(alert.used_bytes, per_gb)} (allowance unknown)"))
    else:
        facts.append(("Usage", "unknown"))
    if (
        alert.allowance_bytes
        and alert.full_allowance_bytes
        and (abs(alert.full_allowance_bytes - alert.allowance_bytes) > 0.5)
    ):
        facts.append(
            (
                "Allowance",
                f"{fmt.gb(alert.full_allowance_bytes, per_gb)} a month, prorated to "
                f"{fmt.gb(alert.allowance_bytes, per_gb)} (created this month)",
            )
        )
    if alert.pool_size and alert.pool_percent is not None:
        facts.append(
            (
                "Pool",
                f"{alert.pool_size} bundles in {alert.where} share one allowance: "
                f"{fmt.gb(alert.pool_used_bytes, per_gb)} of {fmt.gb(alert.pool_allowance_bytes, per_gb)} "
                f"({fmt.percent(alert.pool_percent)})",
            )
        )
    facts.append(("Reason", alert.reason))
    facts.append(("Action", _action_text(alert)))
    return facts


def _action_text(alert: Alert) -> str:
    result = alert.action_result
    match alert.outcome:
        case "stopped":
            return f"stop: done, the instance is {alert.state}"
        case "stop-failed":
            return f"stop: FAILED ({result or 'no result'})"
        case "not-stopped":
            return f"stop: not done ({result})"
        case "dry-run":
            return f"none (dry run: the instance would be {'stopped' if alert.kind == 'stop' else 'started'})"
        case "started":
            return f"start: done, the instance is {alert.state}"
        case "start-failed":
            return f"start: FAILED ({result or 'no result'})"
        case "not-started":
            return f"start: not done ({result})"
    return "alert only (no stop)"


def alert_text(alert: Alert) -> str:
    """Plain text for e-mail (SNS): the first line says what happened, then one fact per line."""
    lines = [_first_line(alert), ""]
    lines += [f"{label}: {value}" for label, value in _facts(alert)]
    if alert.address_note:
        lines.append(f"Note: {alert.address_note}")
    if alert.arn:
        lines.append(f"ARN: {alert.arn}")
    return "\n".join(lines)


def alert_html(alert: Alert) -> str:
    """Telegram HTML: every dynamic value escaped (C9), only tags Telegram knows."""
    first = _first_line(alert)
    lines = [f"<b>{escape(first)}</b>"]
    for label, value in _facts(alert):
        shown = f"<code>{escape(value)}</code>" if label == "Instance" else escape(value)
        lines.append(f"<b>{escape(label)}:</b> {shown}")
    if alert.address_note:
        lines.append(f"⚠️ {escape(alert.address_note)}")
    return "\n".join(lines)


def render_alert(
    item: InstanceResult, *, bytes_per_gb: int, account_name: str | None = None
) -> tuple[str, str]:
    """(subject, plain-text body): the form every text channel can carry."""
    alert = build_alert(item, bytes_per_gb=bytes_per_gb, account_name=account_name)
    return alert_subject(alert), alert_text(alert)
