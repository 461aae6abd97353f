"""Where a page disagrees with itself: its response example against its own field tables.

Every disagreement is a finding naming both sides; none makes the contract refuse the page's own
example.  A field the table types one way and the example another is ``page.example-type``: the
contract accepts both (:func:`doccontract.contract.types.reconcile`).  ``page.example-invalid``
is left for what the type policy cannot reconcile (it should not occur: a test holds every
corpus contract to its own examples).
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonschema import ValidationError

from .._files import json_pointer
from ..read.endpoint import Endpoint, Field, field_paths
from ..read.model import Finding
from .types import SCALARS, json_kind, known_type, schema_kinds, type_schema
from .validation import best_error
from .validation import validator as make_validator


def _example_at(value: Any, path: str) -> list[Any]:
    """The example's values at a field path ('/rows/liquidationSnapshot'), array levels passed through."""
    values = [value]
    for name in path.strip("/").split("/"):
        flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
        values = [v[name] for v in flat if isinstance(v, dict) and name in v]
    return values


def _shape_conflicts(fields: list[Field], example: Any, where: str) -> list[Finding]:
    """A table field with members called an array where the example shows one object."""
    found = []
    for path, f in field_paths(fields).items():
        if (
            f.children
            and type_schema(f.type).get("type") == "array"
            and any(isinstance(v, dict) for v in _example_at(example, path))
        ):
            found.append(
                Finding(
                    "page.example-shape",
                    "warning",
                    f"the field table calls {path} {f.type!r} (an array) but the example shows one object; "
                    "the example's shape is used",
                    where,
                    {"field": path, "documented": f.type},
                )
            )
    return found


def _walk_example(value: Any, prefix: str = "") -> set[str]:
    """JSON-pointer-like paths of every key in an example (array levels skipped)."""
    out: set[str] = set()
    if isinstance(value, list):
        for item in value:
            out |= _walk_example(item, prefix)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.add(f"{prefix}/{k}")
            out |= _walk_example(v, f"{prefix}/{k}")
    return out


def _table_against_example(fields: list[Field], example: Any, where: str) -> list[Finding]:
    found = []
    documented = set(field_paths(fields))
    shown = _walk_example(example)
    documented_names = {p.rsplit("/", 1)[-1] for p in documented}
    for path in sorted(shown - documented):
        if path.rsplit("/", 1)[-1] in documented_names:
            continue  # documented at another nesting level: the table flattened it
        found.append(
            Finding(
                "page.example-field-undocumented",
                "warning",
                f"the example has {path}, which the field table does not list",
                where,
                {"field": path},
            )
        )
    shown_names = {p.rsplit("/", 1)[-1] for p in shown}
    for path in sorted(documented - shown):
        if path.rsplit("/", 1)[-1] in shown_names:
            continue
        found.append(
            Finding(
                "page.field-missing-from-example",
                "info",
                f"the field table lists {path}, which the example does not show",
                where,
                {"field": path},
            )
        )
    return found


def _type_conflicts(fields: list[Field], values: list[Any], where: str) -> list[Finding]:
    """A scalar field the table types one way and the example shows another: both named, the example's kept."""
    found = []
    for path, f in field_paths(fields).items():
        if f.children or not known_type(f.type):
            continue
        table = schema_kinds(type_schema(f.type))
        if not table or not table <= set(SCALARS):
            continue
        shown = [x for v in values for x in _example_at(v, path) if json_kind(x) in SCALARS]
        odd = [x for x in shown if json_kind(x) not in table]
        if not odd:
            continue
        kind = json_kind(odd[0])
        found.append(
            Finding(
                "page.example-type",
                "warning",
                f"the field table calls {path} {f.type!r} but the example shows {json.dumps(odd[0])} ({kind}); "
                "the contract accepts both, the example's type first",
                where,
                {"field": path, "documented": f.type, "example": odd[0], "exampleType": kind},
            )
        )
    return found


def consistency_findings(ep: Endpoint, schema: dict[str, Any]) -> list[Finding]:
    """Where the page disagrees with itself: its example against its own tables."""
    found: list[Finding] = []
    where_fields = ep.where("fields")
    for p in ep.params:
        if p.type and not known_type(p.type):
            found.append(
                Finding(
                    "page.unknown-type",
                    "warning",
                    f"parameter {p.name!r} has type {p.type!r}, which the type table does not know",
                    ep.where("params"),
                    {"type": p.type},
                )
            )
    for path, f in field_paths(ep.fields).items():
        if f.type and not known_type(f.type):
            found.append(
                Finding(
                    "page.unknown-type",
                    "warning",
                    f"response field {path} has type {f.type!r}, which the type table does not know",
                    where_fields,
                    {"type": f.type},
                )
            )
    if ep.example is None:
        return found
    if ep.fields:
        found += _table_against_example(ep.fields, ep.example.value, where_fields)
        found += _shape_conflicts(ep.fields, ep.example.value, where_fields)
        found += _type_conflicts(ep.fields, ep.example.values, where_fields)
    else:
        found.append(
            Finding(
                "page.no-field-table",
                "info",
                "no response field table; the schema comes from the example alone",
                ep.where("example"),
            )
        )
    validator = make_validator(schema)
    by_field: dict[
        str, list[ValidationError]
    ] = {}  # one finding per field, not one per array element, in instance order
    for each in sorted(
        (e for v in ep.example.values for e in validator.iter_errors(v)),
        key=lambda e: [str(p) for p in e.absolute_path],
    ):
        by_field.setdefault(re.sub(r"/\d+(?=/|$)", "/*", json_pointer(each)), []).append(each)
    for group in by_field.values():
        err: Any = best_error(group)  # never None: a group holds at least one error
        pointer = json_pointer(err)
        found.append(
            Finding(
                "page.example-invalid",
                "warning",
                f"the example at {pointer} breaks its own contract: {err.message}",
                where_fields,
                {
                    "pointer": pointer,
                    "example": err.instance if not isinstance(err.instance, (dict, list)) else None,
                    "documented": err.schema.get("x-doc-type"),
                },
            )
        )
    return found
