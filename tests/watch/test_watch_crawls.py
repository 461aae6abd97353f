"""`doccontract diff OLD NEW` over two crawls: wrong pages refused apart, every other page compared
by what it is for (endpoints, error codes, rules, change logs), and nothing compared is never green."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from crawl_pages import (
    CHANGES,
    CLOSE,
    CLOSED,
    ERRORS,
    RULES,
    changelog_page,
    closed_record_page,
    endpoint_page,
    error_page,
    rules_page,
    write,
)

from doccontract.cli import app as cli

OTHER = "widgets/account/Widget-Open"
CODES = {
    -1000: ("UNKNOWN", ["An unknown error occurred."], ["发生未知错误。"]),
    -1001: ("DISCONNECTED", ["Internal error; please try again."], ["内部错误，请重试。"]),
    -1002: ("UNAUTHORIZED", ["You are not authorized to execute this request."], ["您无权执行此请求。"]),
}
ENTRIES = [("2026-01-10", "Widgets can be closed.", "小部件可以关闭。")]


def crawl(root, pages: dict[str, str]):
    for path, text in pages.items():
        write(root, path, text)
    return root


def january(tmp_path):
    return crawl(
        tmp_path / "jan",
        {
            CLOSE: endpoint_page(),
            CLOSED: closed_record_page(),
            OTHER: endpoint_page(
                OTHER, ("Open Widget (TRADE)", "打开小部件 (TRADE)"), "POST /sapi/v1/widget", weight="6(UID)"
            ),
            ERRORS: error_page(CODES),
            RULES: rules_page(),
            CHANGES: changelog_page(ENTRIES),
        },
    )


def diff(old, new) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["diff", str(old), str(new), "--format", "json"])
    return code, json.loads(out.getvalue()), err.getvalue()


def changes(report: dict, cid: str) -> dict[str, dict]:
    [d] = [d for d in report["contracts"] if d["id"] == f"binance/{cid}" or d["id"] == cid]
    return {f"{c['code']} {c['subject']}": c for c in d["changes"]}


def test_the_same_crawl_twice_is_no_drift(tmp_path):
    old = january(tmp_path)
    code, report, _ = diff(old, old)
    assert code == 0 and report["refused"] == [] and len(report["contracts"]) == 6
    assert all(d["changes"] == [] for d in report["contracts"])


def test_a_wrong_page_is_refused_apart_and_the_real_breaking_change_still_shows(tmp_path):
    old = january(tmp_path)
    new = crawl(
        tmp_path / "later",
        {
            CLOSE: closed_record_page(url_path=CLOSE),  # the crawler saved Query Closed Widget Record under Close
            CLOSED: closed_record_page(),
            OTHER: endpoint_page(
                OTHER, ("Open Widget (TRADE)", "打开小部件 (TRADE)"), "POST /sapi/v1/widget", weight="1500(UID)"
            ),
            ERRORS: error_page(CODES),
            RULES: rules_page(),
            CHANGES: changelog_page(ENTRIES),
        },
    )
    code, report, err = diff(old, new)
    assert code == 3 and report["status"] == "error"
    [refused] = report["refused"]
    assert CLOSE in refused and CLOSED in refused and "GET /sapi/v1/widgets/closed" in refused
    assert CLOSE not in json.dumps(report["contracts"])  # never reported as the Close endpoint's drift
    assert changes(report, OTHER)["weight.increased weight"]["class"] == "breaking"
    assert report["summary"]["breaking"] == 1
    assert (
        "Query-Closed-Widget-Record" in err and err.count("doccontract diff:") == 1
    )  # one message (wrapped to the terminal)


def test_the_same_endpoint_moved_to_another_path_under_its_own_anchors_is_breaking_drift(tmp_path):
    old = crawl(tmp_path / "jan", {CLOSE: endpoint_page()})
    new = crawl(tmp_path / "later", {CLOSE: endpoint_page(request="DELETE /sapi/v2/widget")})
    code, report, _ = diff(old, new)
    assert code == 2 and report["refused"] == [] and "path.changed path" in changes(report, CLOSE)


def test_error_codes_are_compared_code_by_code_and_language_by_language(tmp_path):
    later = {
        -1001: ("DISCONNECTED", ["Internal error; please try again later."], ["内部错误，请重试。"]),  # reworded (en)
        -1002: ("FORBIDDEN", ["You are not authorized to execute this request."], ["您无权执行此请求。"]),  # renamed
        -1003: ("TOO_MANY_REQUESTS", ["Too many requests."], ["请求过多。"]),
    }  # -1000 removed
    old = crawl(tmp_path / "jan", {ERRORS: error_page(CODES)})
    new = crawl(tmp_path / "later", {ERRORS: error_page(later)})
    code, report, _ = diff(old, new)
    found = changes(report, ERRORS)
    assert code == 2
    assert found["error-code.removed -1000"]["class"] == "breaking" and found["error-code.removed -1000"][
        "languages"
    ] == ["en", "zh-CN"]
    assert found["error-code.re-meant -1002"]["class"] == "breaking"
    assert found["error-code.added -1003"]["class"] == "non-breaking"
    reworded = found["error-code.message-changed -1001"]
    assert reworded["class"] == "documentation" and reworded["languages"] == ["en"]
    assert reworded["after"]["en"] == ["Internal error; please try again later."]


def test_a_code_dropped_in_one_language_only_is_documentation(tmp_path):
    zh_lag = {c: (name, en, zh if c != -1002 else []) for c, (name, en, zh) in CODES.items()}
    old = crawl(tmp_path / "jan", {ERRORS: error_page(CODES)})
    text = error_page(zh_lag)
    text = text.replace(
        text[text.index("### -1002 UNAUTHORIZED[\u200b](/docs/zh-CN/") :], ""
    )  # the zh-CN heading gone too
    new = crawl(tmp_path / "later", {ERRORS: text})
    code, report, _ = diff(old, new)
    gone = changes(report, ERRORS)["error-code.removed -1002"]
    assert gone["class"] == "documentation" and gone["languages"] == ["zh-CN"] and code == 1


def test_an_error_code_url_holding_another_page_is_refused(tmp_path):
    old = crawl(tmp_path / "jan", {ERRORS: error_page(CODES), CLOSE: endpoint_page()})
    new = crawl(tmp_path / "later", {ERRORS: endpoint_page(ERRORS, anchors=CLOSE), CLOSE: endpoint_page()})
    code, report, _ = diff(old, new)
    assert code == 3 and len(report["refused"]) == 1 and ERRORS in report["refused"][0]
    assert not any(
        c["code"] in ("contract.added", "error-code.removed") for d in report["contracts"] for c in d["changes"]
    )


def test_rule_pages_are_compared_sentence_by_sentence_in_both_languages(tmp_path):
    old = crawl(tmp_path / "jan", {RULES: rules_page()})
    new = crawl(
        tmp_path / "later",
        {
            RULES: rules_page(
                "recvWindow defaults to 5000 ms. It may not exceed 10000 ms.",
                "recvWindow 默认为 5000 毫秒。不能超过 10000 毫秒。",
            )
        },
    )
    code, report, _ = diff(old, new)
    [d] = report["contracts"]
    rules = [c for c in d["changes"] if c["code"] == "rules.changed"]
    assert code == 1 and {lang for c in rules for lang in c["languages"]} == {"en", "zh-CN"}
    en = next(c for c in rules if c["languages"] == ["en"])
    assert en["before"]["en"] == "It may not exceed 60000 ms." and en["after"]["en"] == "It may not exceed 10000 ms."


def test_a_new_change_log_entry_is_news(tmp_path):
    old = crawl(tmp_path / "jan", {CHANGES: changelog_page(ENTRIES)})
    new = crawl(
        tmp_path / "later",
        {CHANGES: changelog_page([("2026-03-02", "Widgets can be reopened.", "小部件可以重新打开。"), *ENTRIES])},
    )
    code, report, _ = diff(old, new)
    [d] = report["contracts"]
    news = [c for c in d["changes"] if c["code"] == "changelog.entry"]
    assert code == 1 and news and all(c["class"] == "news" for c in news) and report["summary"]["news"] == len(news)
    assert "Widgets can be reopened." in news[0]["after"].get("en", "") or "小部件可以重新打开。" in news[0][
        "after"
    ].get("zh-CN", "")


@pytest.mark.parametrize("case", ["disjoint", "all-refused"])
def test_a_diff_that_compared_nothing_exits_3_with_the_reason(tmp_path, case):
    old = crawl(tmp_path / "jan", {CLOSE: endpoint_page()})
    if case == "disjoint":
        new = crawl(tmp_path / "later2", {"elsewhere/" + OTHER: endpoint_page("elsewhere/" + OTHER)})
    else:
        new = crawl(tmp_path / "later", {CLOSE: closed_record_page(url_path=CLOSE)})
        old = crawl(tmp_path / "jan2", {CLOSE: closed_record_page(url_path=CLOSE)})
    code, report, err = diff(old, new)
    assert code == 3 and "nothing was compared" in err and any("nothing was compared" in e for e in report["errors"])


def test_a_page_without_a_source_url_is_judged_by_where_the_crawl_keeps_it(tmp_path):
    import re

    def no_url(text: str) -> str:
        return re.sub(r"source_url: .*\n", "", text)

    old = crawl(tmp_path / "jan", {CLOSE: no_url(endpoint_page())})
    same = crawl(tmp_path / "same", {CLOSE: no_url(endpoint_page())})
    wrong = crawl(tmp_path / "later", {CLOSE: no_url(closed_record_page(url_path=CLOSE))})
    assert diff(old, same)[0] == 0
    code, report, _ = diff(wrong, old)  # the earlier crawl's slip: no spec to hold it to, its canonical link tells
    assert (
        code == 3 and len(report["refused"]) == 1 and CLOSED in report["refused"][0] and "(old)" in report["refused"][0]
    )


def test_saved_html_pages_are_judged_by_their_canonical_link_against_where_the_crawl_keeps_them(tmp_path):
    from doccontract.read.load import parse_page
    from doccontract.read.render import render_html

    def html(text: str, url_path: str) -> str:
        return render_html(
            parse_page(text.encode(), "x.md").docs["en"], f"https://developers.binance.com/docs/{url_path}"
        )

    old, same, wrong = tmp_path / "jan", tmp_path / "same", tmp_path / "later"
    for root, (text, canonical) in (
        (old, (endpoint_page(), CLOSE)),
        (same, (endpoint_page(), CLOSE)),
        (wrong, (closed_record_page(), CLOSED)),
    ):
        (root / CLOSE).parent.mkdir(parents=True)
        (root / f"{CLOSE}.html").write_text(html(text, canonical), encoding="utf-8")
    assert diff(old, same)[0] == 0
    code, report, _ = diff(wrong, old)  # the earlier crawl's slip: no spec to hold it to, its canonical link tells
    assert (
        code == 3 and len(report["refused"]) == 1 and CLOSED in report["refused"][0] and "(old)" in report["refused"][0]
    )
