"""How much the contract suite catches: plant one API deviation at a time and run the live checks.

A proxy sits in front of a fresh sandbox and changes what passes through it in exactly one
way (an answer's enum value, an id's type, a missing weight header, swapped -2014/-2015, an
unsigned or stale or keyless request let through ...).  ``doccontract check --target live``
runs through the proxy with the sandbox's demo credentials and both destructive opt-ins (the
sandbox is disposable), so the close's own answer is judged too.  A deviation is caught when
the check exits 1; the run without a deviation must exit 0 for the score to mean anything.

    python tools/bench_strength.py [--operation PATTERN] [--only NAME ...]
    python tools/bench_strength.py --operation '/sapi/*' --known-deviations tests/contract_known_deviations.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from doccontract.contract.store import default_dir
from doccontract.rules import API_KEY_HEADER, SAPI_WEIGHT_HEADERS
from doccontract.sandbox import Sandbox
from doccontract.suite.sandbox_target import demo_credentials
from doccontract.watch.loopback import LoopbackServer, QuickHandler
from doccontract.wire.request import TIMESTAMP_RE
from doccontract.wire.signing import Signer, encode_params
from doccontract.wire.transport import header_count

WEIGHT_HEADERS = tuple(SAPI_WEIGHT_HEADERS.values())  # the IP and the UID header: a rename swaps them
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


@dataclass
class Exchange:
    """One request on its way through the proxy, and the answer on its way back."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    status: int = 0
    answer_headers: dict[str, str] = field(default_factory=dict)
    answer: bytes = b""

    def json(self):
        try:
            return json.loads(self.answer)
        except ValueError:
            return None

    def set_json(self, value) -> None:
        self.answer = json.dumps(value).encode()


def _resign(ex: Exchange, secret: str) -> None:
    """Re-sign the query (the proxy's way to let a request through that Binance would refuse)."""
    pairs = [(k, v) for k, v in ex.query if k != "signature"]
    payload = encode_params(pairs)
    ex.query = [*pairs, ("signature", Signer(secret=secret).sign(payload + ex.body.decode()))]


# --------------------------------------------------------------------------- deviations


def _on_success(change: Callable[[dict], None]) -> Callable[[Exchange], None]:
    def after(ex: Exchange) -> None:
        body = ex.json()
        if ex.status == 200 and isinstance(body, dict):
            change(body)
            ex.set_json(body)

    return after


def _on_error(change: Callable[[Exchange, dict], None]) -> Callable[[Exchange], None]:
    def after(ex: Exchange) -> None:
        body = ex.json()
        if ex.status >= 400 and isinstance(body, dict) and "code" in body:
            change(ex, body)

    return after


def _swap_codes(ex: Exchange, body: dict) -> None:
    body["code"] = {-2014: -2015, -2015: -2014}.get(body["code"], body["code"])
    ex.set_json(body)


def _drop_msg(ex: Exchange, body: dict) -> None:
    body.pop("msg", None)
    ex.set_json(body)


def _html(ex: Exchange, body: dict) -> None:
    ex.answer = f"<html><body><h1>Error {body.get('code')}</h1></body></html>".encode()
    ex.answer_headers["Content-Type"] = "text/html"


def _ok(ex: Exchange, body: dict) -> None:
    ex.status = 200


def _weight(change: Callable[[Exchange, str], None]) -> Callable[[Exchange], None]:
    def after(ex: Exchange) -> None:
        for name in list(ex.answer_headers):
            if name.upper() in WEIGHT_HEADERS:
                change(ex, name)

    return after


def _drop_header(ex: Exchange, name: str) -> None:
    del ex.answer_headers[name]


def _rename_header(ex: Exchange, name: str) -> None:
    other = WEIGHT_HEADERS[1] if name.upper() == WEIGHT_HEADERS[0] else WEIGHT_HEADERS[0]
    ex.answer_headers[other] = ex.answer_headers.pop(name)


def _double_header(ex: Exchange, name: str) -> None:
    count = header_count(ex.answer_headers[name])  # not isdigit(): '²' passes it, int() refuses it
    if count is not None:
        ex.answer_headers[name] = str(count * 2)


def _accept_unsigned(secret: str, key: str) -> Callable[[Exchange], None]:
    def before(ex: Exchange) -> None:
        if "signature" not in dict(ex.query):
            _resign(ex, secret)

    return before


def _accept_stale(secret: str, key: str) -> Callable[[Exchange], None]:
    def before(ex: Exchange) -> None:
        params = dict(ex.query)
        ts = params.get("timestamp", "")
        if TIMESTAMP_RE.fullmatch(ts) and abs(int(ts) - time.time() * 1000) > 1000 and "signature" in params:
            ex.query = [(k, str(int(time.time() * 1000)) if k == "timestamp" else v) for k, v in ex.query]
            _resign(ex, secret)

    return before


def _accept_keyless(secret: str, key: str) -> Callable[[Exchange], None]:
    def before(ex: Exchange) -> None:
        if not any(k.lower() == API_KEY_HEADER.lower() for k in ex.headers):
            ex.headers[API_KEY_HEADER] = key

    return before


def _not_found(ex: Exchange) -> None:
    ex.status = 404
    ex.set_json({"code": -1000, "msg": "Not found."})


def _set(name: str, value_of: Callable) -> Callable[[dict], None]:
    def change(body: dict) -> None:
        if name in body:
            body[name] = value_of(body[name])

    return change


def _drop(name: str) -> Callable[[dict], None]:
    return lambda body: body.pop(name, None)


