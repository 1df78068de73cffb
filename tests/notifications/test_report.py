"""The daily report: built once, read three ways. C12 (the UTC billing month), the projection to month
end and the day the stop line is crossed, pools, the overage cost at risk, what needs attention first,
a stable order and a stable JSON schema."""

from __future__ import annotations

import json
import os
import random
import re
import time
from datetime import date

import jsonschema
import pytest

from lightsail_guard.notifications.report import build_report, render_report
from lightsail_guard.notifications.report_html import report_html
from lightsail_guard.notifications.report_json import report_json, report_schema
from lightsail_guard.notifications.report_text import report_text

from .conftest import GB, fleet, outcome, result, summary

PER_GB = 10**9
MARCH_20 = "2025-03-20T08:20:00Z"
#: 2025-03-01T00:00Z → 2025-03-20T08:20Z, and from there to 2025-04-01T00:00Z, in seconds.
ELAPSED, REMAINING = 1_671_600, 1_006_800


def one(r, *, now=MARCH_20, region="eu-central-1", stop_percent=95.0):
    outcomes = [outcome("111111111111", region, [r], name="production")]
    return build_report(outcomes, summary(now, outcomes), bytes_per_gb=PER_GB, stop_percent=stop_percent)


def line_of(report):
    [section] = report.sections
    [line] = section.instances
    return line


# -- C12 -----------------------------------------------------------------------------------------------


@pytest.fixture
def singapore_clock(monkeypatch):
    """The machine's local zone is UTC+8: nothing may depend on it."""
    monkeypatch.setenv("TZ", "Asia/Singapore")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.mark.parametrize("now", ["2025-05-01T00:30:00+08:00", "2025-04-30T16:30:00Z"])
def test_c12_report_at_half_past_midnight_in_singapore_reports_april(singapore_clock, now):
    # Given a report run at 2025-05-01T00:30+08:00 (= 2025-04-30T16:30Z), on a machine in UTC+8
    assert os.environ["TZ"] == "Asia/Singapore"
    r = result("web-1", used_gb=900.0, allowance_gb=1024.0)
    # When the report is built
    report = one(r, now=now)
    subject, text = render_report(
        [outcome("111111111111", "eu-central-1", [r])], summary(now), bytes_per_gb=PER_GB
    )
    # Then it reports April, computed over April in UTC
    assert report.period.label == "2025-04"
    assert "April 2025" in subject and text.startswith(
        "Lightsail Guard daily report: April 2025 (UTC billing month)"
    )
    assert "As of 2025-04-30 16:30 UTC" in text
    elapsed = 29 * 86400 + 16.5 * 3600  # 2025-04-01T00:00Z → 2025-04-30T16:30Z
    remaining = 7.5 * 3600  # → 2025-05-01T00:00Z
    projection = line_of(report).month_end
    assert projection.used_bytes == pytest.approx(900 * GB * (1 + remaining / elapsed))
    assert report_json(report)["month"] == {
        "label": "2025-04",
        "name": "April 2025",
        "start": "2025-04-01T00:00:00Z",
        "end": "2025-05-01T00:00:00Z",
        "elapsedPercent": pytest.approx(100 * elapsed / (30 * 86400), abs=0.01),
    }


# -- month end and the stop line ------------------------------------------------------------------------


def test_month_end_at_the_month_to_date_average_and_the_day_the_stop_line_is_crossed():
    # Given 620 GB of 1,024 used by March 20, 08:20 (an instance older than the month)
    report = one(result("web-1", used_gb=620.0))
    projection = line_of(report).month_end
    # Then month end is 620 GB × (whole month / elapsed), and the 95 % line (972.8 GB) falls on March 31
    assert projection.rate_source == "month-average"
    assert projection.used_bytes == pytest.approx(620 * GB * (ELAPSED + REMAINING) / ELAPSED)
    assert projection.crosses_stop_line_on == date(2025, 3, 31)
    assert projection.overage_out_bytes == 0
    assert "month end ~993 GB (97.0 %), crosses 95 % on 31 Mar" in report_text(report)


def test_overage_at_risk_is_the_out_share_past_the_allowance_at_the_regional_price():
    # Given 800 GB used by March 20 (80 % of it OUT) in Frankfurt, $0.09 per GB
    report = one(result("web-1", used_gb=800.0, out_share=0.8))
    projection = line_of(report).month_end
    expected_out = (800 * GB * (ELAPSED + REMAINING) / ELAPSED - 1024 * GB) * 0.8
    assert projection.overage_out_bytes == pytest.approx(expected_out)
    assert projection.overage_usd == pytest.approx(expected_out / GB * 0.09)
    assert projection.crosses_stop_line_on == date(2025, 3, 24)
    assert report.totals.overage_usd == round(expected_out / GB * 0.09, 2)
    assert "overage at risk $18.56" in report_text(report)  # 206.2 GB OUT x $0.09


