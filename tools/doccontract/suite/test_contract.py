"""The contract suite: every test runs once per operation (ids ``"METHOD /path"``).

Documented examples first, then the probes Binance's rules reject, then real answers, then
generated cases.  Against live, only GET requests are let through; every other method gets
only requests that are rejected before any state changes (or that name an id no unit can
have), unless both opt-ins ask for a close.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doccontract.contract.validation import first_error
from doccontract.contract.validation import validator as make_validator
from doccontract.rules import SIGNING_NAMES
from doccontract.suite.cases import (
    PARAMETER_CODES,
    UNDOCUMENTED_NAME,
    Probe,
    malformed_strategy,
    out_of_range_strategy,
    probe_params,
    valid_params,
    value_strategy,
)
from doccontract.suite.checks import Checker, CheckFailed, weight_per_call_is_documented, whole
from doccontract.suite.operations import SuiteOperation
from doccontract.suite.plugin import LIVE_CLOSE_ENV, Suite, is_close
from doccontract.suite.sequences import Agreement, Sequence, Written, agree, carried, run, validate
from doccontract.suite.target import Clock, Exchange, Target

# DOCCONTRACT_EXAMPLES: hypothesis examples per test and operation, BATCH requests each
# (default 6; tools/bench_suite.py raises it)
GENERATED = settings(
    max_examples=int(os.environ.get("DOCCONTRACT_EXAMPLES", "6")),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
BATCH = 8
GENERATED_CHECKS = 4  # the generated tests below; each sends max_examples batches to one endpoint
RESERVED_CALLS = 40  # the probes, documented request, sequences and weight check of the same endpoint


def _base(suite: Suite, operation: SuiteOperation) -> dict[str, Any]:
    """Valid parameters; live requests to other methods than GET name nothing real (computed once per operation)."""
    inert = suite.kind == "live" and not operation.read_only
    key = (operation.key, inert)
    if key not in suite.valid:
        suite.valid[key] = valid_params(operation, inert=inert, family=suite.family_examples(operation))
    return dict(suite.valid[key])


def test_documented_examples_match_the_response_schema(operation: SuiteOperation, checker: Checker) -> None:
    if not operation.examples:
        pytest.skip("the page documents no response example")
    validator = make_validator(operation.response)
    for i, example in enumerate(operation.examples):
        problem = first_error(validator, example)
        if (
            problem is not None
        ):  # the type policy makes every contract accept its page's examples: this is a build defect
            raise CheckFailed(f"documented example {i + 1} breaks the response schema: {whole(problem.message)}")
    checker.note(f"{len(operation.examples)} documented example(s) match the response schema")


def test_probe(suite: Suite, operation: SuiteOperation, probe: Probe, target: Target, checker: Checker) -> None:
    """One documented rule broken at a time; the exact documented code comes back."""
    if not probe.safe_live and suite.kind == "live" and not operation.read_only:
        pytest.skip(f"{operation.method} changes state: a request valid but for this rule is not sent live")
    kwargs = dict(probe.send)
    if kwargs.get("timestamp") == "stale":
        kwargs["timestamp"] = target.clock.ms() - 120_000  # beyond the default 5000 ms recvWindow
    elif kwargs.get("timestamp") == "future":
        kwargs["timestamp"] = target.clock.ms() + 30_000  # Binance rejects 1000 ms ahead
    answer = target.send(operation, probe_params(probe, _base(suite, operation), target.clock.ms()), **kwargs)
    if probe.status == 405:
        checker(_status_is_405, answer)
        return
    checker.rejected(answer, operation, probe.codes, probe.status, probe.names)


def _status_is_405(answer: Exchange) -> str:
    if answer.status != 405:
        raise CheckFailed(f"HTTP {answer.status} for an undocumented method, expected 405 Method Not Allowed")
    return "HTTP 405 for an undocumented method"


def test_documented_request_is_answered_as_documented(
    suite: Suite, operation: SuiteOperation, fresh_target: Target, checker: Checker, request: pytest.FixtureRequest
) -> None:
    """A valid request: GET on any target; other methods on a fresh sandbox, or live with both opt-ins."""
    if suite.kind == "live" and not operation.read_only:
        _live_close_allowed(suite, operation)
        answer = suite.live_close(operation, fresh_target).answer
    else:
        answer = fresh_target.send(operation, _base(suite, operation))
    checker.succeeded(answer, operation)


def _live_close_allowed(suite: Suite, operation: SuiteOperation) -> None:
    if not is_close(operation):
        pytest.skip(f"{operation.method} changes state: not sent live")
    if not os.environ.get(LIVE_CLOSE_ENV) or not suite.allow_destructive:
        pytest.skip(f"a real close needs {LIVE_CLOSE_ENV} and --allow-destructive")


def test_sequence(suite: Suite, operation: SuiteOperation, sequence: Sequence, checker: Checker) -> None:
    """A write, then the family's reads that must show it (suite/sequences.py): a stateless stand-in cannot pass."""
    missing = [s.read for s in sequence.shows if s.read not in suite.by_key]
    if missing:
        pytest.skip(f"the contracts folder has no {missing[0]}, which must show the effect")
    problems = [p for p in validate(suite.by_key.values()) if p.startswith(sequence.name)]
    if problems:
        raise CheckFailed(problems[0])
    if suite.kind == "live":
        if not sequence.live:
            pytest.skip(f"{operation.method} changes state: not sent live")
        _live_close_allowed(suite, operation)
        target = suite.target(operation)
        run(sequence, suite.by_key, target, checker, {}, lambda: suite.live_close(operation, target))
        return
    if suite.sandbox_url:
        pytest.skip("a sequence changes state: it runs on a sandbox of its own, not the shared --sandbox-url one")
    target = suite.sandbox(operation, Clock(frozen=True))
    try:
        sent, notes = carried(sequence, suite.by_key, _base(suite, operation))
        for note in notes:
            checker.note(note)

        def write() -> Written:
            started = target.clock.ms()
            answer = target.send(operation, sent)
            return Written(sent, answer, started, target.clock.ms())

        run(sequence, suite.by_key, target, checker, sent, write)
    finally:
        target.close()


