"""Drift on small hand-written page pairs: what `doccontract diff` (and so `drift`) reports, and what it must not.

Each pair differs in one way a real later crawl differed; the pages are our own text, not Binance's.
"""

from __future__ import annotations

import json

from doccontract.cli import app as cli

PAGE = """---
exchange: binance
source_url: https://developers.binance.com/docs/x/widget
api_type: REST
updated_at: 2026-01-15T00:00:00
---

# Widget Lookup ({sec_en})

## {desc_en}

{text_en}

## HTTP Request

GET `{path_en}`

## Request Weight

**1(IP)**

## Request Parameters

Name| Type| Mandatory| Description
---|---|---|---
widgetId| LONG| YES| {param_en}
timestamp| LONG| YES|
{notes_en}
## Response Example

{example}

---

# 查询小部件 ({sec_zh})

## {desc_zh}

{text_zh}

## HTTP请求

GET `{path_zh}`

## 请求权重

**1(IP)**

## 请求参数

名称| 类型| 是否必需| 描述
---|---|---|---
widgetId| LONG| YES| {param_zh}
timestamp| LONG| YES|
{notes_zh}
## 响应示例

{example}
"""

BASE = {
    "sec_en": "USER_DATA",
    "sec_zh": "USER_DATA",
    "desc_en": "API Description",
    "desc_zh": "接口描述",
    "text_en": "Look up one widget by its id.",
    "text_zh": "按编号查询一个小部件。",
    "path_en": "/sapi/v1/widget",
    "path_zh": "/sapi/v1/widget",
    "param_en": "the widget's id",
    "param_zh": "小部件编号",
    "notes_en": "",
    "notes_zh": "",
    "example": '```\n{\n  "widgetId": 7,\n  "ready": true\n}\n```',
}


def page(**changes: str) -> str:
    return PAGE.format(**{**BASE, **changes})


def diff(tmp_path, old: str, new: str) -> tuple[int, list[dict]]:
    """`doccontract diff OLD NEW --format json`: the exit code and every change, as the report has them."""
    a, b = tmp_path / "old.md", tmp_path / "new.md"
    a.write_text(old, encoding="utf-8")
    b.write_text(new, encoding="utf-8")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["diff", str(a), str(b), "--format", "json"])
    report = json.loads(out.getvalue())
    return code, [c for d in report["contracts"] for c in d["changes"]]


def summary(changes: list[dict]) -> set[tuple[str, str, str]]:
    return {(c["class"], c["code"], ",".join(c["languages"])) for c in changes}


def test_the_same_page_is_no_drift(tmp_path):
    assert diff(tmp_path, page(), page()) == (0, [])


def test_a_zh_path_corrected_to_agree_with_en_is_documentation_not_breaking(tmp_path):
    code, changes = diff(tmp_path, page(path_zh="/sapi/v1/gadget"), page())
    assert code == 1, changes
    path = [c for c in changes if c["code"] == "path.changed"]
    assert path and path[0]["class"] == "documentation" and path[0]["languages"] == ["zh-CN"]
    assert "now agrees with en" in path[0]["message"]
    assert ("bilingual", "bilingual.resolved", "en,zh-CN") in summary(changes)


def test_a_zh_security_corrected_to_agree_with_en_is_documentation_not_breaking(tmp_path):
    code, changes = diff(tmp_path, page(sec_zh="NONE"), page())
    sec = [c for c in changes if c["code"] == "security.changed"]
    assert code == 1 and sec and sec[0]["class"] == "documentation", changes
    assert "now agrees with en" in sec[0]["message"]


def test_a_path_change_the_contract_enforces_is_still_breaking(tmp_path):
    code, changes = diff(tmp_path, page(), page(path_en="/sapi/v2/widget", path_zh="/sapi/v2/widget"))
    assert code == 2 and ("breaking", "path.changed", "en,zh-CN") in summary(changes)


