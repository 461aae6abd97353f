"""The error catalogue: built from the error-code page, the endpoint pages and the assumed codes."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT, crawler_page

from doccontract.contract.build import build
from doccontract.contract.catalogue import Catalogue, ErrorCode, assumed_codes

CAT = Catalogue.load(ROOT / "contracts")


def test_error_code_page_codes_names_and_both_languages():
    e = CAT.get(-1102)
    assert e.name == "MANDATORY_PARAM_EMPTY_OR_MALFORMED" and e.assumption is None
    assert e.documented[0]["page"] == "specs/binance/institutional_loan/error-code.md"
    assert "Mandatory parameter %s was not sent, was empty/null, or malformed." in e.messages["en"]
    assert "强制参数%s未发送，为空/空或格式错误。" in e.messages["zh-CN"]  # the page's full-width ％s normalised
    assert CAT.get(-2015).messages["en"] == ["Invalid API-key, IP, or permissions for action."]


def test_messages_are_filled_as_binance_sends_them():
    assert CAT.message(-1102, "groupId") == "Mandatory parameter 'groupId' was not sent, was empty/null, or malformed."
    assert CAT.message(-1104, 1, 2) == "Not all sent parameters were read; read '1' parameter(s) but was sent '2'."
    assert CAT.message(-1021, like="ahead") == "Timestamp for this request was 1000ms ahead of the server's time."
    assert CAT.message(-1102, "groupId", lang="zh-CN") == "强制参数'groupId'未发送，为空/空或格式错误。"
    with pytest.raises(LookupError, match="-1131: no en message with 2 value"):
        CAT.message(-1131, "a", "b")
    with pytest.raises(LookupError, match="error code -99999 is not in the catalogue"):
        CAT.get(-99999)


def test_codes_named_by_endpoint_pages_are_documented_there():
    borrow = CAT.get(-27009)
    assert borrow.messages == {
        "en": ["The requested borrow amount exceeds the maximum allowed limit."],
        "zh-CN": ["请求的借贷额度超过最大可借额度。"],
    }
    assert borrow.documented == [
        {
            "contract": "binance/institutional_loan/borrow-and-repay",
            "url": "https://developers.binance.com/docs/institutional_loan/borrow-and-repay",
        }
    ]
    for code in range(-27029, -27024):
        assert any(d.get("contract") == "binance/institutional_loan/transfer" for d in CAT.get(code).documented), code
    # a code the page only mentions ('error code -3003 will be returned') is listed; its wording is the
    # error-code page's
    transfer = json.loads((ROOT / "contracts/binance/institutional_loan/transfer.json").read_text())
    assert [e["code"] for e in transfer["errors"]] == [-3003, -27025, -27026, -27027, -27028, -27029]
    assert len(CAT.get(-3003).documented) == 2


def test_assumed_codes_are_marked_with_their_reason():
    assumed = {e.code: e for e in CAT.assumed()}
    assert set(assumed) == {-27001, -27018}
    for e in assumed.values():
        assert e.documented == [] and len(e.assumption) > 40
    assert {a["code"] for a in assumed_codes()} == {-27001, -27018}


def test_an_assumed_code_that_a_page_documents_loses_its_assumption(tmp_path):
    page = (ROOT / "specs/binance/institutional_loan/borrow-and-repay.md").read_text(encoding="utf-8")
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "borrow.md").write_text(page.replace("-27009:", "-27018:"), encoding="utf-8")
    build([specs], tmp_path / "out", use_cache=False)
    cat = Catalogue.load(tmp_path / "out")
    assert cat.get(-27018).assumption is None and cat.get(-27018).documented[0]["contract"] == "borrow"
    assert cat.get(-27001).assumption


def test_catalogue_is_rebuilt_when_only_the_error_page_changes(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "good.md").write_bytes(
        (ROOT / "specs/binance/institutional_loan/account/Institution-Loan-Group-Close.md").read_bytes()
    )
    err = (ROOT / "specs/binance/institutional_loan/error-code.md").read_text(encoding="utf-8")
    (specs / "error-code.md").write_text(err, encoding="utf-8")
    cache = tmp_path / "cache"
    build([specs], tmp_path / "out", cache_dir=cache)
    assert Catalogue.load(tmp_path / "out").message(-1022) == "Signature for this request is not valid."
    (specs / "error-code.md").write_text(
        err.replace("Signature for this request is not valid.", "Bad signature."), encoding="utf-8"
    )
    build([specs], tmp_path / "out", cache_dir=cache)
    assert Catalogue.load(tmp_path / "out").get(-1022).messages["en"] == ["Bad signature."]


def test_one_code_under_two_headings_keeps_both_names():
    assert CAT.get(-5012).name == "TRANSFER_PENDING | FUTURE_ACCT_OR_SUBRELATION_NOT_EXIST"


def test_a_damaged_catalogue_is_named(tmp_path):
    (tmp_path / "errors.json").write_text('{"codes": [{"nocode": 1}]}')
    with pytest.raises(ValueError, match="errors.json: not an error catalogue"):
        Catalogue.load(tmp_path)
    with pytest.raises(LookupError, match="run 'doccontract build'"):
        Catalogue.load(tmp_path / "nowhere")


def test_round_trip_through_json():
    again = Catalogue.from_json(json.loads(json.dumps(CAT.to_json())))
    assert again.get(-1102) == CAT.get(-1102) and len(again.codes) == len(CAT.codes)
    with pytest.raises(LookupError, match="error -2021: no en message"):
        ErrorCode(-2021, "X", {"en": []}).message()


def test_page_error_lines_in_any_language_and_numbered_lists():
    from doccontract.contract.build import contract_for
    from doccontract.read.load import parse_page

    en = (
        "# T (USER_DATA)\n\n## HTTP Request\n\nGET /sapi/v1/x\n\n"
        "## Error Code\n\n  * -27100: Something failed.\n\nIf wrong, error code -3003 will be returned.\n"
    )
    zh = "# T (USER_DATA)\n\n## HTTP请求\n\nGET /sapi/v1/x\n\n## 错误代码\n\n  1. -27100 : 出错了。\n"
    c = contract_for(parse_page(crawler_page(en, zh).encode(), "t.md"), "t")
    assert c["errors"] == [
        {"code": -3003, "message": {}},
        {"code": -27100, "message": {"en": "Something failed.", "zh-CN": "出错了。"}},
    ]


def test_text_never_raises_and_degrades_to_the_closest_wording():
    assert CAT.text(-1102, "groupId") == CAT.message(-1102, "groupId")
    assert (
        CAT.text(-1131, "a", "b") == "recvWindow must be less than 60000"
    )  # no variant with two places: the plain one
    assert CAT.text(-1021, like="nothing like this") == "Timestamp for this request is outside of the recvWindow."
    assert CAT.text(-2021) == "error -2021"  # documented by a paragraph, no message variant
    assert CAT.text(-424242, "x") == "error -424242 (x)"
    assert Catalogue([ErrorCode(-9, None, {"en": ["Value %s is bad %s."]})]).text(-9) == "Value is bad."


def test_merged_catalogues_prefer_the_first_and_assumed_codes_stand_alone():
    from doccontract.contract.catalogue import assumed_catalogue

    mine = Catalogue([ErrorCode(-1022, "MINE", {"en": ["mine"]})])
    merged = Catalogue.merged(mine, None, CAT)
    assert merged.get(-1022).name == "MINE" and merged.get(-1102) == CAT.get(-1102)
    alone = assumed_catalogue()
    assert set(alone.codes) == {-27001, -27018} and all(e.assumption for e in alone.codes.values())


def test_building_one_page_keeps_the_error_page_codes(tmp_path):
    import shutil

    out = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", out)
    build([ROOT / "specs/binance/institutional_loan/transfer.md"], out, use_cache=False)
    cat = Catalogue.load(out)
    assert cat.get(-1102).documented[0]["page"] == "specs/binance/institutional_loan/error-code.md"
    assert cat.message(-1022) == "Signature for this request is not valid."
    assert cat.get(-27026).documented and cat.get(-27001).assumption
    assert (
        json.loads((out / "errors.json").read_text())["codes"]
        == json.loads((ROOT / "contracts/errors.json").read_text())["codes"]
    )
