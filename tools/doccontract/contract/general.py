"""Binance's general endpoints (spot ``rest-api/general-endpoints.md``) as contracts, stated once.

Every SDK starts with them (python-binance pings at start-up, binance-connector's ``time()``, our
client's ``sync_time``), and a signed request's ``timestamp`` is judged against the clock
``GET /api/v3/time`` reads, so the client and the sandbox need them even when a contracts folder
documents only SAPI families.  A folder that documents them itself wins (:func:`missing_from`).
Exchange information is not here: neither SDK reads it at start-up, and its symbols are not the
sandbox's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..rules import SERVER_TIME
from .document import Contract, Weight
from .format import FORMAT

PING = ("GET", "/api/v3/ping")
_SOURCE = "binance/binance-spot-api-docs/rest-api/general-endpoints"
_NO_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
#: "Weight: 1" on both; spot counts request weight per IP (no SAPI weight header is invented for /api/).
_WEIGHT_1: Weight = {"value": 1, "unit": "IP", "limit": "IP", "header": None}


def _contract(slug: str, title: str, endpoint: tuple[str, str], response: dict[str, Any], example: Any) -> Contract:
    return {
        "format": FORMAT,
        "id": f"{_SOURCE}/{slug}",
        "title": {"en": title},
        "method": endpoint[0],
        "path": endpoint[1],
        "security": {"en": "NONE"},
        "auth": {"kind": "none"},
        "weight": _WEIGHT_1.copy(),
        "request": dict(_NO_PARAMETERS),
        "response": response,
        "examples": {"response": [example]},
    }


#: GET /api/v3/ping: "Test connectivity to the Rest API", answers ``{}``.
PING_CONTRACT = _contract(
    "test-connectivity", "Test connectivity", PING, {"type": "object", "additionalProperties": False}, {}
)
#: GET /api/v3/time: "Check server time", answers ``{"serverTime": 1499827319559}``.
SERVER_TIME_CONTRACT = _contract(
    "check-server-time",
    "Check server time",
    SERVER_TIME,
    {
        "type": "object",
        "properties": {"serverTime": {"type": "integer", "minimum": 0, "description": "Milliseconds since the epoch"}},
        "required": ["serverTime"],
    },
    {"serverTime": 1499827319559},
)
GENERAL_CONTRACTS = (PING_CONTRACT, SERVER_TIME_CONTRACT)


def missing_from(endpoints: Iterable[tuple[str, str]]) -> list[Contract]:
    """The general contracts whose ``(METHOD, path)`` is not among ``endpoints`` (a folder's own win)."""
    have = {(m.upper(), p) for m, p in endpoints}
    return [c for c in GENERAL_CONTRACTS if (c["method"], c["path"]) not in have]
