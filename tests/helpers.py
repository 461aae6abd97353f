"""Where things are, and small pages written for the tests."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "specs/binance/institutional_loan/account/Institution-Loan-Group-Close.md"
SEED_ID = "binance/institutional_loan/account/Institution-Loan-Group-Close"
FIXTURES = Path(__file__).parent / "fixtures"
#: The real pages (read in place, never copied); $DOCCONTRACT_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("DOCCONTRACT_CORPUS") or ROOT.parent / "shared" / "corpus" / "binance")

# ASSUMED codes: no Binance page documents a code for these (contracts/errors.json marks them with an
# "assumption" and its reason; the README says so). The sandbox answers them; tests name them here only.
UNIT_NOT_FOUND = -27001  # ASSUMPTION: "not one of the caller's active risk units"
LIABILITY_OUTSTANDING = -27018  # ASSUMPTION: "close refused while a liability or interest is outstanding"

#: Marks for a test that reads the corpus: selectable with ``-m corpus``, skipped when it is absent.
CORPUS_MARKS = [pytest.mark.corpus, pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")]


def needs_corpus(test):
    """Decorator: the test reads the corpus (``-m corpus``); skipped when the corpus is absent."""
    for mark in CORPUS_MARKS:
        test = mark(test)
    return test


def seed_repo(root: Path) -> Path:
    """``root/specs`` and ``root/contracts`` holding the seed page and its contract only."""
    import shutil

    for top, ext in (("specs", ".md"), ("contracts", ".json")):
        target = root / top / f"{SEED_ID}{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / top / f"{SEED_ID}{ext}", target)
    return root


def crawler_page(en: str, zh: str, url: str = "https://developers.binance.com/docs/test/Page") -> str:
    """A spec file in the crawler export format around two page bodies."""
    return (
        f"---\nexchange: binance\nsource_url: {url}\napi_type: REST\nupdated_at: 2026-01-15T23:50:26\n"
        f"---\n\n{en}\n\n---\n\n{zh}\n"
    )


def run_cli(
    *args: str,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    env_extra: dict[str, str] | None = None,
    timeout: float = 120,
):
    """``python -m doccontract ARGS`` as a real process, bounded in time; the completed process."""
    import os
    import subprocess
    import sys

    if env_extra:
        env = {**(env if env is not None else os.environ), **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "doccontract", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def sandbox_process(*extra: str, timeout: float = 30, log=None):
    """``doccontract sandbox --port 0`` as a real process; returns (process, base URL).

    Waits at most ``timeout`` seconds for the line that names the URL, so a
    sandbox that fails to start fails the test instead of hanging it.  ``log``: an open
    file for its request log (stderr).
    """
    import select
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "doccontract", "sandbox", "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=ROOT,
    )
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    if " on " not in line:
        proc.kill()
        proc.wait(timeout=10)
        raise RuntimeError(f"the sandbox did not start within {timeout}s: {line!r}")
    return proc, line.split(" on ")[1].split()[0]


T0 = 1_800_000_030.0  # 30 s into a minute, 00:00:30 into an hour


class Clock:
    """An injected clock: tests move time, nothing sleeps and nothing straddles a minute."""

    def __init__(self, t: float = T0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def ms(self) -> int:
        return int(self.t * 1000)


def pem_pair(kind: str) -> tuple[bytes, str]:
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "RSA"
        else ed25519.Ed25519PrivateKey.generate()
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@contextlib.contextmanager
def sandboxes_served():
    """Serve sandboxes on 127.0.0.1 (``serve(Sandbox(...), **options)``) and stop them on the way out.

    As pytest-httpserver does with a handler's own exception, an internal error the gateway
    answered as a 500 is re-raised on a clean exit: a test cannot pass over a hidden bug."""
    from doccontract.sandbox import Sandbox

    servers = []

    def serve(sandbox: Sandbox | None = None, **options):
        server = (sandbox or Sandbox()).serve(**options).start()
        servers.append(server)
        return server

    try:
        yield serve
    finally:
        for server in servers:
            server.stop()
    errors = [exc for server in servers for exc in server.sandbox.internal_errors]
    if errors:
        raise errors[0]
