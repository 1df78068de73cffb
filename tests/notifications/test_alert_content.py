"""What one alert says: C14 (a stop changes the public IPv4), C16 (SNS subject limits), dry runs,
accounts with names, pooled allowances and failed actions.

Given an instance's result, When the alert is rendered, Then each fact a person needs is in it.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lightsail_guard.adapters.sns import sns_subject
from lightsail_guard.notifications.alert import alert_html, alert_subject, build_alert, render_alert

from .conftest import GB, result

PER_GB = 10**9
IPV4_WARNING = "public IPv4 address changes"


def stopped(name: str = "video-edge", **fields):
    base = {
        "used_gb": 990.0,
        "allowance_gb": 1024.0,
        "action": "stop",
        "stop_result": "stopping",
        "state": "stopping",
    }
    base.update(fields)
    return result(name, **base)


# -- C14 ----------------------------------------------------------------------------------------------


def test_c14_stop_without_static_ip_warns_that_the_public_ipv4_changes():
    # Given a dual-stack instance without a static IP, stopped over the line
    item = stopped(static_ip=False, ip_type="dualstack")
    # When its alert is rendered
    _, body = render_alert(item, bytes_per_gb=PER_GB)
    # Then the stop notice warns of the new IPv4 on the next start, and says IPv6 addresses stay
    assert IPV4_WARNING in body
    assert "IPv6 addresses stay the same" in body


def test_c14_stop_with_a_static_ip_has_no_address_warning():
    _, body = render_alert(stopped(static_ip=True), bytes_per_gb=PER_GB)
    assert "IPv4" not in body and "static IP is attached" not in body


def test_c14_ipv6_only_instance_has_no_public_ipv4_to_lose():
    _, body = render_alert(stopped(ip_type="ipv6", bundle_id="nano_ipv6_3_0"), bytes_per_gb=PER_GB)
    assert "IPv4" not in body


def test_c14_ipv4_only_instance_gets_the_warning_without_an_ipv6_sentence():
    _, body = render_alert(stopped(ip_type="ipv4"), bytes_per_gb=PER_GB)
    assert IPV4_WARNING in body and "IPv6" not in body


def test_c14_warning_is_in_the_telegram_message_too():
    html = alert_html(build_alert(stopped(), bytes_per_gb=PER_GB))
    assert IPV4_WARNING in html


def test_c14_a_warning_alert_is_no_stop_and_carries_no_address_note():
    _, body = render_alert(result("api", used_gb=850.0), bytes_per_gb=PER_GB)
    assert "IPv4" not in body


# -- C16 ----------------------------------------------------------------------------------------------

NAME_90 = "customer-portal-production-frontend-eu-central-blue-green-deployment-slot-a-primary-012345"


def test_c16_subject_for_a_90_character_name_is_one_line_under_100_characters():
    assert len(NAME_90) == 90
    # Given a stop alert for an instance with a 90-character name
    item = stopped(name=NAME_90)
    # When the alert is rendered
    subject, body = render_alert(item, bytes_per_gb=PER_GB)
    # Then the subject is one line under 100 characters, and still says what and where
    assert len(subject) < 100 and "\n" not in subject
    assert subject.startswith("Lightsail Guard: STOPPED customer-portal")
    assert subject.endswith("(111111111111/eu-central-1)")
    assert sns_subject(subject) == subject
    # And the full name is in the body
    assert f"Instance: {NAME_90}" in body


@given(st.text(min_size=1, max_size=300))
def test_c16_any_name_gives_a_valid_sns_subject(name):
    subject = sns_subject(alert_subject(build_alert(stopped(name=name), bytes_per_gb=PER_GB)))
    assert len(subject) < 100
    assert subject.isascii() and subject.isprintable()
    assert subject.startswith("Lightsail Guard: ")


# -- content ----------------------------------------------------------------------------------------


def test_alert_names_the_instance_account_with_its_name_region_usage_reason_and_action():
    item = stopped()
    subject, body = render_alert(item, bytes_per_gb=PER_GB, account_name="production")
    assert subject == "Lightsail Guard: STOPPED video-edge (111111111111/eu-central-1)"
    lines = body.splitlines()
    assert lines[0] == "STOPPED video-edge (111111111111 (production), eu-central-1)"
    assert "Account: 111111111111 (production)" in lines
    assert "Region: eu-central-1" in lines
    assert "Usage: 990 GB of 1,024 GB (96.7 %)" in lines
    assert f"Reason: {item.reason}" in lines
    assert "Action: stop: done, the instance is stopping" in lines


def test_account_name_is_read_from_the_result_when_it_carries_one():
    class Named(type(result())):  # the field the lead adds to InstanceResult
        account_name: str | None = None

    item = Named.model_validate({**result().model_dump(), "account_name": "staging"})
    assert "Account: 111111111111 (staging)" in render_alert(item, bytes_per_gb=PER_GB)[1]


def test_dry_run_says_so_in_the_first_line():
    item = result("video-edge", used_gb=990.0, action="notify", dry_run=True)
    subject, body = render_alert(item, bytes_per_gb=PER_GB)
    assert body.splitlines()[0].startswith("DRY RUN: would stop video-edge")
    assert subject.startswith("Lightsail Guard: DRY RUN: would stop")
    assert "Action: none (dry run: the instance would be stopped)" in body


def test_dry_run_warning_says_so_in_the_first_line_too():
    _, body = render_alert(result("api", used_gb=850.0, dry_run=True), bytes_per_gb=PER_GB)
    assert body.splitlines()[0].startswith("[DRY RUN] Warning api")


def test_failed_stop_says_it_failed():
    item = stopped(state="running", stop_result="stop failed: ServiceException: boom")
    subject, body = render_alert(item, bytes_per_gb=PER_GB)
    assert "STOP FAILED" in subject
    assert "Action: stop: FAILED (stop failed: ServiceException: boom)" in body
    assert "IPv4" not in body  # it was not stopped: its address does not change


def test_stop_found_already_stopping_counts_as_done():
    item = stopped(stop_result="not stopped: instance is stopping")
    alert = build_alert(item, bytes_per_gb=PER_GB)
    assert (alert.outcome, alert.succeeded) == ("stopped", True)


def test_a_prorated_allowance_is_explained():
    item = stopped(allowance_bytes=400 * GB, full_allowance_bytes=1024 * GB)
    _, body = render_alert(item, bytes_per_gb=PER_GB)
    assert "Allowance: 1,024 GB a month, prorated to 400 GB (created this month)" in body


def test_a_pooled_decision_shows_the_instance_and_the_pool_each_with_its_own_percent():
    # Given a stop decided for the pool: the result's percent is the pool's (97.3 %)
    item = stopped(
        used_gb=993.0,
        percent=97.3,
        pool="111111111111/us-east-1/nano",
        pool_used_bytes=1993 * GB,
        pool_allowance_bytes=2048 * GB,
    )
    _, body = render_alert(item, bytes_per_gb=PER_GB)
    # Then the usage line is the instance's own, and the pool line the pool's
    assert "Usage: 993 GB of 1,024 GB (97.0 %)" in body
    assert (
        "Pool: nano bundles in 111111111111/eu-central-1 share one allowance: 1,993 GB of 2,048 GB (97.3 %)"
        in body
    )


def test_an_instance_alone_in_its_pool_shows_no_pool_line():
    _, body = render_alert(stopped(pool="111111111111/eu-central-1/small"), bytes_per_gb=PER_GB)
    assert "Pool:" not in body


def test_unknown_usage_says_unknown_never_zero():
    _, body = render_alert(result("legacy-vpn", used_gb=None), bytes_per_gb=PER_GB)
    assert "Usage: unknown" in body and "0.0 %" not in body


def test_start_next_month_names_the_new_address():
    item = result(
        "video-edge", used_gb=0.0, verdict="ok", action="start", state="pending", start_result="pending"
    )
    subject, body = render_alert(item, bytes_per_gb=PER_GB)
    assert subject.startswith("Lightsail Guard: Started video-edge")
    assert "new public IPv4 address" in body


@pytest.mark.parametrize("name", ["web_server_1", "a<b>&c", "x_*[]()~`>#+-=|{}.!"])
def test_c9_html_alert_escapes_every_name(name):
    from lightsail_guard.local.telegram_fake import parse_html

    shown = parse_html(alert_html(build_alert(stopped(name=name), bytes_per_gb=PER_GB)))
    assert f"Instance: {name}" in shown
