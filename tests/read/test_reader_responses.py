"""Response schemas read from examples (issue 10, item 4): elements of several shapes, conditional fields."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from doccontract.contract.schema import infer_schema


def test_an_array_of_results_and_errors_is_alternatives_each_requiring_its_own_keys():
    order = {"symbol": "BTCUSDT", "orderId": 1, "status": "NEW", "price": "1.0"}
    error = {"code": -2011, "msg": "Unknown order sent."}
    schema = infer_schema([order, error])
    order_alt, error_alt = schema["items"]["anyOf"]
    assert order_alt["required"] == ["orderId", "price", "status", "symbol"] and error_alt["required"] == [
        "code",
        "msg",
    ]
    validator = Draft202012Validator(schema)
    assert validator.is_valid([order, error, order])
    assert not validator.is_valid([{"symbol": "BTCUSDT"}])  # neither a whole order nor an error


def test_elements_of_one_shape_still_merge_with_the_missing_keys_optional():
    schema = infer_schema([{"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2}])
    assert "anyOf" not in schema["items"] and schema["items"]["required"] == ["a", "b"]


def test_answers_with_one_set_of_keys_but_different_types_are_alternatives():
    from doccontract.contract.schema import response_schema
    from doccontract.read.example import parse_example

    nested = parse_example(
        '{"type": "spot", "data": {"balances": []}}\nOR\n{"type": "margin", "data": {"marginLevel": "1"}}'
    )
    schema = response_schema([], nested)
    alts = schema.get("anyOf") or schema.get("oneOf")
    assert alts and [sorted(a["properties"]["data"]["properties"]) for a in alts] == [["balances"], ["marginLevel"]]
    assert all(a["properties"]["data"]["required"] for a in alts)  # each answer keeps its keys required


def test_answers_that_differ_only_in_values_stay_the_pages_alternatives():
    from doccontract.contract.schema import response_schema
    from doccontract.read.example import parse_example

    done, busy = {"status": "completed", "url": "x"}, {"status": "processing", "url": ""}
    schema = response_schema([], parse_example(f"{json.dumps(done)}\nOR\n{json.dumps(busy)}"))
    assert [a["examples"] for a in schema["anyOf"]] == [[done], [busy]]  # each answer, as the page shows it
    validator = Draft202012Validator(schema)
    assert validator.is_valid(done) and validator.is_valid(busy)  # they overlap: anyOf, never oneOf
    assert not validator.is_valid({"status": 1, "url": "x"}) and not validator.is_valid({"status": "completed"})


def _endpoint(notes: str, example: str, params: str = ""):
    from doccontract.read.extract import extract
    from doccontract.read.markdown import read_markdown

    body = "\n".join("    " + line for line in example.splitlines())
    table = (
        f"## Request Parameters\n\nName| Type| Mandatory| Description\n---|---|---|---\n{params}\n\n" if params else ""
    )
    md = f"# Thing (USER_DATA)\n\n## HTTP Request\n\nGET /x\n\n{table}{notes}\n\n## Response Example\n\n{body}\n"
    return extract(read_markdown(md, "en"))


def test_prose_that_says_a_field_is_only_sometimes_returned_makes_it_optional():
    from doccontract.contract.schema import response_schema

    ep = _endpoint(
        "  * `quoteId` will be returned only if you have enough funds to convert", '{"quoteId": "1", "ratio": "0.1"}'
    )
    assert ep.example.optional == {"quoteId"}
    assert response_schema(ep.fields, ep.example)["required"] == ["ratio"]
    ep = _endpoint("  * `network` may not be in the response for old withdraw.", '[{"network": "ETH", "id": "1"}]')
    assert ep.example.optional == {"network"}
    ep = _endpoint(
        "",
        '[{"sourceAddress": "x", "id": "1"}]',
        "includeSource| BOOLEAN| NO| Default: `false`, return `sourceAddress`field when set to `true`",
    )
    assert ep.example.optional == {"sourceAddress"}


def test_prose_about_a_request_condition_or_a_word_in_passing_makes_nothing_optional():
    ep = _endpoint("  * Weight 1 only when `symbol` is sent; returns all symbols otherwise.", '{"symbol": "BTCUSDT"}')
    assert ep.example.optional == frozenset()
    ep = _endpoint(
        "",
        '[{"questionnaire": null, "id": "1"}]',
        "pendingQuestionnaire| BOOLEAN| NO| true: Only return records that pending deposit questionnaire.",
    )
    assert ep.example.optional == frozenset()


def test_comments_saying_not_be_returned_or_available_only_for_make_a_field_optional():
    from doccontract.contract.schema import response_schema
    from doccontract.read.example import parse_example

    ex = parse_example(
        '{\n "isolatedSymbol": "BNBUSDT", // isolated symbol, will not be returned for crossed margin\n'
        ' "completeTime": 1, // available for deposits after 6-Mar-2025\n "id": 1\n}'
    )
    assert response_schema([], ex)["required"] == ["id"]


def test_comment_lines_above_a_key_describe_that_key_and_stop_at_other_code():
    from doccontract.read.example import parse_example

    ex = parse_example(
        '{\n "a": 1,\n // Optional field. Present only when SOR is available.\n'
        ' // https://example.com/sor_faq.md\n "sors": [1],\n'
        ' "rateLimits": [\n  {\n   // All limits are optional\n  }\n ],\n "exchangeFilters": []\n}'
    )
    assert ex.optional == {"sors"} and ex.comments == {"sors": "Optional field. Present only when SOR is available."}


def test_a_conditional_fields_table_adds_typed_optional_fields_to_every_answer():
    from doccontract.contract.schema import response_schema

    md = (
        "# New order (TRADE)\n\n## HTTP Request\n\nPOST /api/v3/order\n\n"
        '## Response - ACK\n\n    {"symbol": "BTCUSDT", "orderId": 28}\n\n'
        '## Response - FULL\n\n    {"symbol": "BTCUSDT", "orderId": 28, "fills": []}\n\n'
        "**Conditional fields in Order Responses**\n\n"
        "Field| Description| Visibility conditions| Examples\n---|---|---|---\n"
        "`icebergQty`| Quantity for the iceberg order| "
        'Appears only if the parameter `icebergQty` was sent in the request.| `"icebergQty": "0.00000000"`\n'
        '`strategyId`| A label| Appears if the parameter was populated in the request.| `"strategyId": 37463720`\n'
        "`broken`| no sample| Appears sometimes| see above\n"
    )
    from doccontract.read.extract import extract
    from doccontract.read.markdown import read_markdown

    ep = extract(read_markdown(md, "en"))
    assert ep.example.optional == {"icebergQty", "strategyId"}
    for answer in response_schema(ep.fields, ep.example)["anyOf"]:
        assert answer["properties"]["icebergQty"] == {"type": "string"} and answer["properties"]["strategyId"] == {
            "type": "integer"
        }
        assert "icebergQty" not in answer["required"] and "orderId" in answer["required"]


def test_a_field_table_that_lost_its_arrows_is_nested_where_the_example_puts_each_field():
    from doccontract.read.endpoint import Field
    from doccontract.read.tables import nest_like_example

    table = [
        Field("total", "LONG", ""),
        Field("rows", "OBJECT ARRAY", "", [Field("groupId", "LONG", "")]),
        Field("liquidationSnapshot", "OBJECT", ""),
        Field("snapshots", "OBJECT ARRAY", "", [Field("subEmail", "STRING", "")]),
        Field("missing", "STRING", ""),  # nowhere in the example: stays where the table put it
    ]
    example = {"total": 1, "rows": [{"groupId": 1, "liquidationSnapshot": {"snapshots": [{"subEmail": "a"}]}}]}
    roots = nest_like_example(table, example)
    assert table[1].children == [Field("groupId", "LONG", "")]  # the table itself is left alone
    assert [f.name for f in roots] == ["total", "rows", "missing"]
    [group, snap] = roots[1].children
    assert (group.name, snap.name) == ("groupId", "liquidationSnapshot") and [f.name for f in snap.children] == [
        "snapshots"
    ]
    assert nest_like_example(table[:2], example) == table[:2]  # a table that agrees is unchanged


def test_an_object_array_the_example_shows_as_one_object_follows_the_example_and_says_so():
    from doccontract.contract.schema import consistency_findings, response_schema
    from doccontract.read.extract import extract
    from doccontract.read.markdown import read_markdown

    md = (
        "# T (USER_DATA)\n\n## HTTP Request\n\nGET /x\n\n"
        '## Response Example\n\n    {"total": 1, "snapshot": {"a": "1"}}\n\n'
        "## Response detail description\n\n"
        "Name| Type| Description\n---|---|---\ntotal| LONG| n\nsnapshot| OBJECT ARRAY|\n→ a| STRING| x\n"
    )
    ep = extract(read_markdown(md, "en"))
    schema = response_schema(ep.fields, ep.example)
    assert schema["properties"]["snapshot"]["type"] == "object"
    codes = [f.code for f in consistency_findings(ep, schema)]
    assert "page.example-shape" in codes
    assert "page.example-invalid" not in codes


def test_items_of_an_example_array_type_a_key_together_not_by_the_first_alone():
    rows = [
        {"free": 10000, "tags": [], "inner": {"a": 1}, "note": None},
        {"free": 11467.6399, "tags": ["x"], "inner": {"a": 1.5, "b": "y"}, "note": "sent"},
    ]
    schema = infer_schema(rows)
    props = schema["items"]["properties"]
    assert props["free"] == {"type": "number"} and props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["inner"]["properties"] == {"a": {"type": "number"}, "b": {"type": "string"}} and props["inner"][
        "required"
    ] == ["a"]
    assert props["note"] == {}  # a null beside a string: the type stays open
    assert Draft202012Validator(schema).is_valid(rows)  # the page's own example never breaks what was read from it


def test_a_condition_said_on_an_element_line_is_said_of_the_list_holding_it():
    from doccontract.read.example import parse_example

    ex = parse_example(
        '{\n  "ips": [\n    "10.0.0.1",\n    "10.0.0.2",  // only return if you set IP restriction\n'
        '  ],\n  "inner": {"a": [1, 2]},\n  "at": 1\n}'
    )
    assert ex.optional == {"ips"} and ex.value["ips"] == ["10.0.0.1", "10.0.0.2"]
    kline = parse_example('[\n  [\n    1499040000000,  // Open time\n    "0.01"  // Open price\n  ]\n]')
    assert kline.optional == frozenset() and kline.positional == [
        "Open time",
        "Open price",
    ]  # no holder key: rows keep their notes


def test_a_key_the_page_says_may_be_null_accepts_null_beside_its_type():
    ep = _endpoint(
        "", '{\n  "apiKey": "abc",\n  "secretKey": "def" // secretKey will be null when creating an RSA key\n}'
    )
    schema = response_schema_of(ep)
    assert (
        schema["properties"]["secretKey"]["type"] == ["string", "null"]
        and schema["properties"]["apiKey"]["type"] == "string"
    )
    v = Draft202012Validator(schema)
    assert v.is_valid({"apiKey": "a", "secretKey": None}) and not v.is_valid({"apiKey": None, "secretKey": "x"})
    assert "null" not in json.dumps(response_schema_of(_endpoint("", '{"note": "x" // not null, never empty\n}')))


def response_schema_of(ep):
    from doccontract.contract.schema import response_schema

    return response_schema(ep.fields, ep.example)


def test_an_endpoint_ends_where_the_section_holding_its_request_ends():
    from doccontract.read.extract import extract
    from doccontract.read.markdown import read_markdown

    md = (
        "# Trade Data Stream\n\n## Start User Data Stream (USER_STREAM)\n\n"
        "### HTTP Request\n\nPOST /sapi/v1/userDataStream\n\n"
        '### Response Example\n\n    {"listenKey": "abc"}\n\n'
        '## Start over WebSocket (USER_STREAM)\n\n### Response Example\n\n    {"id": 1, "status": 200, "result": {}}\n'
    )
    ep = extract(read_markdown(md, "en"))
    assert ep.example.values == [{"listenKey": "abc"}]  # the WebSocket method's answer is another request's


def test_a_parameter_that_says_it_returns_a_field_makes_that_field_conditional():
    ep = _endpoint(
        "",
        '[{"questionnaire": {"a": 1}, "id": "1"}]',
        "retrieveQuestionnaire| BOOLEAN| NO| true: return `questionnaire` within response.",
    )
    assert ep.example.optional == {"questionnaire"}
    ep = _endpoint("", '[{"id": 1, "amount": "2"}]', "fromId| LONG| NO| 如设置fromId, 将返回id > fromId的数据。")
    assert ep.example.optional == frozenset()  # returning records after an id says nothing of a field


def test_a_response_example_at_the_level_of_the_endpoints_heading_is_still_the_endpoints():
    from doccontract.read.extract import extract
    from doccontract.read.markdown import read_markdown

    md = (
        "# Orders\n\n## Query Order (USER_DATA)\n\n### HTTP Request\n\nGET /api/v3/order\n\n"
        "### Request Parameters\n\nName| Type| Mandatory| Description\n---|---|---|---\nsymbol| STRING| YES|\n\n"
        '## Response Example\n\n    {"orderId": 1}\n'
    )
    assert extract(read_markdown(md, "en")).example.value == {"orderId": 1}


def test_each_bracket_belongs_to_the_key_right_before_it():
    from doccontract.read.example import parse_example

    ex = parse_example(
        '{\n "uid": 1, "ipList": [\n  "8.34.21.10", // only return if you open IP restriction\n ],\n "t": 2\n}'
    )
    assert ex.optional == {"ipList"}


def test_a_key_said_never_to_be_null_stays_typed():
    for said in ("cannot be null", "must not be null", "is never null", "不能为null"):
        ep = _endpoint("", '{\n  "a": "x" // ' + said + "\n}")
        assert response_schema_of(ep)["properties"]["a"]["type"] == "string", said
