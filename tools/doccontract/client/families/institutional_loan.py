"""The Institutional Loan family: method name -> operation, record name, positional parameters, why.

Types, requiredness and fields come from each operation's contract; this table only names them.
The operations are written ``"METHOD /path"``: the sandbox routes its model's handlers by this table too
(``doccontract.sandbox.models.institutional_loan``), so each endpoint is named once.
"""

from __future__ import annotations

INSTITUTIONAL_LOAN: list[tuple[str, str, str, tuple[str, ...], str]] = [
    (
        "close_risk_unit",
        "DELETE /sapi/v1/margin/loan-group",
        "RiskUnitClosure",
        ("group_id",),
        "Close a risk unit (irreversible).",
    ),
    (
        "query_risk_units",
        "GET /sapi/v1/margin/loan-groups/activated",
        "RiskUnits",
        (),
        "The caller's active risk units.",
    ),
    (
        "query_risk_unit_details",
        "GET /sapi/v1/margin/loan-group/ltv-details",
        "RiskUnitDetails",
        ("group_id",),
        "LTV details of the caller's risk units.",
    ),
    (
        "query_closed_risk_units",
        "GET /sapi/v1/margin/loan-groups/closed",
        "ClosedRiskUnits",
        ("current", "size"),
        "Closed risk units, a page at a time.",
    ),
    (
        "edit_member",
        "POST /sapi/v1/margin/loan-group/edit-member",
        "MemberEdit",
        ("group_id", "sub_email", "enable_spot", "enable_margin"),
        "Add collateral accounts to a risk unit.",
    ),
    (
        "borrow",
        "POST /sapi/v1/margin/loan-group/borrow",
        "Borrow",
        ("group_id", "asset_name", "amount"),
        "Borrow for a risk unit.",
    ),
    (
        "repay",
        "POST /sapi/v1/margin/loan-group/repay",
        "Repay",
        ("group_id", "asset_name", "amount"),
        "Repay a risk unit's loan.",
    ),
    (
        "borrow_repay_records",
        "GET /sapi/v1/margin/loan-group/borrow-repay",
        "BorrowRepayRecords",
        ("type", "group_id", "asset"),
        "Borrow or repay records.",
    ),
    (
        "interest_history",
        "GET /sapi/v1/margin/loan-group/interest-history",
        "InterestHistory",
        ("group_id", "asset"),
        "Interest charged, hour by hour.",
    ),
    (
        "transfer",
        "POST /sapi/v1/margin/loan-group/transfer-out",
        "Transfer",
        ("asset", "amount", "sub_email"),
        "Transfer out of a collateral account.",
    ),
    (
        "force_liquidation_records",
        "GET /sapi/v1/margin/loan-group/force-liquidation",
        "ForceLiquidationRecords",
        ("group_id",),
        "Forced liquidations.",
    ),
    (
        "force_liquidation_transfer_records",
        "GET /sapi/v1/margin/loan-group/force-liquidation-transfer-record",
        "ForceLiquidationTransferRecords",
        (),
        "Transfers made by forced liquidations.",
    ),
]
