"""Doc drift against a docs site of our own (real HTTP on loopback), each class and each fault."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import SEED, SEED_ID, seed_repo

from doccontract.read.load import parse_page
from doccontract.watch.docsite import DocSite
from doccontract.watch.drift import run_drift
from doccontract.watch.fetch import Fetcher

DOCS_PATH = "institutional_loan/account/Institution-Loan-Group-Close"
EN_ROUTE, ZH_ROUTE = f"/docs/{DOCS_PATH}", f"/docs/zh-CN/{DOCS_PATH}"
SEED_TEXT = SEED.read_text(encoding="utf-8")
EN_PART, ZH_PART = SEED_TEXT.split("\n---\n\n# 关闭风险单位", 1)
ZH_PART = "# 关闭风险单位" + ZH_PART


def variant(en: list[tuple[str, str]] = (), zh: list[tuple[str, str]] = ()) -> str:
    e, z = EN_PART, ZH_PART
    for old, new in en:
        assert old in e, old
        e = e.replace(old, new)
    for old, new in zh:
        assert old in z, old
        z = z.replace(old, new)
    return f"{e}\n---\n\n{z}"


@pytest.fixture
def repo(tmp_path) -> Path:
    """The seed's spec and contract, to run drift on."""
    return seed_repo(tmp_path)


def committed_seed(tmp_path: Path) -> Path:
    """``tmp_path/specs`` holding the seed spec at its place: what fetch would replace."""
    spec = tmp_path / f"specs/{SEED_ID}.md"
    spec.parent.mkdir(parents=True)
    spec.write_bytes(SEED.read_bytes())
    return spec


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and "reports" not in p.parts and ".fetch-cache" not in p.parts
    }


def drift(repo: Path, site: DocSite, update: bool = False, **fetch_kw):
    fetcher = Fetcher(
        site.url, timeout=fetch_kw.pop("timeout", 2), backoff=0.01, cache_dir=repo / ".fetch-cache", **fetch_kw
    )
    return run_drift(repo / "specs", repo / "contracts", repo / "reports", fetcher, update=update)


def serve(site: DocSite, text: str = SEED_TEXT) -> None:
    site.put(DOCS_PATH, parse_page(text.encode(), "served.md"))


def codes(run) -> dict[str, object]:
    return {f"{c.cls}:{c.code}:{c.subject}": c for d in run.drifts for c in d.changes}


def test_unchanged_docs_are_no_drift_and_change_nothing(repo):
    before = snapshot(repo)
    with DocSite() as site:
        serve(site)
        run = drift(repo, site, update=True)
    assert run.exit_code == 0 and run.errors == [] and codes(run) == {}
    assert snapshot(repo) == before
    report = json.loads((repo / "reports/drift.json").read_text())
    assert report["status"] == "no-drift" and report["schema"] == "doccontract-drift/1"


def test_cosmetic_noise_is_not_drift(repo):
    noisy = SEED_TEXT.replace("updated_at: 2026-01-15T23:50:26.646027", "updated_at: 2026-11-24T01:02:03")
    noisy = (
        noisy.replace("#request-weight", "#request-weight-2")
        .replace("[](/docs", "[\u200b](/docs")
        .replace("1000(UID)", " 1000(UID)  ")
    )
    with DocSite() as site:
        serve(site, noisy)
        assert drift(repo, site).exit_code == 0


def test_chinese_security_type_fixed_resolves_the_bilingual_finding(repo):
    with DocSite() as site:
        serve(site, variant(zh=[("(USER_DATA)", "(TRADE)")]))
        run = drift(repo, site)
    found = codes(run)
    assert run.exit_code == 1
    resolved = found["bilingual:bilingual.resolved:bilingual.security"]
    assert resolved.before == {"en": "TRADE", "zh-CN": "USER_DATA"}
    security = found["documentation:security.changed:security"]
    assert security.languages == ["zh-CN"]
    assert security.before == {"en": "TRADE", "zh-CN": "USER_DATA"} and security.after == {
        "en": "TRADE",
        "zh-CN": "TRADE",
    }
    md = (repo / "reports/drift.md").read_text()
    assert "zh-CN only" in md and "bilingual.resolved" in md


