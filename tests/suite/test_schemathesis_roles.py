"""The Schemathesis hook signs each case with the key of its operation's role (``x-caller``)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from helpers import ROOT

schemathesis = pytest.importorskip("schemathesis")

from doccontract.schemathesis_hook import BinanceSigned  # noqa: E402
from doccontract.wire.credentials import Keyring  # noqa: E402
from doccontract.wire.signing import verify  # noqa: E402

ENV = {
    "BINANCE_PARENT_API_KEY": "demo-parent-key-0001",
    "BINANCE_PARENT_API_SECRET": "demo-parent-secret-0001",
    "BINANCE_CREDIT_API_KEY": "demo-credit-key-2001",
    "BINANCE_CREDIT_API_SECRET": "demo-credit-secret-2001",
}


def _operation(label: str):
    schema = schemathesis.openapi.from_path(str(ROOT / "contracts" / "openapi.json"))
    return next(r.ok() for r in schema.get_all_operations() if r.ok().label == label)


@pytest.mark.parametrize(
    ("label", "key", "secret"),
    [
        ("GET /sapi/v1/margin/loan-groups/activated", "demo-parent-key-0001", "demo-parent-secret-0001"),
        ("GET /sapi/v1/margin/loan-groups/closed", "demo-credit-key-2001", "demo-credit-secret-2001"),
    ],
)
def test_each_case_is_signed_with_its_roles_key(monkeypatch, label, key, secret):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BINANCE_API_KEY", raising=False)
    case = _operation(label).Case(query={})
    auth = BinanceSigned()
    auth.set(case, auth.get(case, None), None)
    assert case.headers["X-MBX-APIKEY"] == key
    query = dict(case.query)
    signature = query.pop("signature")
    assert verify(urlencode(list(query.items())), signature, secret=secret)


def test_a_role_without_a_key_names_the_role_and_variable(monkeypatch):
    monkeypatch.setenv("BINANCE_CREDIT_API_KEY", ENV["BINANCE_CREDIT_API_KEY"])
    monkeypatch.setenv("BINANCE_CREDIT_API_SECRET", ENV["BINANCE_CREDIT_API_SECRET"])
    for name in ("BINANCE_API_KEY", "BINANCE_PARENT_API_KEY", "BINANCE_PARENT_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    case = _operation("GET /sapi/v1/margin/loan-groups/activated").Case(query={})
    auth = BinanceSigned()
    with pytest.raises(RuntimeError, match="BINANCE_PARENT_API_KEY"):
        auth.set(case, auth.get(case, None), None)
    assert isinstance(auth.get(case, None)[0], Keyring)
