"""All contracts as one OpenAPI 3.1 document, for Schemathesis, Prism and friends."""

from __future__ import annotations

from typing import Any

from .schema import DIALECT

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
    "required": ["code", "msg"],
}


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


def _operation(c: dict[str, Any]) -> dict[str, Any]:
    req = c["request"]
    params = []
    for name, schema in req.get("properties", {}).items():
        params.append({"name": name, "in": "query", "required": name in req.get("required", []), "schema": schema})
    auth = c.get("auth") or {}
    for name, rule in (auth.get("params") or {}).items():  # the signing parameters: in ``auth``, not ``request``
        schema = {k: v for k, v in rule.items() if k not in ("required", "rule")}
        params.append({"name": name, "in": "query", "required": bool(rule.get("required")), "schema": schema})
    op: dict[str, Any] = {
        "operationId": c["id"].replace("/", "."),
        "summary": c["title"].get("en") or c["title"].get("zh-CN", ""),
        "parameters": params,
        "responses": {
            "200": {"description": "Success", "content": {"application/json": {"schema": _strip(c["response"])}}},
            "4XX": {
                "description": "The request was rejected: the caller's fault",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "5XX": {
                "description": "Execution status UNKNOWN: the request may have taken effect",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
        "x-weight": c.get("weight"),
        "x-security-type": c.get("security"),
        "x-error-codes": [e["code"] for e in c.get("errors") or []],
    }
    if auth.get("kind", "none") != "none":
        op["security"] = [{"ApiKey": []}]
    return op


def openapi_document(contracts: list[dict[str, Any]]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for c in contracts:
        item = paths.setdefault(c["path"], {})
        item.setdefault(c["method"].lower(), _operation(c))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {"title": "Binance endpoints, as their documentation states them", "version": "1"},
        "servers": [{"url": "https://api.binance.com"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-MBX-APIKEY"}},
        },
    }