@pytest.mark.parametrize(
    ("region", "price"),
    [("ap-southeast-2", 0.17), ("ap-south-1", 0.13), ("ap-southeast-3", 0.132), ("ca-central-1", 0.09)],
)
def test_overage_uses_each_regions_price(region, price):
    report = one(result("web-1", used_gb=800.0, out_share=1.0), region=region)
    out = line_of(report).month_end.overage_out_bytes
    assert report.sections[0].price_usd_per_gb == price
    assert report.sections[0].overage_usd == pytest.approx(out / GB * price)


def test_a_region_without_a_known_price_says_so_instead_of_guessing():
    report = one(result("web-1", used_gb=800.0), region="ap-southeast-5")
    assert report.sections[0].overage_usd is None
    assert report.totals.unpriced_regions == ("ap-southeast-5",)
    assert "(plus ap-southeast-5: no price known)" in report_text(report)
    assert "OUT (price unknown)" in report_text(report)


def test_a_stopped_instance_stays_where_it_is():
    report = one(result("cache-1", used_gb=1000.0, state="stopped", verdict="warn", action="none"))
    projection = line_of(report).month_end
    assert (projection.rate_source, projection.used_bytes) == ("stopped", 1000 * GB)
    assert projection.over_stop_line and projection.crosses_stop_line_on is None
    assert "stopped: stays at 1,000 GB this month, over the 95 % line" in report_text(report)


def test_an_instance_created_this_month_is_averaged_over_its_own_life():
    created = result("batch-1", used_gb=100.0, allowance_gb=400.0, created_at="2025-03-15T00:00:00Z")
    projection = line_of(one(created)).month_end
    alive = (5 * 86400) + 8 * 3600 + 20 * 60
    assert projection.rate_bytes_per_second == pytest.approx(100 * GB / alive)


def test_a_recent_rate_on_the_result_wins_over_the_month_average():
    class WithRate(type(result())):  # the field the lead may add to InstanceResult
        rate_bytes_per_second: float | None = None

    item = WithRate.model_validate(
        {**result("web-1", used_gb=500.0).model_dump(), "rate_bytes_per_second": 125e6}
    )
    projection = line_of(one(item)).month_end
    assert projection.rate_source == "recent"
    assert projection.used_bytes == pytest.approx(500 * GB + 125e6 * REMAINING)


def test_a_per_instance_stop_level_moves_the_crossing_day():
    class WithLevel(type(result())):
        stop_percent: float | None = None

    item = WithLevel.model_validate({**result("web-1", used_gb=620.0).model_dump(), "stop_percent": 70.0})
    line = line_of(one(item))
    # 716.8 GB is reached 3.02 days after March 20, 08:20 (not on March 31, as with 95 %)
    assert line.stop_percent == 70.0 and line.month_end.crosses_stop_line_on == date(2025, 3, 23)


# -- pools -----------------------------------------------------------------------------------------------


def test_pool_totals_count_the_overage_once():
    pool = "111111111111/us-east-1/nano"
    members = [
        result("cache-1", used_gb=700.0, pool=pool, out_share=1.0),
        result("video-edge", used_gb=600.0, pool=pool, out_share=1.0, bundle_id="nano_ipv6_3_0"),
        result("lonely", used_gb=900.0, pool="111111111111/us-east-1/small", out_share=1.0),
    ]
    outcomes = [outcome("111111111111", "us-east-1", members)]
    report = build_report(outcomes, summary(MARCH_20, outcomes), bytes_per_gb=PER_GB)
    [section] = report.sections
    [nano] = section.pools
    assert nano.members == ("cache-1", "video-edge")
    assert (nano.used_bytes, nano.allowance_bytes) == (1300 * GB, 2048 * GB)
    projected = 1300 * GB * (ELAPSED + REMAINING) / ELAPSED
    assert nano.month_end.used_bytes == pytest.approx(projected)
    assert nano.month_end.overage_out_bytes == pytest.approx(projected - 2048 * GB)
    # Members' own overage is not added again; the single-member pool is counted on its instance line
    lonely = next(i for i in section.instances if i.name == "lonely")
    assert [i.pooled for i in section.instances] == [True, False, True]
    assert section.overage_out_bytes == pytest.approx(
        nano.month_end.overage_out_bytes + lonely.month_end.overage_out_bytes
    )
    assert "pool nano (2 members: cache-1, video-edge)" in report_text(report)


