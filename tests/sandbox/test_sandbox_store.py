"""The sandbox's persisted state (issue 15): what --persist writes always loads, answer and state never disagree,
one sandbox per state file, the file's mode and a symlink's target kept, non-regular files refused at once."""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
import time

import pytest
from helpers import ROOT, Clock, sandbox_process
from test_sandbox import DEMO, PARENT, call, stored

from doccontract.sandbox import Sandbox, State, StateError

CREDIT = ("demo-credit-key-2001", "demo-credit-secret-2001")
COLLATERAL = ("demo-collateral-key-3001", "demo-collateral-secret-3001")
BASE = "/sapi/v1/margin/loan-group"
DAY_MS = 86_400_000


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "doccontract", "sandbox", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def starts(*args: str) -> None:
    """The sandbox command starts on these arguments (and stops cleanly): the state it was given loads."""
    proc, _ = sandbox_process(*args)
    proc.terminate()
    assert proc.wait(timeout=20) == 0


def one_line_exit_2(r: subprocess.CompletedProcess, *needles: str) -> None:
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert all(n in lines[0] for n in needles), lines[0]


def close_unit(url: str, group: int = 10001) -> dict:
    import hashlib
    import hmac

    import requests

    q = f"groupId={group}&timestamp={int(time.time() * 1000)}"
    sig = hmac.new(CREDIT[1].encode(), q.encode(), hashlib.sha256).hexdigest()
    return requests.delete(f"{url}{BASE}?{q}&signature={sig}", headers={"X-MBX-APIKEY": CREDIT[0]}, timeout=10).json()


# ---------------------------------------------------------------- bounded growth: what is written loads again
def test_interest_after_a_long_stop_on_many_units_is_kept_bounded_and_the_state_loads(tmp_path):
    """Found in hostile testing: 25 units owing 1000 USDT, last interest 99 days back; one GET wrote 10.6 MB and
    the restart refused it."""
    now = int(time.time() * 1000)
    data = json.loads(DEMO.read_text())
    for i in range(25):
        data["riskUnits"].append(
            {
                "groupId": 50_000 + i,
                "status": "ACTIVE",
                "creditUid": 2003,
                "liabilities": [{"asset": "USDT", "principal": "1000", "interest": "0"}],
                "interestAccruedTo": now - now % 3_600_000 - 99 * DAY_MS,
            }
        )
    path = tmp_path / "state.db"
    with Sandbox(State.from_json(data), persist=path).serve() as server:
        assert (
            call(
                server, "GET", f"{BASE}/ltv-details", {}, key=PARENT[0], secret=PARENT[1], clock=Clock(time.time())
            ).status_code
            == 200
        )
        kept = list(server.sandbox.state.records["interest"])
    mine = [r for r in kept if r["groupId"] >= 50_000]
    assert len(kept) <= 20_000 and len(mine) > 25 * 30 * 24 - 25  # the last 30 days hourly, older days aggregated
    per_day = {(r["groupId"], r["interestTimestamp"]) for r in mine if r["interestTimestamp"] < now - 31 * DAY_MS}
    assert per_day and all(t % DAY_MS == 0 for _, t in per_day)  # one row per unit and day before the hourly window
    # nothing accrued is lost by aggregating: each unit's interest equals its rows' sum
    total = sum(float(r["interest"]) for r in mine if r["groupId"] == 50_000)
    owed = next(u for u in stored(path)["riskUnits"] if u["groupId"] == 50_000)["liabilities"][0]["interest"]
    assert abs(total - float(owed)) < 1e-6
    starts("--state", str(path), "--persist")


def test_an_amount_the_state_cannot_hold_is_refused_up_front_with_binances_parameter_error(tmp_path):
    """Found in hostile testing: a borrow of 5e19 on a unit whose limit allows it was answered 200 and the
    restart refused the state."""
    data = json.loads(DEMO.read_text())
    next(u for u in data["riskUnits"] if u["groupId"] == 10001)["creditLimit"] = "99999999999999999999"
    path = tmp_path / "state.db"
    clock = Clock(time.time())
    with Sandbox(State.from_json(data), persist=path, clock=clock).serve() as server:
        borrow = {"groupId": 10001, "assetName": "USDT", "amount": "50000000000000000000"}
        first = call(server, "POST", f"{BASE}/borrow", borrow, clock=clock, in_body=True)
        assert first.status_code == 200, first.text  # 5e19 fits: principal and wallet stay within 20 digits
        second = call(
            server, "POST", f"{BASE}/borrow", {**borrow, "amount": "49999999999999999999"}, clock=clock, in_body=True
        )
        assert second.status_code == 400 and second.json()["code"] == -1130 and "amount" in second.json()["msg"], (
            second.text
        )
        before = server.sandbox.state.to_json()
    assert stored(path) == before  # the refused borrow changed nothing, on disk or in memory
    starts("--state", str(path), "--persist")


