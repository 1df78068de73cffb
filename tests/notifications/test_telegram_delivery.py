"""Telegram delivery against the local Bot API: C9 (the alert arrives whatever the name; a long report
arrives whole), Telegram answering 400, 429 and 5xx, several chats, and the token kept secret."""

from __future__ import annotations

import traceback

import pytest

from lightsail_guard.adapters.telegram_api import TelegramApiError, TelegramBotApi, TelegramConfigError
from lightsail_guard.local.telegram_fake import TelegramFake, utf16_length
from lightsail_guard.notifications.alert import alert_html, build_alert
from lightsail_guard.notifications.report import build_report
from lightsail_guard.notifications.report_html import report_html
from lightsail_guard.notifications.telegram import TelegramChannel, TelegramDeliveryError
from lightsail_guard.notifications.telegram_split import TELEGRAM_LIMIT, html_to_plain

from .conftest import CHAT, fleet, result

PER_GB = 10**9


def api(fake: TelegramFake, sleeps, **options) -> TelegramBotApi:
    return TelegramBotApi(lambda: fake.token, base_url=fake.base_url, sleep=sleeps, **options)


def channel(fake: TelegramFake, sleeps, chats=(CHAT,)) -> TelegramChannel:
    return TelegramChannel(api(fake, sleeps), list(chats))


def stop_alert(name: str):
    return build_alert(
        result(name, used_gb=990.0, action="stop", stop_result="stopping", state="stopping"),
        bytes_per_gb=PER_GB,
    )


# -- C9 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["web_server_1", "db<primary>", "a&b", "x_*[]()~`>#+-=|{}.!", "<b>bold</b>"])
def test_c9_the_alert_arrives_whatever_the_instance_name(telegram, sleeps, name):
    # Given an instance whose name is full of Markdown and HTML characters
    # When its stop alert goes to Telegram in HTML mode
    channel(telegram, sleeps).send_alert(stop_alert(name))
    # Then it arrives at the first try, and the reader sees the name as it is
    [message] = telegram.messages
    assert [r.status for r in telegram.requests] == [200]
    assert message.parse_mode == "HTML" and message.chat_id == CHAT
    assert f"Instance: {name}\n" in message.shown
    assert message.shown.startswith("STOPPED ")


def test_c9_a_40_instance_report_of_6000_characters_arrives_whole_in_messages_of_at_most_4096(
    telegram, sleeps
):
    # Given a report of 40 instances: about 6,000 characters of HTML
    outcomes, run = fleet(40, 4)
    report = build_report(outcomes, run, bytes_per_gb=PER_GB)
    html = report_html(report)
    assert 5_500 < utf16_length(html) < 8_000
    # When it is sent to Telegram
    channel(telegram, sleeps).send_report(report)
    # Then it arrives in two messages, each within Telegram's limit, every line of it, in order
    texts = telegram.texts(CHAT)
    assert len(texts) == 2 and all(utf16_length(t) <= TELEGRAM_LIMIT for t in texts)
    assert texts[0].startswith("(1/2) Lightsail Guard daily report: March 2025")
    received = "\n".join(t.split(" ", 1)[1] for t in texts)
    assert received.replace("\n", "") == html_to_plain(html).replace("\n", "")
    for name in (r.name for o in outcomes for r in o.results):
        assert received.count(f"{name} ") == 1


def test_c9_when_telegram_refuses_the_html_the_same_message_goes_as_plain_text(telegram, sleeps):
    # Given Telegram answers the next call with 400 "can't parse entities"
    telegram.answer_next(400)
    alert = stop_alert("web_server_1")
    # When the alert is sent
    channel(telegram, sleeps).send_alert(alert)
    # Then it is sent again without a parse mode, and arrives with the same words
    assert [(r.status, r.parse_mode) for r in telegram.requests] == [(400, "HTML"), (200, None)]
    [message] = telegram.messages
    assert message.shown == html_to_plain(alert_html(alert))
    assert sleeps == []


# -- 429 and 5xx --------------------------------------------------------------------------------------


def test_429_waits_the_retry_after_telegram_asks_for(telegram, sleeps):
    telegram.answer_next(429, retry_after=3)
    channel(telegram, sleeps).send_alert(stop_alert("web-1"))
    assert sleeps == [3]
    assert [r.status for r in telegram.requests] == [429, 200]
    assert len(telegram.messages) == 1


