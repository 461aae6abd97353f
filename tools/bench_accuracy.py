"""Accuracy of the extractor against the hand labels in tests/labels (issue 10, item 6).

Builds every corpus page that has a label (staged in a scratch folder so that
contract ids are the page paths), then compares each contract with the label,
dimension by dimension, and prints each figure beside its goal: >= 98% per
dimension, bilingual findings' precision >= 95% and recall >= 90%.
``--verbose`` lists every mismatch (page, dimension, expected, got).

The contract format is still changing (``format``/``auth`` sections, signing
parameters moving out of ``request``), so everything that reads a contract sits
in one small adapter per dimension (``got_*`` below); the scoring only sees
label-shaped values.  Like the other benchmarks it asserts nothing: the test
tests/test_accuracy.py holds the extractor to thresholds.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doccontract.rules import SIGNING_NAMES

REPO = Path(__file__).resolve().parents[1]
LABELS_DIR = REPO / "tests" / "labels"
CORPUS = REPO.parent / "shared" / "corpus" / "binance"  # ../shared from the repository root
LANGS = ("en", "zh-CN")
DIMENSIONS = (
    "category",
    "endpoints",
    "method",
    "path",
    "weight[en]",
    "weight[zh-CN]",
    "security[en]",
    "security[zh-CN]",
    "params",
    "param-type",
    "param-mandatory",
    "response-kind",
    "field-types",
    "conditional",
)
GOAL = 0.98
GOAL_PRECISION = 0.95
GOAL_RECALL = 0.90
#: label category -> reader categories that name the same page more specifically.  The labels
#: file what is no REST endpoint and fits no listed category as ``other`` (saying what in notes);
#: the reader's own, narrower word for such a page is no error.  Each entry is a reading, not a
#: page: "pointer" (a page that only links elsewhere), "guide" (a how-to or terms page),
#: "fix-api" (the FIX protocol pages), "best-practice" (advice pages), and "quick-start" for an
#: introduction that is a quick start.
CATEGORY_EQUIVALENTS: dict[str, frozenset[str]] = {
    "other": frozenset({"pointer", "guide", "fix-api", "best-practice"}),
    "introduction": frozenset({"quick-start"}),
}
_TOP_LEVEL = re.compile(r"^(/\*)?/[^/]+$")  # "/name" or "/*/name": fields a label lists exhaustively


# --------------------------------------------------------------------------- labels and build


def load_labels(labels_dir: Path = LABELS_DIR) -> list[dict[str, Any]]:
    """Every label file, in path order; a file that is not a label is an error naming it."""
    labels = []
    for f in sorted(labels_dir.rglob("*.json")):
        try:
            label = json.loads(f.read_text(encoding="utf-8"))
            label["page"], label["category"], label["endpoints"]  # noqa: B018 - the keys every label has
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{f}: not a label ({type(exc).__name__}: {exc})") from exc
        labels.append(label)
    return labels


@dataclass
class PageOutcome:
    """What the build made of one page: its category and its contracts in page order."""

    category: str
    contracts: list[dict[str, Any]] = field(default_factory=list)


def page_id(page: str) -> str:
    return page.rsplit(".", 1)[0]


def owner_page(cid: str, pages: set[str]) -> str | None:
    """The page a contract id belongs to: the page itself, or ``<page id>/<anchor>`` of a split page."""
    if cid in pages:
        return cid
    owners = [p for p in pages if cid.startswith(p + "/")]
    return max(owners, key=len) if owners else None


def result_category(result: Any) -> str:
    """Adapter: a build result -> label category ("endpoint", the skip category, or "failed")."""
    if result.status in ("built", "unchanged"):
        return "endpoint"
    if result.status == "skipped":
        category = getattr(result, "category", None)
        if category:
            return str(category)
        m = re.search(r"\(([^()]+)\)\s*$", result.detail or "")
        return m.group(1).strip() if m else (result.detail or "skipped")
    return "failed"


def build_outcomes(corpus: Path, labels: list[dict[str, Any]], work: Path) -> dict[str, PageOutcome]:
    """Build the labelled pages of ``corpus`` under ``work``; page -> outcome."""
    from doccontract.contract.build import build

    stage, out = work / "binance", work / "out"
    for label in labels:
        src = corpus / label["page"]
        if not src.is_file():
            raise FileNotFoundError(f"label for {label['page']}: no such page in {corpus}")
        dst = stage / label["page"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    results = build([stage], out, jobs=1, cache_dir=work / "cache", use_cache=False)
    return outcomes_of(results, out, labels)


def outcomes_of(results: list[Any], out: Path, labels: list[dict[str, Any]]) -> dict[str, PageOutcome]:
    """Page -> outcome, from a build of (at least) the labelled pages into ``out``."""
    by_id = {page_id(label["page"]): label["page"] for label in labels}
    outcomes: dict[str, PageOutcome] = {}
    for r in results:
        pid = owner_page(r.cid, set(by_id))
        if pid is None:
            continue
        page = by_id[pid]
        category = result_category(r)
        outcome = outcomes.setdefault(page, PageOutcome(category))
        if category == "endpoint":
            outcome.category = "endpoint"
            outcome.contracts.append(json.loads((out / f"{r.cid}.json").read_text(encoding="utf-8")))
    for label in labels:
        outcomes.setdefault(label["page"], PageOutcome("missing"))
    return outcomes


# --------------------------------------------------------------------------- adapters: contract -> label shape


def _lang(contract: dict[str, Any], lang: str) -> dict[str, Any]:
    return (contract.get("languages") or {}).get(lang) or {}


def got_method(contract: dict[str, Any]) -> str | None:
    method = contract.get("method") or _lang(contract, "en").get("method")
    return method.upper() if isinstance(method, str) else None


def got_path(contract: dict[str, Any]) -> str | None:
    return contract.get("path") or _lang(contract, "en").get("path")


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _table_max(table: Any) -> Any:
    """Largest weight of a weight table, whatever shape the contract gives it."""
    rows = table.values() if isinstance(table, dict) else table if isinstance(table, list) else []
    values = []
    for row in rows:
        if isinstance(row, dict):
            row = row.get("weight", row.get("value"))
        if isinstance(row, int | float):
            values.append(row)
    return _number(max(values)) if values else None


def got_weight(contract: dict[str, Any], lang: str) -> dict[str, Any] | None:
    summary = _lang(contract, lang)
    weight = summary.get("weight") if "weight" in summary or lang != "en" else contract.get("weight")
    if weight is None or weight == {}:
        return None
    if isinstance(weight, int | float):
        return {"value": _number(weight), "unit": None}
    unit = weight.get("unit") or None
    if weight.get("table"):
        top = weight.get("max")
        return {"table": True, "max": _number(top) if top is not None else _table_max(weight["table"]), "unit": unit}
    return {"value": _number(weight.get("value")), "unit": unit}


def _same_weight(want: dict[str, Any] | None, got: dict[str, Any] | None) -> bool:
    """A unit is a name: the page's 'Order' and the contract's ORDER are one unit."""

    def norm(w: dict[str, Any] | None) -> dict[str, Any] | None:
        return w if not w or not isinstance(w.get("unit"), str) else {**w, "unit": w["unit"].upper()}

    return norm(want) == norm(got)


def got_security(contract: dict[str, Any], lang: str) -> str | None:
    summary = _lang(contract, lang)
    if "security" in summary:
        return summary["security"] or None
    return (contract.get("security") or {}).get(lang) or None


def _auth_params(contract: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Signing parameters the contract keeps outside ``request`` (an ``auth`` section)."""
    auth = contract.get("auth")
    if not auth:
        return {}
    found: dict[str, dict[str, Any]] = {}
    listed = auth.get("params", auth.get("parameters")) if isinstance(auth, dict) else None
    if isinstance(listed, dict):
        for name, spec in listed.items():
            found[name] = spec if isinstance(spec, dict) else {}
    elif isinstance(listed, list):
        for item in listed:
            if isinstance(item, str):
                found[item] = {}
            elif isinstance(item, dict) and item.get("name"):
                found[item["name"]] = item
    text = json.dumps(auth)
    for name in SIGNING_NAMES:
        if name not in found and re.search(rf'"{name}"', text):
            found[name] = {}
    return found


