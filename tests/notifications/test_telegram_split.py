"""Long messages are cut for Telegram: at most 4096 characters each, on line boundaries, never inside a
tag or an entity, every part parsing on its own, nothing lost and nothing repeated."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightsail_guard.local.telegram_fake import parse_html, utf16_length
from lightsail_guard.notifications.report import build_report
from lightsail_guard.notifications.report_html import report_html
from lightsail_guard.notifications.telegram_split import TELEGRAM_LIMIT, html_to_plain, split_message

from .conftest import fleet

LABEL = re.compile(r"^\(\d+/\d+\) ")


def occurrences(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))


def test_a_50_instance_report_over_4_accounts_splits_on_line_boundaries_with_every_instance_once():
    # Given a report of 50 instances in 4 accounts, as Telegram HTML
    outcomes, run = fleet(50, 4)
    html = report_html(build_report(outcomes, run, bytes_per_gb=10**9))
    assert utf16_length(html) > TELEGRAM_LIMIT
    # When it is split for Telegram
    parts = split_message(html)
    # Then every part fits, parses on its own and is made of whole lines of the report
    assert len(parts) >= 2
    lines = set(html.splitlines())
    for number, part in enumerate(parts, start=1):
        assert utf16_length(part) <= TELEGRAM_LIMIT
        assert part.startswith(f"({number}/{len(parts)}) ")
        parse_html(part)
        assert all(line in lines for line in LABEL.sub("", part).splitlines())
    # And every instance is in exactly one message, exactly once
    shown = "\n".join(parse_html(p) for p in parts)
    names = [r.name for o in outcomes for r in o.results]
    assert len(names) == 50
    assert all(occurrences(name, shown) == 1 for name in names)
    assert "".join(LABEL.sub("", p) for p in parts).replace("\n", "") == html.replace("\n", "")


def test_a_short_message_is_left_alone():
    assert split_message("<b>one</b>\ntwo") == ["<b>one</b>\ntwo"]


def test_a_tag_open_across_a_cut_is_closed_and_reopened():
    html = "<pre>" + "\n".join(f"row {i:03d} " + "x" * 70 for i in range(120)) + "</pre>"
    parts = split_message(html)
    assert len(parts) == 3
    for part in parts:
        parse_html(part)
        assert "<pre>" in part and part.endswith("</pre>")


def test_a_line_longer_than_a_message_is_cut_between_words_never_inside_an_entity():
    html = "<b>" + "name &amp; more " * 600 + "</b>"
    parts = split_message(html)
    assert all(utf16_length(p) <= TELEGRAM_LIMIT for p in parts)
    for part in parts:
        parse_html(part)
    assert " ".join(html_to_plain(LABEL.sub("", p)) for p in parts).split() == html_to_plain(html).split()


def test_plain_text_is_cut_too_and_emoji_count_twice():
    text = "\n".join("😀" * 100 for _ in range(50))  # 200 UTF-16 units per line
    parts = split_message(text, html=False)
    assert all(utf16_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert len(parts) == 3


_line = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=300)


@settings(max_examples=60, deadline=None)
@given(st.lists(_line, max_size=60), st.integers(min_value=200, max_value=1000))
def test_any_escaped_text_splits_into_parts_that_parse_and_fit(lines, limit):
    from html import escape

    html = "\n".join(f"<b>{escape(line[:10])}</b> {escape(line)}" for line in lines)
    parts = split_message(html, limit)
    for part in parts:
        assert utf16_length(part) <= limit
        parse_html(part)
    joined = "".join(html_to_plain(LABEL.sub("", p)) for p in parts)
    assert "".join(joined.split()) == "".join(html_to_plain(html).split())


def test_limits_too_small_to_hold_a_label_are_refused():
    with pytest.raises(ValueError):
        split_message("x", 10)
