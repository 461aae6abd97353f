"""Each quirk of the crawler export and of Binance's pages, on small pages written here."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, crawler_page
from jsonschema import Draft202012Validator

from doccontract.contract.build import contract_for
from doccontract.read.classify import NotAnEndpoint
from doccontract.read.example import parse_example
from doccontract.read.extract import extract
from doccontract.read.html import read_html
from doccontract.read.load import parse_page
from doccontract.read.markdown import read_markdown
from doccontract.read.model import CJK, BulletList, CodeBlock, PageError, Table
from doccontract.read.prose import enum_values, param_bounds

ZW = "\u200b"

EN = """# Sample Endpoint (USER_DATA)

## API Description[ZW](/docs/test/Page#api-description "Direct link to API Description")

Sample.

## HTTP Request[](/docs/test/Page#http-request "Direct link to HTTP Request")

GET /sapi/v1/sample

## Request Weight

**10(IP)**

## Request Parameters

Name| Type| Mandatory| Description  
---|---|---|---  
symbol| STRING| YES|   
side| ENUM| NO| BUY  
  
SELL  
limit| INT| NO| Default 10  

## Response Example
    
    
    [  
      {  
        "symbol": "BTCUSDT", // the pair  
        "price": "0.1",  
        "qty": 1.5,  
      },  
    ]  
    

## Response Parameters

Parameter| Type| Description  
---|---|---  
symbol| STRING| pair  
price| DECIMAL| price  
qty| DECIMAL| quantity
""".replace("ZW", ZW)

ZH = """# 示例接口 (USER_DATA)

## 接口描述

示例。

## HTTP请求

GET /sapi/v1/sample

## 请求权重(IP)

10

## 请求参数

参数| 类型| 是否必需| 描述  
---|---|---|---  
symbol| STRING| 是|   
side| ENUM| 否| BUY  
  
SELL  
limit| INT| 否| 默认 10  

## 响应示例
    
    
    [{"symbol": "BTCUSDT", "price": "0.1", "qty": 1.5}]

## 响应参数

字段| 类型| 描述  
---|---|---  
symbol| STRING| 交易对  
price| DECIMAL| 价格  
qty| DECIMAL| 数量
"""


def contract(en: str = EN, zh: str = ZH) -> dict:
    return contract_for(parse_page(crawler_page(en, zh).encode(), "t.md"), "t")


def test_sample_page_reads_in_both_languages_without_findings_of_disagreement():
    c = contract()
    assert (c["method"], c["path"], c["weight"]) == (
        "GET",
        "/sapi/v1/sample",
        {"value": 10, "unit": "IP", "limit": "IP", "header": "X-SAPI-USED-IP-WEIGHT-1M"},
    )
    assert [f["code"] for f in c["findings"] if f["code"].startswith("bilingual")] == []
    assert c["request"]["required"] == ["symbol"]
    assert c["request"]["properties"]["side"]["enum"] == ["BUY", "SELL"]  # the cell continued after a blank line
    assert c["request"]["properties"]["limit"]["maximum"] == 2**31 - 1
    resp = c["response"]
    assert resp["type"] == "array"  # top-level array example
    item = resp["items"]
    assert item["properties"]["price"] == {
        "type": "string",
        "pattern": item["properties"]["price"]["pattern"],
        "description": "price",
        "x-doc-type": "DECIMAL",
    }
    assert item["properties"]["qty"]["type"] == "number"  # DECIMAL follows what the example shows
    assert item["required"] == ["price", "qty", "symbol"]


def test_heading_links_with_and_without_zero_width_space_are_dropped():
    doc = read_markdown(EN, "en")
    assert [s.heading for s in doc.sections][:2] == ["API Description", "HTTP Request"]


def test_indented_code_block_is_a_code_block():
    doc = read_markdown(EN, "en")
    example = next(s for s in doc.sections if s.heading == "Response Example")
    assert isinstance(example.blocks[0], CodeBlock)
    assert example.blocks[0].text.startswith("[")


def test_table_interrupted_by_whitespace_line_and_italic_note():
    text = """# T

## Response Parameters

Parameter| Type| Description  
---|---|---  
a| STRING| first  
  