def got_params(contract: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """English parameters -> {"type", "mandatory", "auth"}; signing params may sit in ``auth``."""
    params: dict[str, dict[str, Any]] = {}
    for name, p in (_lang(contract, "en").get("params") or {}).items():
        params[name] = {"type": (p.get("type") or "").upper() or None, "mandatory": p.get("mandatory"), "auth": False}
    request = contract.get("request") or {}
    required = set(request.get("required") or [])
    for name, schema in (request.get("properties") or {}).items():
        if name not in params:
            doc_type = schema.get("x-doc-type") if isinstance(schema, dict) else None
            params[name] = {
                "type": doc_type.upper() if doc_type else None,
                "mandatory": name in required,
                "auth": False,
            }
    for name, spec in _auth_params(contract).items():
        if name not in params:  # auth's "type" is a JSON type, not the page's: compare only a documented one
            doc_type = spec.get("x-doc-type") or spec.get("docType")
            mandatory = spec.get("mandatory", spec.get("required"))
            params[name] = {
                "type": doc_type.upper() if isinstance(doc_type, str) else None,
                "mandatory": mandatory,
                "auth": True,
            }
    return params


def _alternatives(schema: dict[str, Any]) -> list[dict[str, Any]] | None:
    alts = schema.get("oneOf") or schema.get("anyOf")
    return alts if isinstance(alts, list) and alts else None


def got_response_kind(contract: dict[str, Any]) -> str:
    schema = contract.get("response") or {}
    if _alternatives(schema):
        return "oneOf"
    kind = schema.get("type")
    if kind == "array" or "items" in schema or "prefixItems" in schema:
        items = schema.get("items")
        if isinstance(items, dict) and (items.get("type") == "array" or "prefixItems" in items):
            return "array-of-arrays"
        return "array"
    if kind == "object" or "properties" in schema:
        return "object" if schema.get("properties") else "none"
    if kind is None:
        return "none"
    return "scalar"


def _json_type(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = sorted(set(kind))
        return kinds[0] if len(kinds) == 1 else "|".join(kinds)
    if kind is None and _alternatives(schema):
        kinds = sorted({t for alt in _alternatives(schema) for t in [_json_type(alt)] if t})
        return "|".join(kinds) or None
    if kind is None and "properties" in schema:
        return "object"
    if kind is None and ("items" in schema or "prefixItems" in schema):
        return "array"
    return kind


def got_fields(contract: dict[str, Any]) -> dict[str, str | None]:
    """Top-level fields of the (first) response object -> JSON type; positions for rows of arrays."""
    schema = contract.get("response") or {}
    alts = _alternatives(schema)
    if alts:
        schema = alts[0]
    if schema.get("type") == "array" or "items" in schema:
        schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        item_alts = _alternatives(schema)  # elements of several shapes (a result or an error): the first
        if item_alts:
            schema = item_alts[0]
    if "prefixItems" in schema:
        return {str(i): _json_type(s) for i, s in enumerate(schema["prefixItems"])}
    return {name: _json_type(s) for name, s in (schema.get("properties") or {}).items()}


def got_conditional(contract: dict[str, Any]) -> set[str]:
    """JSON pointers of every response field the schema does not require."""
    found: set[str] = set()

    def walk(schema: Any, prefix: str) -> None:
        if not isinstance(schema, dict):
            return
        for alt in _alternatives(schema) or []:
            walk(alt, prefix)
        required = set(schema.get("required") or [])
        for name, sub in (schema.get("properties") or {}).items():
            pointer = f"{prefix}/{name}"
            if name not in required:
                found.add(pointer)
            walk(sub, pointer)
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], prefix + "/*")
        for i, sub in enumerate(schema.get("prefixItems") or []):
            walk(sub, f"{prefix}/{i}")

    walk(contract.get("response") or {}, "")
    return found


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


