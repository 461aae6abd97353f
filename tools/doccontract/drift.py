"""Doc drift: what changed between two versions of a contract, and whether it breaks clients.

Changes are found language by language (each contract keeps what each
language states under ``languages``), so a change in one language only is
reported as such (translation lag) with both languages' before and after.
Cosmetic noise (anchors, whitespace, U+200B, crawler timestamps) never
reaches here: the readers drop it before anything is compared.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .build import contract_for, dumps, find_specs, write_atomic
from .contracts import OPENAPI_NAME, contract_files, load_contracts
from .extract import NotAnEndpoint
from .openapi import openapi_document
from .pages import LANGS, PageError, parse_page, read_meta, render_crawler

CLASSES = ("breaking", "non-breaking", "documentation", "bilingual")
EXIT = {"none": 0, "drift": 1, "breaking": 2, "error": 3}
REPORT_SCHEMA = "doccontract-drift/1"


@dataclass
class Change:
    cls: str  # one of CLASSES
    code: str  # stable: "param.added-mandatory", "field.removed", "weight.raised", ...
    subject: str  # what changed: a parameter name, a field path, "weight", ...
    message: str
    languages: list[str]  # where it changed: ["en"], ["zh-CN"] (translation lag) or both
    before: dict[str, Any] = field(default_factory=dict)  # per language
    after: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- one language


def _raw_changes(o: dict[str, Any], n: dict[str, Any]) -> list[tuple[str, str, str, str, Any, Any]]:
    """(class, code, subject, message, before, after) for one language's summary."""
    out: list[tuple[str, str, str, str, Any, Any]] = []

    def add(cls: str, code: str, subject: str, message: str, before: Any, after: Any) -> None:
        out.append((cls, code, subject, message, before, after))

    if o["method"] != n["method"]:
        add("breaking", "method.changed", "method", "the HTTP method changed", o["method"], n["method"])
    if o["path"] != n["path"]:
        add("breaking", "path.changed", "path", "the path changed", o["path"], n["path"])
    ow, nw = o.get("weight") or {}, n.get("weight") or {}
    if ow.get("unit") != nw.get("unit") and ow and nw:
        add("breaking", "weight.unit-changed", "weight", "the weight is counted against another limit", ow, nw)
    elif (ow.get("value") or 0) < (nw.get("value") or 0):
        add("breaking", "weight.raised", "weight", f"the weight rose from {ow.get('value')} to {nw.get('value')}", ow, nw)
    elif (ow.get("value") or 0) > (nw.get("value") or 0):
        add("non-breaking", "weight.lowered", "weight", f"the weight fell from {ow.get('value')} to {nw.get('value')}", ow, nw)
    if o.get("security") != n.get("security"):
        signed = {"TRADE", "MARGIN", "USER_DATA"}
        cls = "breaking" if (o.get("security") in signed) != (n.get("security") in signed) else "documentation"
        add(cls, "security.changed", "security", "the security type changed", o.get("security"), n.get("security"))
    if o.get("title") != n.get("title"):
        add("documentation", "title.changed", "title", "the title changed", o.get("title"), n.get("title"))
    if o.get("preconditions") != n.get("preconditions"):
        add("documentation", "preconditions.changed", "preconditions", "the listed conditions changed", o.get("preconditions"), n.get("preconditions"))
    _diff_members(o["params"], n["params"], "param", "parameter", add, request=True)
    _diff_members(o["fields"], n["fields"], "field", "response field", add, request=False)
    return out