*_A note between rows._*  
b| LONG| second  
c| STRING| continues  
on the next line
"""
    sec = read_markdown(text, "en").sections[0]
    table = sec.blocks[0]
    assert isinstance(table, Table)
    assert table.rows == (
        ("a", "STRING", "first"),
        ("b", "LONG", "second"),
        ("c", "STRING", "continues on the next line"),
    )
    assert "A note between rows." in sec.blocks[1].text


def test_bold_cells_hashes_headings_and_request_parameters_without_space():
    en = EN.replace("## Request Parameters", "#### RequestParameters").replace(
        "symbol| STRING| YES|", "**symbol**| STRING| **YES**|"
    )
    en = en.replace("## HTTP Request", "#### HTTP Request").replace("GET /sapi/v1/sample", "**GET** `/sapi/v1/sample`")
    c = contract(en)
    assert c["request"]["required"] == ["symbol"]
    assert (c["method"], c["path"]) == ("GET", "/sapi/v1/sample")


@pytest.mark.parametrize(
    "heading,body,expected",
    [
        ("Request Weight", "1000(UID)", {"value": 1000, "unit": "UID"}),
        ("Request Weight", "**200(IP)**", {"value": 200, "unit": "IP"}),
        ("Request Weight", "1500", {"value": 1500, "unit": None}),
        ("Request Weight(UID)", "3000", {"value": 3000, "unit": "UID"}),
        ("请求权重(IP)", "**50**", {"value": 50, "unit": "IP"}),
        (
            "Request Weight",
            "**1 when a single is specified;(IP)** **10 when the symbol parameter is omitted(IP)**",
            {
                "value": 10,
                "max": 10,
                "unit": "IP",
                "text": "1 when a single is specified;(IP) 10 when the symbol parameter is omitted(IP)",
                "table": {
                    "columns": ["when", "weight"],
                    "rows": [
                        {"when": "when a single is specified", "weight": 1},
                        {"when": "when the symbol parameter is omitted", "weight": 10},
                    ],
                },
            },
        ),
    ],
)
def test_weight_variants(heading, body, expected):
    en = EN.replace("## Request Weight\n\n**10(IP)**", f"## {heading}\n\n{body}")
    assert contract(en)["languages"]["en"]["weight"] == expected


def test_chinese_header_variants_and_yes_no_in_chinese():
    for col in ("是否必需", "是否必须", "是否必填"):
        zh = ZH.replace("是否必需", col)
        params = extract(parse_page(crawler_page(EN, zh).encode(), "t.md").docs["zh-CN"]).params
        assert [(p.name, p.mandatory) for p in params] == [("symbol", True), ("side", False), ("limit", False)]


def test_response_field_table_under_a_plain_line_in_the_example_section():
    zh = ZH.replace("## 响应参数\n\n", "响应信息详解：\n\n")
    fields = extract(parse_page(crawler_page(EN, zh).encode(), "t.md").docs["zh-CN"]).fields
    assert [f.name for f in fields] == ["symbol", "price", "qty"]


def test_nested_fields_with_arrows():
    en = EN.replace(
        '[  \n      {  \n        "symbol": "BTCUSDT", // the pair  \n'
        '        "price": "0.1",  \n        "qty": 1.5,  \n      },  \n    ]',
        '{"total": 1, "rows": [{"symbol": "BTCUSDT", "fills": [{"price": "0.1", "qty": 1.5}]}]}',
    ).replace(
        "symbol| STRING| pair  \nprice| DECIMAL| price  \nqty| DECIMAL| quantity",
        "total| LONG| count  \nrows| Object Array| rows  \n→ symbol| STRING| pair  \n"
        "→ fills| OBJECT ARRAY| fills  \n→ → price| DECIMAL| price  \n→ → qty| DECIMAL| quantity",
    )
    c = contract(en, ZH)
    fills = c["response"]["properties"]["rows"]["items"]["properties"]["fills"]
    assert fills["type"] == "array"
    assert fills["items"]["properties"]["qty"]["type"] == "number"
    assert not [f for f in c["findings"] if f["code"].startswith("page.example")]


def test_example_that_breaks_the_table_is_a_type_finding_and_the_contract_takes_both():
    """The type policy: the example is what the wire carried; the table's type is accepted beside it."""
    en = EN.replace("symbol| STRING| pair", "symbol| LONG| pair")
    c = contract(en)
    bad = [f for f in c["findings"] if f["code"] == "page.example-type"]
    assert len(bad) == 1 and bad[0]["values"]["field"] == "/symbol"
    assert bad[0]["values"]["documented"] == "LONG" and bad[0]["values"]["exampleType"] == "string"
    assert "§ Response Parameters" in bad[0]["where"]
    assert not [f for f in c["findings"] if f["code"] == "page.example-invalid"]
    symbol = c["response"]["items"]["properties"]["symbol"]
    assert symbol["type"] == ["string", "integer"] and symbol["x-wire-type"] == "string"
    assert all(Draft202012Validator(c["response"]).is_valid(e) for e in c["examples"]["response"])
    assert Draft202012Validator(c["response"]).is_valid([{**c["examples"]["response"][0][0], "symbol": 7}])


def test_example_field_missing_from_table_and_the_reverse():
    en = EN.replace('"qty": 1.5,', '"qty": 1.5, "extra": true,').replace(
        "qty| DECIMAL| quantity", "qty| DECIMAL| quantity  \nghost| STRING| never shown"
    )
    codes = {(f["code"], f["values"].get("field")) for f in contract(en)["findings"]}
    assert ("page.example-field-undocumented", "/extra") in codes
    assert ("page.field-missing-from-example", "/ghost") in codes


def test_unreadable_example_is_a_finding_and_the_other_language_example_is_used():
    en = EN.replace('"price": "0.1",', '"price": ,')  # no value: nothing to repair
    c = contract(en)
    [f] = [f for f in c["findings"] if f["code"] == "page.example-unreadable"]
    assert "Response Example" in f["where"] and "not JSON" in f["message"]
    [used] = [f for f in c["findings"] if f["code"] == "page.example-from-other-language"]
    assert "(en) § Response Example" in used["where"] and "(zh-CN) § 响应示例" in used["where"]
    assert c["examples"]["response"] == [[{"symbol": "BTCUSDT", "price": "0.1", "qty": 1.5}]]
    assert c["response"]["type"] == "array"


def test_lenient_example_reader_says_what_it_repaired():
    en = EN.replace('"price": "0.1",', '"price": "0.1"')  # a missing comma
    c = contract(en)
    [f] = [f for f in c["findings"] if f["code"] == "page.example-repaired"]
    assert f["values"]["repaired"] == ["missing commas", "trailing commas"] and "Response Example" in f["where"]
    ex = parse_example("{\n  'a': 1，\n  'b': 'x'\n}")
    assert ex.value == {"a": 1, "b": "x"} and ex.repaired == ["full-width punctuation", "single quotes"]
    assert parse_example('{"a": 1}').repaired == []


