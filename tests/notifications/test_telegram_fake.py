"""The local Telegram speaks the Bot API and parses HTML as strictly as Telegram (or more)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from lightsail_guard.local.telegram_fake import EntityError, TelegramFake, parse_html


def post(fake: TelegramFake, params: dict, *, token: str | None = None, method: str = "sendMessage"):
    request = urllib.request.Request(
        f"{fake.base_url}/bot{token or fake.token}/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<b>bold</b> &lt;tag&gt; &amp; &quot;q&quot; &#33;&#x21;", 'bold <tag> & "q" !!'),
        ('<a href="https://x">link</a> <code class="language-py">c</code>', "link c"),
        ("<b><i>nested</i></b>", "nested"),
        ("web_server_1 *not* [markdown]", "web_server_1 *not* [markdown]"),
    ],
)
def test_valid_html_is_shown_without_tags(text, shown):
    assert parse_html(text) == shown


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", "Unsupported start tag"),
        ("a & b", "Can't find end of the entity"),
        ("<web_server_1>", "Unsupported start tag"),
        ("<script>x</script>", 'Unsupported start tag "script"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "Unexpected end tag"),
        ("close</b>", "Unexpected end tag"),
        ("&nbsp;", "Unsupported HTML entity"),
        ('<b class="x">y</b>', "Unsupported attribute"),
    ],
)
def test_bad_html_is_refused_like_telegram(text, error):
    with pytest.raises(EntityError, match=error):
        parse_html(text)


def test_send_message_answers_like_the_bot_api_and_records_it(telegram):
    status, answer = post(telegram, {"chat_id": "-100123", "text": "<b>hi</b>", "parse_mode": "HTML"})
    assert status == 200 and answer["ok"] is True
    assert answer["result"]["text"] == "hi" and answer["result"]["chat"]["id"] == -100123
    assert telegram.texts() == ["hi"]
    assert telegram.requests[0].parse_mode == "HTML"


def test_unparsable_entities_are_a_400_and_nothing_is_delivered(telegram):
    status, answer = post(telegram, {"chat_id": "1", "text": "a < b", "parse_mode": "HTML"})
    assert status == 400 and answer["error_code"] == 400
    assert answer["description"].startswith("Bad Request: can't parse entities: ")
    assert telegram.messages == []


def test_over_4096_characters_is_refused_and_4096_is_not(telegram):
    assert post(telegram, {"chat_id": "1", "text": "x" * 4096})[0] == 200
    status, answer = post(telegram, {"chat_id": "1", "text": "x" * 4097})
    assert (status, answer["description"]) == (400, "Bad Request: message is too long")
    # Telegram counts UTF-16 code units: 2049 emoji are 4098 of them
    assert post(telegram, {"chat_id": "1", "text": "😀" * 2049})[0] == 400


def test_length_is_counted_after_entities_are_parsed(telegram):
    text = "<b>" + "&amp;" * 4096 + "</b>"
    assert post(telegram, {"chat_id": "1", "text": text, "parse_mode": "HTML"})[0] == 200


def test_wrong_token_is_401_and_empty_text_is_400(telegram):
    assert post(telegram, {"chat_id": "1", "text": "x"}, token="1:wrong")[0] == 401
    assert (
        post(telegram, {"chat_id": "1", "text": " "})[1]["description"]
        == "Bad Request: message text is empty"
    )


def test_scripted_answers_come_in_turn(telegram):
    telegram.answer_next(429, retry_after=7)
    telegram.answer_next(502)
    telegram.answer_next(400)
    first, second, third, fourth = (post(telegram, {"chat_id": "1", "text": "x"}) for _ in range(4))
    assert first == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    assert second[0] == 502 and third[0] == 400 and fourth[0] == 200
    assert [r.status for r in telegram.requests] == [429, 502, 400, 200]
