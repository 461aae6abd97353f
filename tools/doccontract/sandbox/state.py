"""The sandbox's state: accounts, risk units, records; read with a size limit and checked fully (the JSON seed,
or a row of the store).

A state that cannot be used is refused at start with one line naming the file
and the place in it, so no request ever meets a half-valid state.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from .._files import FileProblem, file_kind, json_pointer, read_regular
from ..contract.validation import first_error, validator

STATE_FORMAT = 1
MAX_STATE_BYTES = 8 * 1024 * 1024  # far above any useful state; /dev/zero stops here
API_KEY_PATTERN = r"[A-Za-z0-9_-]{8,128}"  # what the sandbox accepts as a key's format (else -2014)
ASSETS = ("USDT", "USDC")  # the two assets the pages name for borrow, repay and transfer
AMOUNT_RE = re.compile(
    r"\d{1,20}(\.\d{1,18})?"
)  # the one rule for an amount the state can hold (read, written, accepted)
AMOUNT = {"type": "string", "pattern": f"^{AMOUNT_RE.pattern}$"}
TIME_MS = {"type": "integer", "minimum": 0, "maximum": 2**53}
WALLET = {"type": "object", "propertyNames": {"pattern": "^[A-Z0-9]{1,20}$"}, "additionalProperties": AMOUNT}


class StateError(ValueError):
    """A sandbox state that cannot be used; names the file and the place in it."""


def _obj(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": {**props, "note": {"type": "string"}},
    }


def _record(required: dict[str, Any]) -> dict[str, Any]:
    """A record row: the fields the model filters on are checked here; the rest is checked by the contracts on
    the way out."""
    return {"type": "object", "required": list(required), "properties": required}


GROUP = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
RECORDS = {
    "borrowRepay": _record(
        {
            "groupId": GROUP,
            "tranId": {"type": "integer"},
            "assetName": {"type": "string"},
            "type": {"enum": ["BORROW", "REPAY"]},
            "timestamp": TIME_MS,
        }
    ),
    "interest": _record({"groupId": GROUP, "assetName": {"type": "string"}, "interestTimestamp": TIME_MS}),
    "forceLiquidations": _record({"groupId": GROUP, "liquidationStartTime": TIME_MS}),
    "liquidationTransfers": _record(
        {
            "groupId": GROUP,
            "liquidationId": {"type": "integer"},
            "liquidationTransferRecord": {"type": "array", "items": _record({"transferTime": TIME_MS})},
        }
    ),
}
STATE_SCHEMA = {
    **_obj(
        ["accounts", "riskUnits"],
        {
            "format": {"const": STATE_FORMAT},
            "description": {"type": "string"},
            "nextTransactionId": {"type": "integer", "minimum": 1},
            "relativeTo": TIME_MS,
            "accounts": {
                "type": "array",
                "items": {
                    **_obj(
                        ["uid", "role", "apiKey"],
                        {
                            "uid": {"type": "integer", "minimum": 1, "maximum": 2**53},
                            "role": {"enum": ["parent", "credit", "collateral"]},
                            "parentUid": {"type": "integer"},
                            "email": {"type": "string", "pattern": r"^[^@\s]{1,64}@[^@\s]{1,255}$"},
                            "apiKey": {"type": "string", "pattern": f"^{API_KEY_PATTERN}$"},
                            "secret": {"type": "string", "pattern": r"^[!-~]{1,256}$"},
                            "publicKey": {"type": "string", "pattern": "^-----BEGIN PUBLIC KEY-----"},
                            "marginType": {"enum": ["CROSS_MARGIN", "PORTFOLIO_MARGIN"]},
                            "wallets": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {"SPOT": WALLET, "MARGIN": WALLET},
                            },
                        },
                    ),
                    "oneOf": [{"required": ["secret"]}, {"required": ["publicKey"]}],
                },
            },
            "riskUnits": {
                "type": "array",
                "items": _obj(
                    ["groupId", "status", "creditUid"],
                    {
                        "groupId": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                        "status": {"enum": ["ACTIVE", "CLOSED"]},
                        "creditUid": {"type": "integer"},
                        "members": {
                            "type": "array",
                            "items": _obj(
                                ["uid"],
                                {
                                    "uid": {"type": "integer"},
                                    "enableSpot": {"type": "boolean"},
                                    "enableMargin": {"type": "boolean"},
                                },
                            ),
                        },
                        "collateralUids": {"type": "array", "items": {"type": "integer"}},
                        "creditLimit": AMOUNT,
                        "interestRate": AMOUNT,
                        "transferOutLtv": AMOUNT,
                        "liabilities": {
                            "type": "array",
                            "items": _obj(
                                ["asset", "principal", "interest"],
                                {"asset": {"enum": list(ASSETS)}, "principal": AMOUNT, "interest": AMOUNT},
                            ),
                        },
                        "createTime": TIME_MS,
                        "closeTime": TIME_MS,
                        "interestAccruedTo": TIME_MS,
                    },
                ),
            },
            "records": {
                "type": "object",
                "additionalProperties": False,
                "properties": {k: {"type": "array", "items": v} for k, v in RECORDS.items()},
            },
        },
    ),
}
_VALIDATOR = validator(STATE_SCHEMA)


@dataclass
class Account:
    uid: int
    role: str  # "parent" | "credit" | "collateral"
    api_key: str
    email: str
    secret: str | None = None
    public_key: str | None = None
    parent_uid: int | None = None
    margin_type: str = "CROSS_MARGIN"
    wallets: dict[str, dict[str, Decimal]] = field(default_factory=lambda: {"SPOT": {}, "MARGIN": {}})

    def balance(self, wallet: str, asset: str) -> Decimal:
        return self.wallets.setdefault(wallet, {}).get(asset, Decimal(0))

    def add(self, wallet: str, asset: str, amount: Decimal) -> None:
        self.wallets.setdefault(wallet, {})[asset] = self.balance(wallet, asset) + amount


@dataclass
class Member:
    uid: int
    enable_spot: bool = True
    enable_margin: bool = True


@dataclass
class Liability:
    asset: str
    principal: Decimal
    interest: Decimal


@dataclass
class RiskUnit:
    group_id: int
    status: str  # "ACTIVE" | "CLOSED"
    credit_uid: int
    members: list[Member]  # collateral accounts; the credit account is always a member
    credit_limit: Decimal
    interest_rate: Decimal  # per hour
    transfer_out_ltv: Decimal
    liabilities: list[Liability] = field(default_factory=list)
    create_time: int = 0
    close_time: int | None = None
    interest_accrued_to: int | None = None

    @property
    def collateral_uids(self) -> list[int]:
        return [m.uid for m in self.members]

    def liability(self, asset: str) -> Liability:
        for li in self.liabilities:
            if li.asset == asset:
                return li
        li = Liability(asset, Decimal(0), Decimal(0))
        self.liabilities.append(li)
        return li

    def outstanding(self) -> bool:
        return any(li.principal > 0 or li.interest > 0 for li in self.liabilities)

    def total_liability(self) -> Decimal:
        return sum((li.principal + li.interest for li in self.liabilities), Decimal(0))


@dataclass
class State:
    accounts: dict[str, Account]  # by API key
    units: dict[int, RiskUnit]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_transaction_id: int = 1
    description: str = ""

    def __post_init__(self) -> None:
        self.by_uid = {a.uid: a for a in self.accounts.values()}
        self.by_email = {a.email.lower(): a for a in self.accounts.values()}
        for k in ("borrowRepay", "interest", "forceLiquidations", "liquidationTransfers"):
            self.records.setdefault(k, [])

    # -- reading
    @classmethod
    def from_json(cls, data: Any, source: str = "<state>", now: float | None = None) -> State:
        """``now`` (seconds): a state that says ``relativeTo`` has its times moved so that moment is now."""
        e = first_error(_VALIDATOR, data)
        if e is not None:
            raise StateError(f"{source}: at {json_pointer(e)}: {e.message}")
        if now is not None and "relativeTo" in data:
            data = _moved(data, int(now * 1000))
        accounts: dict[str, Account] = {}
        uids: dict[int, Account] = {}
        for i, a in enumerate(data["accounts"]):
            where = f"{source}: at /accounts/{i}"
            # JSON Schema's "$" also matches before a final newline: keys are checked whole here
            if not re.fullmatch(API_KEY_PATTERN, a["apiKey"]):
                raise StateError(f"{where}/apiKey: not an API key (8-128 of A-Z a-z 0-9 _ -)")
            if "secret" in a and not re.fullmatch(r"[!-~]{1,256}", a["secret"]):
                raise StateError(f"{where}/secret: not a secret (1-256 printable ASCII characters, no whitespace)")
            if "publicKey" in a:
                _check_public_key(a["publicKey"], where)
            wallets = {
                w: {k: Decimal(v) for k, v in (a.get("wallets") or {}).get(w, {}).items()} for w in ("SPOT", "MARGIN")
            }
            email = a.get("email") or f"{a['role']}{a['uid']}@sandbox.test"
            acc = Account(
                a["uid"],
                a["role"],
                a["apiKey"],
                email,
                a.get("secret"),
                a.get("publicKey"),
                a.get("parentUid"),
                a.get("marginType", "CROSS_MARGIN"),
                wallets,
            )
            if acc.api_key in accounts:
                raise StateError(f"{where}/apiKey: API key used twice")
            if acc.uid in uids:
                raise StateError(f"{where}/uid: uid {acc.uid} used twice")
            if any(b.email.lower() == email.lower() for b in uids.values()):
                raise StateError(f"{where}/email: {email} used twice")
            accounts[acc.api_key] = uids[acc.uid] = acc
        for i, acc in enumerate(uids.values()):
            if acc.parent_uid is not None and getattr(uids.get(acc.parent_uid), "role", None) != "parent":
                raise StateError(f"{source}: at /accounts/{i}/parentUid: {acc.parent_uid} is not a parent account")
        units: dict[int, RiskUnit] = {}
        active_of: dict[int, int] = {}
        for i, u in enumerate(data["riskUnits"]):
            where = f"{source}: at /riskUnits/{i}"
            credit = uids.get(u["creditUid"])
            if credit is None or credit.role != "credit":
                raise StateError(f"{where}/creditUid: {u['creditUid']} is not a credit account")
            members = [
                Member(m["uid"], m.get("enableSpot", True), m.get("enableMargin", True)) for m in u.get("members", [])
            ]
            members += [Member(uid) for uid in u.get("collateralUids", [])]
            for m in members:
                if getattr(uids.get(m.uid), "role", None) != "collateral":
                    raise StateError(f"{where}/members: {m.uid} is not a collateral account")
            if u["groupId"] in units:
                raise StateError(f"{where}/groupId: groupId {u['groupId']} used twice")
            if (
                u["status"] == "ACTIVE"
            ):  # a collateral account backs one active unit (a credit account may hold several)
                for uid in (m.uid for m in members):
                    if uid in active_of:
                        raise StateError(f"{where}: account {uid} is already in active risk unit {active_of[uid]}")
                    active_of[uid] = u["groupId"]
            liabilities = [
                Liability(li["asset"], Decimal(li["principal"]), Decimal(li["interest"]))
                for li in u.get("liabilities", [])
            ]
            units[u["groupId"]] = RiskUnit(
                u["groupId"],
                u["status"],
                credit.uid,
                members,
                Decimal(u.get("creditLimit", "1000000")),
                Decimal(u.get("interestRate", "0.00000833")),
                Decimal(u.get("transferOutLtv", "0.5")),
                liabilities,
                u.get("createTime", 0),
                u.get("closeTime"),
                u.get("interestAccruedTo"),
            )
        records = {k: list(v) for k, v in (data.get("records") or {}).items()}
        return cls(accounts, units, records, data.get("nextTransactionId", 1), data.get("description", ""))

    @classmethod
    def load(cls, path: str | Path | None = None, now: float | None = None) -> State:
        """A state file (at most MAX_STATE_BYTES), or the demo state shipped with the package.

        ``now`` (seconds) seats a state with ``relativeTo`` (the demo's) in the present, so its records
        fall inside the pages' default 7-day windows whenever the sandbox starts."""
        if path is None:
            text = resources.files("doccontract").joinpath("data/sandbox_state.json").read_text(encoding="utf-8")
            return cls.from_json(json.loads(text), "doccontract/data/sandbox_state.json", now)
        try:
            raw = read_regular(path, MAX_STATE_BYTES)  # a FIFO or device refused before any read
        except FileProblem as exc:
            problem = exc.problem.removeprefix("cannot read: ")
            if problem.endswith(", not a file"):
                raise StateError(f"{path}: {problem.removesuffix(', not a file')}, not a state file") from None
            if problem.startswith("larger than"):
                raise StateError(
                    f"{path}: larger than {MAX_STATE_BYTES // (1024 * 1024)} MiB; not a sandbox state"
                ) from None
            raise StateError(f"{path}: cannot read: {problem}") from None
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=no_constant)
        except (ValueError, RecursionError) as exc:
            raise StateError(f"{path}: not JSON: {exc}") from None
        return cls.from_json(data, str(path), now)

    # -- writing
    def to_json(self) -> dict[str, Any]:
        def amounts(wallet: dict[str, Decimal]) -> dict[str, str]:
            return {k: _amount(v) for k, v in wallet.items()}

        accounts = []
        for a in self.accounts.values():
            item: dict[str, Any] = {"uid": a.uid, "role": a.role, "email": a.email, "apiKey": a.api_key}
            item.update({"secret": a.secret} if a.secret is not None else {"publicKey": a.public_key})
            if a.parent_uid is not None:
                item["parentUid"] = a.parent_uid
            item["marginType"] = a.margin_type
            item["wallets"] = {w: amounts(v) for w, v in a.wallets.items() if v}
            accounts.append(item)
        units = []
        for u in self.units.values():
            item = {
                "groupId": u.group_id,
                "status": u.status,
                "creditUid": u.credit_uid,
                "members": [
                    {"uid": m.uid, "enableSpot": m.enable_spot, "enableMargin": m.enable_margin} for m in u.members
                ],
                "creditLimit": _amount(u.credit_limit),
                "interestRate": _amount(u.interest_rate),
                "transferOutLtv": _amount(u.transfer_out_ltv),
                "liabilities": [
                    {"asset": li.asset, "principal": _amount(li.principal), "interest": _amount(li.interest)}
                    for li in u.liabilities
                ],
                "createTime": u.create_time,
            }
            for key, value in (("closeTime", u.close_time), ("interestAccruedTo", u.interest_accrued_to)):
                if value is not None:
                    item[key] = value
            units.append(item)
        out: dict[str, Any] = {"format": STATE_FORMAT}
        if self.description:
            out["description"] = self.description
        out.update(nextTransactionId=self.next_transaction_id, accounts=accounts, riskUnits=units, records=self.records)
        return out

    def restore(self, other: State) -> None:
        """Becomes ``other`` in place: every holder of this State (gateway, model) sees the committed state again."""
        self.__dict__.clear()
        self.__dict__.update(other.__dict__)


