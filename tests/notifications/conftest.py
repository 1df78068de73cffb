"""Fixtures for the notification tests: results as the workflow makes them, a local AWS, the Telegram
fake, an injected sleep, and the notifications logger's lines."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from lightsail_guard.adapters.aws_clients import CLIENTS
from lightsail_guard.config.model import load_config
from lightsail_guard.local.telegram_fake import TelegramFake
from lightsail_guard.model.messages import InstanceResult
from lightsail_guard.notifications.channels import forget_tokens
from lightsail_guard.steps.summarize_run import RunSummary, TargetOutcome

GB = 10**9
HUB_REGION = "us-east-1"
CHAT = "-1001234567890"


def result(name: str = "web-1", **fields: Any) -> InstanceResult:
    """One instance's result; figures in GB for readability (``used_gb``, ``allowance_gb``)."""
    used_gb = fields.pop("used_gb", 500.0)
    allowance_gb = fields.pop("allowance_gb", 1024.0)
    out_share = fields.pop("out_share", 0.8)
    used = None if used_gb is None else used_gb * GB
    allowance = None if allowance_gb is None else allowance_gb * GB
    percent = None if used is None or not allowance else 100.0 * used / allowance
    verdict = fields.pop(
        "verdict",
        "unknown" if percent is None else "stop" if percent >= 95 else "warn" if percent >= 80 else "ok",
    )
    base: dict[str, Any] = {
        "account": "111111111111",
        "region": "eu-central-1",
        "name": name,
        "arn": f"arn:aws:lightsail:eu-central-1:111111111111:Instance/{name}-id",
        "state": "running",
        "bundle_id": "nano_3_0",
        "static_ip": False,
        "ip_type": "dualstack",
        "created_at": "2024-01-01T00:00:00Z",
        "bytes_in": None if used is None else used * (1 - out_share),
        "bytes_out": None if used is None else used * out_share,
        "used_bytes": used,
        "allowance_bytes": allowance,
        "full_allowance_bytes": allowance,
        "percent": percent,
        "verdict": verdict,
        "reason": "usage unknown: no metric data"
        if percent is None
        else f"{percent:.1f} % of {allowance_gb:g} GB ({used_gb:g} GB used)",
        "action": {"stop": "stop", "warn": "notify", "unknown": "notify", "error": "notify"}.get(
            verdict, "none"
        ),
    }
    base.update(fields)
    return InstanceResult.model_validate(base)


def outcome(
    account: str,
    region: str,
    results: list[InstanceResult],
    *,
    name: str | None = None,
    error: str | None = None,
) -> TargetOutcome:
    for r in results:
        r.account, r.region = account, region
    return TargetOutcome(account=account, region=region, account_name=name, error=error, results=results)


def summary(
    now: str, outcomes: list[TargetOutcome] | None = None, errors: list[str] | None = None
) -> RunSummary:
    outcomes = outcomes or []
    results = [r for o in outcomes for r in o.results]
    return RunSummary(
        run_id="report-0001",
        now=now,
        mode="report",
        targets=len(outcomes),
        failed_targets=sum(1 for o in outcomes if o.error),
        instances=len(results),
        verdicts={},
        stops=0,
        notifications=0,
        errors=errors
        if errors is not None
        else [f"{o.account}/{o.region}: {o.error}" for o in outcomes if o.error],
    )


def settings(**overrides: Any) -> SimpleNamespace:
    """What ``configured_channels`` reads from :class:`RuntimeSettings` (plus ``telegram_api_base``)."""
    config = {"targets": [{"accounts": ["111111111111"], "regions": ["eu-central-1"]}]}
    config.update(overrides.pop("config", {}))
    values = {
        "config": load_config(config),
        "hub_region": HUB_REGION,
        "alert_topic_arn": None,
        "ledger_table": None,
        "telegram_secret_arn": None,
        "event_bus_name": None,
        "telegram_api_base": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


class Sleeps(list):
    """An injected ``sleep``: records the seconds asked for and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def telegram() -> Iterator[TelegramFake]:
    with TelegramFake() as fake:
        yield fake


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto for every AWS service; the shared client cache starts empty and is emptied afterwards."""
    from moto import mock_aws

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": HUB_REGION,
    }.items():
        monkeypatch.setenv(key, value)
    CLIENTS.clear()
    forget_tokens()
    with mock_aws():
        yield
    CLIENTS.clear()
    forget_tokens()


class LogLines(list):
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self]


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """Records of the notifications logger (it propagates to the service logger, not to the root)."""
    lines = LogLines()

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record)

    logger = logging.getLogger("lightsail-guard.notifications")
    handler = Recorder(level=logging.DEBUG)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(previous)


REGIONS = ("eu-central-1", "us-east-1", "ap-southeast-2", "ap-south-1")


def fleet(instances: int, accounts: int, *, now: str = "2025-03-20T08:20:00Z", name_of=None):
    """``instances`` spread over ``accounts`` (two regions each), usage from 5 % to 99 %."""
    outcomes = []
    per_account = -(-instances // accounts)
    made = 0
    for a in range(accounts):
        account = f"{a + 1:012d}"
        regions: dict[str, list[InstanceResult]] = {REGIONS[a % 4]: [], REGIONS[(a + 1) % 4]: []}
        for i in range(min(per_account, instances - made)):
            name = name_of(a, i) if name_of else f"app-{a + 1}-{i:02d}"
            used = 1024 * ((made * 37) % 95 + 5) / 100
            region = list(regions)[i % 2]
            regions[region].append(result(name, used_gb=used, allowance_gb=1024.0))
            made += 1
        for region, results in regions.items():
            outcomes.append(outcome(account, region, results, name=f"team-{a + 1}"))
    return outcomes, summary(now, outcomes)
