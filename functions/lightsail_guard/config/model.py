"""The guard's configuration: data with a schema, validated once (STYLE.md, lesson 7).

Keys are camelCase in JSON, YAML and Pulumi config (``stopPercent``); Python code uses snake_case.
Unknown keys are refused so that a typo never silently falls back to a default. Every error names
the field and what is allowed (:class:`ConfigError`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ..core.decision import Thresholds

ACCOUNT_ID = re.compile(r"^\d{12}$")
OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TELEGRAM_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.*?\[\]!-]{1,255}$")

#: The retention periods CloudWatch Logs accepts (PutRetentionPolicy).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653)  # fmt: skip

#: Bytes in the API's "GB" (DOMAIN.md, "units"): 10^9 is the safe default, 2^30 on request.
BYTES_PER_GB_CHOICES = (1_000_000_000, 1_073_741_824)


def _matches(pattern: re.Pattern[str], allowed: str):
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not valid; allowed: {allowed}")
        return value

    return check


def _no_bool(value: Any) -> Any:
    # JSON true would otherwise become 1.0: a 1 % stop line that stops everything.
    if isinstance(value, bool):
        raise ValueError(f"a number is required, got {str(value).lower()}")
    return value


Percent = Annotated[float, BeforeValidator(_no_bool)]
#: A whole number that refuses JSON booleans (``true`` is not 1 minute).
Count = Annotated[int, BeforeValidator(_no_bool)]

AccountId = Annotated[str, AfterValidator(_matches(ACCOUNT_ID, "a 12-digit AWS account id"))]
OuId = Annotated[
    str, AfterValidator(_matches(OU_ID, "an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)"))
]


@lru_cache(maxsize=1)
def lightsail_regions() -> tuple[str, ...]:
    """The regions Lightsail exists in, from botocore's Lightsail model (``RegionName``)."""
    import botocore.session

    return tuple(botocore.session.get_session().get_service_model("lightsail").shape_for("RegionName").enum)


def _lightsail_region(value: str) -> str:
    _matches(REGION, "an AWS region name such as eu-central-1")(value)
    regions = lightsail_regions()
    if regions and value not in regions:
        raise ValueError(f"{value!r} is not a Lightsail region; allowed: {', '.join(regions)}")
    return value


Region = Annotated[str, AfterValidator(_lightsail_region)]
NamePattern = Annotated[
    str, AfterValidator(_matches(NAME_PATTERN, "an instance name or a glob pattern such as web-*"))
]


class _Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        validate_default=True,
        allow_inf_nan=False,
    )


