"""Page identity: a page documents the endpoint its URL says, judged from what it carries."""

from __future__ import annotations

import pytest
from crawl_pages import CLOSE, CLOSED, closed_record_page, endpoint_page
from helpers import CORPUS

from doccontract.contract.build import find_specs
from doccontract.read.identity import anchored_paths, known, title_key, wrong_page
from doccontract.read.load import parse_page


def judge(text: str, spec: str | None = None) -> str | None:
    page = parse_page(text.encode(), "x.md")
    return wrong_page(page, text, spec=known(parse_page(spec.encode(), "s.md")) if spec else None)


def test_anchors_naming_another_page_refuse_it_and_the_reason_names_both():
    why = judge(closed_record_page(url_path=CLOSE))
    assert why is not None
    assert f"/docs/{CLOSE}" in why and f"/docs/{CLOSED}" in why and "GET /sapi/v1/widgets/closed" in why


def test_anchors_naming_its_own_url_are_never_refused_whatever_changed():
    renamed = endpoint_page(title=("Reopen Widget", "重开小部件"), request="POST /sapi/v2/widget/reopen")
    assert judge(renamed, spec=endpoint_page()) is None


def test_one_language_of_another_page_is_enough_to_refuse():
    own, other = endpoint_page(), closed_record_page(url_path=CLOSE)
    mixed = own.rsplit("\n---\n\n# ", 1)[0] + "\n---\n\n# " + other.rsplit("\n---\n\n# ", 1)[1]
    why = judge(mixed)
    assert why is not None and why.startswith("the zh-CN page")


@pytest.mark.parametrize(
    "changed,refused",
    [
        (
            {"title": ("Query Closed Widget Record", "查询已关闭小部件记录"), "request": "GET /sapi/v1/widgets/closed"},
            True,
        ),
        ({"request": "GET /sapi/v1/widget"}, False),  # method only, same title: drift on this page
        ({"request": "DELETE /sapi/v2/widget"}, False),  # path only
        ({"title": ("Close a Widget (TRADE)", "关闭一个小部件 (TRADE)")}, False),  # title only
        (
            {"title": ("Close Widget (USER_DATA)", "关闭小部件 (USER_DATA)"), "request": "GET /sapi/v1/widget"},
            False,
        ),  # security tag aside
    ],
)
def test_without_anchors_the_title_and_request_line_decide_against_the_spec(changed, refused):
    page = endpoint_page(anchors="", **changed)
    assert (judge(page, spec=endpoint_page()) is not None) is refused
    assert judge(page) is None  # nothing to hold it to: not refused


def test_anchors_are_read_per_language_from_heading_links_only():
    text = endpoint_page() + "\nSee [the other page](/docs/other/Page#x) for more.\n"
    found = anchored_paths(text)
    assert set(found) == {"en", "zh-CN"} and set(found["en"]) == {CLOSE} and set(found["zh-CN"]) == {CLOSE}


def test_a_title_key_drops_security_tags_case_and_spacing():
    assert title_key("Close  Widget (TRADE)") == title_key("close widget（USER_DATA）") == "close widget"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
def test_no_corpus_page_is_taken_for_another_page():
    refused = []
    for spec in find_specs([CORPUS]):
        text = spec.path.read_text(encoding="utf-8")
        why = wrong_page(parse_page(text.encode(), spec.display), text)
        if why:
            refused.append(f"{spec.display}: {why}")
    assert refused == []


def test_its_own_path_in_another_case_or_percent_encoded_is_still_its_own():
    text = endpoint_page(
        anchors=CLOSE.replace("Widget-Close", "widget-close").replace("/", "%2F", 0).replace("account", "acc%6Funt")
    )
    assert judge(text) is None


def test_a_body_link_to_the_url_it_was_saved_under_does_not_make_a_wrong_page_right():
    text = closed_record_page(url_path=CLOSE).replace(
        "Query closed widgets.", f"Query closed widgets (see [Close Widget](/docs/{CLOSE}#http-request))."
    )
    assert f"/docs/{CLOSE}#http-request" in text and judge(text) is not None
