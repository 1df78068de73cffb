"""The billing month is a calendar month in UTC, whatever the machine's TZ (DOMAIN.md, row "billing month").

Every clock here is fixed. The month edges, leap February, instants written with a non-UTC offset
(case C12), a process ``TZ`` far from UTC and boto3's ``tzlocal()`` datetimes all have to land in the
same UTC month.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from dateutil.tz import tzlocal

from lightsail_guard.core.billing_period import (
    BillingPeriod,
    as_utc,
    billing_period_at,
    format_instant,
    parse_instant,
)
from lightsail_guard.core.proration import prorated_allowance
from lightsail_guard.core.usage import month_to_date_window

# Case C13: a deprecated clock call anywhere in this module's path is an error, with or without -W.
pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- month edges ------------------------------------------------------------------------------------

MONTH_EDGES = [
    # (instant, expected start, expected end)
    pytest.param(
        utc(2025, 1, 31, 23, 59, 59, 999999), utc(2025, 1, 1), utc(2025, 2, 1), id="last-microsecond-of-jan"
    ),
    pytest.param(utc(2025, 1, 31, 23, 59, 59), utc(2025, 1, 1), utc(2025, 2, 1), id="last-second-of-jan"),
    pytest.param(utc(2025, 2, 1), utc(2025, 2, 1), utc(2025, 3, 1), id="first-instant-of-feb"),
    pytest.param(utc(2024, 12, 31, 23, 59, 59), utc(2024, 12, 1), utc(2025, 1, 1), id="dec-last-second"),
    pytest.param(utc(2025, 1, 1), utc(2025, 1, 1), utc(2025, 2, 1), id="jan-first-instant-after-new-year"),
    pytest.param(utc(2024, 2, 29, 12), utc(2024, 2, 1), utc(2024, 3, 1), id="leap-feb-29-2024"),
    pytest.param(
        utc(2025, 2, 28, 23, 59, 59), utc(2025, 2, 1), utc(2025, 3, 1), id="feb-28-2025-last-second"
    ),
    pytest.param(utc(2025, 4, 30, 23, 59, 59), utc(2025, 4, 1), utc(2025, 5, 1), id="april-30-day-month"),
]


@pytest.mark.parametrize(("instant", "start", "end"), MONTH_EDGES)
def test_billing_period_at_month_edges(instant: datetime, start: datetime, end: datetime) -> None:
    """Given an instant at a month edge, when the period is computed, then it is [1st 00:00Z, next 1st)."""
    period = billing_period_at(instant)

    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("instant", "days"),
    [
        pytest.param(utc(2024, 2, 10), 29, id="feb-2024-leap"),
        pytest.param(utc(2025, 2, 10), 28, id="feb-2025"),
        pytest.param(utc(2100, 2, 10), 28, id="feb-2100-not-leap"),
        pytest.param(utc(2000, 2, 10), 29, id="feb-2000-leap"),
        pytest.param(utc(2025, 4, 10), 30, id="april-30"),
        pytest.param(utc(2025, 1, 10), 31, id="january-31"),
        pytest.param(utc(2024, 12, 10), 31, id="december-31"),
    ],
)
def test_period_length_in_seconds(instant: datetime, days: int) -> None:
    """Given a month, when its length is taken, then it has the calendar's days (proration divides by it)."""
    assert billing_period_at(instant).seconds == days * 86400


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Case C12: 2025-05-01T00:30+08:00 is 2025-04-30T16:30Z, still April.
        pytest.param("2025-05-01T00:30:00+08:00", "2025-04", id="C12-plus-8-is-april"),
        pytest.param("2025-05-01T07:59:59+08:00", "2025-04", id="plus-8-last-april-second"),
        pytest.param("2025-05-01T08:00:00+08:00", "2025-05", id="plus-8-first-may-instant"),
        pytest.param("2025-04-30T19:00:00-05:00", "2025-05", id="minus-5-evening-is-may"),
        pytest.param("2025-04-30T18:59:59-05:00", "2025-04", id="minus-5-last-april-second"),
        pytest.param("2024-12-31T20:00:00-05:00", "2025-01", id="minus-5-new-years-eve-is-january"),
        pytest.param("2025-01-01T05:00:00+14:00", "2024-12", id="plus-14-new-year-morning-is-december"),
        pytest.param("2025-03-01T05:44:59+05:45", "2025-02", id="plus-5-45-still-february"),
    ],
)
def test_non_utc_offsets_land_in_the_utc_month(text: str, label: str) -> None:
    """Given an instant written with a non-UTC offset, when its period is taken, then it is the UTC month."""
    assert billing_period_at(parse_instant(text)).label == label


def test_c12_report_month_name_is_april() -> None:
    """C12: given the daily report at 2025-05-01T00:30+08:00, when labelled, then it says April 2025."""
    period = billing_period_at(parse_instant("2025-05-01T00:30+08:00"))

    assert period.name == "April 2025"


