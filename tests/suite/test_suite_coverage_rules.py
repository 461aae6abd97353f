"""What --require-coverage counts, and how a reason is bounded without being cut mid-word."""

from __future__ import annotations

from helpers import ROOT

from doccontract.rules import SIGNED_RULE_CODES, rule_codes
from doccontract.suite.checks import whole
from doccontract.suite.operations import load_operations
from doccontract.suite.plugin import Coverage


def test_parameter_rules_need_something_to_break():
    assert rule_codes("none", False) == (-1104,)
    assert rule_codes("api-key", False) == (-2014, -2015, -1104)
    assert rule_codes("signed", False) == SIGNED_RULE_CODES  # timestamp is always there to break
    assert -1100 in rule_codes("none", True)


def test_a_pages_own_codes_are_required_live_only():
    (transfer,) = load_operations(ROOT / "contracts", "POST /sapi/v1/margin/loan-group/transfer-out")
    assert -27026 in transfer.documented_codes
    assert -27026 in transfer.required_codes("live") and -27026 not in transfer.required_codes("sandbox")
    assert set(transfer.required_codes("sandbox")) == set(SIGNED_RULE_CODES)
    cov = Coverage({transfer.key: transfer.documented_codes}, {transfer.key: transfer.required_codes("sandbox")})
    for code in SIGNED_RULE_CODES:
        cov.codes.setdefault(transfer.key, set()).add(code)
    cov.statuses[transfer.key] = {200, 400}
    assert cov.gaps() == [] and -27026 in cov.rows()[0]["codes_not_required"]
    cov.codes[transfer.key].discard(-1021)
    assert cov.gaps() == [f"{transfer.key}: never exercised: -1021"]


def test_a_long_quote_ends_at_a_word():
    assert whole("short") == "short"
    text = "word " * 100
    cut = whole(text, 42)
    assert cut.endswith("word …") and len(cut) <= 44 and "wor …" not in cut
    assert whole("x" * 500, 10) == "x" * 10 + " …"