@pytest.mark.parametrize(
    "text,problem",
    [
        ("[" * 1500 + "]" * 1500, "levels deep"),
        ('{"w": ' + "9" * 5000 + "}", "digits"),
        ('{"x": 1e999999}', "Infinity"),
        ('{"x": NaN}', "not JSON"),
    ],
)
def test_hostile_examples_are_refused_with_a_reason_not_a_crash(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_example(text)
    en = EN.replace(EN[EN.index("    [  \n      {") : EN.index("## Response Parameters")], "    " + text + "\n\n")
    c = contract(en, ZH.replace('[{"symbol": "BTCUSDT", "price": "0.1", "qty": 1.5}]', text))
    found = [f for f in c["findings"] if f["code"] == "page.example-unreadable"]
    assert len(found) == 2 and all(problem in f["message"] for f in found)  # one per language
    import json

    json.loads(json.dumps(c, allow_nan=False))  # strict JSON all the way


def test_alternative_answers_become_one_of_and_kline_rows_are_typed_per_position():
    from doccontract.contract.schema import response_schema

    ex = parse_example('{"symbol": "A", "price": "1"}\nOR\n[{"symbol": "A", "price": "1"}]')
    assert ex.alternatives == [[{"symbol": "A", "price": "1"}]]
    s = response_schema([], ex)
    assert [b["type"] for b in s["oneOf"]] == ["object", "array"]
    kline = parse_example(
        '[\n  [\n    1499040000000,  // Open time\n    "0.0163",  // Open price\n    308  // trades\n  ]\n]'
    )
    s = response_schema([], kline)
    row = s["items"]
    assert [p["type"] for p in row["prefixItems"]] == ["integer", "string", "integer"]
    assert row["prefixItems"][1]["description"] == "Open price" and row["minItems"] == 3
    same_keys = parse_example('{"a": 1, "b": 2}\nOR\n{"a": 5, "b": 7}')
    alike = response_schema([], same_keys)  # the page's two answers, one shape: two branches, validating alike
    assert [(b["required"], b["examples"]) for b in alike["anyOf"]] == [
        (["a", "b"], [{"a": 1, "b": 2}]),
        (["a", "b"], [{"a": 5, "b": 7}]),
    ]
    full_mini = parse_example('{"a": 1, "b": 2}\nOR\n{"a": 1}\nOR\n[{"a": 1}]')
    s = response_schema([], full_mini)  # FULL and MINI overlap: anyOf, each answer with its own required keys
    assert [alt.get("required") for alt in s["anyOf"]] == [["a", "b"], ["a"], None]


def test_example_tolerates_comments_and_trailing_commas():
    ex = parse_example(
        '{\n "a": 1, // one\n "b": "x//y", /* block */\n "c": [1,2,],\n "d": 5 // will not return if absent\n}'
    )
    assert ex.value == {"a": 1, "b": "x//y", "c": [1, 2], "d": 5}
    assert ex.optional == {"d"}


def test_enum_values_from_descriptions():
    assert enum_values("CLOSED:This risk unit has been closed successfully", "STRING") == ["CLOSED"]
    assert enum_values("CLOSED: 此风险单位已成功关闭", "STRING") == ["CLOSED"]
    assert enum_values("ACTIVE: active; CLOSED: closed", "STRING") == ["ACTIVE", "CLOSED"]
    assert enum_values("GTC,IOC,FOK", "ENUM") == ["GTC", "IOC", "FOK"]
    assert enum_values("Risk unit unique identifier", "STRING") == []
    # a description that is nothing but its values lists them, whatever the documented type
    assert enum_values("BORROW or REPAY", "STRING") == ["BORROW", "REPAY"]
    assert enum_values("操作类型：BORROW、REPAY", "STRING") == ["BORROW", "REPAY"]
    assert enum_values("TRUE or FALSE", "STRING") == []  # booleans, not values
    assert enum_values("Use USDT or USDC for the fee", "STRING") == []  # prose around them: no guessing
    assert enum_values("NEW ORDER", "STRING") == []  # words, not a list
    assert enum_values("Asset Name , USDT or USDC", "STRING") == ["USDT", "USDC"]
    assert enum_values("Default: NEW, FILLED", "STRING") == []  # a default, not the set
    assert enum_values("资产名称， 如 USDT 或 USDC", "STRING") == []  # 'such as': examples, not the set


def test_lists_joined_by_and_or_or_in_chinese_are_whole_and_a_list_without_its_default_is_no_enum():
    from doccontract.read.prose import omitted_default

    assert enum_values("Supported values: `LIMIT_MAKER`, `STOP_LOSS`, and `STOP_LOSS_LIMIT`", "ENUM") == [
        "LIMIT_MAKER",
        "STOP_LOSS",
        "STOP_LOSS_LIMIT",
    ]
    assert enum_values("支持的数值： `LIMIT_MAKER`，`STOP_LOSS` 和 `STOP_LOSS_LIMIT`", "ENUM") == [
        "LIMIT_MAKER",
        "STOP_LOSS",
        "STOP_LOSS_LIMIT",
    ]
    assert enum_values("组合，如`A_B`，`B_C`或者`A_C`", "ENUM") == ["A_B", "B_C", "A_C"]
    stp = "`EXPIRE_TAKER`/ `EXPIRE_MAKER`/ `EXPIRE_BOTH`; default `NONE`"
    assert enum_values(stp, "ENUM") == [] and omitted_default(stp, "ENUM") == (
        ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
        "NONE",
    )
    marked = "Funding source for repayment. MARGIN (default): deduct from the margin account. SPOT: deduct from spot."
    assert enum_values(marked, "STRING") == ["MARGIN", "SPOT"] and enum_values(
        "MARGIN（默认）：杠杆。SPOT：现货。", "STRING"
    ) == ["MARGIN", "SPOT"]
    kept = "ACK, RESULT, or FULL; MARKET and LIMIT order types default to FULL"
    assert enum_values(kept, "ENUM") == ["ACK", "RESULT", "FULL"] and omitted_default(kept, "ENUM") is None


def _with_params(rows_en: str, rows_zh: str) -> dict:
    en = EN.replace("limit| INT| NO| Default 10  ", rows_en)
    zh = ZH.replace("limit| INT| 否| 默认 10  ", rows_zh)
    return contract(en, zh)["request"]["properties"]


def test_integer_bounds_a_description_states_are_the_schema_bounds():
    props = _with_params(
        "current| LONG| NO| The currently querying page. Start from 1. Default:1  \n"
        "size| LONG| NO| Default:10 Max:100  \nspan| LONG| NO| max 100 days  ",
        "current| LONG| 否| 当前查询页。 开始值 1. 默认:1  \n"
        "size| LONG| 否| 默认:10 最大:100  \nspan| LONG| 否| 最多 100 天  ",
    )
    assert (props["current"]["minimum"], props["current"]["maximum"]) == (1, 2**63 - 1)
    assert (props["size"]["minimum"], props["size"]["maximum"]) == (-(2**63), 100)
    assert (props["span"]["minimum"], props["span"]["maximum"]) == (
        -(2**63),
        2**63 - 1,
    )  # 100 days bounds the window, not the number


@pytest.mark.parametrize("unit", ["天", "\u3400"])  # a common character, and one of Extension A
def test_a_number_followed_by_any_chinese_character_bounds_something_else(unit):
    """One Chinese-script range (read.model.CJK_RANGE) for every reader: an Extension A character was
    Chinese to the language check but not to the bounds reader, which took '最大 100㐀' for a maximum."""
    assert CJK.search(unit)
    assert param_bounds(f"最大 100{unit}") == (None, None)
    assert param_bounds("最大 100") == (None, 100)


def test_a_value_list_description_is_the_parameter_enum():
    props = _with_params("type| STRING| YES| BORROW or REPAY  ", "type| STRING| 是| 操作类型：BORROW、REPAY  ")
    assert props["type"]["enum"] == ["BORROW", "REPAY"]


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("This endpoint is accessible only with the parent account API key.", "parent"),
        ("The closure can only be initiated by API calls from the credit account.", "credit"),
        ("Sample.", None),
        (
            "This endpoint is accessible only with the parent or credit account API key.",
            None,
        ),  # two roles: no one role is the rule
        ("Accessible only with the parent account or the credit account API key.", None),
    ],
)
def test_the_caller_role_a_description_states_is_in_the_contract(sentence, role):
    assert contract(EN.replace("Sample.", sentence))["caller"] == role


