"""All contracts as one OpenAPI 3.1 document, for Schemathesis, Prism and friends."""

from __future__ import annotations

from typing import Any

from .schema import DIALECT, SIGNING_PARAMS

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
    if c.get("signed"):
        documented = {p["name"] for p in params}
        for name, schema in SIGNING_PARAMS.items():
            if name not in documented:
                params.append({"name": name, "in": "query", "required": name != "recvWindow", "schema": schema})
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
    }
    if any(c.get("security", {}).values()):
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
