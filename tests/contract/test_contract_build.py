"""The seed's contract, field by field, and the build's guarantees (determinism, cache, jobs, openapi)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT, SEED, SEED_ID, seed_repo
from jsonschema import Draft202012Validator, ValidationError

from doccontract.contract.build import BuildError, build, contract_for, contracts_for
from doccontract.contract.store import load_contracts
from doccontract.read.html import read_html_pair
from doccontract.read.load import parse_page


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("contracts")
    results = build([seed_repo(tmp_path_factory.mktemp("seed")) / "specs"], out, use_cache=False)
    assert [r.status for r in results] == ["built"]
    return out


@pytest.fixture(scope="module")
def seed(built) -> dict:
    return json.loads((built / f"{SEED_ID}.json").read_text(encoding="utf-8"))


def test_seed_request_line_weight_and_titles(seed):
    assert seed["id"] == SEED_ID
    assert seed["method"] == "DELETE"
    assert seed["path"] == "/sapi/v1/margin/loan-group"
    assert seed["weight"] == {"value": 1000, "unit": "UID", "limit": "UID", "header": "X-SAPI-USED-UID-WEIGHT-1M"}
    assert seed["title"] == {"en": "Close Risk Unit", "zh-CN": "关闭风险单位"}
    assert seed["security"] == {"en": "TRADE", "zh-CN": "USER_DATA"}
    assert seed["auth"]["kind"] == "signed"


def test_seed_request_schema(seed):
    req = seed["request"]
    assert req["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert req["required"] == ["groupId"]
    assert set(req["properties"]) == {"groupId"}
    gid = req["properties"]["groupId"]
    assert (gid["type"], gid["minimum"], gid["maximum"]) == ("integer", -(2**63), 2**63 - 1)
    v = Draft202012Validator(req)
    assert v.is_valid({"groupId": 10001})
    for bad in ({}, {"groupId": "10001"}, {"groupId": 2**63}, {"groupId": 1.5}, {"groupId": 1, "other": 2}):
        assert not v.is_valid(bad), bad


def test_seed_response_schema_and_example(seed):
    resp = seed["response"]
    assert resp["type"] == "object"
    assert resp["required"] == ["groupId", "status"]
    assert resp["properties"]["groupId"]["type"] == "integer"
    assert resp["properties"]["status"]["type"] == "string"
    assert resp["properties"]["status"]["enum"] == ["CLOSED"]
    assert seed["examples"]["response"] == [{"groupId": 10001, "status": "CLOSED"}]
    v = Draft202012Validator(resp)
    v.validate(seed["examples"]["response"][0])
    with pytest.raises(ValidationError):
        v.validate({"groupId": 10001, "status": "OPEN"})
    with pytest.raises(ValidationError):
        v.validate({"groupId": "10001", "status": "CLOSED"})


def test_seed_has_exactly_one_finding_the_security_type(seed):
    assert len(seed["findings"]) == 1
    f = seed["findings"][0]
    assert f["code"] == "bilingual.security"
    assert f["values"] == {"en": "TRADE", "zh-CN": "USER_DATA"}
    assert f["severity"] == "warning"
    assert "Institution-Loan-Group-Close.md" in f["where"]


def test_seed_preconditions_and_sources(seed):
    assert seed["preconditions"]["en"] == [
        "The Institution Loan risk unit is active.",
        "The outstanding institutional loan liabilities for that particular risk unit have been repaid.",
    ]
    assert len(seed["preconditions"]["zh-CN"]) == 2
    assert (
        seed["sources"]["en"]["url"]
        == "https://developers.binance.com/docs/institutional_loan/account/Institution-Loan-Group-Close"
    )
    assert (
        seed["sources"]["zh-CN"]["url"]
        == "https://developers.binance.com/docs/zh-CN/institutional_loan/account/Institution-Loan-Group-Close"
    )
    assert all(len(s["sha256"]) == 64 for s in seed["sources"].values())


def test_committed_contracts_are_what_the_build_makes(tmp_path):
    """contracts/ is generated and committed: it must match a fresh build of specs/ byte for byte."""
    fresh = tmp_path / "contracts"
    build([ROOT / "specs"], fresh, use_cache=False)
    made = {f.relative_to(fresh) for f in fresh.rglob("*.json")}
    assert made == {f.relative_to(ROOT / "contracts") for f in (ROOT / "contracts").rglob("*.json")}, (
        "run 'doccontract build'"
    )
    for rel in made:
        assert (ROOT / "contracts" / rel).read_bytes() == (fresh / rel).read_bytes(), (
            f"contracts/{rel} is stale: run 'doccontract build'"
        )


def test_rebuild_is_byte_identical_and_cached(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build([ROOT / "specs"], a, cache_dir=tmp_path / "cache")
    build([ROOT / "specs"], b, jobs=2, use_cache=False)
    assert len(list(a.rglob("*.json"))) > 2
    for f in a.rglob("*.json"):
        assert f.read_bytes() == (b / f.relative_to(a)).read_bytes()
    again = build([ROOT / "specs"], a, cache_dir=tmp_path / "cache")
    assert {r.status for r in again} <= {"unchanged", "skipped"} and any(r.status == "unchanged" for r in again)
    # a changed page is rebuilt; the cache keys on content, not on mtime
    specs = tmp_path / "copy" / "specs"
    shutil.copytree(ROOT / "specs", specs)
    page = specs / f"{SEED_ID}.md"
    page.write_text(page.read_text(encoding="utf-8").replace("1000(UID)", "3000(UID)"), encoding="utf-8")
    changed = build([specs], a, cache_dir=tmp_path / "cache")
    assert sorted(r.status for r in changed if r.status != "skipped") == ["built"] + ["unchanged"] * (len(changed) - 2)
    assert json.loads((a / f"{SEED_ID}.json").read_text())["weight"]["value"] == 3000


def test_a_fresh_build_into_another_folder_reproduces_the_committed_contracts_byte_for_byte(tmp_path):
    """contracts/ is generated and committed: building specs/ anywhere, from anywhere, gives the same bytes
    (the manifest names specs by their display path, never by a path relative to the output)."""
    out = tmp_path / "elsewhere" / "contracts"
    r = subprocess.run(
        [sys.executable, "-m", "doccontract", "build", "specs", "--out", str(out), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    committed = sorted(p.relative_to(ROOT / "contracts") for p in (ROOT / "contracts").rglob("*") if p.is_file())
    assert committed == sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    for rel in committed:
        assert (out / rel).read_bytes() == (ROOT / "contracts" / rel).read_bytes(), rel


def test_a_spec_removed_from_the_folder_takes_its_contract_and_others_stay(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    out = tmp_path / "contracts"
    build([specs], out, use_cache=False)
    (specs / f"{SEED_ID}.md").unlink()
    gone = build([specs], out, use_cache=False)
    assert [r.cid for r in gone if r.status == "removed"] == [SEED_ID] and not (out / f"{SEED_ID}.json").exists()
    other = tmp_path / "other" / "specs"  # another folder, one page: it removes nothing it did not read
    other.mkdir(parents=True)
    shutil.copyfile(ROOT / "specs" / f"{SEED_ID}.md", other / "close.md")
    assert not [r for r in build([other / "close.md"], out, use_cache=False) if r.status == "removed"]


def test_html_and_markdown_give_the_same_contract():
    display = "specs/binance/institutional_loan/account/Institution-Loan-Group-Close.md"
    md = contract_for(parse_page(SEED.read_bytes(), display), SEED_ID)
    html = read_html_pair((FIXTURES / "close_en.html").read_text(), (FIXTURES / "close_zh.html").read_text(), display)
    assert contract_for(html, SEED_ID) == md


def test_openapi_document_is_valid_and_carries_the_signing_parts(built):
    from openapi_spec_validator import validate

    doc = json.loads((built / "openapi.json").read_text())
    validate(doc)
    op = doc["paths"]["/sapi/v1/margin/loan-group"]["delete"]
    names = {p["name"]: p for p in op["parameters"]}
    assert set(names) == {"groupId", "timestamp", "recvWindow", "signature"}
    assert names["groupId"]["required"] and names["timestamp"]["required"] and not names["recvWindow"]["required"]
    assert names["recvWindow"]["schema"]["maximum"] == 60000
    assert op["security"] == [{"ApiKey": []}]
    assert doc["components"]["securitySchemes"]["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}
    assert doc["components"]["schemas"]["Error"]["required"] == ["code", "msg"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["status"]["enum"] == ["CLOSED"]


def test_load_contracts_skips_openapi(built):
    assert [c["id"] for c in load_contracts(built)] == [SEED_ID]


def test_a_split_page_and_a_page_of_its_endpoints_name_clash_before_anything_is_written(tmp_path):
    specs = tmp_path / "specs"
    (specs / "market").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "pages" / "multi_endpoint.md", specs / "market.md")
    split = [c["id"] for c in contracts_for(parse_page((specs / "market.md").read_bytes(), "m.md"), "market")]
    shutil.copyfile(ROOT / "specs" / f"{SEED_ID}.md", specs / f"{split[0]}.md")  # 'market/<anchor>.md' beside market.md
    with pytest.raises(BuildError, match=f"would both write contract '{split[0]}'"):
        build([specs], tmp_path / "out", use_cache=False)
    assert not (tmp_path / "out" / f"{split[0]}.json").exists()


def test_another_folder_of_the_same_name_sweeps_nothing_it_did_not_read(tmp_path):
    a, b = tmp_path / "vendorA" / "specs", tmp_path / "vendorB" / "specs"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    for name, folder in (("close", a), ("keep", a), ("other", b)):
        shutil.copyfile(ROOT / "specs" / f"{SEED_ID}.md", folder / f"{name}.md")
    out = tmp_path / "out"
    build([a], out, use_cache=False)
    assert not [r for r in build([b], out, use_cache=False) if r.status == "removed"] and (out / "close.json").exists()
    (a / "close.md").unlink()
    gone = build([a], out, use_cache=False)  # the folder read before, one page fewer: that page's contract goes
    assert (
        [r.cid for r in gone if r.status == "removed"] == ["close"]
        and (out / "keep.json").exists()
        and (out / "other.json").exists()
    )