def test_a_bullet_that_limits_the_answer_does_not_restrict_the_caller():
    en = EN.replace("Sample.", "Sample.\n\n  * Only the risk unit connected to that credit account will be queried")
    assert contract(en)["caller"] is None
    assert contract(EN, ZH.replace("示例。", "示例。仅支持母账户调用该接口。"))["caller"] == "parent"


def test_bilingual_disagreements_are_each_reported():
    zh = (
        ZH.replace("GET /sapi/v1/sample", "POST /sapi/v1/sample2")
        .replace("symbol| STRING| 是|", "symbol| LONG| 否|")
        .replace("qty| DECIMAL|", "qty| LONG|")
    )
    zh = zh.replace("(USER_DATA)", "(TRADE)").replace("请求权重(IP)\n\n10", "请求权重(IP)\n\n20")
    codes = {f["code"]: f["values"] for f in contract(EN, zh)["findings"]}
    assert codes["bilingual.method"] == {"en": "GET", "zh-CN": "POST"}
    assert codes["bilingual.path"] == {"en": "/sapi/v1/sample", "zh-CN": "/sapi/v1/sample2"}
    assert codes["bilingual.security"] == {"en": "USER_DATA", "zh-CN": "TRADE"}
    assert codes["bilingual.weight"] == {"en": {"value": 10, "unit": "IP"}, "zh-CN": {"value": 20, "unit": "IP"}}
    assert codes["bilingual.param-type"] == {"en": "STRING", "zh-CN": "LONG"}
    assert codes["bilingual.param-mandatory"] == {"en": True, "zh-CN": False}
    assert codes["bilingual.field-type"] == {"en": "DECIMAL", "zh-CN": "LONG"}


def test_security_type_may_be_absent():
    c = contract(EN.replace(" (USER_DATA)", ""), ZH.replace(" (USER_DATA)", ""))
    assert c["security"] == {"en": None, "zh-CN": None} and c["auth"] == {"kind": "none"}


@pytest.mark.parametrize(
    "title,kind",
    [
        ("Change Log", "changelog"),
        ("Error Codes", "error-codes"),
        ("Introduction", "introduction"),
        ("Filters", "common-definitions"),
    ],
)
def test_non_endpoint_pages_are_classified(title, kind):
    with pytest.raises(NotAnEndpoint) as exc:
        extract(read_markdown(f"# {title}\n\n## 2026-01-16\n\nSomething changed.\n", "en"))
    assert exc.value.kind == kind
    with pytest.raises(NotAnEndpoint) as exc:
        extract(read_markdown("# Payload: Order Update\n\n## Event Name\n\n`executionReport`\n", "en"))
    assert exc.value.kind == "user-data-event" and "not an HTTP endpoint" in exc.value.reason


def test_single_language_markdown_page():
    page = parse_page(EN.encode(), "en-only.md")
    c = contract_for(page, "x")
    assert list(c["title"]) == ["en"] and c["path"] == "/sapi/v1/sample"


def test_html_reader_structure():
    html = """<html lang="en"><body><article><div class="theme-doc-markdown">
    <h1>Sample (TRADE)</h1>
    <h2>HTTP Request<a class="hash-link" href="#x">\u200b</a></h2><p><strong>POST</strong> <code>/sapi/v1/x</code></p>
    <h2>Notes</h2><ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>
    <pre><code>{<br>"a": 1<br>}</code></pre>
    </div></article></body></html>"""
    doc, meta = read_html(html)
    assert doc.title == "Sample (TRADE)" and meta["lang"] == "en"
    assert [s.heading for s in doc.sections] == ["HTTP Request", "Notes"]
    assert doc.sections[0].blocks[0].text == "POST /sapi/v1/x"
    assert doc.sections[1].blocks[0] == BulletList(("one", "nested", "two"))
    assert doc.sections[1].blocks[1] == CodeBlock('{\n"a": 1\n}')


def test_html_code_lines_without_br_keep_their_line_breaks():
    """Prism lines separated only by CSS: a // comment must not swallow the lines after it."""
    html = """<html lang="en"><body><article><h1>T</h1><h2>Response Example</h2>
    <pre><code><span class="token-line">{</span><span class="token-line">  "a": 1, // one</span><span class="token-line">  "b": 2</span><span class="token-line">}</span></code></pre>
    </article></body></html>"""  # noqa: E501 - one line on purpose: only CSS parts these lines
    doc, _ = read_html(html)
    code = doc.sections[0].blocks[0]
    assert code == CodeBlock('{\n  "a": 1, // one\n  "b": 2\n}')
    assert parse_example(code.text).value == {"a": 1, "b": 2}


def test_markdown_nested_lists_flatten_like_html():
    doc = read_markdown("# T\n\n## Notes\n\n* one\n  * nested\n* two\n", "en")
    assert doc.sections[0].blocks[0] == BulletList(("one", "nested", "two"))


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"---\nsource_url: x\n---\n", "front matter only"),
        (b"---\nsource_url: x\n---\n\ntext without a title\n", "no '# ' title heading"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfe\x00garbage", "binary"),
        (b"\xc3\x28 not utf8", "not UTF-8"),
        (b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "no <article>"),
        (b"x" * (10 * 1024 * 1024), "larger than"),  # a 10 MB page
    ],
)
def test_bad_input_names_file_and_expectation(data, expected):
    with pytest.raises(PageError) as exc:
        parse_page(data, "specs/bad.md")
    assert str(exc.value).startswith("specs/bad.md")
    assert expected in str(exc.value)


def test_endpoint_page_without_http_section_is_an_error():
    en = EN.replace("## HTTP Request", "## Something Else")
    with pytest.raises(PageError, match="no 'HTTP Request' section"):
        contract(en)