def test_new_enum_value_is_non_breaking(repo):
    with DocSite() as site:
        serve(
            site,
            variant(
                en=[
                    (
                        "CLOSED:This risk unit has been closed successfully",
                        "CLOSED:This risk unit has been closed successfully; PENDING: closing",
                    )
                ],
                zh=[("CLOSED: 此风险单位已成功关闭", "CLOSED: 此风险单位已成功关闭; PENDING: 关闭中")],
            ),
        )
        run = drift(repo, site)
    change = codes(run)["non-breaking:field.enum-added:/status"]
    assert change.languages == ["en", "zh-CN"] and change.after["en"] == ["CLOSED", "PENDING"]
    assert run.exit_code == 1


def test_weight_raised_is_breaking_and_update_writes_only_after_success(repo):
    with DocSite() as site:
        serve(site, variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
        run = drift(repo, site, update=True)
        assert run.exit_code == 2
        assert "breaking:weight.increased:weight" in codes(run)
        contract = json.loads((repo / f"contracts/{SEED_ID}.json").read_text())
        assert contract["weight"] == {
            "value": 3000,
            "unit": "UID",
            "limit": "UID",
            "header": "X-SAPI-USED-UID-WEIGHT-1M",
        }
        assert "3000(UID)" in (repo / f"specs/{SEED_ID}.md").read_text()
        assert drift(repo, site).exit_code == 0  # updated: the same docs are no longer drift
    junit = (repo / "reports/drift-junit.xml").read_text()
    assert 'name="binance/institutional_loan/account/Institution-Loan-Group-Close"' in junit


def test_new_mandatory_parameter_and_removed_field_are_breaking(repo):
    param = (
        "groupId| LONG| YES| Risk unit unique identifier  \n",
        "groupId| LONG| YES| Risk unit unique identifier  \nreason| STRING| YES| Why  \n",
    )
    zh_param = (
        "groupId| LONG| YES| 唯一风险单位标识符  \n",
        "groupId| LONG| YES| 唯一风险单位标识符  \nreason| STRING| YES| 原因  \n",
    )
    with DocSite() as site:
        serve(site, variant(en=[param], zh=[zh_param]))
        run = drift(repo, site)
        assert "breaking:param.added-mandatory:reason" in codes(run) and run.exit_code == 2
        serve(
            site,
            variant(
                en=[
                    ("groupId| LONG| Risk unit unique identifier  \nstatus", "status"),
                    ('"groupId": 10001,  \n      "status"', '"status"'),
                ],
                zh=[
                    ("groupId| LONG| 唯一风险单位标识符  \nstatus", "status"),
                    ('"groupId": 10001,  \n      "status"', '"status"'),
                ],
            ),
        )
        run = drift(repo, site)
    assert "breaking:field.removed:/groupId" in codes(run) and run.exit_code == 2


def test_a_change_in_one_language_only_is_reported_as_such(repo):
    with DocSite() as site:
        serve(site, variant(en=[("| YES| Risk unit unique identifier", "| NO| Risk unit unique identifier")]))
        run = drift(repo, site)
    change = codes(run)["non-breaking:param.now-optional:groupId"]
    assert change.languages == ["en"]
    assert change.before["zh-CN"] == change.after["zh-CN"]  # the other language, shown unchanged
    assert any(c.code == "bilingual.appeared" for d in run.drifts for c in d.changes)


CREDIT_ONLY_EN, CREDIT_ONLY_ZH = (
    "can only be initiated by API calls from the credit account",
    "仅支持通过机构借贷子账户",
)


@pytest.mark.parametrize(
    "en,zh,key,exit_code",
    [
        (
            "can only be initiated by API calls from the parent account",
            "仅支持通过母账户",
            "breaking:caller.changed:caller",
            2,
        ),
        ("can be initiated by API calls from any account", "支持通过任意账户", "non-breaking:caller.widened:caller", 1),
    ],
)
def test_a_change_of_who_may_call_is_drift(repo, en, zh, key, exit_code):
    with DocSite() as site:
        serve(site, variant(en=[(CREDIT_ONLY_EN, en)], zh=[(CREDIT_ONLY_ZH, zh)]))
        run = drift(repo, site, update=True)
        change = codes(run)[key]
        assert (
            run.exit_code == exit_code
            and change.before == {"en": "credit", "zh-CN": "credit"}
            and change.languages == ["en", "zh-CN"]
        )
        if change.cls == "breaking":
            assert "-2015" in change.why
        assert drift(repo, site).exit_code == 0  # updated: the contract now says who may call
    assert json.loads((repo / f"contracts/{SEED_ID}.json").read_text())["caller"] == change.after["en"]


def test_narrowing_who_may_call_is_breaking(repo):
    contract = repo / f"contracts/{SEED_ID}.json"
    data = json.loads(contract.read_text())
    data["caller"] = None  # as if the committed page had let any account call
    contract.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    with DocSite() as site:
        serve(site)
        run = drift(repo, site)
    assert run.exit_code == 2 and codes(run)["breaking:caller.narrowed:caller"].after == {
        "en": "credit",
        "zh-CN": "credit",
    }


def test_wording_change_is_documentation(repo):
    with DocSite() as site:
        serve(site, variant(en=[("If the closure is successful", "When the closure succeeds")]))
        run = drift(repo, site)
    [change] = [c for d in run.drifts for c in d.changes]
    assert (change.cls, change.code, change.languages) == ("documentation", "description.changed", ["en"])
    assert "If the closure is successful" in change.before["en"] and "When the closure succeeds" in change.after["en"]
    assert run.exit_code == 1
    md = (repo / "reports/drift.md").read_text()
    assert "When the closure succeeds" in md and "If the closure is successful" in md


def test_a_description_change_beside_another_change_is_reported_with_before_and_after(repo):
    with DocSite() as site:
        serve(
            site,
            variant(
                en=[("If the closure is successful", "When the closure succeeds"), ("1000(UID)", "500(UID)")],
                zh=[("1000(UID)", "500(UID)")],
            ),
        )
        run = drift(repo, site)
    found = {c.code: c for d in run.drifts for c in d.changes}
    assert "weight.decreased" in found and "When the closure succeeds" in found["description.changed"].after["en"]


@pytest.mark.parametrize("fault", [500, 503, 429, "timeout"])
def test_transient_faults_are_retried(repo, fault):
    with DocSite() as site:
        serve(site)
        site.fail(EN_ROUTE, fault)
        t0 = time.monotonic()
        run = drift(repo, site, timeout=0.5)
        assert run.exit_code == 0, run.errors
        assert site.hits[EN_ROUTE] == 2
        if fault == 429:
            assert time.monotonic() - t0 >= 1.0  # Retry-After: 1 honoured


@pytest.mark.parametrize(
    "route,fault,message",
    [
        (EN_ROUTE, "waf", "WAF, captcha or script-only"),
        (ZH_ROUTE, "english", "served an English page"),
        (EN_ROUTE, "truncate", "cut short"),
        (EN_ROUTE, 500, "HTTP 500 after"),
    ],
)
def test_bad_answers_are_errors_and_change_nothing(repo, route, fault, message):
    before = snapshot(repo)
    with DocSite() as site:
        serve(site, variant(en=[("1000(UID)", "3000(UID)")]))  # real drift behind the fault
        site.fail(route, *[fault] * 5)
        run = drift(repo, site, update=True, retries=2)
    assert run.exit_code == 3, run.report
    assert any(message in e for e in run.errors), run.errors
    assert run.drifts == []
    assert snapshot(repo) == before
    report = json.loads((repo / "reports/drift.json").read_text())
    assert report["status"] == "error" and report["contracts"] == []


def test_article_without_http_section_is_refused(repo):
    with DocSite() as site:
        serve(site, variant(en=[("## HTTP Request", "## HTTP Thing")]))
        run = drift(repo, site)
    assert run.exit_code == 3 and "no 'HTTP Request' section" in run.errors[0]


def test_conditional_get_reuses_unchanged_pages(repo):
    with DocSite() as site:
        serve(site)
        first = Fetcher(site.url, cache_dir=repo / ".fetch-cache")
        run_drift(repo / "specs", repo / "contracts", None, first)
        second = Fetcher(site.url, cache_dir=repo / ".fetch-cache")
        run = run_drift(repo / "specs", repo / "contracts", None, second)
    assert run.exit_code == 0
    assert (first.not_modified, second.not_modified) == (0, 2)
