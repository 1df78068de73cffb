"""The configuration model (STYLE.md lesson 7): every bad value is refused with the field, in camelCase,
and what is allowed. Defaults are DOMAIN.md's safe choices (row "units": 10^9 bytes per GB).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lightsail_guard.config import ConfigError, GuardConfig, load_config
from lightsail_guard.core.decision import Thresholds

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

TARGET = {"accounts": ["123456789012"], "regions": ["eu-west-1"]}


def minimal(**overrides: Any) -> dict[str, Any]:
    return {"targets": [TARGET], **overrides}


def problems_for(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(raw, source="guard.json")
    return caught.value.problems


# -- defaults ------------------------------------------------------------------------------------------------


def test_minimal_config_has_the_safe_money_defaults() -> None:
    """Given only a target, when loaded, then 95 % stop, warnings at 80 and 90 %, 10^9 bytes per GB."""
    config = load_config(minimal())

    assert (config.stop_percent, config.warn_percents, config.bytes_per_gb) == (95.0, [80.0, 90.0], 10**9)


def test_thresholds_come_from_the_config() -> None:
    """Given stopPercent 90 and warnPercents [70], when thresholds are built, then they carry those levels."""
    config = load_config(minimal(stopPercent=90, warnPercents=[70]))

    assert config.thresholds() == Thresholds(stop_percent=90.0, warn_percents=(70.0,))


def test_gib_can_be_chosen() -> None:
    """Given bytesPerGb 2^30 (C6's alternative), when loaded, then it is accepted."""
    assert load_config(minimal(bytesPerGb=2**30)).bytes_per_gb == 2**30


def test_json_text_round_trips_in_camel_case() -> None:
    """Given a config, when dumped with to_json and loaded again, then it is the same config."""
    config = load_config(minimal(stopPercent=92.5, bytesPerGb=2**30))

    assert load_config(config.to_json()) == config


def test_to_json_uses_camel_case_keys() -> None:
    """Given a config, when dumped, then keys are camelCase (the form users write)."""
    keys = json.loads(load_config(minimal()).to_json())

    assert {"stopPercent", "warnPercents", "bytesPerGb"} <= keys.keys()


# -- each bad value names its field and what is allowed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field", "allowed"),
    [
        pytest.param(minimal(stopPercent=120), "stopPercent", "less than or equal to 100", id="stop-120"),
        pytest.param(minimal(stopPercent=0), "stopPercent", "greater than 0", id="stop-0"),
        pytest.param(
            minimal(warnPercents=[80, 96]),
            "warnPercents",
            "between 0 and stopPercent (95.0)",
            id="warn-above-stop",
        ),
        pytest.param(
            minimal(stopPercent=85),
            "warnPercents",
            "between 0 and stopPercent (85.0)",
            id="stop-below-default-warns",
        ),
        pytest.param(
            minimal(warnPercents=[90, 80]), "warnPercents", "ascending and distinct", id="warn-descending"
        ),
        pytest.param(
            minimal(bytesPerGb=1024), "bytesPerGb", "one of [1000000000, 1073741824]", id="bytes-per-gb-1024"
        ),
        pytest.param(
            minimal(stopPercnt=90),
            "stopPercnt",
            "unknown field (check the spelling; keys are camelCase)",
            id="typo",
        ),
        pytest.param(
            minimal(targets=[{**TARGET, "accounts": ["12345"]}]),
            "targets.0.accounts.0",
            "a 12-digit AWS account id",
            id="short-account-id",
        ),
        pytest.param(
            minimal(targets=[{**TARGET, "regions": ["Frankfurt"]}]),
            "targets.0.regions.0",
            "an AWS region name such as eu-central-1",
            id="bad-region",
        ),
        pytest.param(
            minimal(reportTimezone="Mars/Olympus_Mons"),
            "reportTimezone",
            "an IANA time zone such as Europe/Berlin",
            id="bad-time-zone",
        ),
        pytest.param(minimal(reportTime="25:00"), "reportTime", "HH:MM in 24-hour time", id="report-time-25"),
        pytest.param(
            minimal(accounting="account"), "accounting", "'pool' or 'instance'", id="bad-accounting"
        ),
        pytest.param(
            minimal(targets=[{"regions": ["eu-west-1"]}]),
            "targets.0",
            "at least one of accounts or organizationalUnits",
            id="target-without-accounts",
        ),
    ],
)
def test_bad_value_names_the_field_and_what_is_allowed(raw: dict[str, Any], field: str, allowed: str) -> None:
    """Given one bad value, when loaded, then one problem names the field (camelCase) and what is allowed."""
    problems = problems_for(raw)

    assert any(field in p and allowed in p for p in problems), problems


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(minimal(stopPercent=120), id="stop-120"),
        pytest.param(minimal(warnPercents=[80, 96]), id="warn-above-stop"),
        pytest.param(minimal(stopPercent=85), id="stop-below-default-warns"),
    ],
)
def test_messages_never_leak_snake_case(raw: dict[str, Any]) -> None:
    """Given a bad threshold, when loaded, then no message uses the Python names stop_percent/warn_percents."""
    text = "\n".join(problems_for(raw))

    assert "stop_percent" not in text and "warn_percents" not in text