def test_5xx_is_retried_with_exponential_backoff(telegram, sleeps):
    telegram.answer_next(500)
    telegram.answer_next(502, body=b"<html>Bad Gateway</html>")  # proxies answer HTML, not JSON
    channel(telegram, sleeps).send_alert(stop_alert("web-1"))
    assert sleeps == [1.0, 2.0]
    assert [r.status for r in telegram.requests] == [500, 502, 200]


def test_400_then_429_then_5xx_in_turn_still_delivers_once(telegram, sleeps):
    telegram.answer_next(400)
    telegram.answer_next(429, retry_after=5)
    telegram.answer_next(503)
    channel(telegram, sleeps).send_alert(stop_alert("web_server_1"))
    assert [(r.status, r.parse_mode) for r in telegram.requests] == [
        (400, "HTML"),
        (429, None),
        (503, None),
        (200, None),
    ]
    assert sleeps == [5, 2.0]  # retry_after as asked; then the backoff of the third attempt
    assert len(telegram.messages) == 1


def test_attempts_are_bounded_and_the_error_says_so(telegram, sleeps):
    telegram.answer_next(503, times=10)
    with pytest.raises(
        TelegramDeliveryError, match=r"delivered to 0 of 1 chats; .*HTTP 503.*gave up after 4 attempts"
    ):
        channel(telegram, sleeps).send_alert(stop_alert("web-1"))
    assert len(telegram.requests) == 4 and sleeps == [1.0, 2.0, 4.0]


def test_a_retry_after_longer_than_a_lambda_should_wait_fails_at_once(telegram, sleeps):
    telegram.answer_next(429, retry_after=3600)
    with pytest.raises(TelegramApiError, match="retry_after 3600 s is longer than we wait") as caught:
        api(telegram, sleeps).send_message(CHAT, "x")
    assert caught.value.retry_after == 3600 and sleeps == []


def test_one_chat_failing_does_not_keep_the_message_from_the_others(sleeps):
    with TelegramFake(chats={"1001"}) as fake:
        with pytest.raises(
            TelegramDeliveryError, match=r"delivered to 1 of 2 chats; chat 2002: .*chat not found"
        ):
            channel(fake, sleeps, chats=("2002", "1001")).send_alert(stop_alert("web-1"))
        assert [m.chat_id for m in fake.messages] == ["1001"]


# -- the token stays secret ---------------------------------------------------------------------------


def assert_secret(token: str, *things: object) -> None:
    for thing in things:
        text = "".join(traceback.format_exception(thing)) if isinstance(thing, BaseException) else str(thing)
        assert token not in text
        assert token.split(":", 1)[1] not in text


def test_the_token_is_in_no_error_no_repr_and_no_log_line(telegram, sleeps, log_lines):
    token = telegram.token
    bot = api(telegram, sleeps)
    # A refused token (401): the error names the method and status, not the token
    wrong = TelegramBotApi(
        lambda: "987654321:AAwrong-token-wrong-token-wrong-tok", base_url=telegram.base_url, sleep=sleeps
    )
    with pytest.raises(TelegramApiError) as unauthorized:
        wrong.send_message(CHAT, "x")
    assert "HTTP 401: Unauthorized" in str(unauthorized.value)
    assert_secret("987654321:AAwrong-token-wrong-token-wrong-tok", unauthorized.value)
    # No answer at all (the server is gone): urllib's error would carry the URL; ours does not
    base = telegram.base_url
    telegram.stop()
    gone = TelegramBotApi(lambda: token, base_url=base, sleep=sleeps)
    with pytest.raises(TelegramApiError) as unreachable:
        gone.send_message(CHAT, "x")
    assert "no answer" in str(unreachable.value)
    with pytest.raises(TelegramDeliveryError) as delivery:
        TelegramChannel(gone, [CHAT]).send_alert(stop_alert("web-1"))
    assert_secret(token, unreachable.value, delivery.value, bot, TelegramChannel(bot, [CHAT]))
    assert_secret(token, *(f"{r.getMessage()} {r.__dict__}" for r in log_lines))


def test_telegram_error_descriptions_are_redacted_too():
    error = TelegramApiError(
        "sendMessage", 400, "bad url /bot123456789:AAF-local-fake-token-for-lightsail-guard/x"
    )
    assert "AAF-local" not in str(error) and "<redacted>" in str(error)


@pytest.mark.parametrize("base", ["http://api.telegram.org", "ftp://127.0.0.1", "telegram"])
def test_the_token_never_travels_over_plain_http_except_to_loopback(base):
    with pytest.raises(TelegramConfigError, match="must be https"):
        TelegramBotApi(lambda: "x", base_url=base)
    TelegramBotApi(lambda: "x", base_url="http://127.0.0.1:8080")