def test_table_with_no_rows_is_an_error():
    en = EN.replace("symbol| STRING| YES|   \nside| ENUM| NO| BUY  \n  \nSELL  \nlimit| INT| NO| Default 10  \n", "")
    with pytest.raises(PageError, match="header but no rows") as exc:
        contract(en)
    assert "Request Parameters" in str(exc.value)


def test_seed_renders_to_markdown_and_html_and_reads_back():
    from helpers import SEED

    from doccontract.read.render import render_html, render_markdown

    for lang, doc in parse_page(SEED.read_bytes(), "seed.md").docs.items():
        assert read_markdown(render_markdown(doc), lang).canonical() == doc.canonical()
        assert read_html(render_html(doc), lang)[0].canonical() == doc.canonical()
    tricky = read_markdown(
        "# T\n\n## S\n\n1. not a list\n\n- neither\n\n* a\n\n<!-- -->\n\n"
        "    code after a list\n\nA | pipe and `code` and *stars*\n",
        "en",
    )
    assert read_markdown(render_markdown(tricky), "en").canonical() == tricky.canonical()


# --------------------------------------------------------------------------- pages of many endpoints, categories

PAGES = FIXTURES / "pages"


def test_a_page_of_many_endpoints_gives_one_contract_per_endpoint_with_its_anchor():
    from doccontract.contract.build import contracts_for
    from doccontract.read.load import read_page

    contracts = {c["id"]: c for c in contracts_for(read_page(PAGES / "multi_endpoint.md", "multi.md"), "spot/market")}
    assert sorted(contracts) == [
        "spot/market/klinecandlestick-data-market_data",
        "spot/market/order-book",
        "spot/market/仅中文接口",
    ]
    depth = contracts["spot/market/order-book"]
    assert (depth["method"], depth["path"]) == ("GET", "/api/v3/depth")
    assert depth["page"] == {"anchor": "order-book", "headings": {"en": "Order book", "zh-CN": "深度信息"}}
    assert (
        depth["sources"]["zh-CN"]["url"]
        == "https://developers.binance.com/docs/zh-CN/test-spot/rest-api/market-endpoints#深度信息"
    )
    assert depth["weight"]["value"] == 250 and depth["weight"]["table"]["rows"][-1] == {
        "when": "501-5000",
        "weight": 250,
    }
    assert list(depth["request"]["properties"]) == ["symbol", "limit"]  # 'If limit > 5000 ...' continues a cell
    assert "If limit > 5000" in depth["request"]["properties"]["limit"]["description"]
    assert [f["code"] for f in depth["findings"] if f["code"].startswith("bilingual")] == []
    kline = contracts["spot/market/klinecandlestick-data-market_data"]
    assert kline["security"] == {"en": "MARKET_DATA", "zh-CN": None} and kline["weight"]["value"] == 2
    assert kline["request"]["properties"]["timeInForce"]["enum"] == ["GTC", "IOC"]
    assert "timeInForce" not in kline["request"]["required"]  # 'NO *': mandatory only under conditions
    assert [p["type"] for p in kline["response"]["items"]["prefixItems"]] == ["integer", "string", "integer"]
    omitted = [f for f in kline["findings"] if f["code"] == "bilingual.security-omitted"]
    assert omitted and omitted[0]["severity"] == "info"
    only_zh = contracts["spot/market/仅中文接口"]
    [f] = [f for f in only_zh["findings"] if f["code"] == "bilingual.endpoint-omitted"]
    assert (
        f["values"] == {"zh-CN": "GET /api/v3/onlyzh", "en": None} and "(zh-CN)" in f["where"] and "(en)" in f["where"]
    )


@pytest.mark.parametrize(
    "name,kind",
    [("websocket_api.md", "websocket-api"), ("stream.md", "stream"), ("pointer.md", "pointer")],
)
def test_pages_without_an_http_endpoint_are_skipped_in_a_category(name, kind):
    from doccontract.contract.build import Spec, build_one

    spec = Spec(PAGES / name, "x", f"specs/{name}")
    [r] = build_one(spec, (PAGES / name).read_bytes())
    assert (r.status, r.category, r.page) == ("skipped", kind, f"specs/{name}") and r.detail


def test_weights_as_pages_state_them():
    from doccontract.read.model import Paragraph, Section
    from doccontract.read.weight import parse_weight

    def weight(text: str, heading: str = "Request Weight"):
        findings = []
        return parse_weight(Section(heading, 2, [Paragraph(text)]), findings, "w"), findings

    assert weight("0")[0] == {"value": 0, "unit": None}
    assert weight("5", "Request Weight(ORDER)")[0] == {"value": 5, "unit": "ORDER"}
    assert weight("1", "请求权重(UID)：2")[0]["value"] == 1
    got, _ = weight("0 share 500/5min/IP rate limit with `GET /fapi/v1/fundingInfo`")
    assert got["value"] == 0
    got, _ = weight(
        "1 on 10s order rate limit(X-MBX-ORDER-COUNT-10S); 1 on 1min order rate limit(X-MBX-ORDER-COUNT-1M); "
        "0 on IP rate limit(x-mbx-used-weight-1m)"
    )
    assert (got["value"], got["unit"]) == (0, "IP") and [x["value"] for x in got["limits"]] == [1, 1, 0]
    got, _ = weight("1 for a single symbol; 40 when the symbol parameter is omitted")
    assert got["value"] == 40 and "single symbol" in got["text"]
    assert weight("50(IP) 每小时360次，每天500次")[0]["value"] == 50  # a request count is a rate limit, not a weight
    assert weight("4/交易对. 如果symbols请求的交易对超过50, 上限是200.")[0]["value"] == 200  # a sentence's last number
    got, findings = weight("9" * 5000)
    assert got is None and findings[0].code == "page.weight-unreadable"
    got, findings = weight("9" * 200_000 + " on IP rate limit " + "x " * 20_000)  # no pattern may be quadratic in it
    assert got is None and findings[0].values == {"digits": 200_000}
    doc = read_markdown("# T\n\n## HTTP Request\n\nGET /x\n\n## Request Weigth\n\n3\n", "en")
    assert extract(doc).weight == {"value": 3, "unit": None}  # a typo in the heading


