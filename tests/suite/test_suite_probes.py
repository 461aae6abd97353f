"""The suite's probes send what their names say (a probe that sends nothing wrong cannot fail)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from helpers import ROOT

from doccontract.sandbox import Sandbox
from doccontract.suite.cases import Probe, probe_params, probes
from doccontract.suite.operations import load_operations
from doccontract.suite.sandbox_target import demo_credentials
from doccontract.suite.target import Clock, Target

LTV = "GET /sapi/v1/margin/loan-group/ltv-details"


def test_duplicating_a_parameter_that_is_sent_repeats_it():
    probe = Probe("duplicate groupId", (-1101,), params={"$duplicate": "groupId"})
    assert probe_params(probe, {"groupId": 7, "asset": "USDT"}) == [("groupId", 7), ("asset", "USDT"), ("groupId", 7)]


def test_duplicating_a_parameter_that_is_not_sent_is_refused_not_silently_skipped():
    with pytest.raises(ValueError, match="timestamp"):
        probe_params(Probe("duplicate timestamp", (-1101,), params={"$duplicate": "timestamp"}), {})
    with pytest.raises(ValueError, match="groupId"):
        probe_params(Probe("duplicate groupId", (-1101,), params={"$duplicate": "groupId"}), {})


def test_the_duplicate_timestamp_probe_sends_timestamp_twice_and_the_sandbox_answers_1101():
    (op,) = load_operations(ROOT / "contracts", LTV)
    assert not op.required  # so the probe duplicates the signer's timestamp
    (probe,) = [p for p in probes(op, set()) if p.name == "duplicate timestamp"]
    clock = Clock(frozen=True)
    sandbox = Sandbox(contracts=ROOT / "contracts", clock=clock.now)
    key, creds = demo_credentials()
    server = sandbox.serve(threads=1).start()
    target = Target("sandbox", server.url, key, creds, clock, server)
    try:
        answer = target.send(op, probe_params(probe, {}, clock.ms()))
    finally:
        target.close()
    sent = [k for k, _ in parse_qsl(sandbox.recorded[-1].query)]
    assert sent.count("timestamp") == 2 and sent[-1] == "signature"
    assert (answer.status, answer.code) == (400, -1101)
