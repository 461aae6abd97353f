"""What a page that documents no REST endpoint is (issue 10, item 1), read from its structure."""

from __future__ import annotations

import pytest

from doccontract.read.classify import classify
from doccontract.read.markdown import read_markdown


def _kind(md: str) -> str | None:
    return classify(read_markdown(md, "en"))


def test_stream_labels_in_paragraphs_make_a_stream_page_even_beside_subscribe_examples():
    md = """# WebSocket Streams for Binance

## Live Subscribing/Unsubscribing to streams

    {"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade"], "id": 1}

## Aggregate Trade Streams

**Stream Name:** <symbol>@aggTrade

**Update Speed:** Real-time

    {"e": "aggTrade", "E": 1672515782136, "s": "BNBBTC"}
"""
    assert _kind(md) == "stream"


def test_subscribe_messages_alone_are_general_information_and_a_real_method_is_websocket_api():
    control = (
        "# Live Subscribing\n\n## Subscribe to a stream\n\n"
        '    {"method": "SUBSCRIBE", "params": ["btcusdt@depth"], "id": 1}\n\n'
        '    {"method": "LIST_SUBSCRIPTIONS", "id": 3}\n'
    )
    assert _kind(control) == "general-info"
    api = '# Order book\n\n## Request\n\n    {"id": "51e2", "method": "depth", "params": {"symbol": "BNBBTC"}}\n'
    assert _kind(api) == "websocket-api"


def test_event_payloads_make_a_user_data_event_page_despite_a_general_information_heading():
    md = """# User Data Streams for Binance

## General information

A stream of account events.

### Account Update

    {
        "subscriptionId": 0,
        "event": {
            "e": "outboundAccountPosition",     // Event type
            "E": 1564034571105,                 // Event Time
            "u": 1564034571073
        }
    }
"""
    assert _kind(md) == "user-data-event"
    assert _kind("# Limits\n\n## General information\n\nNo payloads here.\n") == "general-info"


def test_a_front_page_pointing_to_the_faq_and_the_change_log_is_an_introduction():
    md = (
        "# Official Documentation for the Binance APIs and Streams.\n\n"
        "### FAQ\n\n| Name | Description |\n|---|---|\n| a | b |\n\n"
        "### Change log\n\nPlease refer to the CHANGELOG.\n\n### Contact Us\n\nTelegram.\n"
    )
    assert _kind(md) == "introduction"
    assert _kind("# Spot API\n\n## Change log\n\n### 2024-01-01\n\nThings changed.\n") == "changelog"


def test_a_streams_page_of_prose_only_tells_how_to_connect():
    prose = "# User Data Streams Connect\n\n* A User Data Stream `listenKey` is valid for 60 minutes.\n* Base Url: wss://fstream.binance.com\n"
    assert _kind(prose) == "general-info"
    payload = (
        '# Mark Price Stream\n\nPushes the mark price.\n\n    {"stream": "btcusdt@markPrice", "data": {"p": "1"}}\n'
    )
    assert _kind(payload) == "stream"


_PAYLOAD = '## Response Example\n\n    {"e": "w", "E": 1}\n'


@pytest.mark.parametrize(
    "md,kind",
    [
        # an event page may state an update speed too: only a stream names a stream
        (
            "# Event: Widget update\n\n## Event Description\n\nSent on change.\n\n"
            "## Event Name\n\n`W`\n\n## Update Speed\n\n50ms\n\n" + _PAYLOAD,
            "user-data-event",
        ),
        ("# Widget Streams\n\n## Stream Name\n\n`<symbol>@widget`\n\n## Update Speed\n\n50ms\n\n" + _PAYLOAD, "stream"),
        ("# Widget ticker\n\n## Update Speed\n\n1000ms\n\n" + _PAYLOAD, "stream"),
        # a page titled only 'Connect' that gives the base URL tells how to connect
        (
            "# Connect\n\n* The baseurl of the websocket interface is: **wss://example.test/public/**\n"
            "* Valid for 24 hours.\n",
            "general-info",
        ),
        # an address mentioned in passing says where, not how to connect
        (
            "# How to keep a local widget book\n\n"
            "1. Open a stream to wss://example.test/ws/w@depth.\n2. Buffer the events.\n",
            "guide",
        ),
    ],
)
def test_events_streams_and_connection_pages_by_what_only_each_has(md, kind):
    assert _kind(md) == kind


def test_a_page_of_definition_tables_without_a_request_is_common_definitions():
    rows = "".join(f"| {c}{c} | {c.lower()}x |\n" for c in "ABCDEFGHIJKL")
    appendix = f"# Appendix\n\n## Country codes\n\n| Country | Code |\n|---|---|\n{rows}\nA note on names.\n"
    assert _kind(appendix) == "common-definitions"
    guide = (
        "# How to sign\n\n"
        + "".join(f"Step {i} of the guide, in prose.\n\n" for i in range(12))
        + "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert _kind(guide) == "guide"  # a table among much prose: still a guide
