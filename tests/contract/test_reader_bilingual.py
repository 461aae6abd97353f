"""Bilingual findings that are misreadings (issue 10, item 5): each cause with a fixture of its own."""

from __future__ import annotations

from doccontract.contract.bilingual import compare
from doccontract.read.example import parse_example
from doccontract.read.extract import extract
from doccontract.read.markdown import read_markdown


def _page(lang: str, example: str) -> str:
    http, resp = ("HTTP Request", "Response Example") if lang == "en" else ("HTTP请求", "响应示例")
    body = "\n".join("    " + line for line in example.splitlines())
    return f"# Thing (USER_DATA)\n\n## {http}\n\nGET /x\n\n## {resp}\n\n{body}\n"


def _findings(en_example: str, zh_example: str) -> list:
    en = extract(read_markdown(_page("en", en_example), "en"))
    zh = extract(read_markdown(_page("zh-CN", zh_example), "zh-CN"))
    return compare(en, zh)


def test_a_member_joined_to_a_comment_by_a_tab_is_read_as_a_member():
    ex = parse_example(
        '{\n  "feeBurn": true,  \t// "true": On; "false": Off\t"canTrade": true,  \t// if can trade\n  "x": 1\n}'
    )
    assert ex.value == {"feeBurn": True, "canTrade": True, "x": 1}
    assert ex.comments == {"feeBurn": '"true": On; "false": Off', "canTrade": "if can trade"}
    assert parse_example('{"a": 1 // a tab\there "b" is prose\n}').value == {
        "a": 1
    }  # no member after the tab: all comment


def test_an_empty_placeholder_object_hides_no_field_of_the_other_language():
    en = (
        '{\n  "rateLimits": [\n    {\n      // defined in ENUM definitions; all limits are optional\n'
        '    }\n  ],\n  "a": 1\n}'
    )
    zh = (
        '{\n  "rateLimits": [\n    {\n      "rateLimitType": "REQUEST_WEIGHT",\n      "limit": 1200\n'
        '    }\n  ],\n  "a": 1\n}'
    )
    assert [f.code for f in _findings(en, zh)] == []
    real = _findings('{"a": 1, "b": 2}', '{"a": 1}')
    assert [(f.code, f.values) for f in real] == [("bilingual.example-field-omitted", {"en": True, "zh-CN": False})]


def test_security_in_a_stray_title_form_or_a_sibling_heading_is_read():
    from doccontract.read.request_line import parse_title

    assert parse_title("New Order List - OPOCO (../TRADE）") == ("New Order List - OPOCO", "TRADE")
    assert parse_title("Thing (TRADE)") == ("Thing", "TRADE") and parse_title("Thing (see docs)")[1] is None
    zh = (
        "# Classic Portfolio Margin Account Information\n\n## 查询经典统一账户账户信息 (USER_DATA)\n\n"
        "## 接口描述\n\n查询\n\n## HTTP请求\n\nGET /fapi/v1/pmAccountInfo\n"
    )
    assert extract(read_markdown(zh, "zh-CN")).security == "USER_DATA"


def test_enum_values_in_quotes_are_read_in_both_languages():
    from doccontract.read.prose import enum_values

    en = enum_values('stopPrice triggered by: "MARK_PRICE", "CONTRACT_PRICE". Default "CONTRACT_PRICE"', "ENUM")
    zh = enum_values(
        "stopPrice 触发类型: `MARK_PRICE`(标记价格), `CONTRACT_PRICE`(合约最新价). 默认 `CONTRACT_PRICE`", "ENUM"
    )
    assert en == zh == ["MARK_PRICE", "CONTRACT_PRICE"]
    assert enum_values('"LIQUIDATION" for liquidation orders, "ADL" for ADL orders.', "ENUM") == ["LIQUIDATION", "ADL"]
    assert enum_values('"LIQUIDATION": 强平单, "ADL": ADL 减仓单.', "ENUM") == ["LIQUIDATION", "ADL"]
    assert enum_values('Order id, e.g. "ABC"', "STRING") == []  # quotes make no enum of a STRING


def test_an_enum_list_below_the_table_gives_the_bare_enum_parameter_its_values():
    table = "Name| Type| Mandatory| Description\n---|---|---|---\ntype| ENUM| YES|\nasset| STRING| YES|\n"
    notes = (
        "  * `fromSymbol` must be sent when type is ISOLATEDMARGIN_MARGIN\n\n  * ENUM of transfer types:\n\n"
        "    * MAIN_UMFUTURE Spot account transfer to USDⓈ-M Futures account\n"
        "    * MAIN_CMFUTURE Spot account transfer to COIN-M Futures account\n"
    )
    md = f"# T (USER_DATA)\n\n## HTTP Request\n\nPOST /x\n\n## Request Parameters\n\n{table}\n{notes}"
    from doccontract.read.prose import enum_values

    [t, asset] = extract(read_markdown(md, "en")).params
    assert enum_values(t.description, t.type) == ["MAIN_UMFUTURE", "MAIN_CMFUTURE"] and asset.description == ""
    two = md.replace("asset| STRING|", "side| ENUM|")
    assert all(p.description == "" for p in extract(read_markdown(two, "en")).params)  # whose list? nobody's


def _params_page(lang: str, row: str) -> str:
    http, params = ("HTTP Request", "Request Parameters") if lang == "en" else ("HTTP请求", "请求参数")
    return (
        f"# Thing (USER_DATA)\n\n## {http}\n\nGET /x\n\n## {params}\n\n"
        f"Name| Type| Mandatory| Description\n---|---|---|---\n{row}\n"
    )


def _param_findings(en_row: str, zh_row: str) -> list:
    en = extract(read_markdown(_params_page("en", en_row), "en"))
    zh = extract(read_markdown(_params_page("zh-CN", zh_row), "zh-CN"))
    return [f.code for f in compare(en, zh)]


def test_values_named_in_the_other_language_in_another_form_are_not_omitted():
    # 'such as' and values with glosses name the same values: not a language that leaves them out
    assert (
        _param_findings(
            "asset| STRING| YES| Asset Name , USDT or USDC", "asset| STRING| YES| 资产名称，如 USDT 或 USDC"
        )
        == []
    )
    assert (
        _param_findings(
            "kind| STRING| NO| TRANSFER, WELCOME_BONUS",
            "kind| STRING| NO| 类型： TRANSFER 转账, WELCOME_BONUS 欢迎奖金",
        )
        == []
    )
    # a language that really names fewer values still says so
    assert _param_findings("asset| STRING| YES| Asset Name , USDT or USDC", "asset| STRING| YES| 资产名称") == [
        "bilingual.enum-omitted"
    ]


def test_a_weight_whose_unit_one_language_leaves_out_is_said_once():
    def weighed(lang: str, weight: str):
        http, w = ("HTTP Request", "Request Weight") if lang == "en" else ("HTTP请求", "请求权重")
        return extract(read_markdown(f"# Thing (USER_DATA)\n\n## {http}\n\nGET /x\n\n## {w}\n\n{weight}\n", lang))

    (f,) = compare(weighed("en", "**60**"), weighed("zh-CN", "**60(UID)**"))
    assert f.code == "bilingual.weight-omitted" and "en page states the weight without its unit (UID)" in f.message
    assert compare(weighed("en", "**60(UID)**"), weighed("zh-CN", "**60(UID)**")) == []
    assert [f.code for f in compare(weighed("en", "**60(IP)**"), weighed("zh-CN", "**60(UID)**"))] == [
        "bilingual.weight"
    ]
