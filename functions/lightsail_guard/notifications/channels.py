"""The channels configured for this deployment (each optional, each failing alone)."""

from __future__ import annotations

from ..adapters.sns import SnsPublisher
from ..runtime import RuntimeSettings


class SnsChannel:
    name = "sns"

    def __init__(self, topic_arn: str, region: str) -> None:
        self._publisher = SnsPublisher(topic_arn, region=region)

    def send(self, subject: str, body: str) -> None:
        self._publisher.publish(subject, body)


def configured_channels(env: RuntimeSettings) -> list:
    channels: list = []
    if env.alert_topic_arn:
        channels.append(SnsChannel(env.alert_topic_arn, env.hub_region))
    return channels
