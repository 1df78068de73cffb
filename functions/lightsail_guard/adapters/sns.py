"""SNS notifications (DOMAIN.md, "Notification channels": Subject < 100 characters, one line)."""

from __future__ import annotations

from .aws_clients import CLIENTS

SUBJECT_LIMIT = 99
MESSAGE_LIMIT = 256 * 1024


def sns_subject(text: str) -> str:
    """One line, under 100 characters, ASCII-safe; cut with an ellipsis (the body has the full text)."""
    line = " ".join(text.split()).encode("ascii", "replace").decode("ascii")
    if len(line) <= SUBJECT_LIMIT:
        return line
    return line[: SUBJECT_LIMIT - 3].rstrip() + "..."


class SnsPublisher:
    def __init__(self, topic_arn: str, *, region: str | None = None) -> None:
        self.topic_arn = topic_arn
        self._client = CLIENTS.client("sns", region)

    def publish(self, subject: str, message: str) -> str:
        body = message.encode("utf-8")
        if len(body) > MESSAGE_LIMIT:
            message = body[: MESSAGE_LIMIT - 64].decode("utf-8", "ignore") + "\n[cut: message over 256 KB]"
        return self._client.publish(TopicArn=self.topic_arn, Subject=sns_subject(subject), Message=message)[
            "MessageId"
        ]