def _forget_closed(ex: Exchange) -> None:
    """A stateless stand-in: the closed-unit records never list a unit the run closed."""
    body = ex.json()
    if ex.path.endswith("/loan-groups/closed") and ex.status == 200 and isinstance(body, dict):
        body["rows"] = [r for r in body.get("rows", []) if r.get("groupId") != 10001]
        ex.set_json(body)


RESPONSE_DEVIATIONS: dict[str, Callable[[Exchange], None]] = {
    "status enum value not documented": _on_success(_set("status", lambda v: "DONE")),
    "groupId answered as a string": _on_success(_set("groupId", str)),
    "another groupId echoed": _on_success(_set("groupId", lambda v: v + 1 if isinstance(v, int) else v)),
    "a documented field missing (status)": _on_success(_drop("status")),
    "weight header missing": _weight(_drop_header),
    "weight header of the other unit": _weight(_rename_header),
    "weight header value doubled": _weight(_double_header),
    "-2014 and -2015 swapped": _on_error(_swap_codes),
    "error body without msg": _on_error(_drop_msg),
    "HTML error body": _on_error(_html),
    "200 with an error body": _on_error(_ok),
    "404 on the documented path": _not_found,
    "closed records never list the closed unit": _forget_closed,
}
REQUEST_DEVIATIONS: dict[str, Callable[[str, str], Callable[[Exchange], None]]] = {
    "unsigned requests accepted": _accept_unsigned,
    "stale or future timestamps accepted": _accept_stale,
    "keyless requests accepted": _accept_keyless,
}


# --------------------------------------------------------------------------- the proxy


class Proxy(LoopbackServer):
    def __init__(self, upstream: str, before=None, after=None):
        session = requests.Session()

        class Handler(QuickHandler):
            def _relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                ex = Exchange(
                    self.command,
                    parts.path,
                    parse_qsl(parts.query, keep_blank_values=True),
                    {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "host"},
                    self.rfile.read(length) if length else b"",
                )
                if before:
                    before(ex)
                query = encode_params(ex.query)
                resp = session.request(
                    ex.method,
                    f"{upstream}{ex.path}" + (f"?{query}" if query else ""),
                    data=ex.body or None,
                    headers=ex.headers,
                    timeout=10,
                )
                ex.status, ex.answer = resp.status_code, resp.content
                ex.answer_headers = {k: v for k, v in resp.headers.items() if k.lower() not in HOP}
                if after:
                    after(ex)
                self.send_response(ex.status)
                for k, v in ex.answer_headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(ex.answer)))
                self.end_headers()
                self.wfile.write(ex.answer)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _relay

        super().__init__(Handler)


def run_check(
    proxy_url: str, operation: str, contracts: Path, key: str, secret: str, known: str | None = None
) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    env |= {
        "BINANCE_BASE_URL": proxy_url,
        "BINANCE_CREDIT_API_KEY": key,
        "BINANCE_CREDIT_API_SECRET": secret,
        "BINANCE_LIVE_CLOSE_GROUP_ID": "10001",
    }
    parent_key, parent = demo_credentials("parent")  # the parent-only endpoints are checked with the parent's key
    env |= {"BINANCE_PARENT_API_KEY": parent_key, "BINANCE_PARENT_API_SECRET": parent["secret"]}
    cmd = [sys.executable, "-m", "doccontract", "check", "--target", "live", "--allow-destructive", "--format", "json"]
    cmd += ["--contracts", str(contracts), "--operation", operation]
    cmd += ["--", "--known-deviations", known] if known else []
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    try:
        report = json.loads(r.stdout)
        failed = [f"{x['check']}: {x['detail'][:90]}" for x in report["results"] if x["outcome"] == "FAILED"]
    except ValueError:
        failed = [(r.stdout + r.stderr).strip()[-200:]]
    return r.returncode, failed


def one_run(
    contracts: Path, operation: str, key: str, secret: str, known: str | None, before=None, after=None
) -> tuple[int, list[str]]:
    sandbox = Sandbox(contracts=contracts)
    with sandbox.serve() as server, Proxy(server.url, before, after) as proxy:
        return run_check(proxy.url, operation, contracts, key, secret, known)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--operation",
        default="DELETE /sapi/v1/margin/loan-group",
        help="which operations the check runs on (default: Close Risk Unit)",
    )
    ap.add_argument("--contracts", default=str(default_dir()))
    ap.add_argument(
        "--known-deviations",
        metavar="FILE",
        help="sandbox/contract disagreements to report as known (e.g. tests/contract_known_deviations.json)",
    )
    ap.add_argument("--only", nargs="*", help="run only deviations whose name contains one of these")
    args = ap.parse_args()
    contracts = Path(args.contracts)
    key, creds = demo_credentials()
    secret = creds["secret"]
    code, failed = one_run(contracts, args.operation, key, secret, args.known_deviations)
    print(f"baseline (no deviation): exit {code}" + (f"; failing: {failed[:3]}" if code else ""))
    if code != 0:
        print("bench_strength: the run without a deviation must pass; no score", file=sys.stderr)
        return 1
    plans = [(n, None, f) for n, f in RESPONSE_DEVIATIONS.items()] + [
        (n, f(secret, key), None) for n, f in REQUEST_DEVIATIONS.items()
    ]
    if args.only:
        plans = [p for p in plans if any(o in p[0] for o in args.only)]
    caught = 0
    for name, before, after in plans:
        code, failed = one_run(contracts, args.operation, key, secret, args.known_deviations, before, after)
        ok = code == 1
        caught += ok
        first = failed[0] if failed else f"exit {code}"
        print(f"{'CAUGHT ' if ok else 'MISSED '} {name:<40} {len(failed):>3} failing checks; first: {first}")
    print(f"strength: {caught}/{len(plans)} deviations caught (goal: all)")
    return 0 if caught == len(plans) else 1


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        sys.exit(main())
