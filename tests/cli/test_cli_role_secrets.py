"""A role's key and secret are masked in an internal error's one line, as the default key's are."""

from __future__ import annotations

import pytest

from doccontract.cli import app as cli
from doccontract.cli import diff as diff_command


@pytest.mark.parametrize(
    "name", ["BINANCE_PARENT_API_SECRET", "BINANCE_CREDIT_API_KEY", "BINANCE_COLLATERAL_API_SECRET"]
)
def test_an_internal_error_masks_a_role_key(monkeypatch, capsys, name):
    secret = "r0le-s3cret-that-must-not-show"
    monkeypatch.setenv(name, secret)

    def boom(args):
        raise RuntimeError(f"something we did not foresee with {secret}")

    monkeypatch.setattr(diff_command, "run", boom)
    assert cli.main(["diff", "a", "b"]) == 70
    err = capsys.readouterr().err
    assert secret not in err and "with ***" in err
