"""Generated cases per second: the contract suite's against Schemathesis', side by side on the sandbox.

Both generate requests from the same contracts (ours from each contract's request schema,
Schemathesis from ``contracts/openapi.json`` signed by ``doccontract.schemathesis_hook``) and
send them to one `doccontract sandbox` process (waitress, loopback, no weight limit), one worker each.  Requests
are counted by the sandbox; Schemathesis' start-up is measured by a one-example run and taken
off.  Floor: ours at least 10x Schemathesis'.

    python tools/bench_suite.py [--operation 'DELETE /sapi/v1/margin/loan-group'] [--examples 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from benchutil import first_line

from doccontract.contract.store import default_dir
from doccontract.suite import plugin as suite_plugin
from doccontract.suite.sandbox_target import demo_credentials

FLOOR = 10.0
SUITE_MODULE = Path(suite_plugin.__file__).with_name("test_contract.py")


class SandboxProcess:
    """``doccontract sandbox`` in its own process (no weight limit); counts the requests it logs."""

    def __init__(self, contracts: Path):
        cmd = [sys.executable, "-m", "doccontract", "sandbox", "--port", "0", "--contracts", str(contracts)]
        self.proc = subprocess.Popen(
            [*cmd, "--uid-limit", str(10**12), "--ip-limit", str(10**12)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = first_line(self.proc).split(" on ")[1].split()[0]
        self.n = 0
        threading.Thread(target=self._count, daemon=True).start()

    def _count(self) -> None:
        for line in self.proc.stderr:
            if line.startswith("sandbox: "):
                self.n += 1

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Timed:
    """Time spent in the generated tests, and the requests their targets sent."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.requests = 0
        self.suite = None

    def pytest_configure(self, config):
        self.suite = suite_plugin.suite_of(config)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        target = item.funcargs.get("target")
        before = target.requests_sent if target else 0
        started = time.perf_counter()
        yield
        self.seconds += time.perf_counter() - started
        self.requests += (target.requests_sent if target else 0) - before


def ours(operation: str, contracts: Path, examples: int, url: str | None = None) -> tuple[int, float]:
    os.environ["DOCCONTRACT_EXAMPLES"] = str(examples)
    timed = Timed()
    args = [
        str(SUITE_MODULE),
        "-p",
        "doccontract.suite.plugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-c",
        os.devnull,
    ]
    args += [
        "--rootdir",
        str(SUITE_MODULE.parent),
        "--contracts",
        str(contracts),
        "--operation",
        operation,
        "-k",
        "generated",
    ]
    args += ["--sandbox-url", url] if url else []
    pytest.main(args, plugins=[timed])
    return timed.requests, timed.seconds


def schemathesis_run(operation: str, contracts: Path, examples: int, sandbox: SandboxProcess) -> tuple[int, float]:
    method, path = operation.split(" ", 1)
    key, creds = demo_credentials()
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "doccontract.schemathesis_hook",
        "BINANCE_API_KEY": key,
        "BINANCE_API_SECRET": creds["secret"],
    }
    cmd = [
        shutil.which("schemathesis") or "schemathesis",
        "run",
        str((contracts / "openapi.json").resolve()),
        "--url",
        sandbox.url,
        "--phases",
        "fuzzing",
    ]
    cmd += [
        "--include-path",
        path,
        "--include-method",
        method,
        "--max-examples",
        str(examples),
        "--workers",
        "1",
        "--checks",
        "not_a_server_error",
    ]
    cmd += ["--suppress-health-check", "all", "--no-color"]
    before = sandbox.n
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:  # Schemathesis writes .schemathesis/ where it runs
        subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=scratch)
    elapsed = time.perf_counter() - started
    time.sleep(0.2)  # the last log lines
    return sandbox.n - before, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--operation", default="DELETE /sapi/v1/margin/loan-group")
    ap.add_argument("--contracts", default=str(default_dir()))
    ap.add_argument(
        "--examples", type=int, default=300, help="generated cases per test (ours) / per operation (Schemathesis)"
    )
    args = ap.parse_args()
    contracts = Path(args.contracts)
    if not shutil.which("schemathesis"):
        print("bench_suite: schemathesis is not installed (pip install 'doccontract[schemathesis]')", file=sys.stderr)
        return 2
    sandbox = SandboxProcess(contracts)
    try:
        n_ours, t_ours = ours(args.operation, contracts, max(1, args.examples // 8), sandbox.url)
        n0, t0 = schemathesis_run(args.operation, contracts, 1, sandbox)
        n1, t1 = schemathesis_run(args.operation, contracts, args.examples, sandbox)
    finally:
        sandbox.stop()
    ours_rate = n_ours / t_ours if t_ours else 0.0
    st_rate = (n1 - n0) / (t1 - t0) if t1 > t0 and n1 > n0 else 0.0
    print(
        f"ours:         {n_ours} requests in {t_ours:.2f}s = {ours_rate:.0f} req/s "
        "(generated cases, one keep-alive session)"
    )
    print(
        f"schemathesis: {n1 - n0} requests in {t1 - t0:.2f}s = {st_rate:.0f} req/s "
        f"(start-up of {t0:.2f}s and {n0} requests taken off)"
    )
    ratio = ours_rate / st_rate if st_rate else float("inf")
    print(f"ratio: {ratio:.1f}x (floor {FLOOR:.0f}x) {'OK' if ratio >= FLOOR else 'BELOW FLOOR'}")
    return 0 if ratio >= FLOOR else 1


if __name__ == "__main__":
    sys.exit(main())