HOUR_MS = 3_600_000
#: Where a state's times are: unit dates and every record's own time fields.
_UNIT_TIMES = ("createTime", "closeTime", "interestAccruedTo")
_RECORD_TIMES = ("timestamp", "interestTimestamp", "liquidationStartTime", "liquidationEndTime", "transferTime")


def _moved(data: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """The state with every time moved by whole hours from ``relativeTo`` to ``now_ms`` (never back:
    a clock before ``relativeTo`` keeps the times as written), ``relativeTo`` itself dropped."""
    shift = max(0, (now_ms - now_ms % HOUR_MS) - (data["relativeTo"] - data["relativeTo"] % HOUR_MS))

    def move(value: Any) -> Any:
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, dict):
            return {k: v + shift if k in _RECORD_TIMES and isinstance(v, int) else move(v) for k, v in value.items()}
        return value

    units = [{k: v + shift if k in _UNIT_TIMES else v for k, v in u.items()} for u in data["riskUnits"]]
    rest = {k: v for k, v in data.items() if k != "relativeTo"}
    return {**rest, "riskUnits": units, "records": move(data.get("records") or {})}


def fits(value: Decimal) -> bool:
    """Whether an amount can be written to the state and read again (AMOUNT_RE); the model refuses the rest up front."""
    try:
        return value.is_finite() and AMOUNT_RE.fullmatch(format(value.normalize(), "f") if value else "0") is not None
    except ArithmeticError:
        return False


def _amount(value: Decimal) -> str:
    """The amount as the state holds it; one the loader would refuse is never written (StateError)."""
    if not fits(value):
        raise StateError(
            f"amount {value} cannot be stored (at most 20 digits before the point and 18 after, not negative)"
        )
    return format(value.normalize(), "f") if value else "0"


def open_regular(path: str | Path, shown: str) -> int:
    """A read descriptor on a regular file; a FIFO, directory or device is refused at once (never waited on).

    FileNotFoundError is left to the caller (a missing state may be created).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise StateError(f"{shown}: a directory, not a state file") from None
    except OSError as exc:
        raise StateError(f"{shown}: cannot read: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise StateError(f"{shown}: {file_kind(mode)}, not a state file")
    os.set_blocking(fd, True)
    return fd


def no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_public_key(pem: str, where: str) -> None:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnicodeError):
        raise StateError(f"{where}/publicKey: not a readable PEM public key") from None
    if not isinstance(key, (rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
        raise StateError(f"{where}/publicKey: must be an RSA or Ed25519 public key")