def test_pool_figures_from_the_check_include_members_deleted_this_month():
    pool = "111111111111/us-east-1/nano"
    carried = {"pool": pool, "pool_used_bytes": 1500 * GB, "pool_allowance_bytes": 2500 * GB}
    members = [result("a", used_gb=700.0, **carried), result("b", used_gb=600.0, **carried)]
    outcomes = [outcome("111111111111", "us-east-1", members)]
    [nano] = build_report(outcomes, summary(MARCH_20, outcomes), bytes_per_gb=PER_GB).sections[0].pools
    assert (nano.used_bytes, nano.allowance_bytes) == (1500 * GB, 2500 * GB)


# -- what needs attention comes first ------------------------------------------------------------------


def test_failed_targets_and_unknown_usage_come_first_and_each_instance_appears_once():
    outcomes = [
        outcome(
            "111111111111",
            "eu-central-1",
            [result("web-1"), result("legacy-vpn", used_gb=None)],
            name="production",
        ),
        outcome("333333333333", "ap-south-1", [], error="ClientError: AccessDenied on AssumeRole"),
        outcome(
            "222222222222",
            "eu-west-2",
            [result("api", verdict="error", used_gb=None, reason="check failed: ThrottlingException")],
        ),
    ]
    report = build_report(
        outcomes,
        summary(
            MARCH_20,
            outcomes,
            errors=[
                "333333333333/ap-south-1: ClientError: AccessDenied on AssumeRole",
                "444444444444/*: plan failed",
            ],
        ),
        bytes_per_gb=PER_GB,
    )
    text = report_text(report)
    attention = text.split("NEEDS ATTENTION\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert attention == [
        "  ! 333333333333 ap-south-1: target failed: ClientError: AccessDenied on AssumeRole",
        "  ! target failed: 444444444444/*: plan failed",
        "  ? api in 222222222222 eu-west-2: check failed: ThrottlingException",
        "  ? legacy-vpn in 111111111111 (production) eu-central-1: usage unknown: no metric data",
    ]
    assert text.index("NEEDS ATTENTION") < text.index("111111111111 (production) - eu-central-1")
    assert text.count("legacy-vpn") == 1
    assert report.totals.failed_targets == 2 and report.totals.usage_unknown == 1
    assert report.totals.check_failed == 1


def test_a_failed_stop_is_listed_first_too():
    failed = result("video-edge", used_gb=990.0, stop_result="stop failed: ServiceException: boom")
    report = one(failed)
    assert [a.kind for a in report.attention] == ["stop-failed"]
    assert line_of(report).action_text == "stop FAILED: ServiceException: boom"


# -- three outputs, one model --------------------------------------------------------------------------


def test_json_matches_its_schema_and_is_stable_whatever_the_input_order():
    outcomes, run = fleet(24, 3)
    pool = "000000000001/eu-central-1/nano"
    outcomes[0].results[0].pool = outcomes[0].results[1].pool = pool
    outcomes.append(outcome("999999999999", "eu-west-1", [], error="AccessDenied"))
    first = report_json(build_report(outcomes, run, bytes_per_gb=PER_GB))
    jsonschema.Draft202012Validator(report_schema(), format_checker=jsonschema.FormatChecker()).validate(
        first
    )

    shuffled = list(reversed(outcomes))
    for o in shuffled:
        random.Random(7).shuffle(o.results)
    second = report_json(build_report(shuffled, run, bytes_per_gb=PER_GB))
    assert json.dumps(first) == json.dumps(second)
    names = [i["name"] for s in first["sections"] for i in s["instances"]]
    keys = [(s["account"], s["region"]) for s in first["sections"]]
    assert keys == sorted(keys)
    assert all(
        [i["name"] for i in s["instances"]] == sorted(i["name"] for i in s["instances"])
        for s in first["sections"]
    )
    assert len(names) == 24


def test_text_html_and_json_tell_the_same_story():
    outcomes, run = fleet(6, 1)
    report = build_report(outcomes, run, bytes_per_gb=PER_GB)
    text, html, data = report_text(report), report_html(report), report_json(report)
    from lightsail_guard.local.telegram_fake import parse_html

    shown = parse_html(html)
    for section in data["sections"]:
        for instance in section["instances"]:
            assert instance["name"] in text and instance["name"] in shown
    assert f"${data['totals']['overageAtRiskUsd']:,.2f}" in text
    assert f"${data['totals']['overageAtRiskUsd']:,.2f}" in shown
    assert re.search(r"\[#+-*\]", text) and re.search("█+░*", shown)