def _diff_members(old: dict, new: dict, area: str, noun: str, add, request: bool) -> None:
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    if len(removed) == 1 and len(added) == 1 and old[removed[0]]["type"].upper() == new[added[0]]["type"].upper():
        r, a = removed[0], added[0]
        add("breaking", f"{area}.renamed", r, f"{noun} {r} was renamed to {a}", {r: old[r]}, {a: new[a]})
        removed, added = [], []
    for name in removed:
        add("breaking", f"{area}.removed", name, f"{noun} {name} was removed", old[name], None)
    for name in added:
        if request and new[name].get("mandatory"):
            add("breaking", f"{area}.added-mandatory", name, f"mandatory {noun} {name} was added", None, new[name])
        else:
            add("non-breaking", f"{area}.added" if not request else f"{area}.added-optional", name, f"{noun} {name} was added", None, new[name])
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        if a["type"].replace(" ", "").upper() != b["type"].replace(" ", "").upper():
            add("breaking", f"{area}.retyped", name, f"{noun} {name} changed type from {a['type']} to {b['type']}", a["type"], b["type"])
        if request and a.get("mandatory") is not True and b.get("mandatory") is True:
            add("breaking", f"{area}.now-mandatory", name, f"{noun} {name} became mandatory", a.get("mandatory"), b.get("mandatory"))
        elif request and a.get("mandatory") is True and b.get("mandatory") is False:
            add("non-breaking", f"{area}.now-optional", name, f"{noun} {name} became optional", a.get("mandatory"), b.get("mandatory"))
        gone = [v for v in a.get("enum", []) if v not in b.get("enum", [])]
        new_values = [v for v in b.get("enum", []) if v not in a.get("enum", [])]
        if gone:
            add("breaking", f"{area}.enum-removed", name, f"{noun} {name} lost value(s) {', '.join(gone)}", a.get("enum"), b.get("enum"))
        if new_values:
            add("non-breaking", f"{area}.enum-added", name, f"{noun} {name} gained value(s) {', '.join(new_values)}", a.get("enum"), b.get("enum"))
        if a.get("description") != b.get("description") and not gone and not new_values:
            add("documentation", f"{area}.description", name, f"the description of {noun} {name} changed", a.get("description"), b.get("description"))


