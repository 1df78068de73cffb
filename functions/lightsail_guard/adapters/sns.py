"""SNS notifications (DOMAIN.md, "Notification channels": Subject < 100 characters, one line).

SNS refuses a Subject with line breaks or control characters, of 100 characters or more, or not in
ASCII; a message over 256 KB is refused too. Both are made safe here, whatever the caller passes.
"""

from __future__ import annotations

from .aws_clients import CLIENTS

SUBJECT_LIMIT = 99
MESSAGE_LIMIT = 256 * 1024
_CUT_NOTE = "\n[cut: message over 256 KB]"


def sns_subject(text: str) -> str:
    """One line, under 100 characters, printable ASCII; cut with an ellipsis (the body has the full text)."""
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    line = " ".join("".join(c if c.isprintable() else " " for c in ascii_text).split())
    if len(line) <= SUBJECT_LIMIT:
        return line
    return line[: SUBJECT_LIMIT - 3].rstrip() + "..."


def sns_message(text: str) -> str:
    body = text.encode("utf-8")
    if len(body) <= MESSAGE_LIMIT:
        return text
    room = MESSAGE_LIMIT - len(_CUT_NOTE.encode("utf-8"))
    return body[:room].decode("utf-8", "ignore") + _CUT_NOTE


class SnsPublisher:
    def __init__(self, topic_arn: str, *, region: str | None = None) -> None:
        self.topic_arn = topic_arn
        self._client = CLIENTS.client("sns", region)

    def publish(self, subject: str, message: str) -> str:
        subject = sns_subject(subject)
        params = {"TopicArn": self.topic_arn, "Message": sns_message(message)}
        if subject:  # an empty Subject is refused; none at all is fine
            params["Subject"] = subject
        return self._client.publish(**params)["MessageId"]
