"""The Institutional Loan family as one consistent state behind all its endpoints.

Each rule cites its page; where a page is silent the sandbox's assumption is
marked ASSUMPTION here and listed in the README.  Amounts are Decimal; USDT and
USDC (the only assets the pages name) count 1:1 in LTV sums (ASSUMPTION).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ...client.families import TABLES
from ..seam import api_error
from ..state import ASSETS, Account, Member, RiskUnit, State, fits

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
MAX_SPAN_MS = 100 * DAY_MS  # "cannot exceed 100 days" (records pages)
MAX_ACCRUAL_HOURS = 24 * 100  # catch-up after a long stop is bounded; older hours are skipped
# interest rows stay hourly this long (startTime alone reaches back 30 days), then one row per unit, asset and day
HOURLY_DAYS = 30
MAX_ROWS = {
    "interest": 20_000,
    "borrowRepay": 10_000,
}  # the oldest rows beyond these go: the state stays far below its size limit
EIGHT = Decimal("0.00000001")


@dataclass
class Call:
    """One request as the model sees it: who calls, with which typed parameters, at what time (ms).

    ``caller`` is the one account role the operation's contract lets call it (its page's "accessible
    only with the ... API key"); None lets any account call.  The contract states it, not the model.
    """

    account: Account
    params: dict[str, Any]
    now: int
    caller: str | None = None


def _not_found() -> Exception:
    # ASSUMPTION: no page documents the code for "no such active unit of the caller" (-27001).
    return api_error(-27001)


def _forbidden() -> Exception:
    # ASSUMPTION: a role the page excludes ("accessible only with the ... API key") gets Binance's -2015.
    return api_error(-2015, status=401)


def _dec(value: Any, name: str) -> Decimal:
    # ASSUMPTION: no page states a minimum amount, so zero is accepted (it moves nothing); the
    # sandbox invents no parameter rule the contract does not state.  A negative amount is -1130.
    d = Decimal(str(value))
    if not d.is_finite() or d < 0:
        raise api_error(-1130, name)
    if d != _q(d):  # more places than the 8 the model keeps: stored as is, it could never be repaid
        raise api_error(-1111)
    if not fits(d):
        raise api_error(-1130, name)
    return d


def _room(name: str, *totals: Decimal) -> None:
    """-1130 when a balance or liability would grow past what the state can hold (state.fits): refused, never
    written."""
    if not all(fits(t) for t in totals):
        raise api_error(-1130, name)


def _q(d: Decimal) -> Decimal:
    return d.quantize(EIGHT, rounding=ROUND_DOWN)


def _s(d: Decimal) -> str:
    return format(_q(d).normalize(), "f") if d else "0"


def compact_interest(rows: list[dict[str, Any]], cutoff: int) -> list[dict[str, Any]]:
    """Interest rows before ``cutoff`` become one per unit, asset and UTC day (their sum, the day's last principal
    and rate); then only the newest MAX_ROWS["interest"] are kept.  Idempotent: a day's row merges into itself."""
    out: list[dict[str, Any]] = []
    days: dict[tuple[Any, Any, int], dict[str, Any]] = {}
    for r in rows:
        t = r.get("interestTimestamp", 0)
        if t >= cutoff:
            out.append(r)
            continue
        key = (r.get("groupId"), r.get("assetName"), t - t % DAY_MS)
        day = days.get(key)
        try:
            interest = Decimal(str(r.get("interest", "0")))
            total = interest + Decimal(str(day.get("interest", "0"))) if day is not None else interest
            if not total.is_finite():
                raise ArithmeticError
        except ArithmeticError:  # a seeded row the model did not write: kept as it is
            out.append(r)
            continue
        if day is None:
            days[key] = day = {**r, "interestTimestamp": key[2]}
            out.append(day)
        else:
            day.update({k: r[k] for k in ("principal", "interestRate") if k in r})
            day["interest"] = _s(total)
    return out[-MAX_ROWS["interest"] :]