def test_config_error_names_the_source() -> None:
    """Given a bad file, when loaded, then the error message starts by naming the source."""
    with pytest.raises(ConfigError, match=r"^invalid configuration in guard\.json:\n  - stopPercent: "):
        load_config(minimal(stopPercent=120), source="guard.json")


def test_invalid_json_text_is_a_config_error() -> None:
    """Given text that is not JSON, when loaded, then ConfigError says so (not a bare JSONDecodeError)."""
    assert problems_for_text("{stopPercent: 90}")[0].startswith("not valid JSON")


def test_non_object_is_a_config_error() -> None:
    """Given a JSON list at the top level, when loaded, then ConfigError says an object was expected."""
    assert problems_for_text("[1, 2]") == ["(top level): expected an object, got list"]


def problems_for_text(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(text)
    return caught.value.problems


def test_config_is_frozen() -> None:
    """Given a loaded config, when code tries to change the stop level, then it is refused (validated once)."""
    config = load_config(minimal())

    with pytest.raises(ValueError, match="frozen"):
        config.stop_percent = 50  # type: ignore[misc]


def test_model_validate_directly_also_checks_consistency() -> None:
    """Given GuardConfig built without load_config, when bytesPerGb is 1024, then it is still refused."""
    with pytest.raises(ValueError, match=r"bytesPerGb\n.*must be one of"):
        GuardConfig.model_validate(minimal(bytesPerGb=1024))


# -- bugs found ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        # Today: accepted, stop line at 1 % (True → 1.0): every running instance would be stopped.
        pytest.param(minimal(stopPercent=True, warnPercents=[]), "stopPercent", id="stop-true"),
        # Today: accepted as a warning level of 1 %.
        pytest.param(minimal(warnPercents=[True, 90]), "warnPercents", id="warn-true"),
    ],
)
def test_BUG_boolean_is_not_a_percent(raw: dict[str, Any], field: str) -> None:
    """BUG: given a boolean where a percent belongs (`"stopPercent": true`), when loaded, then it is refused.

    pydantic's lax mode turns true into 1.0, so `{"stopPercent": true, "warnPercents": []}` loads as a
    1 % stop line: the guard would stop every running instance that moved a few GB.
    """
    problems = problems_for(raw)

    assert any(p.startswith(field) for p in problems), problems


def test_BUG_every_consistency_problem_is_listed() -> None:
    """BUG (minor): given two bad values checked by the same model validator (bytesPerGb 1024 and
    reportTime 25:00), when loaded, then both are listed (ConfigError's contract: "lists each bad field").

    Today `_consistent` raises at the first problem, so the user fixes one field per deploy.
    """
    text = "\n".join(problems_for(minimal(bytesPerGb=1024, reportTime="25:00")))

    assert "bytesPerGb" in text and "reportTime" in text


def test_two_targets_naming_one_account_and_region_are_refused() -> None:
    """Given the same account and region in two targets (two sets of filters), then an error names both."""
    raw = {
        "targets": [
            {"accounts": ["111111111111"], "regions": ["eu-central-1"]},
            {"accounts": ["111111111111"], "regions": ["eu-central-1"], "exclude": ["web"]},
        ]
    }
    with pytest.raises(ConfigError) as error:
        load_config(raw)
    (problem,) = error.value.problems
    assert problem.startswith(
        "targets.1: account 111111111111 in eu-central-1 is already covered by targets.0"
    )


def test_a_region_lightsail_does_not_have_is_refused_with_the_list() -> None:
    with pytest.raises(ConfigError) as error:
        load_config({"targets": [{"accounts": ["111111111111"], "regions": ["eu-centrall-1"]}]})
    (problem,) = error.value.problems
    assert problem.startswith(
        "targets.0.regions.0: 'eu-centrall-1' is not a Lightsail region; allowed: us-east-1"
    )


@pytest.mark.parametrize("field", ["dryRun", "projection", "restartNextMonth"])
def test_switches_take_only_true_or_false(field: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config({"targets": [{"accounts": ["111111111111"], "regions": ["eu-central-1"]}], field: "yes"})
    assert error.value.problems[0].startswith(f"{field}:")