def test_parameter_tables_in_their_many_shapes():
    flat = (
        "｜名称 | 类型 | 是否必需 | 描述 ｜------------ | ------------ | --- | --- "
        "｜pair | STRING | YES | BTCUSDT ｜limit | LONG | NO | 30"
    )
    doc = read_markdown(f"# T\n\n## HTTP Request\n\nGET /x\n\n## 请求参数\n\n{flat}\n", "zh-CN")
    assert [(p.name, p.mandatory) for p in extract(doc).params] == [("pair", True), ("limit", False)]
    bare = '# T\n\n## HTTP Request\n\nGET /x\n\n**Weight** : 3\n\n**Response**\n\n    {"a": 1}\n'
    ep = extract(read_markdown(bare, "en"))
    assert ep.weight["value"] == 3 and ep.example.value == {"a": 1}  # labels without a colon, or with a space before it
    mislabelled = (
        "# T\n\n## HTTP Request\n\nGET /x\n\n**Parameters:**\n\n"
        "名称| 类型| 类型| 描述\n---|---|---|---\nsymbol| STRING| 是| x\n"
    )
    [p] = extract(read_markdown(mislabelled, "zh-CN")).params
    assert (p.type, p.mandatory) == ("STRING", True)
    batch = (
        "# T\n\n## HTTP Request\n\nPOST /x\n\n"
        "## Request Parameters\n\nName| Type| Mandatory| Description\n---|---|---|---\n"
        "batchOrders| LIST<JSON>| YES| orders\ntimestamp| LONG| YES|\n\n**Where batchOrders is**\n\n"
        "Name| Type| Mandatory| Description\n---|---|---|---\nsymbol| STRING| YES|\nside| ENUM| YES| BUY or SELL\n"
    )
    from doccontract.contract.schema import request_schema

    schema = request_schema(extract(read_markdown(batch, "en")).params)
    items = schema["properties"]["batchOrders"]["items"]
    assert items["required"] == ["symbol", "side"] and items["properties"]["side"]["enum"] == ["BUY", "SELL"]
    assert "symbol" not in schema["properties"]


def test_enums_ignore_a_stray_colon_among_values():
    text = (
        "only for `LIMIT` order; can be set to `OPPONENT`/ `OPPONENT_5`/ `OPPONENT_20`: /`QUEUE`/ `QUEUE_5`; "
        "not with `price`"
    )
    assert enum_values(text, "ENUM") == ["OPPONENT", "OPPONENT_5", "OPPONENT_20", "QUEUE", "QUEUE_5"]
    assert enum_values("`OPPONENT`/ `OPPONENT_20`: /`QUEUE`", "STRING") == []
    assert enum_values("Set the response JSON. `ACK`, `RESULT`, or `FULL`.", "ENUM") == ["ACK", "RESULT", "FULL"]
    assert enum_values(
        "触发类型: `MARK_PRICE`(标记价格), `CONTRACT_PRICE`(合约最新价). 默认 `CONTRACT_PRICE`", "ENUM"
    ) == ["MARK_PRICE", "CONTRACT_PRICE"]


def test_bilingual_compare_normalises_and_separates_omissions_from_conflicts():
    en = EN.replace("limit| INT| NO|", "limit| INTEGER| NO|").replace("side| ENUM| NO|", "side| STRING| NO|")
    zh = ZH.replace("symbol| STRING| 是|", "symbol| STRING| |").replace("## 请求权重(IP)\n\n10\n\n", "")
    found = {f["code"]: f for f in contract(en, zh)["findings"] if f["code"].startswith("bilingual")}
    assert "bilingual.param-type" not in found  # INT = INTEGER, STRING = ENUM
    assert found["bilingual.weight-omitted"]["severity"] == "info"
    assert found["bilingual.mandatory-omitted"]["where"].endswith("§ 请求参数 › symbol")
    zh2 = ZH.replace('"qty": 1.5}', '"qty": "1.5", "extra": 1}')
    found = {f["code"]: f for f in contract(EN, zh2)["findings"] if f["code"].startswith("bilingual")}
    assert found["bilingual.example-type"]["values"] == {"en": "float", "zh-CN": "str"}
    assert found["bilingual.example-field-omitted"]["values"] == {"en": False, "zh-CN": True}


def test_conditional_fields_are_not_required():
    en = EN.replace("qty| DECIMAL| quantity", "qty| DECIMAL| only returned when the order is filled")
    item = contract(en)["response"]["items"]
    assert item["required"] == ["price", "symbol"]


def test_crlf_and_bom_read_like_lf():
    text = crawler_page(EN, ZH)
    lf = contract_for(parse_page(text.encode(), "t.md"), "t")
    crlf = contract_for(parse_page(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "t.md"), "t")
    assert crlf == lf


def test_html_reader_is_linear_in_list_nesting():
    """1,000 nested lists used to take minutes (a copy per item); the reader now makes one pass."""
    html = (
        "<html><body><article><h1>T</h1><h2>S</h2>"
        + "<ul><li>x" * 1000
        + "</li></ul>" * 1000
        + "</article></body></html>"
    )
    doc, _ = read_html(html)
    assert doc.sections[0].blocks[0] == BulletList(("x",) * 1000)


# --------------------------------------------------------------------------- fuzz (bounded)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_MD_PIECES = st.sampled_from(
    [
        "# Title (TRADE)\n",
        "## HTTP Request\n",
        "GET /sapi/v1/x\n",
        "## Request Weight\n",
        "**Weight:** 5\n",
        "**Parameters:**\n",
        "## Request Parameters\n",
        "Name| Type| Mandatory| Description\n",
        "---|---|---|---\n",
        "a| STRING| YES| x\n",
        "continued line\n",
        "## Response Example\n",
        '    {"a": 1, // c\n',
        '    [[1, "2"]]\n',
        "    OR\n",
        "    }\n",
        "### Order book\n",
        "\n",
        "---\n",
        "｜名称 | 类型 ｜a | b\n",
        "* item\n  * nested\n",
        "```\n",
        "## 请求参数\n",
        "名称| 类型| 是否必需| 描述\n",
        "\r\n",
        "\ufeff",
        "[" * 70,
        "9" * 500,
    ]
)
_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(st.lists(st.one_of(_MD_PIECES, st.text(max_size=20)), max_size=40), st.booleans())
def test_fuzz_markdown_pages_give_contracts_or_documented_errors(pieces, crawler):
    from doccontract.contract.build import Spec, build_one

    body = "".join(pieces)
    text = crawler_page(body, body) if crawler else body
    results = build_one(
        Spec(__import__("pathlib").Path("f.md"), "f", "specs/f.md"), text.encode("utf-8", "surrogatepass")
    )
    for r in results:
        assert r.status in ("built", "skipped", "failed") and r.page == "specs/f.md"
        if r.status == "failed":
            assert r.detail.startswith("specs/f.md") and "cannot be read (" not in r.detail, (
                r.detail
            )  # a PageError, not a leak
        if r.status == "built":
            __import__("json").loads(r.data)


