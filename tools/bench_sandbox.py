"""Benchmark: signed closes per second through the sandbox, beside a bare http.server (the floor).

Both servers run in their own process on loopback and are driven by the same
load: N threads, each with a keep-alive requests.Session, for a fixed number
of requests.  Goal (issue 3): the sandbox at least half the floor.  Then the
client's own cost per call (sign + validate, no server): goal under 100 us.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from benchutil import first_line

from doccontract.client import Client
from doccontract.signing import Signer, encode_params

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


def start(cmd: list[str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = first_line(proc)
    return proc, line.split(" on ")[1].split()[0]


def big_state(units: int) -> dict:
    return {
        "accounts": [{"uid": 2001, "role": "credit", "apiKey": "bench-credit-key", "secret": "bench-secret"}],
        "riskUnits": [{"groupId": 100000 + i, "status": "ACTIVE", "creditUid": 2001, "collateralUids": []} for i in range(units)],
    }


def load(url: str, requests_total: int, threads: int) -> float:
    signer = Signer(secret="bench-secret")
    per = requests_total // threads

    def worker(t: int) -> int:
        s = requests.Session()
        ok = 0
        for i in range(per):
            q = encode_params([("groupId", 100000 + t * per + i), ("timestamp", int(time.time() * 1000))])
            r = s.delete(f"{url}/sapi/v1/margin/loan-group?{q}&signature={signer.sign(q)}", headers={"X-MBX-APIKEY": "bench-credit-key"}, timeout=10)
            ok += r.status_code == 200
        return ok

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        ok = sum(pool.map(worker, range(threads)))
    elapsed = time.perf_counter() - t0
    if ok != per * threads:
        print(f"  warning: {per * threads - ok} requests did not answer 200", file=sys.stderr)
    return per * threads / elapsed


def client_cost(n: int) -> float:
    client = Client("bench-credit-key", secret="bench-secret", base_url="http://127.0.0.1:9")
    body = {"groupId": 10001, "status": "CLOSED"}
    t0 = time.perf_counter()
    for i in range(n):
        client.signed_query({"groupId": 10001 + i})
        for _ in client._response_validator.iter_errors(body):
            raise AssertionError
    return (time.perf_counter() - t0) / n * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
    state = tmp / "state.json"
    state.write_text(json.dumps(big_state(args.requests)))
    floor_proc, floor_url = start([sys.executable, "-c", FLOOR_SERVER])
    # Binance's UID limit allows 180 closes a minute; the bench raises it to measure the server, not the limit.
    sb_proc, sb_url = start([sys.executable, "-m", "doccontract", "sandbox", "--port", "0", "--state", str(state), "--uid-limit", str(10**12)])
    try:
        load(floor_url, 200, args.threads)  # warm up
        floor = load(floor_url, args.requests, args.threads)
        sandbox = load(sb_url, args.requests, args.threads)
    finally:
        for p in (floor_proc, sb_proc):
            p.terminate()
            p.wait(timeout=10)
    print(f"load: {args.requests} signed DELETEs, {args.threads} keep-alive clients, servers in their own process on loopback")
    print(f"floor    bare http.server, fixed body     {floor:8.0f} req/s")
    print(f"sandbox  signed closes, contract-checked  {sandbox:8.0f} req/s   {sandbox / floor:5.2f}x floor (goal >= 0.50x)")
    us = client_cost(20000)
    print(f"client   sign + validate per call         {us:8.1f} us      (goal < 100 us)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
