"""Where alerts go: the SNS topic (with its e-mail subscriptions) and the Telegram bot token."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lightsail_guard.config import GuardConfig

from .naming import physical_name


@dataclass(frozen=True)
class NotificationChannels:
    topic: aws.sns.Topic
    #: Only when telegramChatIds are configured.
    telegram_secret: aws.secretsmanager.Secret | None


def notification_channels(
    config: GuardConfig, telegram_bot_token: pulumi.Input[str] | None
) -> NotificationChannels:
    topic = aws.sns.Topic("alerts", name=physical_name("alerts"), display_name="Lightsail Guard")
    for email in config.notification_emails:
        # Each address receives a confirmation mail from AWS and gets alerts only once it confirms.
        aws.sns.TopicSubscription(
            f"alerts-email-{email}",
            topic=topic.arn,
            protocol="email",
            endpoint=email,
            opts=pulumi.ResourceOptions(parent=topic),
        )
    secret = None
    if config.telegram_chat_ids:
        if telegram_bot_token is None:
            raise ValueError("telegramChatIds needs the bot token (checked by stack_config before this)")
        secret = aws.secretsmanager.Secret(
            "telegram-bot-token",
            name_prefix=physical_name("telegram-bot-token-"),
            description="Telegram bot token for Lightsail Guard notifications",
            recovery_window_in_days=7,
        )
        aws.secretsmanager.SecretVersion(
            "telegram-bot-token-value",
            secret_id=secret.id,
            secret_string=pulumi.Output.secret(telegram_bot_token),
            opts=pulumi.ResourceOptions(parent=secret),
        )
    return NotificationChannels(topic=topic, telegram_secret=secret)
