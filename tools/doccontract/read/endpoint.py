"""The endpoint model: what one language of a page says about one endpoint, and its findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Finding
from .prose import enum_values


@dataclass
class Param:
    name: str
    type: str
    mandatory: bool | None
    description: str
    items: list[Param] | None = None  # the element table of a list parameter (batchOrders)


@dataclass
class Field:
    name: str
    type: str
    description: str
    children: list[Field] = field(default_factory=list)


def field_paths(fields: list[Field], prefix: str = "") -> dict[str, Field]:
    """Every field of a response table by its path ('/rows/groupId'), parents before children."""
    out: dict[str, Field] = {}
    for f in fields:
        out[f"{prefix}/{f.name}"] = f
        out.update(field_paths(f.children, f"{prefix}/{f.name}"))
    return out


@dataclass
class Example:
    value: Any
    optional: frozenset[str]  # keys whose example comment says they may be absent
    alternatives: list[Any] = field(default_factory=list)  # other answers the page shows ('OR', FULL / MINI)
    repaired: list[str] = field(default_factory=list)  # what the lenient reader had to fix, in words
    comments: dict[str, str] = field(default_factory=dict)  # key -> its // comment
    positional: list[str] = field(default_factory=list)  # comments of keyless lines, in order (kline rows)

    @property
    def values(self) -> list[Any]:
        return [self.value, *self.alternatives]


@dataclass
class Endpoint:
    lang: str
    source: str
    title: str
    security: str | None
    method: str
    path: str
    weight: dict[str, Any] | None
    params: list[Param]
    example: Example | None
    fields: list[Field]
    preconditions: list[str]
    headings: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    caller: str | None = None  # the one account role the description says may call it

    def where(self, part: str) -> str:
        return locate(self.source, self.headings, part)

    def summary(self) -> dict[str, Any]:
        """What this language states, flat and comparable: what drift diffs language by language."""
        fields = {
            path: {"type": f.type, "description": f.description, "enum": enum_values(f.description, f.type)}
            for path, f in field_paths(self.fields).items()
        }
        return {
            "title": self.title,
            "security": self.security,
            "method": self.method,
            "path": self.path,
            "weight": self.weight,
            "params": {
                p.name: {
                    "type": p.type,
                    "mandatory": p.mandatory,
                    "description": p.description,
                    "enum": enum_values(p.description, p.type),
                }
                for p in self.params
            },
            "fields": fields,
            "preconditions": self.preconditions,
        }


def locate(source: str, headings: dict[str, str], part: str) -> str:
    """'file (lang) § heading': where a finding or an error points the reader."""
    heading = headings.get(part)
    return f"{source} § {heading}" if heading else source