_TAGS = st.sampled_from(
    ["ul", "ol", "li", "p", "table", "tr", "td", "th", "pre", "code", "h2", "h3", "div", "span", "br", "a"]
)


@st.composite
def _html(draw):
    out = []
    for _ in range(draw(st.integers(0, 60))):
        tag = draw(_TAGS)
        out.append(draw(st.sampled_from([f"<{tag}>", f"</{tag}>", draw(st.text(max_size=8)).replace("<", "")])))
    return "<html><body><article><h1>T</h1>" + "".join(out) + "</article></body></html>"


@_FUZZ
@given(_html())
def test_fuzz_html_pages_read_or_raise_page_error(html):
    try:
        doc, _ = read_html(html)
    except PageError:
        return
    assert doc.title == "T"


@_FUZZ
@given(st.text(alphabet=st.sampled_from("{}[]\",:0123456789.eE-+ \n/'tfnrula#OR，："), max_size=80))
def test_fuzz_examples_read_or_raise_value_error(text):
    try:
        ex = parse_example(text)
    except ValueError as exc:
        assert str(exc).strip(), "an unreadable example is refused with a reason"
        return
    assert ex.values, "a readable example holds at least one value"
    __import__("json").dumps(ex.values, allow_nan=False)


def test_a_page_that_says_there_is_no_response_body_is_not_an_unreadable_example():
    start = EN.index("## Response Example")
    en = EN[:start] + "## Response Example\n\nNone\n\n" + EN[EN.index("## Response Parameters") :]
    codes = {f["code"]: f for f in contract(en)["findings"]}
    assert "page.example-unreadable" not in codes and codes["page.no-response-body"]["values"] == {"text": "None"}


def test_a_type_written_twice_is_that_type():
    from doccontract.contract.bilingual import same_type

    assert same_type("STRING", "STRINGString") and same_type("INT", "INTEGER") and same_type("ENUM", "STRING")
    assert not same_type("STRING", "LONG") and not same_type("LONG", "LONGLON")


def test_enums_stated_in_example_comments():
    from doccontract.contract.schema import response_schema

    ex = parse_example('{\n  "status": "NEW", // NEW, FILLED, CANCELED\n  "side": "BUY" // the side\n}')
    props = response_schema([], ex)["properties"]
    assert props["status"]["enum"] == ["NEW", "FILLED", "CANCELED"] and "enum" not in props["side"]


def test_a_key_some_example_elements_leave_out_is_not_required():
    from doccontract.contract.schema import response_schema

    ex = parse_example('[{"s": "A", "q": {"LONG": 1, "HEDGE": 2}}, {"s": "B", "q": {"BOTH": 3}}]')
    item = response_schema([], ex)["items"]
    assert item["required"] == ["q", "s"] and item["properties"]["q"]["required"] == []


def test_array_types_written_out_are_known():
    from doccontract.contract.schema import known_type, type_schema

    assert type_schema("ARRAY OF STRING") == {"type": "array", "items": {"type": "string"}}
    assert (
        type_schema("LIST<INT>")["items"]["maximum"] == 2**31 - 1
        and type_schema("LONG[]")["items"]["maximum"] == 2**63 - 1
    )
    assert not known_type("FOO[]")


def test_an_empty_response_section_is_no_example_not_an_unreadable_one():
    start = EN.index("## Response Example")
    en = EN[:start] + "## Response Example\n\n" + EN[EN.index("## Response Parameters") :]
    codes = {f["code"]: f for f in contract(en)["findings"]}
    assert "page.example-unreadable" not in codes and codes["page.no-response-example"]["message"].endswith("is empty")


def test_element_tables_of_list_parameters_are_compared_between_languages():
    table = "Name| Type| Mandatory| Description\n---|---|---|---\n"
    page = (
        "# T\n\n## HTTP Request\n\nPOST /x\n\n## Request Parameters\n\n"
        + table
        + "batchOrders| LIST<JSON>| YES| orders\n\n**Where**\n\n"
        + table
    )
    en = page + "symbol| STRING| YES|\nside| ENUM| YES|\n"
    zh = page.replace("# T", "# 甲") + "symbol| STRING| YES|\nside| ENUM| YES| `SELL`, `BUY`\nstopPrice| DECIMAL| NO|\n"
    found = {f["code"]: f for f in contract(en, zh)["findings"] if f["code"].startswith("bilingual")}
    assert found["bilingual.param-omitted"]["where"].endswith("› batchOrders.stopPrice")
    assert found["bilingual.enum-omitted"]["values"] == {"en": [], "zh-CN": ["SELL", "BUY"]}


def test_security_named_in_the_endpoint_heading_when_the_title_has_none():
    doc = read_markdown(
        "# listenToken Methods\n\n## Create listenToken (USER_STREAM)\n\n"
        "### HTTP Request\n\n**POST** `/sapi/v1/userListenToken`\n",
        "en",
    )
    ep = extract(doc)
    assert (ep.security, ep.title, ep.path) == ("USER_STREAM", "Create listenToken", "/sapi/v1/userListenToken")


def test_a_hand_repaired_example_does_not_decide_how_a_decimal_is_sent():
    strict = contract()["response"]["items"]["properties"]["qty"]
    loose = contract(EN.replace('"price": "0.1",', '"price": "0.1"'))["response"]["items"]["properties"][
        "qty"
    ]  # a missing comma
    assert strict["type"] == "number" and [a["type"] for a in loose["anyOf"]] == ["string", "number"]


def test_a_page_exported_without_its_twin_is_read_in_its_own_language():
    from doccontract.read.crawler import read_crawler

    page = read_crawler("---\nsource_url: x\n---\n\n# 查询 (USER_DATA)\n\nGET /sapi/v1/x\n", "one.md")
    assert list(page.docs) == ["zh-CN"] and page.docs["zh-CN"].title == "查询 (USER_DATA)"
    page = read_crawler("---\nsource_url: https://developers.binance.com/docs/a/b\n---\n\n# 查询\n", "one.md")
    assert list(page.docs) == ["zh-CN"]  # a Chinese title says Chinese, whatever the URL


