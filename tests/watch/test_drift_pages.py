"""Drift never goes blind: every page that could be fetched is compared, the rest is reported.

Real HTTP: the docs site is ``doccontract.watch.docsite`` on loopback, serving the repository's own specs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, SEED_ID, seed_repo
from test_drift import DOCS_PATH, EN_ROUTE, ZH_ROUTE, drift, serve, snapshot, variant

from doccontract.contract.build import build
from doccontract.contract.catalogue import Catalogue
from doccontract.read.load import parse_page, read_page
from doccontract.read.render import render_html
from doccontract.watch.docsite import DocSite
from doccontract.watch.drift import (
    MARKDOWN_BUDGET,
    Change,
    ContractDrift,
    UsageError,
    load_waivers,
    report_json,
    report_markdown,
)

EDIT_ID = "binance/institutional_loan/account/Institution-Loan-Group-Edit-Member"
EDIT_PATH = "institutional_loan/account/Institution-Loan-Group-Edit-Member"
CLOSED_ID = "binance/institutional_loan/account/Query-Closed-Group-Record"
ERRORS_ID = "binance/institutional_loan/error-code"


def add(repo: Path, cid: str, contract: bool = True) -> None:
    for top, ext in (("specs", ".md"), ("contracts", ".json")) if contract else (("specs", ".md"),):
        target = repo / top / f"{cid}{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / top / f"{cid}{ext}", target)


@pytest.fixture
def repo(tmp_path) -> Path:
    """The seed (Close Risk Unit) and Edit Member, specs and contracts."""
    root = seed_repo(tmp_path)
    add(root, EDIT_ID)
    return root


def serve_all(site: DocSite, repo: Path) -> None:
    site.put_specs(sorted((repo / "specs").rglob("*.md")))


def test_a_page_gone_is_breaking_drift_and_the_other_page_is_still_compared(repo):
    with DocSite() as site:
        serve_all(site, repo)
        serve(site, variant(en=[("1000(UID)", "500(UID)")], zh=[("1000(UID)", "500(UID)")]))  # real drift on Close
        site.bodies.pop(f"/docs/{EDIT_PATH}")  # Edit Member answers 404 in English
        run = drift(repo, site)
    by_id = {d.id: d for d in run.drifts}
    assert [c.code for c in by_id[EDIT_ID].changes] == ["page.gone"] and by_id[EDIT_ID].changes[0].cls == "breaking"
    assert "HTTP 404" in by_id[EDIT_ID].changes[0].message and by_id[EDIT_ID].method == "POST"
    assert "weight.decreased" in [c.code for c in by_id[SEED_ID].changes]
    assert run.errors == [] and run.exit_code == 2
    md = (repo / "reports/drift.md").read_text()
    assert "page.gone" in md and "why it breaks clients" in md and "weight.decreased" in md


def test_a_not_found_page_served_with_200_is_gone_too(repo):
    with DocSite() as site:
        serve_all(site, repo)
        site.fail(f"/docs/zh-CN/{EDIT_PATH}", "not-found-page")
        run = drift(repo, site)
    assert [(d.id, [c.code for c in d.changes]) for d in run.drifts] == [(SEED_ID, []), (EDIT_ID, ["page.gone"])]
    assert run.exit_code == 2


def test_a_page_that_cannot_be_fetched_is_an_error_beside_the_drift_of_the_others(repo):
    before = snapshot(repo)
    with DocSite() as site:
        serve_all(site, repo)
        serve(site, variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
        site.fail(f"/docs/{EDIT_PATH}", *[503] * 10)
        run = drift(repo, site, update=True, retries=1)
    assert run.exit_code == 3  # the worst of all: breaking drift, and one page not compared
    assert len(run.errors) == 1 and run.errors[0].startswith(EDIT_ID) and "HTTP 503" in run.errors[0]
    assert [d.id for d in run.drifts] == [SEED_ID] and "weight.increased" in [c.code for c in run.drifts[0].changes]
    assert snapshot(repo) == before  # --update waits for a run where every page was compared
    report = json.loads((repo / "reports/drift.json").read_text())
    assert (
        report["status"] == "error"
        and report["summary"]["breaking"] == 1
        and [c["id"] for c in report["contracts"]] == [SEED_ID]
    )
    md = (repo / "reports/drift.md").read_text()
    assert "Not compared" in md and "HTTP 503" in md and "weight.increased" in md


@pytest.mark.parametrize("missing", ["specs", "contracts"])
def test_a_missing_folder_is_a_usage_error_not_drift(repo, missing):
    shutil.rmtree(repo / missing)
    with DocSite() as site, pytest.raises(UsageError, match=f"--{missing} .*: no such folder"):
        drift(repo, site)


def test_the_error_code_page_is_compared_by_its_codes(repo):
    add(repo, ERRORS_ID, contract=False)
    with DocSite() as site:
        serve_all(site, repo)
        run = drift(repo, site)
        assert run.exit_code == 0 and run.errors == [], run.errors
        assert ERRORS_ID in [d.id for d in run.drifts]
        page = read_page(repo / f"specs/{ERRORS_ID}.md")
        text = (repo / f"specs/{ERRORS_ID}.md").read_text(encoding="utf-8")
        changed = text.replace("-1003 TOO_MANY_REQUESTS", "-1009 TOO_MANY_THINGS")
        assert changed != text
        from doccontract.read.load import parse_page

        site.put("institutional_loan/error-code", parse_page(changed.encode(), "x.md"))
        run = drift(repo, site)
    [d] = [d for d in run.drifts if d.id == ERRORS_ID]
    codes = {(c.code, c.subject) for c in d.changes}
    assert ("error-code.added", "-1009") in codes and ("error-code.removed", "-1003") in codes
    assert [c.cls for c in d.changes if c.code == "error-code.removed"] == [
        "breaking"
    ]  # clients handling -1003 never see it again
    assert run.exit_code == 2 and page.url.endswith("/error-code")


def test_update_rewrites_the_error_catalogue_as_build_makes_it(repo, tmp_path):
    add(repo, ERRORS_ID, contract=False)
    build([repo / "specs"], repo / "contracts", use_cache=False)  # errors.json as the build writes it
    errors_text = (
        (repo / f"specs/{ERRORS_ID}.md")
        .read_text(encoding="utf-8")
        .replace("-1003 TOO_MANY_REQUESTS", "-1009 TOO_MANY_THINGS")
    )
    names_a_code = (
        "If the closure is successful",
        "Error code -27030 means the unit is busy. If the closure is successful",
    )
    with DocSite() as site:
        serve_all(site, repo)
        serve(site, variant(en=[names_a_code]))
        site.put("institutional_loan/error-code", parse_page(errors_text.encode(), "x.md"))
        run = drift(repo, site, update=True)
    assert run.exit_code == 2 and run.errors == [], run.errors  # -1003 removed: breaking, and still written
    catalogue = Catalogue.load(repo / "contracts")
    assert -1009 in catalogue and -1003 not in catalogue  # the error-code page's change
    assert catalogue.get(-27030).documented[0]["contract"] == SEED_ID  # the code the page now names
    build([repo / "specs"], tmp_path / "fresh", use_cache=False)  # the same specs built afresh: the same file
    assert (repo / "contracts/errors.json").read_bytes() == (tmp_path / "fresh/errors.json").read_bytes()
    assert not [
        p for p in (repo / "contracts").iterdir() if p.name.startswith(".") and p.name != ".doccontract-manifest"
    ]  # no temp file left


def other_page_html(lang: str) -> bytes:
    other = read_page(ROOT / f"specs/{CLOSED_ID}.md")
    url = other.url if lang == "en" else other.url.replace("/docs/", "/docs/zh-CN/", 1)
    return render_html(other.docs[lang], url).encode()


@pytest.mark.parametrize("route,lang", [(EN_ROUTE, "en"), (ZH_ROUTE, "zh-CN")])
def test_a_page_now_documenting_another_endpoint_is_an_error_and_never_updated(repo, route, lang):
    before = snapshot(repo)
    with DocSite() as site:
        serve_all(site, repo)
        site.bodies[route] = other_page_html(lang)  # its canonical link names Query-Closed-Group-Record
        run = drift(repo, site, update=True)
    assert run.exit_code == 3
    assert run.errors == [] and len(run.refused) == 1  # refused as another page, apart from pages that failed
    assert "page now documents another endpoint" in run.refused[0] and run.refused[0].startswith(SEED_ID)
    assert [d.id for d in run.drifts] == [EDIT_ID]  # the other page is still compared
    assert snapshot(repo) == before


def test_another_endpoint_is_refused_even_when_its_canonical_link_names_the_page(repo):
    before = snapshot(repo)
    other = read_page(ROOT / f"specs/{CLOSED_ID}.md")
    with DocSite() as site:
        serve_all(site, repo)
        site.put(DOCS_PATH, other)  # the Close URLs (and canonical links) now carry another endpoint's page
        run = drift(repo, site, update=True)
    assert run.exit_code == 3
    assert "GET /sapi/v1/margin/loan-groups/closed, not DELETE /sapi/v1/margin/loan-group" in run.refused[0]
    assert snapshot(repo) == before


V2 = [("/sapi/v1/margin/loan-group", "/sapi/v2/margin/loan-group")]


def test_a_path_change_on_the_same_page_is_breaking_drift_and_update_writes_it(repo):
    with DocSite() as site:
        serve_all(site, repo)
        serve(site, variant(en=V2, zh=V2))  # the canonical links name the Close page: the same page, a new path
        run = drift(repo, site, update=True)
    assert run.errors == [] and run.exit_code == 2
    assert "path.changed" in [c.code for d in run.drifts for c in d.changes]
    assert json.loads((repo / f"contracts/{SEED_ID}.json").read_text())["path"] == "/sapi/v2/margin/loan-group"


def test_a_path_change_without_a_canonical_link_under_the_same_title_is_drift(repo):
    from doccontract.read.load import parse_page

    changed = parse_page(variant(en=V2, zh=V2).encode(), "x.md")
    with DocSite() as site:
        serve_all(site, repo)
        site.bodies[EN_ROUTE] = render_html(changed.docs["en"], "").encode()  # no canonical link: the title decides
        run = drift(repo, site)
    assert run.errors == [] and run.exit_code == 2
    assert "path.changed" in [c.code for d in run.drifts for c in d.changes]


def test_a_new_title_and_a_new_path_without_a_canonical_link_are_another_page(repo):
    from doccontract.read.load import parse_page

    before = snapshot(repo)
    changed = parse_page(variant(en=[*V2, ("# Close Risk Unit", "# Reopen Risk Unit")], zh=V2).encode(), "x.md")
    with DocSite() as site:
        serve_all(site, repo)
        site.bodies[EN_ROUTE] = render_html(changed.docs["en"], "").encode()
        run = drift(repo, site, update=True)
    assert (
        run.exit_code == 3
        and "page now documents another endpoint: DELETE /sapi/v2/margin/loan-group" in run.refused[0]
    )
    assert "Reopen Risk Unit" in run.refused[0] and snapshot(repo) == before
    report = json.loads((repo / "reports/drift.json").read_text())
    assert report["status"] == "error" and report["refused"] == run.refused and report["errors"] == []
    assert "Refused: the page at this URL is another page" in (repo / "reports/drift.md").read_text()


def many(n_same: int, n_changed: int, changes_each: int) -> list[ContractDrift]:
    out = [
        ContractDrift(
            f"binance/section/page-{i:04d}",
            "GET",
            f"/sapi/v1/some/long/path/number/{i}",
            [],
            {"en": f"https://x/docs/p{i}"},
        )
        for i in range(n_same)
    ]
    for i in range(n_changed):
        changes = [
            Change(
                "breaking",
                "field.retyped",
                f"/data/field{j}",
                f"response field /data/field{j} changed type",
                ["en", "zh-CN"],
                {"en": "x" * 200},
                {"en": "y" * 200},
            )
            for j in range(changes_each)
        ]
        out.append(
            ContractDrift(
                f"binance/changed/page-{i}",
                "POST",
                f"/sapi/v1/changed/{i}",
                changes,
                {"en": "https://e", "zh-CN": "https://z"},
            )
        )
    return out


@pytest.mark.parametrize(
    "n_same,n_changed,changes_each,n_errors", [(505, 5, 10, 3), (5000, 5, 10, 3), (10, 200, 40, 3), (10, 5, 10, 5000)]
)
def test_drift_md_fits_a_github_issue_whatever_the_number_of_contracts(n_same, n_changed, changes_each, n_errors):
    drifts = many(n_same, n_changed, changes_each)
    errors = [
        f"binance/x/err{i}: https://developers.binance.com/docs/x/err{i}: HTTP 503 after 4 attempts"
        for i in range(n_errors)
    ]
    md = report_markdown(drifts, errors, "https://developers.binance.com", "https://github.com/a/b/actions/runs/1")
    assert len(md) <= MARKDOWN_BUDGET
    assert "https://github.com/a/b/actions/runs/1" in md and "HTTP 503" in md
    assert "binance/changed/page-0" in md  # changed contracts come first, in full
    if n_changed * changes_each * 500 > MARKDOWN_BUDGET:
        assert "drift.json" in md  # what did not fit is named, and where it is
    report = report_json(drifts, [])
    assert len(report["contracts"]) == n_same + n_changed  # the JSON keeps everything


def test_report_keys_links_and_lines():
    drifts = many(2, 1, 1)
    drifts[-1].changes.append(
        Change(
            "documentation",
            "title.changed",
            "title",
            "the title changed",
            ["zh-CN"],
            {"en": "A", "zh-CN": None},
            {"en": "A", "zh-CN": "B"},
        )
    )
    drifts[-1].changes.append(Change("documentation", "language.added", "zh-CN", "the zh-CN page was added", ["zh-CN"]))
    md = report_markdown(drifts, [])
    change = report_json(drifts, [])["contracts"][-1]["changes"][0]
    assert change["class"] == "breaking" and "cls" not in change and change["why"]
    assert "[en page](https://e)" in md and "[zh-CN page](https://z)" in md
    assert "— → —" not in md and "(none) → (none)" not in md
    assert "en: unchanged `A`" in md and "zh-CN: (none) → `B`" in md
    assert "- `GET /sapi/v1/some/long/path/number/0` (binance/section/page-0000)" in md  # unchanged: one line


def test_waived_changes_are_reported_not_alerted_until_they_expire(repo, tmp_path):
    waivers = tmp_path / "waivers.json"

    def waive(expires: str) -> list:
        waivers.write_text(
            json.dumps(
                {
                    "waivers": [
                        {
                            "contract": SEED_ID,
                            "code": "weight.increased",
                            "reason": "agreed with Binance",
                            "expires": expires,
                        }
                    ]
                }
            )
        )
        return load_waivers(waivers)

    with DocSite() as site:
        serve_all(site, repo)
        serve(site, variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
        from doccontract.watch.drift import run_drift
        from doccontract.watch.fetch import Fetcher

        def run(expires: str, today: str):
            return run_drift(
                repo / "specs",
                repo / "contracts",
                repo / "reports",
                Fetcher(site.url, backoff=0.01),
                waivers=waive(expires),
                today=today,
            )

        held = run("2026-12-31", "2026-12-31")
        expired = run("2026-12-31", "2027-01-01")
    [w] = [c for d in held.drifts for c in d.changes]
    assert w.waived == "agreed with Binance; until 2026-12-31" and held.exit_code == 0
    assert [d for d in held.drifts if d.live()] == []  # nothing for the alerts
    assert held.report["summary"]["waived"] == 1 and held.report["summary"]["breaking"] == 0
    assert expired.exit_code == 2 and not any(c.waived for d in expired.drifts for c in d.changes)
    assert expired.notes == [f"{SEED_ID}: the waiver of weight.increased expired on 2026-12-31; it alerts again"]


@pytest.mark.parametrize(
    "content,message",
    [
        ("[]", "expected"),
        ('{"waivers": [{"contract": "x", "code": "y", "reason": "z"}]}', "missing or empty expires"),
        ('{"waivers": [{"contract": "x", "code": "y", "reason": "z", "expires": "soon"}]}', "not a date"),
        ("{not json", "not readable JSON"),
    ],
)
def test_a_bad_waivers_file_is_a_usage_error_naming_the_entry(tmp_path, content, message):
    f = tmp_path / "waivers.json"
    f.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_waivers(f)


def test_a_page_documenting_several_endpoints_is_compared_contract_by_contract(repo, monkeypatch):
    """build.contracts_for (one contract per endpoint, ids <page>/<anchor>) as the reader makes them:
    each is compared; one the page no longer makes is removed, and --update removes its file."""
    import doccontract.contract.build as build

    real = build.contracts_for

    def split(page, cid):
        one = real(page, cid)[0]
        return [
            {**one, "id": f"{cid}/close"},
            {**one, "id": f"{cid}/close-again", "weight": {"value": 5, "unit": "UID"}},
        ]

    monkeypatch.setattr(build, "contracts_for", split)  # the worker processes are forked after this
    seed = json.loads((repo / f"contracts/{SEED_ID}.json").read_text())
    (repo / f"contracts/{SEED_ID}.json").unlink()
    folder = repo / f"contracts/{SEED_ID}"
    folder.mkdir()
    (folder / "close.json").write_text(json.dumps({**seed, "id": f"{SEED_ID}/close"}))
    (folder / "dropped.json").write_text(json.dumps({**seed, "id": f"{SEED_ID}/dropped"}))
    with DocSite() as site:
        serve_all(site, repo)
        run = drift(repo, site, update=True)
    found = {d.id: [c.code for c in d.changes] for d in run.drifts}
    assert run.errors == [], run.errors
    assert found[f"{SEED_ID}/close"] == [] and found[f"{SEED_ID}/close-again"] == ["contract.added"]
    assert found[f"{SEED_ID}/dropped"] == ["contract.removed"] and run.exit_code == 2
    assert sorted(p.name for p in folder.iterdir()) == ["close-again.json", "close.json"]


@pytest.mark.parametrize(
    "hostile",
    [
        [('"groupId": 10001,', '"groupId": ' + "[" * 10000 + "1" + "]" * 10000 + ",")],  # a 10,000-deep example
        [("1000(UID)", "9" * 5000 + "(UID)")],  # a 5,000-digit weight
    ],
    ids=["deep-example", "huge-weight"],
)
def test_a_hostile_page_is_a_finding_or_an_error_for_that_page_never_a_crash(repo, hostile):
    with DocSite() as site:
        serve_all(site, repo)
        serve(site, variant(en=hostile, zh=hostile))
        run = drift(repo, site)
    by_id = {d.id: d for d in run.drifts}
    assert EDIT_ID in by_id and by_id[EDIT_ID].changes == []  # the other page is compared
    if run.errors:  # refused by the readers: an error for that page only
        assert run.exit_code == 3 and run.errors[0].startswith(SEED_ID)
    else:  # read with a finding: drift, reported as such
        assert SEED_ID in by_id and run.exit_code in (1, 2)
    assert (repo / "reports/drift.json").is_file()


def test_a_long_text_change_shows_where_it_changed():
    text = "Some long paragraph about risk units. " * 30
    ch = Change(
        "documentation",
        "description.changed",
        "API Description",
        "changed",
        ["en"],
        {"en": text + "Old ending."},
        {"en": text + "New ending."},
    )
    md = report_markdown([ContractDrift("x/y", "GET", "/p", [ch])], [])
    line = next(line for line in md.splitlines() if line.startswith("  - en:"))
    assert "Old ending." in line and "New ending." in line and line.count("risk units") < 10


def test_the_webhook_message_says_what_changed_leaves_waived_changes_out_and_stays_short():
    from doccontract.watch.alerts import slack_message

    text = "Some long paragraph about risk units. " * 30
    described = Change(
        "documentation",
        "description.changed",
        "API Description",
        "the text changed",
        ["en"],
        {"en": text + "Old."},
        {"en": text + "New."},
    )
    waived = Change(
        "breaking",
        "weight.increased",
        "weight",
        "the weight rose from 1 to 2",
        ["en"],
        {"en": 1},
        {"en": 2},
        waived="agreed; until 2099-01-01",
    )
    drifts = [
        ContractDrift(f"x/{i}", "GET", f"/p/{i}", [described, waived], {"en": f"https://e/{i}"}) for i in range(100)
    ]
    body = slack_message([d for d in drifts if d.live()], 1, "https://ci/run/1")["text"]
    assert "the text changed" in body and "Old." in body and "New." in body and "<https://ci/run/1|CI run>" in body
    assert "weight.increased" not in body and "weight rose" not in body
    assert len(body) <= 3500 and "more in the drift report" in body
