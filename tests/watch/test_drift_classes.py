"""Each documented drift class, on contracts built from variants of the seed page (no HTTP)."""

from __future__ import annotations

import pytest
from helpers import SEED_ID
from test_drift import SEED_TEXT, variant

from doccontract.contract.build import contract_for
from doccontract.read.load import parse_page
from doccontract.watch.drift import diff_contract

PARAM_EN = "groupId| LONG| YES| Risk unit unique identifier  \n"
PARAM_ZH = "groupId| LONG| YES| 唯一风险单位标识符  \n"


def contract(text: str) -> dict:
    return contract_for(parse_page(text.encode(), "specs/x.md"), SEED_ID)


def both(old: str, new: str) -> str:
    """The same replacement in both languages (where the text is shared)."""
    return variant(en=[(old, new)], zh=[(old, new)])


BASE = contract(SEED_TEXT)


@pytest.mark.parametrize(
    "text,expected",
    [
        (both("DELETE /sapi", "POST /sapi"), ("breaking", "method.changed")),
        (both("/sapi/v1/margin/loan-group", "/sapi/v2/margin/loan-group"), ("breaking", "path.changed")),
        (both("1000(UID)", "500(UID)"), ("non-breaking", "weight.decreased")),
        (both("1000(UID)", "1000(IP)"), ("breaking", "weight.unit-changed")),
        (
            variant(en=[(PARAM_EN, PARAM_EN.replace("YES", "NO"))], zh=[(PARAM_ZH, PARAM_ZH.replace("YES", "NO"))]),
            ("non-breaking", "param.now-optional"),
        ),
        (
            variant(
                en=[(PARAM_EN, PARAM_EN + "note| STRING| NO| a note  \n")],
                zh=[(PARAM_ZH, PARAM_ZH + "note| STRING| NO| 备注  \n")],
            ),
            ("non-breaking", "param.added-optional"),
        ),
        (
            variant(
                en=[(PARAM_EN, PARAM_EN.replace("groupId", "unitId"))],
                zh=[(PARAM_ZH, PARAM_ZH.replace("groupId", "unitId"))],
            ),
            ("breaking", "param.renamed"),
        ),
        (
            variant(
                en=[(PARAM_EN, PARAM_EN.replace("LONG", "STRING"))], zh=[(PARAM_ZH, PARAM_ZH.replace("LONG", "STRING"))]
            ),
            ("breaking", "param.retyped"),
        ),
        (
            variant(en=[("CLOSED:This", "DONE:This")], zh=[("CLOSED: 此", "DONE: 此")]),
            ("breaking", "field.enum-removed"),
        ),
        (both("status| STRING|", "state| STRING|").replace('"status"', '"state"'), ("breaking", "field.renamed")),
        (
            variant(
                en=[
                    (
                        "groupId| LONG| Risk unit unique identifier  \nstatus",
                        "groupId| STRING| Risk unit unique identifier  \nstatus",
                    )
                ],
                zh=[("groupId| LONG| 唯一风险单位标识符  \nstatus", "groupId| STRING| 唯一风险单位标识符  \nstatus")],
            ),
            ("breaking", "field.retyped"),
        ),
        (
            variant(en=[("Risk unit unique identifier  \n  \n##", "The risk unit's id  \n  \n##")]),
            ("documentation", "param.description"),
        ),
        # signed -> none: the contract's auth got looser; requests still signed are still taken
        (variant(en=[("(TRADE)", "(NONE)")], zh=[("(USER_DATA)", "(NONE)")]), ("non-breaking", "security.changed")),
    ],
)
def test_each_change_is_classified(text, expected):
    changes = diff_contract(BASE, contract(text))
    assert expected in {(c.cls, c.code) for c in changes}, [(c.cls, c.code, c.subject) for c in changes]


def test_example_retyping_a_decimal_is_breaking_even_when_tables_agree():
    old = contract(both("status| STRING|", "status| DECIMAL|").replace('"status": "CLOSED"', '"status": "1.5"'))
    new = contract(both("status| STRING|", "status| DECIMAL|").replace('"status": "CLOSED"', '"status": 1.5'))
    changes = diff_contract(old, new)
    assert [(c.cls, c.code, c.subject) for c in changes if c.code == "field.retyped"] == [
        ("breaking", "field.retyped", "/status")
    ]


def test_identical_contracts_have_no_changes():
    assert diff_contract(BASE, contract(SEED_TEXT)) == []


def test_a_field_the_table_renamed_is_not_also_removed_and_added_from_the_schema():
    changes = diff_contract(BASE, contract(both("status| STRING|", "state| STRING|").replace('"status"', '"state"')))
    fields = sorted((c.code, c.subject) for c in changes if c.code.startswith("field."))
    assert fields == [("field.renamed", "/status")], fields