class InstitutionalLoan:
    """Risk units, their accounts, liabilities and interest; every change under one lock.

    Who may call an endpoint is its contract's ``caller`` (checked in :meth:`run`), never restated here.
    """

    def __init__(self, state: State, clock: Callable[[], float]):
        self.state = state
        self.clock = clock
        self.lock = threading.RLock()
        self.changed = False
        self.accrued_hour: int | None = None
        now = int(clock() * 1000)
        for u in state.units.values():
            if u.interest_accrued_to is None:
                u.interest_accrued_to = now - now % HOUR_MS
        # By the client's method name: the operations (method and path) are named once, in the family's
        # table (doccontract.client.families), for the client's methods and for these handlers alike.
        by_name: dict[str, Callable[[Call], Any]] = {
            "query_risk_unit_details": self.ltv_details,
            "query_risk_units": self.active_units,
            "query_closed_risk_units": self.closed_units,
            "edit_member": self.edit_member,
            "close_risk_unit": self.close,
            "borrow": self.borrow,
            "repay": self.repay,
            "borrow_repay_records": self.borrow_repay_records,
            "interest_history": self.interest_history,
            "transfer": self.transfer_out,
            "force_liquidation_records": self.force_liquidations,
            "force_liquidation_transfer_records": self.liquidation_transfers,
        }
        self.handlers: dict[str, tuple[str, Callable[[Call], Any]]] = {}
        for name, operation, *_ in TABLES["institutional_loan"]:
            method, path = operation.split(" ", 1)
            self.handlers[path] = (method, by_name[name])

    def handler(self, method: str, path: str) -> Callable[[Call], Any] | None:
        found = self.handlers.get(path)
        return found[1] if found and found[0] == method else None

    def run(self, fn: Callable[[Call], Any], call: Call) -> Any:
        if call.caller is not None and call.account.role != call.caller:
            raise _forbidden()
        with self.lock:
            self._accrue(call.now)
            return fn(call)

    # ------------------------------------------------------------------ helpers
    def _email(self, uid: int | None) -> str:
        acc = self.state.by_uid.get(uid) if uid is not None else None
        return acc.email if acc else ""

    def _parent_of(self, unit: RiskUnit) -> int | None:
        return self.state.by_uid[unit.credit_uid].parent_uid

    def _active_units_of(self, account: Account) -> list[RiskUnit]:
        """Every active unit that counts the account's wallets: one for a collateral account, any number for a
        credit account."""
        return [
            u
            for u in self.state.units.values()
            if u.status == "ACTIVE" and (u.credit_uid == account.uid or account.uid in u.collateral_uids)
        ]

    def _own_active(self, call: Call) -> RiskUnit:
        """The caller's (credit account's) active unit named by ``groupId``: -27001 otherwise."""
        unit = self.state.units.get(call.params["groupId"])
        if unit is None or unit.status != "ACTIVE" or unit.credit_uid != call.account.uid:
            raise _not_found()
        return unit

    def _units_for_records(self, call: Call) -> list[int]:
        """Records pages: a groupId names one of the caller's units (active or closed); none means the active one."""
        gid = call.params.get("groupId")
        if gid is not None:
            unit = self.state.units.get(gid)
            return [gid] if unit is not None and unit.credit_uid == call.account.uid else []
        return [
            u.group_id for u in self.state.units.values() if u.status == "ACTIVE" and u.credit_uid == call.account.uid
        ]

    def _tx(self) -> int:
        tx = self.state.next_transaction_id
        self.state.next_transaction_id += 1
        return tx

    def _collateral_value(self, unit: RiskUnit) -> Decimal:
        """Stable-coin balances of the wallets the unit counts (the credit account's margin wallet always)."""
        total = Decimal(0)
        credit = self.state.by_uid[unit.credit_uid]
        total += sum((credit.balance("MARGIN", a) for a in ASSETS), Decimal(0))
        for m in unit.members:
            acc = self.state.by_uid[m.uid]
            for wallet, on in (("SPOT", m.enable_spot), ("MARGIN", m.enable_margin)):
                if on:
                    total += sum((acc.balance(wallet, a) for a in ASSETS), Decimal(0))
        return total

    def max_borrow(self, unit: RiskUnit) -> Decimal:
        # ASSUMPTION: the maximum allowed borrow is the unit's credit limit less what it owes.
        return max(Decimal(0), unit.credit_limit - unit.total_liability())

    def max_transfer_out(self, unit: RiskUnit) -> Decimal:
        # ASSUMPTION: transfers out may go as far as leaving the unit at its transfer-out LTV threshold.
        return max(Decimal(0), self._collateral_value(unit) - unit.total_liability() / unit.transfer_out_ltv)

    def _accrue(self, now: int) -> None:
        """Hourly interest (the Interest History page: ``interestRate`` is hourly) on every active unit's principal."""
        hour = now - now % HOUR_MS
        if hour == self.accrued_hour:  # nothing new since the last request this hour
            return
        self.accrued_hour = hour
        for u in self.state.units.values():
            start = u.interest_accrued_to if u.interest_accrued_to is not None else hour
            if u.status != "ACTIVE" or start >= hour:
                continue
            first = max(start + HOUR_MS, hour - (MAX_ACCRUAL_HOURS - 1) * HOUR_MS)
            for t in range(first, hour + 1, HOUR_MS):
                for li in u.liabilities:
                    if li.principal <= 0:
                        continue
                    interest = _q(li.principal * u.interest_rate)
                    li.interest += interest
                    self.state.records["interest"].append(
                        {
                            "groupId": u.group_id,
                            "assetName": li.asset,
                            "principal": _s(li.principal),
                            "interestRate": _s(u.interest_rate),
                            "interest": _s(interest),
                            "interestTimestamp": t,
                        }
                    )
            u.interest_accrued_to = hour
            self.changed = True
        if self.changed:
            self.state.records["interest"] = compact_interest(
                self.state.records["interest"], hour - HOURLY_DAYS * DAY_MS
            )

    @staticmethod
    def _window(call: Call, default_back: int, start_only_back: int | None = None) -> tuple[int, int]:
        """startTime/endTime as the records pages define them; a span over 100 days is -1127.

        The span is judged after the defaults: endTime omitted is now, so a startTime alone more than
        100 days back is refused (the Force Liquidation page: "If endTime is omitted, it defaults to the
        current time. The time span ... must not exceed 100 days").  A page that clamps a startTime sent
        alone (Interest History: 30 days back at most) clamps it first.
        """
        start, end = call.params.get("startTime"), call.params.get("endTime")
        if end is None:
            end = call.now
        if start is None:
            start = end - default_back
        elif start_only_back is not None and call.params.get("endTime") is None:
            start = max(start, call.now - start_only_back)
        if end - start > MAX_SPAN_MS:
            raise api_error(-1127, MAX_SPAN_MS // HOUR_MS)
        return start, end

    @staticmethod
    def _page(call: Call, rows: list[dict[str, Any]]) -> dict[str, Any]:
        # The pages' bounds ("Start from 1", "Max:100") are in the contracts, so the request model
        # refuses values beyond them (-1100).  ASSUMPTION: a bound a page does not state (size below 1)
        # is clamped, not refused: the sandbox invents no parameter rule.
        current = max(1, call.params.get("current", 1))
        size = min(100, max(1, call.params.get("size", 10)))
        return {"total": len(rows), "rows": rows[(current - 1) * size : current * size]}

    # ------------------------------------------------------------------ account pages
    def ltv_details(self, call: Call) -> list[dict[str, Any]]:
        """Parent: all its units (or the one named); credit: its own unit; others: no results."""
        acc, gid = call.account, call.params.get("groupId")
        units = [u for u in self.state.units.values() if u.status == "ACTIVE"]
        if acc.role == "parent":
            units = [u for u in units if self._parent_of(u) == acc.uid]
        elif acc.role == "credit":
            units = [u for u in units if u.credit_uid == acc.uid]
        else:
            units = []
        if gid is not None:
            units = [u for u in units if u.group_id == gid]
        return [self._ltv(u, call.now) for u in units]

    def _ltv(self, u: RiskUnit, now: int) -> dict[str, Any]:
        value, owed = self._collateral_value(u), u.total_liability()
        ltv = owed / value if value > 0 else Decimal(0) if owed == 0 else Decimal(999)
        accounts = []
        for uid, kind, spot, margin in [(u.credit_uid, "CREDIT", True, True)] + [
            (m.uid, "COLLATERAL", m.enable_spot, m.enable_margin) for m in u.members
        ]:
            acc = self.state.by_uid[uid]
            wallets = []
            for wallet, on, name in (("SPOT", spot, "SPOT"), ("MARGIN", margin, acc.margin_type)):
                if on:
                    equity = sum((acc.balance(wallet, a) for a in ASSETS), Decimal(0))
                    wallets.append({"accountType": name, "netEquity": _s(equity), "maintainMargin": "0"})
            accounts.append({"email": acc.email, "type": kind, "wallets": wallets})
        return {
            "groupId": u.group_id,
            "parentEmail": self._email(self._parent_of(u)),
            "creditEmail": self._email(u.credit_uid),
            "updateTime": now,
            "ltv": _s(ltv),
            "totalNetEquity": _s(value - owed) if value >= owed else "-" + _s(owed - value),
            "totalMaintenanceMargin": "0",
            "totalLiability": _s(owed),
            "parentAccountFrozenAmount": "0",
            "maxTransferOutAmount": _s(self.max_transfer_out(u)),
            "maxAllowedBorrowLimit": _s(self.max_borrow(u)),
            "liabilities": [
                {"assetName": li.asset, "principal": _s(li.principal), "interest": _s(li.interest)}
                for li in u.liabilities
            ],
            "collateralAccounts": accounts,
        }

    def active_units(self, call: Call) -> list[dict[str, Any]]:
        """The parent's active units with their members."""
        out = []
        for u in self.state.units.values():
            if u.status != "ACTIVE" or self._parent_of(u) != call.account.uid:
                continue
            members = [{"email": self._email(u.credit_uid), "type": "CREDIT", "enableMargin": True, "enableSpot": True}]
            members += [
                {
                    "email": self._email(m.uid),
                    "type": "COLLATERAL",
                    "enableMargin": m.enable_margin,
                    "enableSpot": m.enable_spot,
                }
                for m in u.members
            ]
            out.append({"groupId": u.group_id, "members": members, "createTime": u.create_time})
        return out

    def closed_units(self, call: Call) -> dict[str, Any]:
        """The caller's closed units, most recently closed first, with their close time."""
        units = sorted(
            (u for u in self.state.units.values() if u.status == "CLOSED" and u.credit_uid == call.account.uid),
            key=lambda u: (u.close_time or 0, u.group_id),
            reverse=True,
        )
        rows = [
            {
                "groupId": u.group_id,
                "parentEmail": self._email(self._parent_of(u)),
                "creditEmail": self._email(u.credit_uid),
                "enabled": False,
                "createTime": u.create_time,
                "closeTime": u.close_time or 0,
            }
            for u in units
        ]
        return self._page(call, rows)

    def edit_member(self, call: Call) -> dict[str, Any]:
        """Add a collateral account (or enable a wallet); TRUE never goes back to FALSE."""
        unit = self.state.units.get(call.params["groupId"])
        if unit is None or unit.status != "ACTIVE" or self._parent_of(unit) != call.account.uid:
            raise _not_found()
        sub = self.state.by_email.get(str(call.params["subEmail"]).lower())
        if sub is None or sub.parent_uid != call.account.uid:
            raise api_error(-3003)  # the code the Transfer page gives for a wrong subEmail
        spot, margin = call.params["enableSpot"], call.params["enableMargin"]
        if sub.uid == unit.credit_uid:
            if not margin:  # "For the credit account, the enableMargin should always be TRUE."
                raise api_error(-1130, "enableMargin")
            return {"status": 0}
        if sub.role != "collateral":
            raise api_error(-1130, "subEmail")  # ASSUMPTION: only collateral sub-accounts join a unit
        member = next((m for m in unit.members if m.uid == sub.uid), None)
        if member is None:
            if self._active_units_of(sub):
                raise api_error(-1130, "subEmail")  # ASSUMPTION: one active unit per account
            unit.members.append(Member(sub.uid, spot, margin))
        else:
            for name, old, new in (
                ("enableSpot", member.enable_spot, spot),
                ("enableMargin", member.enable_margin, margin),
            ):
                if old and not new:  # "cannot be switched from TRUE to FALSE once ... activated"
                    raise api_error(-1130, name)
            member.enable_spot, member.enable_margin = spot, margin
        self.changed = True
        return {"status": 0}

    def close(self, call: Call) -> dict[str, Any]:
        """The caller's unit, active; every liability and its interest repaid; collateral unlinked."""
        unit = self._own_active(call)
        if unit.outstanding():
            raise api_error(-27018)  # ASSUMPTION: no page documents this code
        unit.status = "CLOSED"
        unit.close_time = call.now
        unit.members = []
        self.changed = True
        return {"groupId": unit.group_id, "status": "CLOSED"}

    # ------------------------------------------------------------------ borrow and repay
    def borrow(self, call: Call) -> dict[str, Any]:
        """Raises the unit's liability; over the maximum allowed: -27009."""
        unit = self._own_active(call)
        asset, amount = self._asset(call, "assetName"), _dec(call.params["amount"], "amount")
        if amount > self.max_borrow(unit):
            raise api_error(-27009)
        owed = next((li.principal for li in unit.liabilities if li.asset == asset), Decimal(0))
        _room("amount", owed + amount, call.account.balance("MARGIN", asset) + amount)
        unit.liability(asset).principal += amount
        call.account.add("MARGIN", asset, amount)  # ASSUMPTION: the loan lands in the credit account's margin wallet
        tx = self._tx()
        self._record(unit, tx, "BORROW", asset, amount, call.now)
        self.changed = True
        return {"transactionId": tx, "amount": amount, "status": "success"}

    def repay(self, call: Call) -> dict[str, Any]:
        """Repaid = min(available in the margin wallet, amount, what is owed); interest first."""
        unit = self._own_active(call)
        asset, amount = self._asset(call, "assetName"), _dec(call.params["amount"], "amount")
        li = next((x for x in unit.liabilities if x.asset == asset), None)  # a refused repay adds no liability
        owed = li.principal + li.interest if li is not None else Decimal(0)
        if li is None or owed <= 0:
            raise api_error(-3015)  # ASSUMPTION: nothing owed in that asset
        available = call.account.balance("MARGIN", asset)
        paid = min(available, amount, owed)
        if paid <= 0:
            raise api_error(-3041)
        interest = min(paid, li.interest)  # ASSUMPTION: interest is repaid before principal
        li.interest -= interest
        li.principal -= paid - interest
        call.account.add("MARGIN", asset, -paid)
        tx = self._tx()
        self._record(unit, tx, "REPAY", asset, paid, call.now, principal=paid - interest, interest=interest)
        self.changed = True
        return {"transactionId": tx, "amount": paid}

    def _asset(self, call: Call, name: str) -> str:
        asset = str(call.params[name])
        if asset not in ASSETS:  # "Asset Name , USDT or USDC"
            raise api_error(-1130, name)
        return asset

    def _record(
        self, unit: RiskUnit, tx: int, kind: str, asset: str, amount: Decimal, now: int, **parts: Decimal
    ) -> None:
        row: dict[str, Any] = {"groupId": unit.group_id, "tranId": tx, "assetName": asset, "amount": _s(amount)}
        row.update({k: _s(v) for k, v in parts.items()})
        row.update(status="CONFIRM", type=kind, timestamp=now)
        rows = self.state.records["borrowRepay"]
        rows.append(row)
        del rows[: max(0, len(rows) - MAX_ROWS["borrowRepay"])]

    def borrow_repay_records(self, call: Call) -> dict[str, Any]:
        """Newest first; ``type`` BORROW or REPAY; asset widens the window from 7 to 30 days."""
        kind = str(call.params["type"])
        if kind not in ("BORROW", "REPAY"):
            raise api_error(-1130, "type")
        start, end = self._window(call, 7 * DAY_MS)
        asset = call.params.get("asset")
        start = max(start, end - (30 if asset else 7) * DAY_MS)
        groups = self._units_for_records(call)
        rows = [
            {k: v for k, v in r.items() if k != "groupId"}
            for r in self.state.records["borrowRepay"]
            if r["groupId"] in groups
            and r["type"] == kind
            and start <= r["timestamp"] <= end
            and (asset is None or r["assetName"] == asset)
        ]
        return self._page(call, rows[::-1])

    def interest_history(self, call: Call) -> dict[str, Any]:
        """Newest first; startTime alone reaches back at most 30 days."""
        start, end = self._window(call, 7 * DAY_MS, start_only_back=30 * DAY_MS)
        asset, groups = call.params.get("asset"), self._units_for_records(call)
        rows = [
            r
            for r in self.state.records["interest"]
            if r["groupId"] in groups
            and start <= r["interestTimestamp"] <= end
            and (asset is None or r["assetName"] == asset)
        ]
        return self._page(call, rows[::-1])

    # ------------------------------------------------------------------ transfer
    def transfer_out(self, call: Call) -> dict[str, Any]:
        """Margin wallet -> spot wallet of the same UID, within the Transfer page's rules and codes."""
        acc, email = call.account, call.params.get("subEmail")
        if acc.role == "parent":
            if not email:
                raise api_error(-27026)  # the page: a parent without subEmail gets -27026
            target = self.state.by_email.get(str(email).lower())
            if target is None or target.parent_uid != acc.uid:
                raise api_error(-3003)
        elif email and str(email).lower() != acc.email.lower():
            other = self.state.by_email.get(str(email).lower())
            mine = {u.group_id for u in self._active_units_of(acc)}
            if other is not None and mine & {u.group_id for u in self._active_units_of(other)}:
                raise api_error(-27029)  # ASSUMPTION: naming another account of one's own unit
            raise api_error(-3003)
        else:
            target = acc
        units = self._active_units_of(target)
        if not units:
            raise api_error(-27026)
        if any(m.uid == target.uid and not m.enable_margin for u in units for m in u.members):
            raise api_error(-27027)
        asset, amount = self._asset(call, "asset"), _dec(call.params["amount"], "amount")
        # The wallet backs every unit that holds the account (a credit account may hold several):
        # the move must leave each of them within its threshold, so the least room decides.
        room = min(self.max_transfer_out(u) for u in units)
        if amount > min(room, target.balance("MARGIN", asset)):
            raise api_error(-27028)
        _room("amount", target.balance("SPOT", asset) + amount)
        target.add("MARGIN", asset, -amount)
        target.add("SPOT", asset, amount)
        self.changed = True
        return {"tranId": self._tx(), "amount": amount}

    # ------------------------------------------------------------------ liquidation records (read from the state)
    def force_liquidations(self, call: Call) -> dict[str, Any]:
        start, end = self._window(call, 7 * DAY_MS)
        groups = self._units_for_records(call)
        rows = [
            r
            for r in self.state.records["forceLiquidations"]
            if r.get("groupId") in groups and start <= r.get("liquidationStartTime", 0) <= end
        ]
        return self._page(call, rows[::-1])

    def liquidation_transfers(self, call: Call) -> dict[str, Any]:
        start, end = self._window(call, 7 * DAY_MS)
        groups = self._units_for_records(call)
        rows = []
        for r in self.state.records["liquidationTransfers"]:
            if r.get("groupId") not in groups:
                continue
            moves = [t for t in r.get("liquidationTransferRecord", []) if start <= t.get("transferTime", 0) <= end]
            if moves:
                rows.append({"liquidationId": r.get("liquidationId"), "liquidationTransferRecord": moves})
        return self._page(call, rows[::-1])