# -- naive datetimes are refused ----------------------------------------------------------------------


def test_naive_datetime_is_refused_with_a_message() -> None:
    """Given a naive datetime (zone unknowable), when a period is asked for, then it is refused by name."""
    with pytest.raises(ValueError, match=r"createdAt must be timezone-aware, got naive 2025-01-31T12:00:00"):
        as_utc(datetime(2025, 1, 31, 12), field="createdAt")


def test_billing_period_at_refuses_naive() -> None:
    """Given a naive datetime, when billing_period_at runs, then it raises instead of guessing UTC."""
    with pytest.raises(ValueError, match="timezone-aware"):
        billing_period_at(datetime(2025, 4, 30, 23, 30))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2025-01-31T12:00:00", id="no-offset"),
        pytest.param("2025-01-31", id="date-only"),
    ],
)
def test_parse_instant_refuses_text_without_offset(text: str) -> None:
    """Given ISO text without an offset, when parsed, then it is refused (it names no zone)."""
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        parse_instant(text, field="now")


def test_parse_instant_refuses_garbage_with_an_example() -> None:
    """Given text that is no instant, when parsed, then the message names the field and shows the format."""
    with pytest.raises(
        ValueError, match=r"createdAt must be an ISO-8601 instant such as 2025-01-31T12:00:00Z"
    ):
        parse_instant("yesterday", field="createdAt")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2025-01-31T12:00:00Z", utc(2025, 1, 31, 12), id="z-suffix"),
        pytest.param("2025-01-31T12:00:00+00:00", utc(2025, 1, 31, 12), id="plus-zero"),
        pytest.param("2025-05-01T00:30:00+08:00", utc(2025, 4, 30, 16, 30), id="plus-8"),
        pytest.param("2025-04-30T19:00:00-05:00", utc(2025, 5, 1, 0), id="minus-5"),
    ],
)
def test_parse_instant_returns_utc(text: str, expected: datetime) -> None:
    """Given an ISO instant with an offset, when parsed, then it is the same instant expressed in UTC."""
    parsed = parse_instant(text)

    assert (parsed, parsed.utcoffset()) == (expected, timedelta(0))


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        pytest.param(utc(2025, 1, 31, 12, 0, 0, 999999), "2025-01-31T12:00:00Z", id="drops-microseconds"),
        pytest.param(
            datetime(2025, 5, 1, 0, 30, tzinfo=timezone(timedelta(hours=8))),
            "2025-04-30T16:30:00Z",
            id="plus-8",
        ),
    ],
)
def test_format_instant_is_utc_with_z(instant: datetime, text: str) -> None:
    """Given an aware instant, when formatted, then it reads as UTC with a Z, second precision."""
    assert format_instant(instant) == text


# -- neighbours -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "previous_label", "next_label"),
    [
        pytest.param(utc(2025, 1, 15), "2024-12", "2025-02", id="january"),
        pytest.param(utc(2024, 12, 15), "2024-11", "2025-01", id="december"),
        pytest.param(utc(2024, 3, 1), "2024-02", "2024-04", id="march-after-leap-feb"),
    ],
)
def test_previous_and_next_cross_year_edges(instant: datetime, previous_label: str, next_label: str) -> None:
    """Given a month, when stepping back and forward, then the neighbours are the calendar's neighbours."""
    period = billing_period_at(instant)

    assert (period.previous().label, period.next().label) == (previous_label, next_label)


@pytest.mark.parametrize(
    ("instant", "inside"),
    [
        pytest.param(utc(2025, 4, 1), True, id="start-inclusive"),
        pytest.param(utc(2025, 4, 30, 23, 59, 59, 999999), True, id="last-microsecond"),
        pytest.param(utc(2025, 5, 1), False, id="end-exclusive"),
        pytest.param(
            datetime(2025, 5, 1, 7, 59, tzinfo=timezone(timedelta(hours=8))), True, id="plus-8-april"
        ),
    ],
)
def test_contains_is_half_open(instant: datetime, inside: bool) -> None:
    """Given April 2025, when asking whether it contains an instant, then start is in and end is out."""
    april = BillingPeriod(start=utc(2025, 4, 1), end=utc(2025, 5, 1))

    assert april.contains(instant) is inside


# -- the process TZ ---------------------------------------------------------------------------------------


@pytest.fixture(params=["Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kathmandu"])
def process_tz(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process runs in a zone far from UTC (+14, -8/-7, +5:45); restored afterwards."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    # Guard against a vacuous test: the zone really is in effect (no zone above is UTC all year).
    assert time.timezone != 0 or time.altzone != 0
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("instant", "start", "end"), MONTH_EDGES)
def test_month_edges_are_the_same_under_any_process_tz(
    process_tz: str, instant: datetime, start: datetime, end: datetime
) -> None:
    """Given TZ far from UTC, when the month edges are computed, then the answers equal the UTC ones."""
    period = billing_period_at(instant)

    assert (period.start, period.end) == (start, end)