#: finding code stems whose label dimension has another name ("bilingual.param-omitted" -> params)
_FINDING_DIMENSIONS = {
    "param": "params",
    "parameter": "params",
    "mandatory": "param-mandatory",
    "type": "param-type",
    "field": "response-fields",
    "response-field": "response-fields",
    "example-field": "response-fields",
    "example-fields": "response-fields",
    "example-field-type": "field-type",
}


def got_bilingual(contract: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Bilingual findings -> (dimension, text naming its subjects, short description)."""
    out = []
    for f in contract.get("findings") or []:
        code = f.get("code") or ""
        if not code.startswith("bilingual."):
            continue
        dimension = f.get("dimension") or code.split(".", 1)[1]
        dimension = re.sub(r"[-.](omitted|omits|missing|one-sided|one-side)$", "", dimension)  # "one language omits it"
        dimension = _FINDING_DIMENSIONS.get(dimension, dimension)
        text = " ".join([str(f.get("subject") or ""), f.get("message") or "", *_strings(f.get("values"))])
        out.append(
            (dimension, text, f"{code}: {f.get('message', '')} {json.dumps(f.get('values'), ensure_ascii=False)}")
        )
    return out


# --------------------------------------------------------------------------- scoring


@dataclass
class Mismatch:
    page: str
    dimension: str
    expected: Any
    got: Any


@dataclass
class Report:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))
    mismatches: list[Mismatch] = field(default_factory=list)
    findings: int = 0  # bilingual findings on labelled pages
    true_findings: int = 0  # of those, the ones a label lists
    disagreements: int = 0  # bilingual disagreements the labels list
    recalled: int = 0  # of those, the ones some finding names
    pages: int = 0
    endpoints: int = 0

    def count(
        self, page: str, dimension: str, expected: Any, got: Any, ok: bool | None = None, quiet: bool = False
    ) -> None:
        """One item of ``dimension``; ``quiet`` counts a miss without listing it (its endpoint is listed once)."""
        ok = expected == got if ok is None else ok
        self.total[dimension] += 1
        if ok:
            self.right[dimension] += 1
        elif not quiet:
            self.mismatches.append(Mismatch(page, dimension, expected, got))

    def accuracy(self, dimension: str) -> float:
        total = self.total[dimension]
        return self.right[dimension] / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.true_findings / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.disagreements if self.disagreements else 1.0


def _pair(
    endpoints: list[dict[str, Any]], contracts: list[dict[str, Any]]
) -> tuple[list[dict[str, Any] | None], list[dict[str, Any]], list[bool]]:
    """Each labelled endpoint's contract: by method + path, else the next unclaimed one in page order."""
    free = list(contracts)
    paired: list[dict[str, Any] | None] = []
    exact: list[bool] = []
    for ep in endpoints:
        hit = next((c for c in free if got_method(c) == ep["method"] and got_path(c) == ep["path"]), None)
        if hit is not None:
            free.remove(hit)
        paired.append(hit)
        exact.append(hit is not None)
    for i, hit in enumerate(paired):
        if hit is None and free:
            paired[i] = free.pop(0)
    return paired, free, exact


def _names(text: str, subject: str) -> bool:
    """Does a finding's text name the subject ("status", "/status", "batchOrders.side" as "batchOrders/side"
    or "side")?"""
    bare = subject.lstrip("/")
    forms = {subject, bare, "/" + bare, bare.replace(".", "/"), bare.rsplit(".", 1)[-1]}
    return any(re.search(rf"(?<![\w]){re.escape(s)}(?![\w])", text) for s in forms)


def _score_bilingual(
    report: Report, where: str, labelled: list[dict[str, Any]], contract: dict[str, Any] | None
) -> None:
    findings = got_bilingual(contract) if contract else []
    report.findings += len(findings)
    report.disagreements += len(labelled)
    hit_labels: set[int] = set()
    for dimension, text, what in findings:
        matches = [
            i
            for i, d in enumerate(labelled)
            if d["dimension"] == dimension and (d.get("subject") is None or _names(text, str(d["subject"])))
        ]
        if matches:
            report.true_findings += 1
            hit_labels.update(matches)
        else:
            report.mismatches.append(Mismatch(where, "bilingual (false finding)", None, what))
    report.recalled += len(hit_labels)
    for i, d in enumerate(labelled):
        if i not in hit_labels:
            report.mismatches.append(
                Mismatch(
                    where, "bilingual (missed)", {k: d.get(k) for k in ("dimension", "subject", "en", "zh-CN")}, None
                )
            )


def _score_endpoint(report: Report, where: str, ep: dict[str, Any], contract: dict[str, Any] | None) -> None:
    """Every dimension of one labelled endpoint; without a contract each item is a miss, listed once
    (as "endpoints")."""
    c = contract or {}
    quiet = contract is None

    def count(dimension: str, expected: Any, got: Any, ok: bool | None = None) -> None:
        report.count(where, dimension, expected, got, ok, quiet)

    count("method", ep["method"], got_method(c) if contract else None)
    count("path", ep["path"], got_path(c) if contract else None)
    for lang in LANGS:
        want, got = (ep.get("weight") or {}).get(lang), got_weight(c, lang) if contract else None
        count(f"weight[{lang}]", want, got, _same_weight(want, got))
        count(f"security[{lang}]", (ep.get("security") or {}).get(lang), got_security(c, lang) if contract else None)

    params = got_params(c) if contract else {}
    labelled = ep.get("params") or {}
    for name in sorted(set(labelled) | {n for n, p in params.items() if not p["auth"]}):
        count("params", name if name in labelled else None, name if name in params else None)
    for name, want in labelled.items():
        have = params.get(name)
        if have is None:
            continue
        if have["type"] is not None or not have["auth"]:
            count("param-type", f"{name}: {want['type']}", f"{name}: {have['type']}")
        if have["mandatory"] is not None or not have["auth"]:
            count("param-mandatory", f"{name}: {want['mandatory']}", f"{name}: {have['mandatory']}")

    response = ep.get("response") or {}
    count("response-kind", response.get("kind"), got_response_kind(c) if contract else None)
    fields = got_fields(c) if contract else {}
    want_fields = response.get("fields") or {}
    # a "oneOf" label lists the first alternative only: fields of the others (merged in, optional) are no error
    alternatives = response.get("kind") == "oneOf"
    for name in sorted(set(want_fields) | (set() if alternatives else set(fields))):
        want = f"{name}: {want_fields[name]}" if name in want_fields else None
        have = f"{name}: {fields[name]}" if name in fields else None
        count("field-types", want, have)
    want_cond = set(ep.get("conditional") or [])
    have_cond = got_conditional(c) if contract else set()
    extra = {
        p
        for p in have_cond - want_cond
        if _TOP_LEVEL.match(p) and not (alternatives and p.lstrip("/*") not in want_fields)
    }
    ok = want_cond <= have_cond and not extra
    count("conditional", sorted(want_cond), sorted((have_cond & want_cond) | extra), ok=ok)


def evaluate(labels: list[dict[str, Any]], outcomes: dict[str, PageOutcome]) -> Report:
    """Compare every label with what the build made of its page."""
    report = Report()
    for label in labels:
        page = label["page"]
        outcome = outcomes.get(page) or PageOutcome("missing")
        report.pages += 1
        want = label["category"]
        report.count(
            page,
            "category",
            want,
            outcome.category,
            ok=outcome.category in {want} | CATEGORY_EQUIVALENTS.get(want, frozenset()),
        )
        endpoints = label.get("endpoints") or []
        if label["category"] != "endpoint" and not endpoints:
            continue
        paired, extra, exact = _pair(endpoints, outcome.contracts)
        for ep, contract, found in zip(endpoints, paired, exact, strict=True):
            report.endpoints += 1
            where = page if len(endpoints) == 1 else f"{page} [{ep.get('heading', ep['path'])}]"
            report.count(
                where,
                "endpoints",
                f"{ep['method']} {ep['path']}",
                f"{ep['method']} {ep['path']}" if found else (contract or {}).get("id"),
                ok=found,
            )
            _score_endpoint(report, where, ep, contract)
            _score_bilingual(report, where, ep.get("bilingual") or [], contract)
        for contract in extra:
            report.count(page, "endpoints", None, f"{got_method(contract)} {got_path(contract)} ({contract.get('id')})")
            _score_bilingual(report, page, [], contract)
    return report


# --------------------------------------------------------------------------- output


def table(report: Report, labels: str = "tests/labels") -> str:
    rows = [f"accuracy against {report.pages} labelled pages, {report.endpoints} endpoints ({labels})", ""]
    rows.append(f"{'dimension':<22}{'right/total':>14}{'accuracy':>11}   goal")
    figures = [(d, report.right[d], report.total[d], report.accuracy(d), GOAL) for d in DIMENSIONS]
    figures.append(("bilingual precision", report.true_findings, report.findings, report.precision, GOAL_PRECISION))
    figures.append(("bilingual recall", report.recalled, report.disagreements, report.recall, GOAL_RECALL))
    for name, num, den, value, goal in figures:
        shown, mark = (f"{value:.1%}", "ok" if value >= goal else "BELOW GOAL") if den else ("n/a", "nothing labelled")
        rows.append(f"{name:<22}{f'{num}/{den}':>14}{shown:>10}   >= {goal:.0%}  {mark}")
    return "\n".join(rows)


def floors(report: Report) -> dict[str, float]:
    """Each measured figure rounded down to 0.1%: the thresholds tests/test_accuracy.py holds."""
    figures = {d: report.accuracy(d) for d in DIMENSIONS} | {
        "bilingual-precision": report.precision,
        "bilingual-recall": report.recall,
    }
    return {name: math.floor(value * 1000) / 1000 for name, value in figures.items()}


def main() -> int:
    from benchutil import corpus_args

    def options(ap):
        ap.add_argument(
            "--verbose", "-v", action="store_true", help="list every mismatch (page, dimension, expected, got)"
        )
        ap.add_argument("--labels", default=str(LABELS_DIR), help="folder of label files (default: tests/labels)")
        ap.add_argument(
            "--floors",
            action="store_true",
            help="also print today's figures rounded down, as THRESHOLDS for tests/test_accuracy.py",
        )

    args, corpus = corpus_args(__doc__, options)
    labels = load_labels(Path(args.labels))
    if not labels:
        print(f"bench_accuracy: no label files under {args.labels}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="doccontract-accuracy-") as work:
        report = evaluate(labels, build_outcomes(corpus, labels, Path(work)))
    print(table(report, args.labels))
    if args.floors:
        print("\nTHRESHOLDS = {")
        for name, value in floors(report).items():
            print(f'    "{name}": {value},')
        print("}")
    if args.verbose:
        print(f"\n{len(report.mismatches)} mismatches (page, dimension, expected, got):")
        for m in report.mismatches:
            print(
                f"  {m.page} | {m.dimension} | {json.dumps(m.expected, ensure_ascii=False)} | "
                f"{json.dumps(m.got, ensure_ascii=False)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