# ---------------------------------------------------------------- answer and state never disagree
def test_a_save_that_fails_answers_5xx_and_undoes_the_change_in_memory(tmp_path):
    """Found in hostile testing: a full disk answered the borrow 500, yet the next GET showed the principal raised."""
    path = tmp_path / "state.db"
    clock = Clock(time.time())
    sandbox = Sandbox(persist=path, clock=clock)
    with sandbox.serve() as server:
        ltv = call(
            server, "GET", f"{BASE}/ltv-details", {"groupId": 10001}, key=PARENT[0], secret=PARENT[1], clock=clock
        ).json()
        sandbox.store.conn.execute("VACUUM")  # no free pages left to reuse
        pages = sandbox.store.conn.execute("PRAGMA page_count").fetchone()[0]
        sandbox.store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: SQLite cannot grow the file
        r = call(
            server,
            "POST",
            f"{BASE}/borrow",
            {"groupId": 10001, "assetName": "USDT", "amount": "100"},
            clock=clock,
            in_body=True,
        )
        assert r.status_code == 503 and r.json() == {
            "code": -1001,
            "msg": "Internal error; unable to process your request. Please try again.",
        }
        again = call(
            server, "GET", f"{BASE}/ltv-details", {"groupId": 10001}, key=PARENT[0], secret=PARENT[1], clock=clock
        ).json()
        assert (
            again[0]["liabilities"] == ltv[0]["liabilities"]
            and again[0]["collateralAccounts"] == ltv[0]["collateralAccounts"]
        )
        in_memory = sandbox.state.to_json()
    assert stored(path) == in_memory  # what the next start sees is what was answered


# ---------------------------------------------------------------- one sandbox per state file
def test_a_second_sandbox_on_the_same_state_file_refuses_to_start(tmp_path):
    """Found in hostile testing: two sandboxes on one file both answered transactionId 900001 and the file kept
    one borrow."""
    path = tmp_path / "state.db"
    proc, url = sandbox_process("--state", str(path), "--persist")
    try:
        one_line_exit_2(run_cli("--state", str(path), "--persist"), str(path), "in use by another sandbox")
        one_line_exit_2(run_cli("--state", str(path)), str(path), "in use by another sandbox")
        with pytest.raises(StateError, match="in use by another sandbox"):
            Sandbox(persist=path)
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
    starts("--state", str(path), "--persist")  # the lock ends with the process


# ---------------------------------------------------------------- the file itself: mode, symlink, non-regular files
def test_the_state_files_mode_is_kept_and_a_new_one_is_private(tmp_path):
    """Found in hostile testing: a 0600 state (HMAC secrets in it) became 0644 after --persist or --reset."""
    path = tmp_path / "state.db"
    starts("--state", str(path), "--persist")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # created private whatever the umask
    path.chmod(0o640)
    proc, url = sandbox_process("--state", str(path), "--persist")
    try:
        assert close_unit(url)["status"] == "CLOSED"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    starts("--state", str(path), "--reset")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert (
        next(u for u in stored(path)["riskUnits"] if u["groupId"] == 10001)["status"] == "ACTIVE"
    )  # --reset re-seeded in place


def test_a_symlinked_state_writes_its_target_and_keeps_the_link(tmp_path):
    """Found in hostile testing: --state link.json replaced the link by a regular file; the real file never changed."""
    real = tmp_path / "real" / "state.db"
    real.parent.mkdir()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    proc, url = sandbox_process("--state", str(link), "--persist")
    try:
        assert close_unit(url)["status"] == "CLOSED"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert next(u for u in stored(real)["riskUnits"] if u["groupId"] == 10001)["status"] == "CLOSED"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.db", "real"]


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_state_that_is_not_a_regular_file_is_refused_at_once(tmp_path, kind):
    """Found in hostile testing: a FIFO given as --state blocked forever."""
    path = tmp_path / "state"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    for extra in ([], ["--persist"], ["--reset"]):
        started = time.monotonic()
        r = run_cli("--state", str(path), *extra, timeout=30)
        one_line_exit_2(r, str(path), "not a state file")
        assert time.monotonic() - started < 20


def test_a_json_state_file_is_served_read_only_and_refused_for_persist_with_the_way_to_import_it(tmp_path):
    legacy = tmp_path / "old.json"
    legacy.write_text(DEMO.read_text())
    before = legacy.read_bytes()
    one_line_exit_2(run_cli("--state", str(legacy), "--persist"), str(legacy), "--seed")
    starts("--state", str(legacy))  # the old file still serves, in memory
    db = tmp_path / "new.db"
    data = json.loads(before)
    data["riskUnits"][1]["status"] = "CLOSED"
    data["riskUnits"][1]["members"] = []
    legacy.write_text(json.dumps(data))
    starts("--state", str(db), "--persist", "--seed", str(legacy))  # the one-time import
    assert stored(db)["riskUnits"][1]["status"] == "CLOSED"
    one_line_exit_2(run_cli("--seed", str(legacy)), "--seed needs --state")


