"""All contracts as one OpenAPI 3.1 document, for Schemathesis, Prism and friends.

Besides parameters and the success schema, each operation carries what the suite checks:
the page's documented examples (only those its schema accepts), the error responses with every
code the operation can answer (``x-error-codes``: the page's, the general rules', and the codes the
sandbox answers though the page does not name them, listed again in ``x-assumed-error-codes``),
the weight header of its unit on every answer, ``Retry-After`` on 429/418, the account role the
page lets call it (``x-caller``), and the security scheme (API key header; signed endpoints add
``timestamp`` and ``signature``, which ``doccontract.schemathesis_hook`` fills in).

Parameters say what the sandbox enforces, so a generator's valid data is accepted: an empty value
is refused for every parameter (-1102), so strings have ``minLength: 1``; ``recvWindow`` is at most
60000 with up to three decimals; where the sandbox keeps amounts to 8 decimal places and refuses
negative ones (the operations whose assumed codes include -1111), a decimal parameter says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..rules import API_KEY_HEADER, RECV_WINDOW_MAX, SIGNED_SECURITY, documented_codes, weight_header
from .catalogue import assumed_operation_codes
from .document import Contract
from .schema import DIALECT
from .validation import validator as make_validator

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
    "required": ["code", "msg"],
}
SIGNING_NOTE = (
    f"SIGNED ({', '.join(SIGNED_SECURITY)}): send timestamp (ms) and signature = HMAC-SHA256 hex "
    "(or RSA / Ed25519 base64) of the percent-encoded query string followed by the body, signature last. "
    "See doccontract.schemathesis_hook."
)


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


#: recvWindow on the wire: up to six digits and three decimals, at most 60000 (-1100 / -1131 otherwise).
RECV_WINDOW = {"type": "number", "minimum": 0, "maximum": RECV_WINDOW_MAX, "multipleOf": 0.001}
#: An amount the Institutional Loan model keeps: not negative (-1130), at most 8 decimal places (-1111).
AMOUNT = {"type": "string", "pattern": "^[0-9]{1,20}(\\.[0-9]{1,8})?$"}
#: Codes a sandbox answers for any operation, whatever its page says: too many requests / banned.
GATEWAY_CODES = (-1003,)


def _query_schema(name: str, schema: dict[str, Any], amounts: bool) -> dict[str, Any]:
    """A parameter schema as the sandbox reads the query: no value is ever empty."""
    out = _strip(schema)
    if name == "recvWindow":
        return {**{k: v for k, v in out.items() if k not in ("type", "anyOf")}, **RECV_WINDOW}
    if amounts and "anyOf" in out and any(isinstance(a, dict) and a.get("type") == "number" for a in out["anyOf"]):
        return {**{k: v for k, v in out.items() if k != "anyOf"}, **AMOUNT}
    if out.get("type") == "string" and "enum" not in out:
        out.setdefault("minLength", 1)
    return out


def _valid_examples(schema: dict[str, Any], examples: list[Any]) -> list[Any]:
    """The page's examples the schema accepts: an example that breaks its own schema would teach a tool a lie."""
    validator = make_validator(schema)
    return [e for e in examples if validator.is_valid(e)]


def _weight_header(c: Contract) -> tuple[str, dict[str, Any]]:
    weight = c.get("weight") or {}
    unit = str(weight.get("unit") or "IP").upper()
    name = weight.get("header") or weight_header(unit)
    return name, {
        "description": f"{unit} weight used in the current minute; one call costs {weight.get('value', 1)}",
        "schema": {"type": "integer", "minimum": 0},
    }


def _error(description: str, headers: dict[str, Any], codes: list[int] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if codes:
        out["x-error-codes"] = codes
    return out


def _operation(c: Contract) -> dict[str, Any]:
    req = c["request"]
    key = f"{c['method'].upper()} {c['path']}"
    assumed = [
        x
        for x in assumed_operation_codes().get(key, ())
        if x not in documented_codes(c, (c.get("auth") or {}).get("kind", "none"))
    ]
    amounts = -1111 in assumed_operation_codes().get(key, ())
    params = []
    for name, schema in req.get("properties", {}).items():
        params.append(
            {
                "name": name,
                "in": "query",
                "required": name in req.get("required", []),
                "schema": _query_schema(name, schema, amounts),
            }
        )
    auth = c.get("auth") or {}
    for name, rule in (auth.get("params") or {}).items():  # the signing parameters: in ``auth``, not ``request``
        schema = {k: v for k, v in rule.items() if k not in ("required", "rule")}
        params.append(
            {
                "name": name,
                "in": "query",
                "required": bool(rule.get("required")),
                "schema": _query_schema(name, schema, amounts),
            }
        )
    header_name, header = _weight_header(c)
    weight_headers = {header_name: header}
    success: dict[str, Any] = {"schema": _strip(c["response"])}
    examples = _valid_examples(c["response"], (c.get("examples") or {}).get("response") or [])
    if examples:
        success["examples"] = {
            f"documented{i + 1}": {"summary": "the page's own example", "value": e} for i, e in enumerate(examples)
        }
    codes = [*documented_codes(c, (c.get("auth") or {}).get("kind", "none")), *assumed, *GATEWAY_CODES]
    codes = list(dict.fromkeys(codes))
    retry = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 0}}}
    op: dict[str, Any] = {
        "operationId": c["id"].replace("/", "."),
        "summary": c["title"].get("en") or c["title"].get("zh-CN", ""),
        "parameters": params,
        "responses": {
            "200": {"description": "Success", "headers": weight_headers, "content": {"application/json": success}},
            "400": _error(
                "Rejected for its parameters, timestamp or signature, "
                "or refused in the state it met (the caller's fault)",
                weight_headers,
                [x for x in codes if x not in (-2014, -2015, *GATEWAY_CODES)],
            ),
            "401": _error(
                "API key missing, malformed (-2014) or rejected (-2015)", {}, [x for x in codes if x in (-2014, -2015)]
            ),
            "418": _error("IP banned for ignoring 429s", retry, [-1003]),
            "429": _error(
                "Request weight limit exceeded: back off for Retry-After seconds", {**weight_headers, **retry}, [-1003]
            ),
            "4XX": _error("The request was rejected: the caller's fault", {}),
            "5XX": _error("Execution status UNKNOWN: the request may have taken effect", {}),
        },
        "x-weight": c.get("weight"),
        "x-security-type": c.get("security"),
        "x-error-codes": codes,
        "x-assumed-error-codes": assumed,
        "x-caller": c.get("caller"),
    }
    if auth.get("kind", "none") != "none":
        op["security"] = [{"ApiKey": []}]
        if auth.get("kind") == "signed":  # format 2 says it in auth (the old "signed" key is gone)
            op["description"] = SIGNING_NOTE
    return op


def openapi_document(contracts: Sequence[Contract]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for c in contracts:
        item = paths.setdefault(c["path"], {})
        item.setdefault(c["method"].lower(), _operation(c))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": "Binance endpoints, as their documentation states them",
            "version": "1",
            "description": SIGNING_NOTE,
        },
        "servers": [{"url": "https://api.binance.com"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}},
        },
    }