def test_diff_reports_a_rewritten_description_beside_a_new_parameter(tmp_path):
    """A language with a structured change still has its prose compared, by `diff` as by `drift`."""
    extra_en = "widgetId| LONG| YES| the widget's id\nsource| STRING| NO| where from\n"
    extra_zh = "widgetId| LONG| YES| 小部件编号\nsource| STRING| NO| 来源\n"
    old = page()
    new = page(
        text_en="Look up one widget by its id, from a chosen source.", text_zh="按编号从指定来源查询一个小部件。"
    )
    new = new.replace("widgetId| LONG| YES| the widget's id\n", extra_en).replace(
        "widgetId| LONG| YES| 小部件编号\n", extra_zh
    )
    code, changes = diff(tmp_path, old, new)
    got = summary(changes)
    assert ("non-breaking", "param.added-optional", "en,zh-CN") in got
    assert {("documentation", "description.changed", "en"), ("documentation", "description.changed", "zh-CN")} <= got, (
        got
    )
    desc = next(c for c in changes if c["code"] == "description.changed" and c["languages"] == ["en"])
    assert "chosen source" in desc["after"]["en"] and "chosen source" not in desc["before"]["en"]


def test_a_re_indented_json_example_is_no_drift(tmp_path):
    """Tabs for spaces, ``"a":1`` for ``"a": 1``, a list folded onto one line: layout, not a text change."""
    old = page(example='```\n{\n\t"widgetId":7,\n\t"ready":true,\n\t"tags": [\n\t\t"a b",\n\t\t"c"\n\t]\n}\n```')
    new = page(example='```\n{\n        "widgetId": 7,\n        "ready": true,\n        "tags": ["a b", "c"]\n}\n```')
    assert diff(tmp_path, old, new) == (0, [])


def test_an_example_whose_comment_changed_is_still_a_text_change(tmp_path):
    old = page(example='```\n{\n  "widgetId": 7  // the id\n}\n```')
    new = page(example='```\n{\n  "widgetId": 7  // 小部件编号\n}\n```')
    code, changes = diff(tmp_path, old, new)
    assert code == 1 and summary(changes) == {
        ("documentation", "notes.changed", "en"),
        ("documentation", "notes.changed", "zh-CN"),
    }, changes
    assert next(c for c in changes if c["languages"] == ["zh-CN"])["after"] == {"zh-CN": "小部件编号"}


def test_an_example_value_changed_alone_is_an_example_change(tmp_path):
    code, changes = diff(tmp_path, page(), page(example='```\n{\n  "widgetId": 8,\n  "ready": true\n}\n```'))
    assert code == 1 and summary(changes) == {
        ("documentation", "example.changed", "en"),
        ("documentation", "example.changed", "zh-CN"),
    }, changes


def test_a_section_whose_heading_was_translated_is_still_compared(tmp_path):
    """zh-CN used to carry the English heading and text; now both are Chinese: the text change is reported."""
    old = page(desc_zh="API Description", text_zh="Look up one widget by its id.")
    code, changes = diff(tmp_path, old, page())
    desc = [c for c in changes if c["code"] == "description.changed"]
    assert code == 1 and len(desc) == 1 and desc[0]["languages"] == ["zh-CN"], changes
    assert desc[0]["subject"] == "接口描述" and "API Description" in desc[0]["message"]
    assert (
        desc[0]["before"]["zh-CN"] == "Look up one widget by its id."
        and desc[0]["after"]["zh-CN"] == "按编号查询一个小部件。"
    )


def test_other_sections_pair_by_position_and_one_side_only_is_added_or_removed(tmp_path):
    table_en = "## Colour codes\n\nCode| Meaning\n---|---\nR| red\n\n"
    old = page().replace("## Response Example", table_en + "## Response Example")
    renamed = "## 颜色代码\n\nCode| Meaning\n---|---\nR| 红色\n\n"
    new = old.replace("## 响应示例", renamed + "## 响应示例")
    code, changes = diff(tmp_path, old, new)
    assert ("documentation", "section.added", "zh-CN") in summary(changes), changes
    new2 = new.replace("\n\n## Colour codes", "\n\n## Colours").replace("R| red", "R| red (#f00)")
    new2 = new2.replace("## 颜色代码\n\nCode| Meaning\n---|---\nR| 红色", "## 颜色\n\nCode| Meaning\n---|---\nR| 红色")
    code, changes = diff(tmp_path, new, new2)
    got = {(c["code"], c["subject"], ",".join(c["languages"])) for c in changes}
    assert got == {("description.changed", "Colours", "en")}, changes


