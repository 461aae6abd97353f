"""The client picks the key per operation: the role its page restricts it to, else the default key."""

from __future__ import annotations

import pytest
from helpers import ROOT

from doccontract.client import BinanceAPIError, Client, Credentials, Keyring
from doccontract.sandbox import Sandbox

PARENT = Credentials("demo-parent-key-0001", secret="demo-parent-secret-0001", role="parent")
CREDIT = Credentials("demo-credit-key-2001", secret="demo-credit-secret-2001", role="credit")


@pytest.fixture(scope="module")
def api():
    with Sandbox(contracts=ROOT / "contracts").serve() as server:
        yield server.url


def test_a_key_per_role_calls_both_roles_endpoints(api):
    c = Client(base_url=api, keys=Keyring(roles={"parent": PARENT, "credit": CREDIT}))
    units = c.query_risk_units()  # parent only
    assert 1 in {u.group_id for u in units.items}
    assert c.query_closed_risk_units().total >= 1  # credit only
    assert c.query_risk_unit_details(group_id=1).items  # any account: the first role key configured


def test_a_2015_on_a_role_restricted_endpoint_names_the_role_and_the_key_sent(api):
    c = Client("demo-credit-key-2001", "demo-credit-secret-2001", base_url=api)
    with pytest.raises(BinanceAPIError) as info:
        c.query_risk_units()
    assert info.value.code == -2015 and info.value.role == "parent"
    assert "accessible only with the parent account's API key; sent with the client's api_key" in str(info.value)
    assert "demo-credit-secret-2001" not in str(info.value)


def test_a_role_without_a_key_is_refused_before_sending_naming_role_and_variable(api):
    c = Client(base_url=api, keys=Keyring(roles={"credit": CREDIT}))
    with pytest.raises(ValueError) as info:
        c.query_risk_units()
    assert "the parent account's API key" in str(info.value) and "BINANCE_PARENT_API_KEY" in str(info.value)


def test_from_env_reads_a_key_per_role(api):
    env = {
        "BINANCE_PARENT_API_KEY": PARENT.api_key,
        "BINANCE_PARENT_API_SECRET": PARENT.secret,
        "BINANCE_CREDIT_API_KEY": CREDIT.api_key,
        "BINANCE_CREDIT_API_SECRET": CREDIT.secret,
    }
    c = Client.from_env(env, base_url=api)
    assert c.query_risk_units().items and c.query_closed_risk_units().rows
    assert "demo-parent" not in repr(c) and "roles=['credit', 'parent']" in repr(c)


def test_the_default_key_given_twice_is_refused():
    with pytest.raises(ValueError, match="default key once"):
        Client("k" * 10, "s" * 10, keys=Keyring(default=CREDIT))
