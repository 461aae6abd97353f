"""Finding and loading committed contracts: how the client, sandbox and suite start."""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

from .._files import FileProblem, read_json
from .document import Contract

OPENAPI_NAME = "openapi.json"
CATALOGUE_NAME = "errors.json"
#: Files at the top of a contracts folder that are not contracts.
NOT_CONTRACTS = frozenset({OPENAPI_NAME, CATALOGUE_NAME})
#: The contract this project was started for; its content comes from the page, only its id is named here.
CLOSE_RISK_UNIT = "binance/institutional_loan/account/Institution-Loan-Group-Close"


def default_dir() -> Path:
    """``$DOCCONTRACT_CONTRACTS``, else the package's contracts: in a clone a link to the committed
    ``contracts/``, once installed the copy shipped in the wheel, so ``check`` and the client work
    from any folder."""
    env = os.environ.get("DOCCONTRACT_CONTRACTS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "contracts"


def load_contracts(root: str | Path) -> list[Contract]:
    """Every contract under ``root`` (the OpenAPI document excluded), sorted by id.

    A file there that is not a contract (not JSON, a list, no id/method/path) is a FileProblem
    naming it: every reader after this one may take the fields for granted."""
    root = Path(root)
    contracts: list[Contract] = []
    for f in contract_files(root):
        data = read_json(f)
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("id", "method", "path")):
            raise FileProblem(f, "not a doccontract contract (no id, method and path); remove it or rebuild")
        contracts.append(cast(Contract, data))  # id, method and path checked: what every reader relies on
    return sorted(contracts, key=lambda c: c["id"])


def contract_files(root: str | Path) -> list[Path]:
    """Every contract file under ``root``: OpenAPI documents and error catalogues (at any depth: a folder
    of separately built trees has one per tree) are not contracts."""
    return [f for f in sorted(Path(root).rglob("*.json")) if f.name not in NOT_CONTRACTS]