class TargetSpec(_Model):
    """Accounts (explicit ids and/or organizational units) × regions, with an optional name filter."""

    accounts: list[AccountId] = Field(default_factory=list)
    organizational_units: list[OuId] = Field(default_factory=list)
    regions: list[Region] = Field(min_length=1)
    #: Instance names or glob patterns to guard; empty means all instances (the default).
    include: list[NamePattern] = Field(default_factory=list)
    #: Instance names or glob patterns never guarded (reported, never stopped).
    exclude: list[NamePattern] = Field(default_factory=list)
    #: Display names for account ids, used in notifications and reports.
    account_names: dict[AccountId, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _some_accounts(self) -> TargetSpec:
        if not self.accounts and not self.organizational_units:
            raise ValueError("a target needs at least one of accounts or organizationalUnits")
        return self


class GuardConfig(_Model):
    """Everything the guard can be told. Defaults are the safe choices of DOMAIN.md."""

    targets: list[TargetSpec] = Field(min_length=1)

    # -- money --------------------------------------------------------------------------------
    stop_percent: Percent = Field(95.0, gt=0, le=100)
    warn_percents: list[Percent] = Field(default_factory=lambda: [80.0, 90.0], max_length=5)
    bytes_per_gb: int = 1_000_000_000
    accounting: Literal["pool", "instance"] = "pool"
    projection: StrictBool = True
    dry_run: StrictBool = False

    # -- timing -------------------------------------------------------------------------------
    check_interval_minutes: Count = Field(10, ge=1, le=60)
    metric_lag_seconds: Count = Field(300, ge=0, le=3600)
    stop_duration_seconds: Count = Field(60, ge=0, le=3600)
    report_time: str = "08:00"
    report_timezone: str = "UTC"

    # -- behaviour ----------------------------------------------------------------------------
    restart_next_month: StrictBool = False

    # -- fan-out ------------------------------------------------------------------------------
    target_concurrency: Count = Field(10, ge=1, le=40)
    instance_concurrency: Count = Field(10, ge=1, le=40)

    # -- member accounts ----------------------------------------------------------------------
    member_role_name: Annotated[
        str, AfterValidator(_matches(ROLE_NAME, "an IAM role name: 1-64 of letters, digits and +=,.@_-"))
    ] = "LightsailGuardMember"
    external_id: (
        Annotated[
            str, AfterValidator(_matches(EXTERNAL_ID, "2-1224 characters of letters, digits and +=,.@:/_-"))
        ]
        | None
    ) = None
    member_role_mode: Literal["stackset", "providers", "existing"] = "stackset"

    # -- notifications ------------------------------------------------------------------------
    notification_emails: list[Annotated[str, AfterValidator(_matches(EMAIL, "an e-mail address"))]] = Field(
        default_factory=list
    )
    telegram_chat_ids: list[
        Annotated[
            str, AfterValidator(_matches(TELEGRAM_CHAT, "a numeric Telegram chat id or an @channel name"))
        ]
    ] = Field(default_factory=list)

    # -- deployment ---------------------------------------------------------------------------
    workflow_type: Literal["EXPRESS", "STANDARD"] = "EXPRESS"
    architecture: Literal["arm64", "x86_64"] = "arm64"
    log_retention_days: Count = Field(30, ge=1, le=3653)

    @field_validator("bytes_per_gb")
    @classmethod
    def _bytes_per_gb(cls, value: int) -> int:
        if value not in BYTES_PER_GB_CHOICES:
            raise ValueError(f"must be one of {list(BYTES_PER_GB_CHOICES)} (10^9 or 2^30), got {value}")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _log_retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"must be one of the retentions CloudWatch Logs accepts: {list(LOG_RETENTION_DAYS)}"
            )
        return value

    @field_validator("report_time")
    @classmethod
    def _report_time(cls, value: str) -> str:
        if not HHMM.fullmatch(value):
            raise ValueError(f"allowed: HH:MM in 24-hour time, got {value!r}")
        return value

    @field_validator("report_timezone")
    @classmethod
    def _report_timezone(cls, value: str) -> str:
        _check_timezone(value)
        return value

    @model_validator(mode="after")
    def _targets_do_not_overlap(self) -> GuardConfig:
        # Two targets naming one (account, region) would need two sets of include/exclude filters for
        # the same instances: refused, rather than one silently winning.
        seen: dict[tuple[str, str], int] = {}
        for index, spec in enumerate(self.targets):
            for account in spec.accounts:
                for region in spec.regions:
                    first = seen.setdefault((account, region), index)
                    if first != index:
                        raise ValueError(
                            f"targets.{index}: account {account} in {region} is already covered by targets.{first}; "
                            "list each account and region once (merge their include/exclude lists)"
                        )
        return self

    @model_validator(mode="after")
    def _consistent(self) -> GuardConfig:
        try:
            self.thresholds()
        except ValueError as exc:
            raise ValueError(
                str(exc).replace("warn_percents", "warnPercents").replace("stop_percent", "stopPercent")
            ) from None
        return self

    def thresholds(self) -> Thresholds:
        return Thresholds(stop_percent=self.stop_percent, warn_percents=tuple(self.warn_percents))

    def to_json(self) -> str:
        """Compact camelCase JSON: the form passed to the Lambdas in their environment."""
        return self.model_dump_json(by_alias=True, exclude_defaults=False)


def _check_timezone(name: str) -> None:
    """An IANA zone name. Checked against the tz database where one is installed."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    if not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", name) or name.startswith("/"):
        raise ValueError(f"allowed: an IANA time zone such as Europe/Berlin, got {name!r}")
    if not available_timezones():
        return
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"reportTimezone must be an IANA time zone such as Europe/Berlin, got {name!r}"
        ) from None


class ConfigError(ValueError):
    """A configuration that cannot be used; the message lists each bad field and what it allows."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"invalid configuration in {source}:\n" + "\n".join(f"  - {p}" for p in problems))


def describe_validation_error(error: ValidationError, prefix: str = "") -> list[str]:
    """Turn pydantic's errors into ``field.path: message`` lines, in the camelCase the user wrote."""
    problems = []
    for item in error.errors(include_url=False):
        path = ".".join(str(p) for p in item["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; keys are camelCase)"
        elif item["type"] == "literal_error":
            message = message.replace("Input should be", "allowed:")
        # Whole-model checks name their fields in the message itself.
        problems.append(f"{path}: {message}" if path else message)
    return problems


def load_config(raw: str | Mapping[str, Any], *, source: str = "configuration") -> GuardConfig:
    """Validate ``raw`` (a JSON string or a mapping) into a :class:`GuardConfig` or raise ConfigError."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(source, [f"not valid JSON: {exc}"]) from None
    if not isinstance(raw, Mapping):
        raise ConfigError(source, [f"(top level): expected an object, got {type(raw).__name__}"])
    try:
        return GuardConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, describe_validation_error(exc)) from None