def test_a_row_that_starts_with_a_greater_than_sign_stays_a_row_with_its_sign():
    md = (
        "# K\n\n## Request Weight\n\n"
        "LIMIT| weight  \n---|---  \n[1,100)| 1  \n[500, 1000]| 5  \n> 1000| 10  \n  \n> A note under the table.\n"
    )
    (table, note) = read_markdown(md, "en").sections[0].blocks
    assert (
        table.rows[-1] == ("> 1000", "10") and note.text == "A note under the table."
    )  # a quote without cells stays a note


def test_a_request_line_with_a_whole_url_or_without_its_slash_is_read_and_said():
    from doccontract.read.model import Paragraph, Section
    from doccontract.read.request_line import parse_request_line

    for line, path, said in (
        ("GET https://api.binance.com/api/v3/time", "/api/v3/time", "gives a whole URL"),
        ("POST `eapi/v1/block/order/create`", "/eapi/v1/block/order/create", "has no leading '/'"),
        ("DELETE `/sapi/v1/margin/loan-group`", "/sapi/v1/margin/loan-group", None),
    ):
        repaired: list[str] = []
        assert parse_request_line(Section("HTTP Request", 2, [Paragraph(line)]), "p.md", repaired)[1] == path
        assert (said in repaired[0]) if said else repaired == []
    with pytest.raises(PageError):
        parse_request_line(Section("HTTP Request", 2, [Paragraph("Send a GET request to the API.")]), "p.md")


def test_bare_text_in_a_container_is_a_paragraph_and_buttons_icons_are_not():
    """A Docusaurus note box puts its title as bare text in a div; the export writes it as a paragraph."""
    html = (
        '<html lang="zh-CN"><body><article><div class="theme-doc-markdown markdown"><h1>T (USER_DATA)</h1>'
        '<div class="theme-admonition">'
        '<div class="admonitionHeading"><span><svg><path d="M0"></path></svg></span>信息</div>'
        '<div class="admonitionContent"><p>正文 <code>x</code></p></div></div>'
        '<h2 id="h">HTTP请求<a class="hash-link" href="#h">\u200b</a></h2><p>GET <code>/x</code></p>'
        '<div class="codeBlockContainer"><pre><code><span class="token-line">{}</span></code></pre>'
        '<button title="复制">复制</button></div>'
        "</div></article></body></html>"
    )
    doc, _ = read_html(html, "zh-CN", "x.html")
    assert [b.text for b in doc.sections[0].blocks] == ["信息", "正文 x"]
    assert [type(b).__name__ for b in doc.sections[1].blocks] == ["Paragraph", "CodeBlock"]  # no '复制' from the button


def test_and_joined_prose_never_beats_a_list_of_values():
    assert enum_values(
        "GTC, IOC, FOK (IOC and FOK only for LIMIT and LIMIT_MAKER and STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT)", "ENUM"
    ) == ["GTC", "IOC", "FOK"]
    assert enum_values("GTC or IOC; only for LIMIT and STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT orders", "ENUM") == [
        "GTC",
        "IOC",
    ]
    assert enum_values("BUY and SELL", "ENUM") == ["BUY", "SELL"]  # no list at all: the and-run is the list


def test_a_two_language_page_whose_split_is_broken_is_an_error_not_one_language():
    from doccontract.read.crawler import read_crawler

    broken = (
        "---\nsource_url: x\n---\n\n# Query (USER_DATA)\n\nGET /x\n\n"
        '---\n\n<span id="zh"></span>\n\n# 查询 (USER_DATA)\n\nGET /x\n'
    )
    with pytest.raises(PageError, match="no '---' line followed by a '# ' title"):
        read_crawler(broken, "b.md")
    assert list(read_crawler("---\nsource_url: x\n---\n\n# Query\n\ntext\n\n---\n\nmore\n", "one.md").docs) == [
        "en"
    ]  # a rule, one title


def test_html_text_fragments_inline_elements_and_blocks_inside_inline_elements():
    def blocks(body: str):
        doc, _ = read_html(
            '<html lang="en"><body><article><div class="theme-doc-markdown markdown">'
            f"<h1>T</h1>{body}</div></article></body></html>",
            "en",
            "x",
        )
        return [(s.heading, [getattr(b, "text", None) or b for b in s.blocks]) for s in doc.sections]

    assert blocks("<div>Rate <!-- -->limit: <!-- -->10</div>") == [("", ["Rate limit: 10"])]
    assert blocks("<div>Use <del>old</del> new</div>") == [("", ["Use old new"])]
    assert blocks('<a href="/x"><h2>Card</h2><p>desc</p></a>') == [("Card", ["desc"])]
    assert blocks("<div><span>Copy<button>Copy</button></span></div>") == [("", ["Copy"])]
    (table,) = blocks("<div><span><table><tr><th>Name</th></tr><tr><td>symbol</td></tr></table></span></div>")[0][1]
    assert table.rows == (("symbol",),)


def test_a_default_names_a_value_only_where_the_value_ends_its_clause():
    from doccontract.read.prose import omitted_default

    assert omitted_default("BUY or SELL. default: PM account uses BUY", "ENUM") is None and enum_values(
        "BUY or SELL. default: PM account uses BUY", "ENUM"
    ) == ["BUY", "SELL"]
    assert omitted_default("Default `BOTH` for One-way Mode ; `LONG` or `SHORT` for Hedge Mode.", "ENUM") == (
        ["LONG", "SHORT"],
        "BOTH",
    )


def test_a_spot_path_without_its_slash_is_read():
    from doccontract.read.model import Paragraph, Section
    from doccontract.read.request_line import parse_request_line

    assert (
        parse_request_line(Section("HTTP Request", 2, [Paragraph("GET api/v3/order")]), "p.md", [])[1]
        == "/api/v3/order"
    )


def test_request_sections_without_a_request_line_heading_fail_even_when_they_name_a_base_url():
    from doccontract.read.classify import classify

    md = (
        "# Thing\n\n## Request Parameters\n\nName| Type| Mandatory| Description\n---|---|---|---\nx| LONG| YES|\n\n"
        "The base endpoint is https://api.example.test.\n"
    )
    with pytest.raises(PageError, match="no 'HTTP Request' section"):
        classify(read_markdown(md, "en"))
