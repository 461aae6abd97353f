"""The requests the suite sends: valid ones built from the contract, probes Binance rejects by its
documented rules, and hypothesis strategies drawn from the request schema."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from ..rules import RECV_WINDOW_MAX
from .operations import SuiteOperation

#: A well-formed key (64 letters and digits, like Binance's) that no account holds: -2015.
UNKNOWN_KEY = "doccontractUnknownKey" + "0" * 43
#: Not a key's format at all: -2014.
MALFORMED_KEY = "not a key!"
UNDOCUMENTED_NAME = "doccontractUndocumented"
LONG_MAX = 2**63 - 1
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
PARAMETER_CODES = (-1100, -1101, -1102, -1104, -1130)


@dataclass(frozen=True)
class Probe:
    """One request wrong in exactly one documented way, and the code Binance documents for it."""

    name: str
    codes: tuple[int, ...]
    send: dict[str, Any] = field(default_factory=dict)  # keyword arguments of Target.send
    params: dict[str, Any] | list[tuple[str, Any]] | None = None  # None: the valid params
    names: str | None = None  # the parameter the message must name
    status: int | str = "4XX"
    # every parameter valid but for the one rule (a duplicate, an undocumented name, a value past a
    # bound an API might clamp): only that rule stops it, so it is never sent live to a method that
    # changes state ...
    otherwise_valid: bool = False
    # ... unless the one wrong value is an identifier outside its documented range: no object can
    # carry that id, so even an API that let the rule through would find nothing to change
    names_nothing: bool = False

    @property
    def safe_live(self) -> bool:
        """May be sent live to a method that changes state: something besides trust stops it."""
        return not self.otherwise_valid or self.names_nothing


def example_value(op: SuiteOperation, name: str, family: tuple[Any, ...] = ()) -> Any:
    """The value the page's own examples give a field of this name; else its family's pages' examples."""
    for example in (*op.examples, *family):
        found = _find(example, name)
        if found is not None:
            return found
    return None


