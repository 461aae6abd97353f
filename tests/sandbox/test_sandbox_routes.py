"""The sandbox routes the family's operations by the client's table: each endpoint is named once."""

from __future__ import annotations

from helpers import ROOT

from doccontract.client.families import TABLES
from doccontract.contract.registry import Registry
from doccontract.sandbox import Sandbox


def test_the_sandbox_routes_exactly_the_operations_the_client_table_names():
    table = {row[1] for row in TABLES["institutional_loan"]}
    model = Sandbox().model
    assert {f"{method} {path}" for path, (method, _) in model.handlers.items()} == table
    assert {op.key for op in Registry.load(ROOT / "contracts")} == table  # and the contracts document the same ones
