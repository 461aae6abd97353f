"""Negative requests generated from the request schema (hypothesis): each gets the documented error.

Sandbox only: against live even a rejected request is not worth the risk of a
generator finding a valid groupId.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from suite import assert_error

from doccontract.sandbox import SIGNING_NAMES

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _integer_fields(contract):
    return [n for n, s in contract["request"]["properties"].items() if s.get("type") == "integer"]


@SETTINGS
@given(data=st.data())
def test_out_of_range_integers_are_illegal(sandbox_only, contract, error_validator, data):
    for name in _integer_fields(contract):
        schema = contract["request"]["properties"][name]
        value = data.draw(
            st.one_of(st.integers(max_value=schema["minimum"] - 1), st.integers(min_value=schema["maximum"] + 1)).filter(lambda v: len(str(abs(v))) <= 40)
        )
        assert_error(sandbox_only.send(contract, {name: value}), error_validator, 400, -1100)


@SETTINGS
@given(raw=st.text(alphabet=string.ascii_letters + string.punctuation + " .", min_size=1, max_size=12))
def test_malformed_integers_are_illegal(sandbox_only, contract, error_validator, raw):
    for name in _integer_fields(contract):
        assert_error(sandbox_only.send(contract, {name: raw}), error_validator, 400, -1100)


@SETTINGS
@given(extra=st.text(alphabet=string.ascii_letters, min_size=1, max_size=16), value=st.text(alphabet=string.ascii_letters + string.digits, max_size=8))
def test_undocumented_parameters_are_not_read(sandbox_only, contract, error_validator, extra, value):
    if extra in contract["request"]["properties"] or extra in SIGNING_NAMES:
        return
    # groupId 0 names no unit: even if the extra parameter were read, nothing could close
    assert_error(sandbox_only.send(contract, {"groupId": 0, extra: value}), error_validator, 400, -1104)


@SETTINGS
@given(data=st.data())
def test_each_missing_or_empty_mandatory_parameter_is_named(sandbox_only, contract, error_validator, data):
    required = contract["request"]["required"]
    name = data.draw(st.sampled_from(required))
    params = {n: 0 for n in required if n != name}
    if data.draw(st.booleans()):
        params[name] = ""
    body = assert_error(sandbox_only.send(contract, params), error_validator, 400, -1102)
    assert f"'{name}'" in body["msg"]


def _strategy(schema: dict):
    """Values a request schema property accepts (the few shapes our type table produces)."""
    if schema.get("enum"):
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "boolean":
        return st.booleans()
    if "anyOf" in schema:
        return st.decimals(allow_nan=False, allow_infinity=False, places=8).map(str)
    return st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20)


@SETTINGS
@given(data=st.data())
def test_every_request_the_schema_accepts_passes_parameter_checks(sandbox_only, contract, error_validator, data):
    """The other side of the negative cases: valid requests reach the business rules."""
    req = contract["request"]
    held = set(sandbox_only.server.sandbox.state.units)
    params = {name: data.draw(_strategy(req["properties"][name])) for name in req["required"]}
    for name in sorted(set(req["properties"]) - set(req["required"]) - set(SIGNING_NAMES)):
        if data.draw(st.booleans()):
            params[name] = data.draw(_strategy(req["properties"][name]))
    # a unit the sandbox does not hold: the request is well-formed, so only the business rule answers
    assume(params.get("groupId") not in held)
    assert_error(sandbox_only.send(contract, params), error_validator, 400, -27001)