def _find(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        if name in value and not isinstance(value[name], (dict, list)):
            return value[name]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find(item, name)
            if found is not None:
                return found
    return None


def schema_value(schema: dict[str, Any]) -> Any:
    """A plain value the schema accepts (the smallest sensible one)."""
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum", 1), schema.get("maximum", LONG_MAX)
        return max(low, min(1, high))
    if kind == "number" or "anyOf" in schema:
        return "1"
    if kind == "boolean":
        return True
    return "A"


def valid_params(op: SuiteOperation, inert: bool = False, family: tuple[Any, ...] = ()) -> dict[str, Any]:
    """Every mandatory parameter: the documented examples' value first, else one from the schema.

    ``inert``: schema values only, never the examples' identifiers (live requests to methods
    that change state must name nothing real, even if a rule were not enforced).
    """
    params = {}
    for name in op.required:
        schema = op.params.get(name, {})
        value = None if inert else example_value(op, name, family)
        if value is None or _rejects(schema, value):
            value = (
                schema_value(schema)
                if not (inert and schema.get("type") == "integer")
                else max(schema.get("minimum", 0), 0)
            )
        params[name] = value
    return params


def _rejects(schema: dict[str, Any], value: Any) -> bool:
    from ..contract.validation import validator

    return not validator(schema).is_valid(value)


def undocumented_method(op: SuiteOperation, documented: set[tuple[str, str]]) -> str | None:
    """A method no contract documents on this path, if one exists."""
    for method in ("PUT", "PATCH", "DELETE", "POST", "GET"):
        if (method, op.path) not in documented:
            return method
    return None


def probes(op: SuiteOperation, documented: set[tuple[str, str]]) -> list[Probe]:
    """Binance's documented rules, one broken at a time (error-code.md, general-info.md)."""
    out: list[Probe] = []
    if op.auth_kind in ("api-key", "signed"):
        out += [
            Probe("no API key", (-2014,), {"api_key": None}),
            Probe("malformed API key", (-2014,), {"api_key": MALFORMED_KEY}),
            Probe("unknown API key", (-2015,), {"api_key": UNKNOWN_KEY}),
        ]
    if op.auth_kind == "signed":
        out += [
            Probe("bad signature", (-1022,), {"sign": "0" * 64}),
            Probe("missing signature", (-1102,), {"sign": False}, names="signature"),
            Probe("missing timestamp", (-1102,), {"timestamp": None}, names="timestamp"),
            Probe("timestamp not a number", (-1100,), {"timestamp": "12a"}, names="timestamp"),
            Probe("stale timestamp", (-1021,), {"timestamp": "stale"}),
            Probe("future timestamp", (-1021,), {"timestamp": "future"}),
            Probe(f"recvWindow above {RECV_WINDOW_MAX}", (-1131,), {"recv_window": RECV_WINDOW_MAX + 1}),
        ]
    for name in op.required:
        out.append(Probe(f"missing {name}", (-1102,), params={"$drop": name}, names=name))
    dup = op.required[0] if op.required else ("timestamp" if op.auth_kind == "signed" else None)
    if dup:
        out.append(Probe(f"duplicate {dup}", (-1101,), params={"$duplicate": dup}, otherwise_valid=True))
    out.append(
        Probe("undocumented parameter", (-1104,), params={"$add": (UNDOCUMENTED_NAME, "1")}, otherwise_valid=True)
    )
    for name, schema in op.params.items():
        wrong = wrong_type(schema)
        if wrong is not None:
            codes = (-1100,) if schema.get("type") in ("integer", "number") else (-1100, -1130)
            out.append(Probe(f"{name} of the wrong type", codes, params={"$set": (name, wrong)}))
        beyond = out_of_range(schema)
        ident = is_identifier(name, schema)
        if beyond is not None:
            out.append(
                Probe(
                    f"{name} out of range",
                    (-1100, -1130),
                    params={"$set": (name, beyond)},
                    otherwise_valid=True,
                    names_nothing=ident,
                )
            )
        below = below_range(schema) if ident else None
        if below is not None:
            out.append(
                Probe(
                    f"{name} below range",
                    (-1100, -1130),
                    params={"$set": (name, below)},
                    otherwise_valid=True,
                    names_nothing=True,
                )
            )
    method = undocumented_method(op, documented)
    if method:
        out.append(
            Probe(f"undocumented method {method}", (), {"method": method, "sign": False, "api_key": None}, status=405)
        )
    return out


def wrong_type(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind in ("integer", "number") or "anyOf" in schema:
        return "abc"
    if kind == "boolean":
        return "maybe"
    if schema.get("enum"):
        return "NOT_DOCUMENTED"
    return None


def out_of_range(schema: dict[str, Any]) -> Any:
    if schema.get("type") != "integer":
        return None
    if "maximum" in schema:
        return schema["maximum"] + 1
    return None


def is_identifier(name: str, schema: dict[str, Any]) -> bool:
    """An integer that names one object (``groupId``, ``orderId``, ``tranId``): Binance's id names end in Id."""
    return schema.get("type") == "integer" and (name == "id" or name.endswith(("Id", "ID")))


def below_range(schema: dict[str, Any]) -> Any:
    if schema.get("type") != "integer" or "minimum" not in schema:
        return None
    return schema["minimum"] - 1


def probe_params(probe: Probe, base: dict[str, Any], now_ms: int | None = None) -> list[tuple[str, Any]]:
    """The probe's parameters: the valid ones, changed in the one way the probe names.

    A duplicated ``timestamp`` is not among the valid parameters (the target adds it when it
    signs), so a copy taken at ``now_ms`` is put here and the target's own one follows it:
    the request really carries it twice, both copies inside recvWindow.
    """
    items = list(base.items())
    spec = probe.params if isinstance(probe.params, dict) else {}  # a list is the params themselves: nothing to change
    if "$drop" in spec:
        items = [(k, v) for k, v in items if k != spec["$drop"]]
    if "$duplicate" in spec:
        name = spec["$duplicate"]
        if name in dict(items):
            items.append((name, dict(items)[name]))
        elif name == "timestamp":
            if now_ms is None:
                raise ValueError("a duplicate timestamp probe needs the clock's time (now_ms)")
            items.append((name, now_ms))
        else:
            raise ValueError(f"cannot duplicate {name!r}: it is not among the parameters sent")
    if "$add" in spec:
        items.append(spec["$add"])
    if "$set" in spec:
        name, value = spec["$set"]
        items = [(k, v) for k, v in items if k != name] + [(name, value)]
    return items


# --------------------------------------------------------------------------- generated (hypothesis)


def value_strategy(schema: dict[str, Any]) -> st.SearchStrategy:
    """Values a request schema property accepts."""
    if schema.get("enum"):
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "boolean":
        return st.booleans()
    if kind == "number" or "anyOf" in schema:
        return st.decimals(min_value=0, max_value=10**9, allow_nan=False, allow_infinity=False, places=8).map(str)
    return st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20)


def malformed_strategy(schema: dict[str, Any]) -> st.SearchStrategy | None:
    """Values that are not of the parameter's documented type (non-empty, so not 'missing')."""
    kind = schema.get("type")
    if kind in ("integer", "number") or "anyOf" in schema:
        return st.text(alphabet=string.ascii_letters + "!#$*,;:@~ ", min_size=1, max_size=12)
    return None


def out_of_range_strategy(schema: dict[str, Any]) -> st.SearchStrategy | None:
    if schema.get("type") != "integer":
        return None
    parts = []
    if "maximum" in schema:
        parts.append(st.integers(min_value=schema["maximum"] + 1).filter(lambda v: len(str(v)) <= 40))
    if "minimum" in schema:
        parts.append(st.integers(max_value=schema["minimum"] - 1).filter(lambda v: len(str(v)) <= 41))
    return st.one_of(parts) if parts else None
