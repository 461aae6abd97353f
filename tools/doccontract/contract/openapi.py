"""All contracts as one OpenAPI 3.1 document, for Schemathesis, Prism and friends.

Besides parameters and the success schema, each operation carries what the suite checks:
the page's documented examples, the error responses with Binance's documented codes
(``x-error-codes``), the weight header of its unit on every answer, ``Retry-After`` on 429/418,
and the security scheme (API key header; signed endpoints add ``timestamp`` and ``signature``,
which ``doccontract.schemathesis_hook`` fills in).
"""

from __future__ import annotations

from typing import Any

from ..rules import documented_codes, weight_header
from .schema import DIALECT

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
    "required": ["code", "msg"],
}
SIGNING_NOTE = (
    "SIGNED (TRADE, MARGIN, USER_DATA): send timestamp (ms) and signature = HMAC-SHA256 hex (or RSA / Ed25519 base64) "
    "of the percent-encoded query string followed by the body, signature last. See doccontract.schemathesis_hook."
)


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


def _weight_header(c: dict[str, Any]) -> tuple[str, dict[str, Any]]:
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


def _operation(c: dict[str, Any]) -> dict[str, Any]:

    req = c["request"]
    params = []
    for name, schema in req.get("properties", {}).items():
        params.append({"name": name, "in": "query", "required": name in req.get("required", []), "schema": _strip(schema)})
    auth = c.get("auth") or {}
    for name, rule in (auth.get("params") or {}).items():  # the signing parameters: in ``auth``, not ``request``
        schema = {k: v for k, v in rule.items() if k not in ("required", "rule")}
        params.append({"name": name, "in": "query", "required": bool(rule.get("required")), "schema": schema})
    header_name, header = _weight_header(c)
    weight_headers = {header_name: header}
    success: dict[str, Any] = {"schema": _strip(c["response"])}
    examples = (c.get("examples") or {}).get("response") or []
    if examples:
        success["examples"] = {f"documented{i + 1}": {"summary": "the page's own example", "value": e} for i, e in enumerate(examples)}
    codes = list(documented_codes(c, (c.get("auth") or {}).get("kind", "none")))
    retry = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 0}}}
    op: dict[str, Any] = {
        "operationId": c["id"].replace("/", "."),
        "summary": c["title"].get("en") or c["title"].get("zh-CN", ""),
        "parameters": params,
        "responses": {
            "200": {"description": "Success", "headers": weight_headers, "content": {"application/json": success}},
            "400": _error("Rejected for its parameters, timestamp or signature (the caller's fault)", weight_headers, [x for x in codes if x not in (-2014, -2015)]),
            "401": _error("API key missing, malformed (-2014) or rejected (-2015)", {}, [x for x in codes if x in (-2014, -2015)]),
            "418": _error("IP banned for ignoring 429s", retry, [-1003]),
            "429": _error("Request weight limit exceeded: back off for Retry-After seconds", {**weight_headers, **retry}, [-1003]),
            "4XX": _error("The request was rejected: the caller's fault", {}),
            "5XX": _error("Execution status UNKNOWN: the request may have taken effect", {}),
        },
        "x-weight": c.get("weight"),
        "x-security-type": c.get("security"),
        "x-error-codes": codes,
    }
    if auth.get("kind", "none") != "none":
        op["security"] = [{"ApiKey": []}]
        if c.get("signed"):
            op["description"] = SIGNING_NOTE
    return op


def openapi_document(contracts: list[dict[str, Any]]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for c in contracts:
        item = paths.setdefault(c["path"], {})
        item.setdefault(c["method"].lower(), _operation(c))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {"title": "Binance endpoints, as their documentation states them", "version": "1", "description": SIGNING_NOTE},
        "servers": [{"url": "https://api.binance.com"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}},
        },
    }
