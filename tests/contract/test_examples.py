"""The page's own documented examples, replayed before any generated case."""

from __future__ import annotations

from jsonschema import Draft202012Validator


def test_documented_examples_validate_against_the_response_schema(contract):
    assert contract["examples"]["response"], "the page documents a response example"
    validator = Draft202012Validator(contract["response"])
    for example in contract["examples"]["response"]:
        validator.validate(example)


def test_sandbox_answers_the_documented_example(fresh_sandbox, contract):
    """Closing the example's own unit returns exactly the documented example."""
    for example in contract["examples"]["response"]:
        resp = fresh_sandbox.send(contract, {"groupId": example["groupId"]})
        assert resp.status_code == 200, resp.text
        assert resp.json() == example
