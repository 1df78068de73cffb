"""The configured channels: C10 (Telegram not configured: no HTTP call, one log line, SNS still works),
Telegram's bot token from Secrets Manager, SNS through moto, and each channel failing alone."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest

from lightsail_guard.adapters.sns import MESSAGE_LIMIT
from lightsail_guard.notifications.channels import configured_channels
from lightsail_guard.notifications.delivery import deliver_alert, deliver_report
from lightsail_guard.notifications.report import build_report

from .conftest import CHAT, HUB_REGION, fleet, result

PER_GB = 10**9
NAME_90 = "customer-portal-production-frontend-eu-central-blue-green-deployment-slot-a-primary-012345"


@pytest.fixture
def inbox(aws):
    """An SNS topic with an SQS queue subscribed: the e-mail inbox, as sent."""
    sns, sqs = boto3.client("sns", region_name=HUB_REGION), boto3.client("sqs", region_name=HUB_REGION)
    topic = sns.create_topic(Name="lightsail-guard-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)

    class Inbox:
        topic_arn = topic

        def read(self) -> list[dict[str, str]]:
            got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            return [
                {"subject": json.loads(m["Body"]).get("Subject"), "body": json.loads(m["Body"])["Message"]}
                for m in got
            ]

    return Inbox()


@pytest.fixture
def bot_secret(aws, telegram):
    client = boto3.client("secretsmanager", region_name=HUB_REGION)
    return client.create_secret(
        Name="lightsail-guard/telegram", SecretString=json.dumps({"botToken": telegram.token})
    )["ARN"]


@pytest.fixture
def no_http(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("no HTTP call may be made")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return calls


def stop_item(name: str = "video-edge"):
    return result(name, used_gb=990.0, action="stop", stop_result="stopping", state="stopping")


# -- C10 -----------------------------------------------------------------------------------------------


def test_c10_telegram_not_configured_makes_no_call_says_so_once_and_sns_still_works(
    inbox, no_http, log_lines, sleeps
):
    from .conftest import settings

    # Given no bot token secret and no chat ids, and an SNS topic
    env = settings(alert_topic_arn=inbox.topic_arn)
    # When the channels are built and an alert is sent
    channels = configured_channels(env, sleep=sleeps)
    _, delivery = deliver_alert(stop_item(), channels, bytes_per_gb=PER_GB)
    # Then Telegram is not among them, and one log line says why
    assert [c.name for c in channels] == ["sns", "events"]
    off = [m for m in log_lines.messages() if m.startswith("Telegram is off")]
    assert off == ["Telegram is off: no telegramChatIds in the configuration and no TELEGRAM_SECRET_ARN"]
    # And no HTTP call was attempted, while SNS delivered the alert
    assert no_http == []
    assert delivery.failures == [] and delivery.sent == ["sns", "events"] and delivery.reached_people
    [mail] = inbox.read()
    assert mail["subject"] == "Lightsail Guard: STOPPED video-edge (111111111111/eu-central-1)"


@pytest.mark.parametrize(
    ("secret", "chats", "why"),
    [
        (None, [CHAT], "telegramChatIds is set but TELEGRAM_SECRET_ARN (the bot token's secret) is not"),
        (
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:tg",
            [],
            "TELEGRAM_SECRET_ARN is set but telegramChatIds is empty",
        ),
    ],
)
def test_c10_half_a_telegram_configuration_is_off_too(aws, no_http, log_lines, secret, chats, why):
    from .conftest import settings

    env = settings(telegram_secret_arn=secret, config={"telegramChatIds": chats})
    assert [c.name for c in configured_channels(env)] == ["events"]
    assert log_lines.messages() == [f"Telegram is off: {why}"]
    assert no_http == []


def test_a_telegram_address_that_would_leak_the_token_turns_telegram_off_not_sns(aws, inbox, log_lines):
    from .conftest import settings

    env = settings(
        alert_topic_arn=inbox.topic_arn,
        telegram_secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:tg",
        telegram_api_base="http://telegram.example.com",
        config={"telegramChatIds": [CHAT]},
    )
    assert [c.name for c in configured_channels(env)] == ["sns", "events"]
    [line] = log_lines
    assert line.levelname == "ERROR" and line.getMessage().startswith("Telegram is off: Telegram API base")


# -- all channels ------------------------------------------------------------------------------------


def test_configured_telegram_reads_the_token_from_secrets_manager_and_delivers(
    inbox, bot_secret, telegram, sleeps
):
    from .conftest import settings

    env = settings(
        alert_topic_arn=inbox.topic_arn,
        telegram_secret_arn=bot_secret,
        telegram_api_base=telegram.base_url,
        config={"telegramChatIds": [CHAT, "@lightsail_ops"]},
    )
    channels = configured_channels(env, sleep=sleeps)
    assert [c.name for c in channels] == ["sns", "telegram", "events"]
    _, delivery = deliver_alert(stop_item("web_server_1"), channels, bytes_per_gb=PER_GB)
    assert delivery.failures == [] and delivery.sent == ["sns", "telegram", "events"]
    assert [m.chat_id for m in telegram.messages] == [CHAT, "@lightsail_ops"]
    assert len(inbox.read()) == 1


def test_a_rotated_token_is_read_again_after_a_401(inbox, bot_secret, telegram, sleeps):
    from .conftest import settings

    env = settings(
        telegram_secret_arn=bot_secret,
        telegram_api_base=telegram.base_url,
        config={"telegramChatIds": [CHAT]},
    )
    deliver_alert(stop_item(), configured_channels(env, sleep=sleeps), bytes_per_gb=PER_GB)
    # The token is rotated: Telegram refuses the old one; the secret holds the new one
    telegram.token = "555555555:AAnew-token-after-rotation-000000000"
    boto3.client("secretsmanager", region_name=HUB_REGION).put_secret_value(
        SecretId=bot_secret, SecretString=telegram.token
    )
    _, delivery = deliver_alert(stop_item(), configured_channels(env, sleep=sleeps), bytes_per_gb=PER_GB)
    assert delivery.failures == []
    assert [r.status for r in telegram.requests] == [200, 401, 200]


def test_an_unreadable_secret_fails_telegram_alone(inbox, aws, telegram, sleeps):
    from .conftest import settings

    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf"
    env = settings(
        alert_topic_arn=inbox.topic_arn,
        telegram_secret_arn=missing,
        telegram_api_base=telegram.base_url,
        config={"telegramChatIds": [CHAT]},
    )
    _, delivery = deliver_alert(stop_item(), configured_channels(env, sleep=sleeps), bytes_per_gb=PER_GB)
    assert delivery.sent == ["sns", "events"]
    [failure] = delivery.failures
    assert failure.startswith(
        "telegram: TelegramDeliveryError: delivered to 0 of 1 chats; chat -1001234567890: "
        "cannot read the Telegram bot token from " + missing
    )
    assert telegram.requests == []
    assert len(inbox.read()) == 1


def test_a_secret_without_a_token_is_refused_without_printing_it(aws, telegram, sleeps):
    from .conftest import settings

    secret = boto3.client("secretsmanager", region_name=HUB_REGION).create_secret(
        Name="wrong", SecretString='{"password": "hunter2-hunter2-hunter2"}'
    )["ARN"]
    env = settings(
        telegram_secret_arn=secret, telegram_api_base=telegram.base_url, config={"telegramChatIds": [CHAT]}
    )
    _, delivery = deliver_alert(stop_item(), configured_channels(env, sleep=sleeps), bytes_per_gb=PER_GB)
    [failure] = delivery.failures
    assert "holds no Telegram bot token" in failure and "hunter2" not in failure


# -- SNS through moto ------------------------------------------------------------------------------


def test_c16_sns_gets_a_subject_under_100_characters_and_the_full_name_in_the_body(inbox):
    from .conftest import settings

    channels = configured_channels(settings(alert_topic_arn=inbox.topic_arn))
    deliver_alert(stop_item(NAME_90), channels, bytes_per_gb=PER_GB)
    [mail] = inbox.read()
    assert len(mail["subject"]) < 100 and "\n" not in mail["subject"]
    assert f"Instance: {NAME_90}" in mail["body"]


def test_the_report_goes_to_sns_as_text_and_not_to_eventbridge(inbox):
    from .conftest import settings

    outcomes, run = fleet(12, 2)
    report = build_report(outcomes, run, bytes_per_gb=PER_GB)
    delivery = deliver_report(report, configured_channels(settings(alert_topic_arn=inbox.topic_arn)))
    assert delivery.sent == ["sns"]
    [mail] = inbox.read()
    assert mail["subject"].startswith("Lightsail Guard report, March 2025: 12 instances")
    assert mail["body"].startswith("Lightsail Guard daily report: March 2025 (UTC billing month)")


def test_a_message_over_256_kb_is_cut_not_refused(inbox):
    from lightsail_guard.adapters.sns import SnsPublisher

    SnsPublisher(inbox.topic_arn, region=HUB_REGION).publish("big\nsubject", "é" * MESSAGE_LIMIT)
    [mail] = inbox.read()
    assert mail["subject"] == "big subject"
    assert len(mail["body"].encode()) <= MESSAGE_LIMIT and mail["body"].endswith("[cut: message over 256 KB]")


def test_events_alone_do_not_count_as_notifying_people(aws):
    from .conftest import settings

    _, delivery = deliver_alert(stop_item(), configured_channels(settings()), bytes_per_gb=PER_GB)
    assert delivery.sent == ["events"] and not delivery.reached_people


def test_old_style_channels_with_only_send_still_work():
    got = []

    class Plain:
        name = "plain"

        def send(self, subject, body):
            got.append((subject, body))

    _, delivery = deliver_alert(stop_item(), [Plain()], bytes_per_gb=PER_GB)
    assert delivery.sent == ["plain"] and got[0][0].startswith("Lightsail Guard: STOPPED")