def test_reads_agree(
    suite: Suite, operation: SuiteOperation, agreement: Agreement, target: Target, checker: Checker
) -> None:
    """Read-only, on every target: two endpoints that list the same ids list the same ones."""
    if agreement.second not in suite.by_key:
        pytest.skip(f"the contracts folder has no {agreement.second}")
    agree(agreement, suite.by_key, target, checker)


def test_weight_header_reports_the_documented_weight_per_call(
    suite: Suite, operation: SuiteOperation, target: Target, checker: Checker
) -> None:
    """Two identical requests: the documented header grows by the documented weight."""
    params = _base(suite, operation)
    if not operation.read_only:  # rejected before any state change: a mandatory parameter is missing
        if not operation.required:
            pytest.skip(f"{operation.method} with no mandatory parameter: nothing safe to send twice")
        params = {k: v for k, v in params.items() if k != operation.required[0]}
    first = target.send(operation, params)
    second = target.send(operation, params)
    checker(weight_per_call_is_documented, first, second, operation)


def test_client_sends_what_the_contract_documents(
    suite: Suite, operation: SuiteOperation, fresh_target: Target, checker: Checker
) -> None:
    """Our own client, judged by the request contract: documented parameters, signed, signature last."""
    from doccontract.suite.client_check import client_request_checks

    if suite.kind != "sandbox":
        pytest.skip("the client is judged on the sandbox (its requests are captured there)")
    client_request_checks(operation, fresh_target, checker, suite.family_examples(operation))


# --------------------------------------------------------------------------- generated cases