def test_a_note_under_the_parameter_table_is_compared(tmp_path):
    note_en = "\nThe API key needs the Widget Reading permission.\n"
    note_zh = "\nAPI Key 需要开通读取小部件权限。\n"
    code, changes = diff(tmp_path, page(), page(notes_en=note_en, notes_zh=note_zh))
    got = summary(changes)
    assert got == {("documentation", "notes.changed", "en"), ("documentation", "notes.changed", "zh-CN")}, changes
    en = next(c for c in changes if c["languages"] == ["en"])
    assert (
        en["subject"] == "Request Parameters"
        and en["after"]["en"] == "The API key needs the Widget Reading permission."
    )
    assert "widgetId" not in en["after"]["en"]  # the table is compared field by field, not as prose


def test_a_parameter_description_change_is_not_also_a_notes_change(tmp_path):
    code, changes = diff(tmp_path, page(), page(param_zh="小部件的编号"))
    assert code == 1 and summary(changes) == {("documentation", "param.description", "zh-CN")}, changes


def test_a_new_precondition_is_reported_once(tmp_path):
    new = page(text_en="Look up one widget by its id.\n\n* only for verified accounts")
    code, changes = diff(tmp_path, page(), new)
    assert summary(changes) == {("documentation", "preconditions.changed", "en")}, changes


def test_a_space_before_a_comma_is_no_change_of_wording(tmp_path):
    spaced = page(param_en="the widget's id , or its name", param_zh="小部件编号 ，或名称")
    assert diff(tmp_path, spaced, page(param_en="the widget's id, or its name", param_zh="小部件编号，或名称")) == (
        0,
        [],
    )
    code, changes = diff(
        tmp_path, spaced, page(param_en="the widget's id, never its name", param_zh="小部件编号 ，或名称")
    )
    assert code == 1 and summary(changes) == {("documentation", "param.description", "en")}


def unsigned(**changes: str) -> str:
    """A page without ``timestamp`` in its table (a page listing it is signed whatever its title says)."""
    return page(**changes).replace("timestamp| LONG| YES|\n", "")


def test_a_security_that_now_needs_an_api_key_is_breaking(tmp_path):
    """NONE -> MARKET_DATA: auth none -> api-key; a client without an API key is now refused."""
    code, changes = diff(
        tmp_path, unsigned(sec_en="NONE", sec_zh="NONE"), unsigned(sec_en="MARKET_DATA", sec_zh="MARKET_DATA")
    )
    sec = [c for c in changes if c["code"] == "security.changed"]
    assert code == 2 and [c["class"] for c in sec] == ["breaking"], changes
    assert "now api-key (was none)" in sec[0]["message"]


def test_a_security_that_is_now_signed_is_breaking_and_a_looser_one_is_not(tmp_path):
    code, changes = diff(tmp_path, unsigned(sec_en="MARKET_DATA", sec_zh="MARKET_DATA"), unsigned())
    assert code == 2 and [c["class"] for c in changes if c["code"] == "security.changed"] == ["breaking"], changes
    code, changes = diff(tmp_path, unsigned(), unsigned(sec_en="MARKET_DATA", sec_zh="MARKET_DATA"))
    assert code == 1 and [c["class"] for c in changes if c["code"] == "security.changed"] == ["non-breaking"], changes


def test_a_security_renamed_within_one_auth_kind_is_documentation(tmp_path):
    code, changes = diff(tmp_path, unsigned(), unsigned(sec_en="TRADE", sec_zh="TRADE"))
    assert code == 1 and [c["class"] for c in changes if c["code"] == "security.changed"] == ["documentation"], changes


def test_a_sentence_under_http_request_is_a_description_change(tmp_path):
    """The request line is compared as method and path; a deprecation notice beside it is prose."""
    note = "\n\nThis endpoint is deprecated; use `GET /sapi/v2/widget` instead."
    new = page().replace("GET `/sapi/v1/widget`", "GET `/sapi/v1/widget`" + note, 1)
    code, changes = diff(tmp_path, page(), new)
    assert code == 1 and summary(changes) == {("documentation", "description.changed", "en")}, changes
    assert (
        changes[0]["subject"] == "HTTP Request"
        and "deprecated; use GET /sapi/v2/widget instead" in changes[0]["after"]["en"]
    )