# ---------------------------------------------------------------- fuzzing the state file
AMOUNTS = ["0", "1", "0.5", "12.34567891", "250000", "99999999999999999999", "50000000000000000000", "1e3", "-1"]


def _random_call(rng: random.Random) -> tuple[str, str, dict, tuple[str, str]]:
    group = rng.choice([1, 10001, 10002, 10004, 10005, 424242])
    asset = rng.choice(["USDT", "USDC"])
    amount = rng.choice(AMOUNTS)
    return rng.choice(
        [
            ("POST", f"{BASE}/borrow", {"groupId": group, "assetName": asset, "amount": amount}, CREDIT),
            ("POST", f"{BASE}/repay", {"groupId": group, "assetName": asset, "amount": amount}, CREDIT),
            ("POST", f"{BASE}/transfer-out", {"asset": asset, "amount": amount}, rng.choice([CREDIT, COLLATERAL])),
            ("DELETE", BASE, {"groupId": group}, CREDIT),
            (
                "POST",
                f"{BASE}/edit-member",
                {
                    "groupId": group,
                    "subEmail": "collateral3006@demo.test",
                    "enableSpot": "true",
                    "enableMargin": "true",
                },
                PARENT,
            ),
            ("GET", f"{BASE}/ltv-details", {}, PARENT),
            ("GET", f"{BASE}/interest-history", {}, CREDIT),
        ]
    )


def test_fuzz_random_call_sequences_persist_and_load_equal(tmp_path):
    """Seeded random sequences of the family's calls, time moving by hours and days: after each, the stored
    state loads equal."""
    deadline = time.monotonic() + 120
    for seed in range(6):
        rng = random.Random(seed)
        path = tmp_path / f"state{seed}.db"
        clock = Clock(1_800_000_030.0)
        for run in range(2):  # a restart between the halves: the second sandbox starts from what the first committed
            sandbox = Sandbox(persist=path, clock=clock)
            with sandbox.serve() as server:
                for _ in range(12):
                    clock.t += rng.choice([0, 60, 3600, 5 * 3600, 3 * 86400, 40 * 86400])
                    method, path_, params, (key, secret) = _random_call(rng)
                    r = call(
                        server, method, path_, params, key=key, secret=secret, clock=clock, in_body=method != "GET"
                    )
                    assert r.status_code in (200, 400, 401) and (r.status_code == 200 or "code" in r.json()), r.text
                in_memory = sandbox.state.to_json()
            assert stored(path) == in_memory, (seed, run)
            assert time.monotonic() < deadline
    starts("--state", str(path), "--persist")


def _corrupt(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    how = rng.randrange(5)
    if how == 0:  # flipped bytes anywhere
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif how == 1:
        del data[rng.randrange(len(data)) :]
    elif how == 2:  # a run of random bytes over a page
        at = rng.randrange(len(data))
        data[at : at + 512] = bytes(rng.randrange(256) for _ in range(min(512, len(data) - at)))
    elif how == 3:  # the header's page size, page count or the schema cookie
        at = rng.choice([16, 17, 28, 29, 30, 31, 40, 60, 64, 68])
        data[at] = rng.randrange(256)
    else:
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000)))
    return bytes(data)


def test_fuzz_corrupted_state_files_are_used_or_refused_with_one_line(tmp_path):
    """Random corruptions of a state the sandbox wrote: a State, or one line naming the file; never a traceback."""
    from doccontract.sandbox.store import Store

    good = tmp_path / "good.db"
    with Sandbox(persist=good, clock=Clock()).serve() as server:
        call(server, "POST", f"{BASE}/borrow", {"groupId": 10001, "assetName": "USDT", "amount": "5"}, in_body=True)
    raw = good.read_bytes()
    rng = random.Random(15)
    deadline = time.monotonic() + 60
    refused = 0
    for i in range(120):
        bad = tmp_path / f"bad{i}.db"
        bad.write_bytes(_corrupt(raw, rng))
        try:
            store = Store.open(bad)
            try:
                store.load()
            finally:
                store.close()
        except StateError as exc:
            refused += 1
            assert str(exc).startswith(str(bad)) and "\n" not in str(exc)
        assert time.monotonic() < deadline
    assert refused > 10  # the corruptions reach the checks, not only bytes no one reads
    bad = tmp_path / "bad-header.db"
    bad.write_bytes(raw[:16] + b"\xff" * 84 + raw[100:])
    one_line_exit_2(run_cli("--state", str(bad), "--persist"), str(bad))