def batch_size(operation: SuiteOperation, examples: int) -> int:
    """BATCH, or fewer where one run's requests would pass the endpoint's per-minute weight limit.

    A weight-1000 UID endpoint has 180 calls a minute; at full batches its run needed about 210, so a
    fresh server made every run wait for the next minute.  Fewer cases there keep the run within one."""
    calls = operation.limit // max(1, operation.weight_value) - RESERVED_CALLS
    return max(1, min(BATCH, calls // (GENERATED_CHECKS * max(1, examples))))


def _batch(data: st.DataObject, strategy: st.SearchStrategy[Any], operation: SuiteOperation) -> list[Any]:
    """Cases come in batches: one hypothesis example sends several requests over the kept-alive connection."""
    size = batch_size(operation, GENERATED.max_examples)
    return data.draw(st.lists(strategy, min_size=size, max_size=size))


def _bad_values(
    suite: Suite,
    operation: SuiteOperation,
    target: Target,
    checker: Checker,
    data: st.DataObject,
    strategy_of: Callable[[dict[str, Any]], st.SearchStrategy[Any] | None],
    missing: str,
) -> None:
    """BATCH requests, each with one parameter given a value its schema refuses: -1100 or -1130."""
    strategies = {n: made for n, s in operation.params.items() if (made := strategy_of(s)) is not None}
    if not strategies:
        pytest.skip(missing)
    base = _base(suite, operation)
    for name, value in _batch(
        data, st.sampled_from(sorted(strategies)).flatmap(lambda n: st.tuples(st.just(n), strategies[n])), operation
    ):
        params = {k: v for k, v in base.items() if k != name} | {name: value}
        checker.rejected(target.send(operation, params), operation, (-1100, -1130))


@GENERATED
@given(data=st.data())
def test_generated_malformed_values_are_illegal(
    sandbox_only: None, suite: Suite, operation: SuiteOperation, target: Target, checker: Checker, data: st.DataObject
) -> None:
    _bad_values(suite, operation, target, checker, data, malformed_strategy, "no numeric parameter")


@GENERATED
@given(data=st.data())
def test_generated_out_of_range_integers_are_illegal(
    sandbox_only: None, suite: Suite, operation: SuiteOperation, target: Target, checker: Checker, data: st.DataObject
) -> None:
    _bad_values(
        suite, operation, target, checker, data, out_of_range_strategy, "no integer parameter with a documented range"
    )


@GENERATED
@given(data=st.data())
def test_generated_undocumented_parameters_are_not_read(
    sandbox_only: None, suite: Suite, operation: SuiteOperation, target: Target, checker: Checker, data: st.DataObject
) -> None:
    documented = set(operation.request.get("properties", {})) | set(SIGNING_NAMES)
    names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=16)
    base = list(_base(suite, operation).items())
    for extra in _batch(data, names.map(lambda n: UNDOCUMENTED_NAME if n in documented else n), operation):
        checker.rejected(target.send(operation, [*base, (extra, "1")]), operation, (-1104,))


def _valid_request(operation: SuiteOperation) -> st.SearchStrategy[dict[str, Any]]:
    required = st.fixed_dictionaries({n: value_strategy(operation.params.get(n, {})) for n in operation.required})
    optional = st.fixed_dictionaries(
        {},
        optional={
            n: value_strategy(operation.params[n]) for n in sorted(set(operation.params) - set(operation.required))
        },
    )
    return st.tuples(required, optional).map(lambda pair: {**pair[0], **pair[1]})


@GENERATED
@given(data=st.data())
def test_generated_valid_requests_pass_the_parameter_rules(
    sandbox_only: None, suite: Suite, operation: SuiteOperation, target: Target, checker: Checker, data: st.DataObject
) -> None:
    """The other side: requests the schema accepts are never rejected for their parameters."""
    for params in _batch(data, _valid_request(operation), operation):
        answer = target.send(operation, params)
        if answer.code in PARAMETER_CODES:
            raise CheckFailed(
                f"a request the schema accepts was rejected: "
                f"{answer.code} {whole(str(answer.body.get('msg', '')))} (sent {params})"
            )
        if answer.status >= 500:
            raise CheckFailed(f"HTTP {answer.status} for a request the schema accepts")
    checker.note("requests the schema accepts pass the parameter rules")