def _flat_types(schema: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _flat_types(schema["items"], prefix)
    for name, sub in (schema.get("properties") or {}).items():
        out[f"{prefix}/{name}"] = sub.get("type") or sub.get("anyOf") and "string|number"
        out.update(_flat_types(sub, f"{prefix}/{name}"))
    return out


# --------------------------------------------------------------------------- one contract


def diff_contract(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, merged across languages."""
    merged: dict[tuple[str, str], Change] = {}
    langs = [lang for lang in LANGS if lang in old.get("languages", {}) or lang in new.get("languages", {})]
    for lang in langs:
        o, n = old.get("languages", {}).get(lang), new.get("languages", {}).get(lang)
        if o is None or n is None:
            cls = "documentation"
            merged[("language", lang)] = Change(
                cls, "language.added" if o is None else "language.removed", lang, f"the {lang} page was {'added' if o is None else 'removed'}", [lang]
            )
            continue
        for cls, code, subject, message, before, after in _raw_changes(o, n):
            ch = merged.setdefault((code, subject), Change(cls, code, subject, message, []))
            ch.languages.append(lang)
            ch.before[lang], ch.after[lang] = before, after
    for ch in merged.values():  # one language only: show the other's (unchanged) value beside it
        for lang in langs:
            if lang not in ch.languages and lang in old.get("languages", {}) and lang in new.get("languages", {}):
                ch.before[lang] = _value(old["languages"][lang], ch)
                ch.after[lang] = _value(new["languages"][lang], ch)
        if len(ch.languages) < len(langs) and len(langs) == 2:
            ch.message += f" ({ch.languages[0]} only: translation lag?)"
    changes = list(merged.values())
    # the example can retype a field without the tables changing (DECIMAL as "1.5" vs 1.5)
    reported = {c.subject for c in changes if c.code in ("field.retyped", "field.removed", "field.renamed")}
    ot, nt = _flat_types(old.get("response", {})), _flat_types(new.get("response", {}))
    for path in sorted(set(ot) & set(nt)):
        if ot[path] != nt[path] and path not in reported:
            changes.append(
                Change(
                    "breaking", "field.retyped", path, f"response field {path} is now {nt[path]}, was {ot[path]}", ["en"], {"en": ot[path]}, {"en": nt[path]}
                )
            )
    # anything else on the page (a paragraph, a note) that changed: documentation
    for lang in langs:
        os_, ns_ = old.get("sources", {}).get(lang, {}), new.get("sources", {}).get(lang, {})
        if os_.get("sha256") and ns_.get("sha256") and os_["sha256"] != ns_["sha256"] and not any(lang in c.languages for c in changes):
            changes.append(
                Change("documentation", "page.text-changed", "text", f"the {lang} page's text changed outside the parts contracts are built from", [lang])
            )
    changes += _bilingual_changes(old, new)
    order = {c: i for i, c in enumerate(CLASSES)}
    return sorted(changes, key=lambda c: (order[c.cls], c.code, c.subject))


def _value(summary: dict[str, Any], ch: Change) -> Any:
    area = ch.code.split(".", 1)[0]
    if area == "param":
        return summary["params"].get(ch.subject)
    if area == "field":
        return summary["fields"].get(ch.subject)
    return summary.get(ch.subject)


def _bilingual_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    def keyed(c: dict[str, Any]) -> dict[tuple[str, str], dict]:
        return {(f["code"], f["message"]): f for f in c.get("findings", []) if f["code"].startswith("bilingual.")}

    o, n = keyed(old), keyed(new)
    out = []
    for key in sorted(set(n) - set(o)):
        f = n[key]
        out.append(Change("bilingual", "bilingual.appeared", f["code"], f"the languages now disagree: {f['message']}", sorted(f["values"]), {}, f["values"]))
    for key in sorted(set(o) - set(n)):
        f = o[key]
        out.append(Change("bilingual", "bilingual.resolved", f["code"], f"the languages agree again: {f['message']}", sorted(f["values"]), f["values"], {}))
    return out


def fingerprint(changes: list[Change]) -> str:
    """Same changes, same fingerprint: how alerts find last night's issue instead of opening another."""
    data = json.dumps([[c.code, c.subject, c.after] for c in changes], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- trees and reports


@dataclass
class ContractDrift:
    id: str
    method: str
    path: str
    changes: list[Change]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.changes)

    def worst(self) -> str:
        return self.changes[0].cls if self.changes else "none"


def _contract_files(root: Path) -> dict[str, Path]:
    return {f.relative_to(root).with_suffix("").as_posix(): f for f in contract_files(root)}


def diff_trees(old_dir: Path, new_dir: Path) -> list[ContractDrift]:
    """Contracts are compared by their path under each tree; byte-identical files are not diffed."""
    old, new = _contract_files(old_dir), _contract_files(new_dir)
    out = []
    for cid in sorted(set(old) | set(new)):
        o_bytes = old[cid].read_bytes() if cid in old else None
        n_bytes = new[cid].read_bytes() if cid in new else None
        o = json.loads(o_bytes) if o_bytes is not None else None
        n = o if n_bytes == o_bytes else json.loads(n_bytes) if n_bytes is not None else None
        if o is None:
            changes = [Change("non-breaking", "contract.added", cid, "a new endpoint page", [], {}, {})]
        elif n is None:
            changes = [Change("breaking", "contract.removed", cid, "the endpoint page is gone", [], {}, {})]
        else:
            changes = [] if n is o else diff_contract(o, n)
        c = n or o
        out.append(ContractDrift(c.get("id", cid), c["method"], c["path"], changes))
    return out


def exit_code(drifts: list[ContractDrift], errors: list[str] | None = None) -> int:
    if errors:
        return EXIT["error"]
    classes = {ch.cls for d in drifts for ch in d.changes}
    if "breaking" in classes:
        return EXIT["breaking"]
    return EXIT["drift"] if classes else EXIT["none"]


def report_json(drifts: list[ContractDrift], errors: list[str], base_url: str = "") -> dict[str, Any]:
    """The stable report: ``schema`` names its version; fields are only ever added."""
    code = exit_code(drifts, errors)
    status = {0: "no-drift", 1: "drift", 2: "breaking", 3: "error"}[code]
    summary = {cls: sum(ch.cls == cls for d in drifts for ch in d.changes) for cls in CLASSES}
    return {
        "schema": REPORT_SCHEMA,
        "status": status,
        "exit_code": code,
        "base_url": base_url,
        "summary": summary,
        "errors": errors,
        "contracts": [
            {
                "id": d.id,
                "method": d.method,
                "path": d.path,
                "fingerprint": d.fingerprint,
                "worst": d.worst(),
                "changes": [{**asdict(ch), "class": ch.cls} for ch in d.changes],
            }
            for d in drifts
        ],
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def report_markdown(drifts: list[ContractDrift], errors: list[str], base_url: str = "") -> str:
    """Ready to be a GitHub issue body: a summary table, then each change with before and after."""
    code = exit_code(drifts, errors)
    head = {0: "No doc drift", 1: "Doc drift (non-breaking)", 2: "Doc drift: BREAKING", 3: "Doc drift check could not run"}[code]
    lines = [f"## {head}", ""]
    if base_url:
        lines += [f"Pages fetched from {base_url}.", ""]
    if errors:
        lines += ["Nothing was compared; these pages could not be fetched or read (this is not drift):", ""]
        lines += [f"- {e}" for e in errors] + [""]
    lines += ["| endpoint | contract | breaking | non-breaking | documentation | bilingual |", "|---|---|---|---|---|---|"]
    for d in drifts:
        counts = [sum(ch.cls == cls for ch in d.changes) for cls in CLASSES]
        lines.append(f"| `{d.method} {d.path}` | {d.id} | " + " | ".join(str(n) for n in counts) + " |")
    for d in drifts:
        if not d.changes:
            continue
        lines += ["", f"### {d.method} {d.path}", "", f"`{d.id}` · fingerprint `{d.fingerprint}`", ""]
        for ch in d.changes:
            where = ", ".join(ch.languages) or "contract"
            lines.append(f"- **{ch.cls}** `{ch.code}` ({where}): {ch.message}")
            for lang in sorted(set(ch.before) | set(ch.after)):
                lines.append(f"  - {lang}: {_fmt(ch.before.get(lang))} → {_fmt(ch.after.get(lang))}")
    return "\n".join(lines) + "\n"


def report_junit(drifts: list[ContractDrift], errors: list[str]) -> str:
    cases = []
    for d in drifts:
        name = quoteattr(d.id)
        body = "\n".join(f"{ch.cls} {ch.code} {ch.subject}: {ch.message}" for ch in d.changes)
        breaking = [ch for ch in d.changes if ch.cls == "breaking"]
        inner = ""
        if breaking:
            inner += f'<failure message={quoteattr(f"{len(breaking)} breaking change(s)")} type="breaking">{escape(body)}</failure>'
        elif body:
            inner += f"<system-out>{escape(body)}</system-out>"
        cases.append(f'  <testcase classname="doc-drift" name={name}>{inner}</testcase>')
    for e in errors:
        cases.append(f'  <testcase classname="doc-drift" name="fetch"><error message={quoteattr(e)} type="fetch"/></testcase>')
    failures = sum(1 for d in drifts if any(ch.cls == "breaking" for ch in d.changes))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<testsuite name="doc-drift" tests="{len(cases)}" failures="{failures}" errors="{len(errors)}">\n' + "\n".join(cases) + "\n</testsuite>\n"
    )


def write_reports(report_dir: Path, drifts: list[ContractDrift], errors: list[str], base_url: str = "") -> dict[str, Any]:
    report = report_json(drifts, errors, base_url)
    write_atomic(report_dir / "drift.json", dumps(report))
    write_atomic(report_dir / "drift.md", report_markdown(drifts, errors, base_url).encode())
    write_atomic(report_dir / "drift-junit.xml", report_junit(drifts, errors).encode())
    return report


# --------------------------------------------------------------------------- the live run


@dataclass
class DriftRun:
    drifts: list[ContractDrift]
    errors: list[str]
    exit_code: int
    report: dict[str, Any]


def spec_and_contract(names: dict[str, tuple[str, str]], page) -> tuple[bytes, bytes, str]:
    """A fetched page as its spec file and its contract, made exactly as ``doccontract build`` makes them
    from that file (so a stored spec always rebuilds to the same contract).  Runs in a worker process."""
    from .fetch import docs_path

    display, cid = names[docs_path(page.url)]
    spec = render_crawler(page)
    try:
        contract = contract_for(parse_page(spec, display), cid)
    except NotAnEndpoint as exc:
        return spec, b"", f"{display}: not an endpoint page ({exc.kind})"
    except PageError as exc:
        return spec, b"", str(exc)
    return spec, dumps(contract), ""


def _load_index(path: Path) -> dict[str, list]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _prune(folder: Path, keep: set[Path]) -> None:
    """A kept work folder holds only this run's files: a page dropped from specs/ must not look added."""
    for f in folder.rglob("*"):
        if f.is_file() and f not in keep:
            f.unlink()


def run_drift(
    specs_dir: Path,
    contracts_dir: Path,
    report_dir: Path | None,
    fetcher,
    update: bool = False,
    work_dir: Path | None = None,
) -> DriftRun:
    """Fetch every committed spec's pages, make their contracts aside, diff against the committed ones.

    Nothing in ``specs_dir`` or ``contracts_dir`` changes unless ``update`` and
    the whole run succeeded; then only the pages that changed are rewritten.
    ``work_dir`` (kept between runs) holds the fetched specs and contracts with the
    validators they were made from, so pages that answer 304 are not read again.
    """
    from .fetch import FetchError, docs_path

    errors: list[str] = []
    specs = find_specs([specs_dir])
    refs: dict[str, Any] = {}
    for spec in specs:
        try:
            url = read_meta(spec.path, spec.display).get("source_url", "")
        except PageError as exc:
            errors.append(str(exc))
            continue
        if not url:
            errors.append(f"{spec.display}: no source_url in its front matter; cannot fetch it")
            continue
        refs[url] = spec
    drifts: list[ContractDrift] = []
    with contextlib.ExitStack() as stack:
        work = work_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="doccontract-drift-")))
        tmp_specs, tmp_contracts = work / "specs", work / "contracts"
        if not errors:
            index_file = work / "index.json"
            specs_of = {docs_path(url): spec for url, spec in refs.items()}
            targets = {p: tmp_specs / spec.path.relative_to(specs_dir) for p, spec in specs_of.items()}
            known = _load_index(index_file) if work_dir else {}
            known = {p: v for p, v in known.items() if p in targets and targets[p].exists() and (tmp_contracts / f"{specs_of[p].cid}.json").exists()}
            names = {p: (f"specs/{spec.path.relative_to(specs_dir).as_posix()}", spec.cid) for p, spec in specs_of.items()}
            try:
                fetched = fetcher.fetch_pages(list(refs), known=known, then=partial(spec_and_contract, names))
            except FetchError as exc:
                errors.append(str(exc))
            else:
                for path, result in fetched.items():
                    if result.page is None:
                        continue  # unchanged since this work folder's spec and contract were made
                    spec_bytes, contract_bytes, problem = result.extra
                    if problem:
                        errors.append(f"{problem} (fetched page)")
                        continue
                    write_atomic(targets[path], spec_bytes, durable=False)  # scratch: the work folder
                    write_atomic(tmp_contracts / f"{specs_of[path].cid}.json", contract_bytes, durable=False)
                _prune(tmp_specs, set(targets.values()))
                _prune(tmp_contracts, {tmp_contracts / f"{s.cid}.json" for s in refs.values()})
                if work_dir and not errors:
                    write_atomic(index_file, json.dumps({p: list(r.validators) for p, r in fetched.items()}, sort_keys=True).encode(), durable=False)
        if not errors:
            drifts = diff_trees(contracts_dir, tmp_contracts)
            changed = {d.id for d in drifts if d.changes}
            if update and changed:
                for spec in specs:
                    if spec.cid in changed:
                        rel = spec.path.relative_to(specs_dir)
                        write_atomic(spec.path, (tmp_specs / rel).read_bytes())
                        write_atomic(contracts_dir / f"{spec.cid}.json", (tmp_contracts / f"{spec.cid}.json").read_bytes())
                write_atomic(contracts_dir / OPENAPI_NAME, dumps(openapi_document(load_contracts(contracts_dir))))
    code = exit_code(drifts, errors)
    report = write_reports(report_dir, drifts, errors, getattr(fetcher, "base_url", "")) if report_dir else report_json(drifts, errors)
    return DriftRun(drifts, errors, code, report)