def test_a_note_under_request_weight_is_a_notes_change(tmp_path):
    new = page().replace("**1(IP)**", "**1(IP)**\n\nEach call also counts against the order rate limit.", 1)
    code, changes = diff(tmp_path, page(), new)
    assert code == 1 and summary(changes) == {("documentation", "notes.changed", "en")}, changes
    assert changes[0]["subject"] == "Request Weight" and changes[0]["before"] == {"en": ""}


def test_a_new_column_in_the_parameter_table_is_at_least_a_text_change(tmp_path):
    """No field reads a 'Range' column: the page's content still changed, so it is not 'no drift'."""
    new = page().replace(
        "Name| Type| Mandatory| Description\n---|---|---|---\n"
        "widgetId| LONG| YES| the widget's id\ntimestamp| LONG| YES|",
        "Name| Type| Mandatory| Description| Range\n---|---|---|---|---\n"
        "widgetId| LONG| YES| the widget's id| 1 to 99\ntimestamp| LONG| YES| |",
    )
    code, changes = diff(tmp_path, page(), new)
    assert code == 1 and summary(changes) == {("documentation", "page.text-changed", "en")}, changes
    assert "Range" in changes[0]["after"]["en"] and "Range" not in changes[0]["before"]["en"]


def test_a_renamed_heading_alone_is_no_drift(tmp_path):
    """Headings are not content: the same text under 'Description' is no change, not even the fallback."""
    assert diff(tmp_path, page(), page(desc_en="Description", desc_zh="描述")) == (0, [])


def test_a_response_field_renamed_in_the_example_of_a_page_without_field_table_is_breaking(tmp_path):
    """The page has no response field table: its example is all a client learns of the answer."""
    new = page(example='```\n{\n  "widgetId": 7,\n  "isReady": true\n}\n```')
    code, changes = diff(tmp_path, page(), new)
    assert code == 2, changes
    assert {(c["class"], c["code"], c["subject"], ",".join(c["languages"])) for c in changes} == {
        ("breaking", "field.renamed", "/ready", ""),  # one out, one of its type in beside it; said of the contract
        ("documentation", "example.changed", "examples", "en"),  # which pages' examples moved
        ("documentation", "example.changed", "examples", "zh-CN"),
    }, changes
    assert "renamed to isReady" in next(c["message"] for c in changes if c["code"] == "field.renamed")
    two = page(example='```\n{\n  "widgetId": 7,\n  "isReady": true,\n  "note": "x"\n}\n```')
    codes = {(c["code"], c["subject"]) for c in diff(tmp_path, page(), two)[1]}
    assert {
        ("field.removed", "/ready"),
        ("field.added", "/isReady"),
        ("field.added", "/note"),
    } <= codes  # no guessing among several


def test_a_response_field_removed_beside_another_change_is_still_reported(tmp_path):
    new = page(example='```\n{\n  "widgetId": 7\n}\n```', param_en="the widget's numeric id")
    code, changes = diff(tmp_path, page(), new)
    assert code == 2 and ("breaking", "field.removed", "") in summary(changes), changes
    assert ("documentation", "param.description", "en") in summary(changes)


def test_an_example_value_changed_beside_another_change_is_still_reported(tmp_path):
    new = page(example='```\n{\n  "widgetId": 8,\n  "ready": true\n}\n```', param_en="the widget's numeric id")
    code, changes = diff(tmp_path, page(), new)
    assert code == 1 and summary(changes) == {
        ("documentation", "param.description", "en"),
        ("documentation", "example.changed", "en"),
        ("documentation", "example.changed", "zh-CN"),
    }, changes


def test_an_alternative_answer_added_is_not_the_fields_removed(tmp_path):
    """The response becomes 'this OR that' (oneOf): the first answer's fields are still documented."""
    new = page(
        example=(
            '```\n{\n  "widgetId": 7,\n  "ready": true\n}\n```\n\nOR\n\n'
            '```\n[\n  {"widgetId": 7, "ready": true}\n]\n```'
        )
    )
    code, changes = diff(tmp_path, page(), new)
    assert code == 1 and not [c for c in changes if c["code"].startswith("field.")], changes
