"""Scenario files: a small organization, its traffic and the instants to check it at.

The format is documented by ``schema/scenario.schema.json`` (generated from these models; a test keeps
the two identical). A bad scenario fails with every wrong field named.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, Field, ValidationError, field_validator, model_validator

from ..config.model import (
    AccountId,
    ConfigError,
    Count,
    GuardConfig,
    Region,
    _Model,
    describe_validation_error,
)

#: Upper bounds that keep every sum finite (far above any real link or plan).
MAX_BYTES = 1e18
MAX_RATE = 1e12

SCHEMA_PATH = Path(__file__).parent / "schema" / "scenario.schema.json"
SCENARIOS_DIR = Path(__file__).parent / "scenarios"


def _refuse_repeats(values: list[str], rule: str) -> None:
    if len(values) != len(set(values)):
        raise ValueError(f"{rule}, got {values}")


class Traffic(_Model):
    """Bytes spread evenly over [from, to): a total (``bytesIn``/``bytesOut``) or a rate per second."""

    from_: AwareDatetime | None = Field(None, alias="from")
    to: AwareDatetime | None = None
    day: date | None = Field(None, description="Shorthand for from = day 00:00Z, to = next day 00:00Z")
    bytes_in: float = Field(0, ge=0, le=MAX_BYTES)
    bytes_out: float = Field(0, ge=0, le=MAX_BYTES)
    rate_in: float | None = Field(None, ge=0, le=MAX_RATE, description="bytes per second in")
    rate_out: float | None = Field(None, ge=0, le=MAX_RATE, description="bytes per second out")

    @model_validator(mode="after")
    def _span(self) -> Traffic:
        if self.day is not None:
            if self.from_ is not None or self.to is not None:
                raise ValueError("give either day or from/to, not both")
            start = datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC)
            object.__setattr__(self, "from_", start)
            object.__setattr__(self, "to", start + timedelta(days=1))
        if self.from_ is None or self.to is None:
            raise ValueError("traffic needs from and to (or day)")
        if self.to <= self.from_:
            raise ValueError(f"to ({self.to.isoformat()}) must be after from ({self.from_.isoformat()})")
        if (self.rate_in is not None or self.rate_out is not None) and (self.bytes_in or self.bytes_out):
            raise ValueError("give either bytesIn/bytesOut or rateIn/rateOut, not both")
        return self

    def totals(self) -> tuple[float, float]:
        seconds = (self.to - self.from_).total_seconds()
        if self.rate_in is not None or self.rate_out is not None:
            return (self.rate_in or 0) * seconds, (self.rate_out or 0) * seconds
        return self.bytes_in, self.bytes_out


class StateChange(_Model):
    """The instance moves to ``state`` at ``at`` (someone stopped or started it outside the guard)."""

    at: AwareDatetime
    state: str


class InstanceSpec(_Model):
    name: str = Field(pattern=r"^\w[\w\-.]*\w$", max_length=255, description="Lightsail's name rule")
    bundle_id: str = "micro_3_0"
    allowance_gb: Count = Field(
        ge=0,
        le=1_000_000,
        description="networking.monthlyTransfer.gbPerMonthAllocated (an integer in the API)",
    )
    created_at: AwareDatetime
    deleted_at: AwareDatetime | None = None
    state: str = "running"
    static_ip: bool = False
    ip_type: Literal["dualstack", "ipv4", "ipv6"] = "dualstack"
    tags: dict[str, str] = Field(default_factory=dict)
    traffic: list[Traffic] = Field(default_factory=list)
    state_changes: list[StateChange] = Field(default_factory=list)

    @model_validator(mode="after")
    def _lifetime(self) -> InstanceSpec:
        if self.deleted_at is not None and self.deleted_at <= self.created_at:
            raise ValueError("deletedAt must be after createdAt")
        for change in self.state_changes:
            if change.at < self.created_at or (self.deleted_at is not None and change.at >= self.deleted_at):
                raise ValueError(
                    f"stateChanges at {change.at.isoformat()} falls outside the instance's lifetime"
                )
        return self


class RegionSpec(_Model):
    name: Region
    instances: list[InstanceSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_unique_while_alive(self) -> RegionSpec:
        """Names are unique per account and region among live instances (a name can be reused after
        a delete)."""
        by_name: dict[str, list[InstanceSpec]] = {}
        for spec in self.instances:
            for other in by_name.get(spec.name, []):
                if spec.created_at < (
                    other.deleted_at or datetime.max.replace(tzinfo=UTC)
                ) and other.created_at < (spec.deleted_at or datetime.max.replace(tzinfo=UTC)):
                    raise ValueError(
                        f"two instances named {spec.name!r} exist at the same time in {self.name}"
                    )
            by_name.setdefault(spec.name, []).append(spec)
        return self


class AccountSpec(_Model):
    id: AccountId
    name: str | None = None
    role_assumable: bool = Field(True, description="false: the member role is missing (AssumeRole is denied)")
    regions: list[RegionSpec] = Field(min_length=1)

    @field_validator("regions")
    @classmethod
    def _unique_regions(cls, regions: list[RegionSpec]) -> list[RegionSpec]:
        _refuse_repeats([r.name for r in regions], "each region once per account")
        return regions


class Checks(_Model):
    """When the schedule fires: a list of instants, and/or every N minutes from ``from`` to ``to``."""

    at: list[AwareDatetime] = Field(default_factory=list)
    from_: AwareDatetime | None = Field(None, alias="from")
    to: AwareDatetime | None = None
    every_minutes: int | None = Field(None, ge=1, le=1440)

    @model_validator(mode="after")
    def _some(self) -> Checks:
        interval = (self.from_, self.to, self.every_minutes)
        if any(v is not None for v in interval) and not all(v is not None for v in interval):
            raise ValueError("an interval needs from, to and everyMinutes")
        if not self.at and self.every_minutes is None:
            raise ValueError("give check instants in at, or an interval (from, to, everyMinutes)")
        if self.to is not None and self.from_ is not None and self.to < self.from_:
            raise ValueError("to must not be before from")
        return self

    def instants(self) -> list[datetime]:
        found = set(self.at)
        if self.every_minutes is not None:
            t = self.from_
            while t <= self.to:
                found.add(t)
                t += timedelta(minutes=self.every_minutes)
        return sorted(found)


class Fault(_Model):
    """Make the fake Lightsail answer an error: ``times`` calls (or always when omitted)."""

    operation: Literal[
        "GetInstances", "GetInstance", "GetInstanceMetricData", "StopInstance", "StartInstance"
    ]
    account: AccountId | None = None
    region: Region | None = None
    instance: str | None = None
    code: str = "ThrottlingException"
    times: int | None = Field(None, ge=1)


class FakeSettings(_Model):
    page_size: int = Field(2, ge=1, le=100)
    metric_lag_seconds: int = Field(60, ge=0)
    stop_duration_seconds: int = Field(60, ge=0)


class Scenario(_Model):
    name: str
    description: str = ""
    config: dict[str, Any] = Field(
        default_factory=dict, description="GuardConfig fields; targets default to the accounts below"
    )
    accounts: list[AccountSpec] = Field(min_length=1)
    checks: Checks
    reports: list[AwareDatetime] = Field(default_factory=list, description="instants of the daily report run")
    faults: list[Fault] = Field(default_factory=list)
    fake: FakeSettings = Field(default_factory=FakeSettings)

    @field_validator("accounts")
    @classmethod
    def _unique_accounts(cls, accounts: list[AccountSpec]) -> list[AccountSpec]:
        _refuse_repeats([a.id for a in accounts], "account ids must be unique")
        return accounts

    def guard_config(self, *, source: str = "scenario") -> GuardConfig:
        raw = dict(self.config)
        raw.setdefault(
            "targets",
            [
                {
                    "accounts": [a.id],
                    "regions": [r.name for r in a.regions],
                    **({"accountNames": {a.id: a.name}} if a.name else {}),
                }
                for a in self.accounts
            ],
        )
        from ..config.model import load_config

        try:
            return load_config(raw, source="scenario config")
        except ConfigError as exc:
            raise ConfigError(source, [f"config.{p}" for p in exc.problems]) from None

    def runs(self) -> list[tuple[datetime, str]]:
        """(instant, mode) of every execution, in time order; a report run also checks."""
        reports = set(self.reports)
        instants = sorted(set(self.checks.instants()) | reports)
        return [(t, "report" if t in reports else "check") for t in instants]


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), ["(file): not found"]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [f"(file): cannot be read as UTF-8 JSON: {exc}"]) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(str(path), [f"(file): not valid JSON: {exc}"]) from None
    return parse_scenario(raw, source=str(path))


def parse_scenario(raw: Any, *, source: str = "scenario") -> Scenario:
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, describe_validation_error(exc)) from None
    scenario.guard_config(source=source)  # the config block is checked now, not at the first run
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Lightsail Guard scenario"
    return schema