def test_c12_under_a_non_utc_process_tz(process_tz: str) -> None:
    """C12 under a non-UTC TZ: 2025-05-01T00:30+08:00 is still April."""
    assert billing_period_at(parse_instant("2025-05-01T00:30:00+08:00")).label == "2025-04"


def test_naive_is_refused_under_a_non_utc_process_tz(process_tz: str) -> None:
    """Given TZ far from UTC, when a naive datetime comes in, then it is refused, never read as local time."""
    with pytest.raises(ValueError, match="timezone-aware"):
        billing_period_at(datetime(2025, 4, 30, 23, 30))


def test_c2_window_and_proration_are_the_same_under_any_process_tz(process_tz: str) -> None:
    """C2 under a non-UTC TZ: at 2025-01-01T00:05Z the full 1024 GB, metrics read from 2025-01-01T00:00Z."""
    now = utc(2025, 1, 1, 0, 5)
    period = billing_period_at(now)

    allowance = prorated_allowance(1024e9, created_at=utc(2024, 12, 31, 23), period=period)
    window = month_to_date_window(period, now)

    assert (allowance, window.start) == (1024e9, utc(2025, 1, 1))


@pytest.mark.parametrize(
    ("utc_instant", "label"),
    [
        # Kiritimati (+14): already May 1st locally, still April in UTC.
        pytest.param(utc(2025, 4, 30, 12), "2025-04", id="april-30-noon-utc"),
        # Los Angeles (-7): still April 30th locally, already May in UTC.
        pytest.param(utc(2025, 5, 1, 3), "2025-05", id="may-1-3am-utc"),
        pytest.param(utc(2024, 12, 31, 23, 30), "2024-12", id="new-years-eve-2330-utc"),
        pytest.param(utc(2025, 1, 1, 0, 5), "2025-01", id="new-year-0005-utc"),
    ],
)
def test_boto3_tzlocal_created_at_is_converted(process_tz: str, utc_instant: datetime, label: str) -> None:
    """Given createdAt as boto3 returns it (epoch → datetime in tzlocal()), when its month is taken,
    then it is the UTC month of the instant, not the local calendar's month."""
    created_at = datetime.fromtimestamp(utc_instant.timestamp(), tzlocal())

    assert billing_period_at(created_at).label == label


@pytest.mark.parametrize(
    "utc_instant",
    [
        # 2024-11-03 01:30 happens twice in Los Angeles: 08:30Z (PDT) and 09:30Z (PST).
        pytest.param(utc(2024, 11, 3, 8, 30), id="first-0130-pdt"),
        pytest.param(utc(2024, 11, 3, 9, 30), id="second-0130-pst"),
        pytest.param(utc(2024, 3, 10, 10, 30), id="just-after-spring-gap"),
    ],
)
def test_tzlocal_around_dst_changes_round_trips(
    monkeypatch: pytest.MonkeyPatch, utc_instant: datetime
) -> None:
    """Given TZ=America/Los_Angeles and a tzlocal() createdAt in the repeated or skipped hour,
    when converted to UTC, then it is the original instant (an hour off would shift proration)."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        created_at = datetime.fromtimestamp(utc_instant.timestamp(), tzlocal())
        converted = as_utc(created_at)
    finally:
        monkeypatch.undo()
        time.tzset()

    assert converted == utc_instant


# -- case C13: no deprecated clock in shipped code ----------------------------------------------------------

DEPRECATED_CLOCK = re.compile(r"\butc(now|fromtimestamp)\s*\(")


def test_c13_no_deprecated_utc_clock_in_functions() -> None:
    """C13: given the shipped code under functions/, when searched, then no utcnow( or utcfromtimestamp( appears."""
    sources = sorted(FUNCTIONS.rglob("*.py"))
    offenders = [
        f"{path.relative_to(FUNCTIONS)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DEPRECATED_CLOCK.search(line)
    ]

    # The search must have looked at the real code, or it proves nothing.
    assert FUNCTIONS / "lightsail_guard" / "core" / "billing_period.py" in sources
    assert offenders == []


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("now = datetime.utcnow()", id="utcnow"),
        pytest.param("t = datetime.datetime.utcfromtimestamp(x)", id="utcfromtimestamp"),
        pytest.param("datetime.utcnow ()", id="space-before-paren"),
    ],
)
def test_c13_pattern_catches_the_deprecated_calls(line: str) -> None:
    """Given a line with a deprecated clock call, when matched, then the C13 search pattern finds it."""
    assert DEPRECATED_CLOCK.search(line)
