"""Schemathesis with every check and both modes against the sandbox; each failure judged.

    python tools/schemathesis_sandbox.py [--examples 25] [--seed 1] [--contracts contracts]

Starts ``doccontract sandbox`` (loopback, demo state, weight limits raised), runs
``schemathesis run contracts/openapi.json --checks all --mode all`` signed by
``doccontract.schemathesis_hook`` with one demo key per account role (``x-caller``), reads its
NDJSON report and sorts every failure: a schema-valid request refused with a code a precondition
explains (the state the request met, or the clock) is listed with that precondition; anything else
(a parameter rule the OpenAPI document does not state, a 5xx, an answer outside its schema) is
unexplained.  Exit 0 when nothing is unexplained, 1 otherwise, 2 when schemathesis is missing.
docs/sandbox-answers.md says what each precondition is.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchutil import first_line

from doccontract.contract.store import default_dir

#: Codes a schema-valid request can still meet, and the precondition that explains each.
PRECONDITIONS = {
    -27001: "state: groupId names no active risk unit of the caller (ASSUMED code)",
    -27018: "state: the unit still owes principal or interest (ASSUMED code)",
    -27009: "state: the amount exceeds the unit's borrow room",
    -27026: "state: the account is in no active risk unit",
    -27027: "state: the account's margin wallet is not enabled in its unit",
    -27028: "state: the amount exceeds what the unit lets out",
    -27029: "state: subEmail names another account of the caller's unit",
    -3003: "state: subEmail names no account of the caller's",
    -3015: "state: nothing is owed in that asset",
    -3041: "state: the margin wallet holds nothing to repay with",
    -1130: (
        "state: the account or unit named is not as the page requires "
        "(a flag back to FALSE, a second unit, not a collateral account)"
    ),
    -1127: "clock: startTime to endTime (endTime defaulting to now) spans over 100 days",
    -1021: "clock: the request is older than its recvWindow when it arrives (a recvWindow of a few ms)",
}
#: The demo keys per role: the default key is the credit account's (the family's usual caller).
ROLES = {
    "": ("demo-credit-key-2001", "demo-credit-secret-2001"),
    "PARENT": ("demo-parent-key-0001", "demo-parent-secret-0001"),
}


def _failures(report: Path) -> list[dict]:
    out = []
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event or event.get("status") != "failure":
            continue
        recorder = event["recorder"]
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                response = (recorder.get("interactions", {}).get(case_id) or {}).get("response") or {}
                body = response.get("content") or {}
                text = (
                    base64.b64decode(body["$base64"]).decode("utf-8", "replace")
                    if isinstance(body, dict) and "$base64" in body
                    else str(body)
                )
                try:
                    code = json.loads(text).get("code")
                except (ValueError, AttributeError):
                    code = None
                failure = (check.get("failure_info") or {}).get("failure") or {}
                out.append(
                    {
                        "operation": recorder["label"],
                        "check": check["name"],
                        "status": response.get("status_code"),
                        "code": code,
                        "title": failure.get("title"),
                    }
                )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=25)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--contracts", default=str(default_dir()))
    args = ap.parse_args()
    if not shutil.which("schemathesis"):
        print("schemathesis_sandbox: schemathesis is not installed (pip install -e '.[schemathesis]')", file=sys.stderr)
        return 2
    contracts = Path(args.contracts).resolve()
    sandbox = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doccontract",
            "sandbox",
            "--port",
            "0",
            "--contracts",
            str(contracts),
            "--uid-limit",
            str(10**12),
            "--ip-limit",
            str(10**12),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = first_line(sandbox).split(" on ")[1].split()[0]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "doccontract.schemathesis_hook"}
        for role, (key, secret) in ROLES.items():  # the default key, and the parent's (doccontract.wire.credentials)
            prefix = f"BINANCE_{role}" if role else "BINANCE"
            env[f"{prefix}_API_KEY"], env[f"{prefix}_API_SECRET"] = key, secret
        with tempfile.TemporaryDirectory() as scratch:  # Schemathesis writes .schemathesis/ where it runs
            cmd = [
                shutil.which("schemathesis") or "schemathesis",
                "run",
                str(contracts / "openapi.json"),
                "--url",
                url,
                "--checks",
                "all",
                "--mode",
                "all",
            ]
            cmd += [
                "--max-examples",
                str(args.examples),
                "--seed",
                str(args.seed),
                "--suppress-health-check",
                "all",
                "--no-color",
            ]
            cmd += ["--report", "ndjson", "--report-dir", scratch]
            run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, cwd=scratch)
            reports = list(Path(scratch).glob("*.ndjson"))
            if not reports:
                print(
                    f"schemathesis_sandbox: no report; schemathesis said:\n{run.stdout[-2000:]}{run.stderr[-2000:]}",
                    file=sys.stderr,
                )
                return 1
            failures = _failures(reports[0])
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    summary = [line for line in run.stdout.splitlines() if "generated" in line and "found" in line]
    print(
        f"schemathesis --checks all --mode all, {args.examples} examples, seed {args.seed}: "
        f"{summary[-1].strip() if summary else run.stdout[-300:]}"
    )
    explained = Counter()
    unexplained = []
    for f in failures:
        if f["check"] == "positive_data_acceptance" and f["status"] == 400 and f["code"] in PRECONDITIONS:
            explained[(f["code"], f["operation"])] += 1
        else:
            unexplained.append(f)
    for (code, operation), n in sorted(explained.items()):
        print(f"  explained   {operation}: {code} x{n} ({PRECONDITIONS[code]})")
    for f in unexplained:
        print(f"  UNEXPLAINED {f['operation']}: {f['check']} HTTP {f['status']} code {f['code']} ({f['title']})")
    print(f"{sum(explained.values())} failure(s) a precondition explains, {len(unexplained)} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
