"""Files a user names are read bounded and only if regular: a FIFO or device is refused at once, never waited on."""

from __future__ import annotations

import os
import threading

import pytest

from doccontract._files import FileProblem
from doccontract.sandbox.state import State, StateError
from doccontract.suite.plugin import Suite
from doccontract.suite.target import MAX_KEY_BYTES, BadCredentials, live_credentials


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "named.pipe"
    os.mkfifo(path)
    return path


def _promptly(fn):
    """``fn()``'s exception, within 10 s (a FIFO read would block for ever)."""
    box: dict = {}

    def run():
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            box["exc"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the read waited on the FIFO"
    return box.get("exc")


def test_a_private_key_path_naming_a_fifo_or_a_huge_file_is_refused(fifo, tmp_path):
    env = {"BINANCE_API_KEY": "k" * 64}
    exc = _promptly(lambda: live_credentials({**env, "BINANCE_PRIVATE_KEY_PATH": str(fifo)}))
    assert isinstance(exc, BadCredentials) and "a FIFO" in str(exc)
    huge = tmp_path / "key.pem"
    huge.write_bytes(b"-" * (MAX_KEY_BYTES + 1))
    with pytest.raises(BadCredentials, match="larger than"):
        live_credentials({**env, "BINANCE_PRIVATE_KEY_PATH": str(huge)})


def test_a_state_file_naming_a_fifo_is_refused(fifo):
    exc = _promptly(lambda: State.load(fifo))
    assert isinstance(exc, StateError) and str(exc) == f"{fifo}: a FIFO, not a state file"


def test_a_known_deviations_file_naming_a_fifo_is_refused(fifo, request, monkeypatch):
    monkeypatch.setattr(request.config.option, "known_deviations", str(fifo))
    exc = _promptly(lambda: Suite(request.config).known)
    assert isinstance(exc, FileProblem) and "a FIFO" in str(exc)
