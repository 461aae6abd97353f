"""The change model: what a drift finding is, its class, why a breaking one breaks a client, and
the exit code a list of them makes.  Every other drift room speaks in these terms."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

CLASSES = ("breaking", "non-breaking", "documentation", "bilingual", "news")  # news: a change log's new entries
EXIT = {"none": 0, "drift": 1, "breaking": 2, "error": 3}


#: Why each breaking change breaks a client, in one line (shown beside the change).
WHY_BREAKING = {
    "method.changed": "calls with the old HTTP method are answered 404/405",
    "path.changed": "calls to the old path are answered 404",
    "weight.unit-changed": (
        "the calls now count against another rate limit, so limits budgeted for the old one are wrong"
    ),
    "weight.increased": "each call costs more of the rate limit: clients that budget weight hit 429/418 sooner",
    "security.changed": "requests signed (or not) the old way are refused",
    "caller.narrowed": "calls with the API key of an account role the page no longer names are refused (-2015)",
    "caller.changed": "calls with the API key of the role the page used to name are refused (-2015)",
    "param.renamed": "requests sending the old name are refused or the value ignored",
    "param.removed": "requests still sending it may be refused as carrying an undocumented parameter",
    "param.added-mandatory": "requests without the new parameter are refused (-1102)",
    "param.retyped": "values of the old type may be refused (-1100)",
    "param.now-mandatory": "requests that leave it out are now refused (-1102)",
    "param.enum-removed": "requests sending the removed value are refused",
    "field.renamed": "code reading the old field name finds nothing",
    "field.removed": "code reading that field finds nothing",
    "field.retyped": "code parsing the old type fails or misreads the value",
    "field.enum-removed": "code matching on the removed value never sees it again",
    "contract.removed": "the endpoint's page is gone: calls may be answered 404",
    "error-code.removed": "code that handles this error code never sees it again; the server may answer with another",
    "error-code.re-meant": "code that handles this error code acts on a meaning it no longer has",
    "page.gone": "the endpoint's page is gone (the endpoint may have been removed): calls may be answered 404",
}


@dataclass
class Change:
    cls: str  # one of CLASSES
    code: str  # stable: "param.added-mandatory", "field.removed", "weight.increased", ...
    subject: str  # what changed: a parameter name, a field path, "weight", ...
    message: str
    languages: list[str]  # where it changed: ["en"], ["zh-CN"] (translation lag) or both
    before: dict[str, Any] = field(default_factory=dict)  # per language
    after: dict[str, Any] = field(default_factory=dict)
    waived: str = ""  # why this change is accepted and until when (from the waivers file); waived changes do not alert

    @property
    def why(self) -> str:
        """For a breaking change, one line on why it breaks a client."""
        return (
            WHY_BREAKING.get(self.code, "a client written for the old page may fail") if self.cls == "breaking" else ""
        )


_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[,.;:!?，。；：！？、)）])|(?<=[(（])\s+")


def wording(text: str | None) -> str:
    """A description as a reader reads it: 'Asset Name , USDT' and 'Asset Name, USDT' are one wording."""
    return _SPACE_BEFORE_MARK.sub("", " ".join((text or "").split()))


def fingerprint(changes: list[Change]) -> str:
    """Same changes, same fingerprint: how alerts find last night's issue instead of opening another."""
    data = json.dumps([[c.code, c.subject, c.after] for c in changes], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:12]


@dataclass
class ContractDrift:
    id: str
    method: str
    path: str
    changes: list[Change]
    urls: dict[str, str] = field(default_factory=dict)  # language -> the page's URL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.changes)

    def live(self) -> list[Change]:
        """The changes that alert: every change not waived."""
        return [c for c in self.changes if not c.waived]

    def worst(self) -> str:
        live = self.live()
        return live[0].cls if live else ("waived" if self.changes else "none")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" if self.method else self.id


def exit_code(drifts: list[ContractDrift], errors: list[str] | None = None) -> int:
    """The worst of all: 3 when any page could not be compared, else 2 for breaking drift, 1 for other drift."""
    if errors:
        return EXIT["error"]
    classes = {ch.cls for d in drifts for ch in d.live()}
    if "breaking" in classes:
        return EXIT["breaking"]
    return EXIT["drift"] if classes else EXIT["none"]
