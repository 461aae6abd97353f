"""Benchmark: signed closes per second through the sandbox with every corpus contract loaded, beside a bare http.server.

The corpus (default ../shared/corpus/binance) is built into a temporary folder
and the sandbox serves all of it.  Each server runs in its own process on
loopback and gets the same load: N threads, each with a keep-alive
requests.Session, for a fixed number of signed DELETEs (each closes another
unit, so every request goes through auth, weight, the request model, the
signature and the Institutional Loan model).  Measured side by side: the bare
http.server (the floor, a fixed body), the sandbox on waitress (what
`doccontract sandbox` runs) and the same WSGI app on werkzeug's threaded
server (the alternative).  Goals: the sandbox at least 0.5x the floor; start-up
(process start to the URL line) under 1 s.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from benchutil import corpus_args, first_line

from doccontract.contract.build import build
from doccontract.wire.signing import Signer, encode_params

FLOOR_SERVER = textwrap.dedent(
    """
    import socket
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    BODY = b'{"groupId":10001,"status":"CLOSED"}'
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_DELETE(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)
        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        def log_message(self, *a):
            pass
    s = ThreadingHTTPServer(("127.0.0.1", 0), H)
    s.daemon_threads = True
    print(f"floor on http://127.0.0.1:{s.server_address[1]}", flush=True)
    s.serve_forever()
    """
)

WERKZEUG_SERVER = textwrap.dedent(
    """
    import sys
    from werkzeug.serving import make_server
    from doccontract.sandbox import Sandbox, State
    from doccontract.sandbox.gateway import console_log
    from doccontract.sandbox.serving import make_app
    sandbox = Sandbox(State.load(sys.argv[1]), sys.argv[2], uid_limit=10**12, ip_limit=10**12, log=console_log)
    server = make_server("127.0.0.1", 0, make_app(sandbox), threaded=True)
    print(f"werkzeug on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()
    """
)


def start(cmd: list[str]) -> tuple[subprocess.Popen, str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = first_line(proc)
    return proc, line.split(" on ")[1].split()[0], time.perf_counter() - t0


def big_state(units: int) -> dict:
    return {
        "accounts": [
            {"uid": 1, "role": "parent", "apiKey": "bench-parent-key", "secret": "bench-parent-secret"},
            {"uid": 2001, "role": "credit", "parentUid": 1, "apiKey": "bench-credit-key", "secret": "bench-secret"},
        ],
        "riskUnits": [{"groupId": 100000 + i, "status": "ACTIVE", "creditUid": 2001} for i in range(units)],
    }


def load(url: str, offset: int, requests_total: int, threads: int) -> float:
    signer = Signer(secret="bench-secret")
    per = requests_total // threads

    def worker(t: int) -> int:
        s = requests.Session()
        ok = 0
        for i in range(per):
            q = encode_params([("groupId", 100000 + offset + t * per + i), ("timestamp", int(time.time() * 1000))])
            r = s.delete(
                f"{url}/sapi/v1/margin/loan-group?{q}&signature={signer.sign(q)}",
                headers={"X-MBX-APIKEY": "bench-credit-key"},
                timeout=30,
            )
            ok += r.status_code == 200
        return ok

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        ok = sum(pool.map(worker, range(threads)))
    elapsed = time.perf_counter() - t0
    if ok != per * threads:
        print(f"  warning: {per * threads - ok} of {per * threads} requests did not answer 200", file=sys.stderr)
    return per * threads / elapsed


def main() -> int:
    def options(ap):
        ap.add_argument("--requests", type=int, default=2000)
        ap.add_argument("--threads", type=int, default=8)
        ap.add_argument("--rounds", type=int, default=3, help="measurements per server; the median is printed")

    args, corpus = corpus_args(__doc__, options)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    contracts = tmp / "contracts"
    results = build([corpus], contracts, jobs=1, use_cache=False)
    built = sum(r.status == "built" for r in results)
    state = tmp / "state.json"
    warm, total = 200, args.requests * args.rounds
    state.write_text(json.dumps(big_state(warm + total)))
    # Binance's UID limit allows 180 closes a minute; the bench raises the limits to measure the server, not the limit.
    limits = ["--uid-limit", str(10**12), "--ip-limit", str(10**12)]
    servers = {
        "floor": [sys.executable, "-c", FLOOR_SERVER],
        "waitress": [
            sys.executable,
            "-m",
            "doccontract",
            "sandbox",
            "--port",
            "0",
            "--state",
            str(state),
            "--contracts",
            str(contracts),
            *limits,
        ],
        "werkzeug": [sys.executable, "-c", WERKZEUG_SERVER, str(state), str(contracts)],
    }
    figures: dict[str, tuple[float, float]] = {}
    for name, cmd in servers.items():
        proc, url, started = start(cmd)
        try:
            load(url, 0, warm, args.threads)
            rates = [load(url, warm + i * args.requests, args.requests, args.threads) for i in range(args.rounds)]
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        figures[name] = (statistics.median(rates), started)
    floor = figures["floor"][0]
    print(
        f"load: {args.requests} signed DELETEs x {args.rounds} rounds, {args.threads} keep-alive clients, "
        "each server in its own process on loopback"
    )
    print(f"contracts loaded: {built} (every endpoint page of {corpus})")
    print(
        f"floor     bare http.server, fixed body      {floor:8.0f} req/s                       "
        f"start {figures['floor'][1]:5.2f} s"
    )
    for name, label in (("waitress", "sandbox on waitress (shipped)"), ("werkzeug", "same app on werkzeug")):
        rate, started = figures[name]
        print(
            f"{name:9} {label:33} {rate:8.0f} req/s  {rate / floor:5.2f}x floor (goal >= 0.50x)  "
            f"start {started:5.2f} s (goal < 1 s)"
        )
    print(f"client    sign + validate per call           {client_cost(contracts, 20000):8.1f} us      (goal < 100 us)")
    return 0


def client_cost(contracts: Path, n: int) -> float:
    """What a client adds per call, no server: HMAC-sign the query and validate the answer against the contract."""
    from jsonschema import Draft202012Validator

    from doccontract.contract.registry import Registry

    op = Registry.load(contracts).get("DELETE /sapi/v1/margin/loan-group")
    validator, signer, body = (
        Draft202012Validator(op.response),
        Signer(secret="bench-secret"),
        {"groupId": 10001, "status": "CLOSED"},
    )
    t0 = time.perf_counter()
    for i in range(n):
        signer.sign(encode_params([("groupId", 10001 + i), ("timestamp", 1_767_225_600_000 + i)]))
        validator.validate(body)
    return (time.perf_counter() - t0) / n * 1e6


if __name__ == "__main__":
    sys.exit(main())
