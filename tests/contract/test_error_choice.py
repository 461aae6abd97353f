"""One choice of the schema error a person is shown (contract.validation.best_error), wherever it is shown."""

from __future__ import annotations

import pytest

from doccontract.contract.validation import first_error, validator
from doccontract.sandbox.state import State, StateError

ROWS = validator({"type": "array", "items": {"type": "integer"}})
CHOICE = validator(
    {
        "anyOf": [
            {"type": "string"},
            {"type": "object", "properties": {"amount": {"type": "string"}}, "required": ["amount"]},
        ]
    }
)


def test_the_earliest_of_equal_errors_is_shown_not_the_last():
    assert list(first_error(ROWS, [1, "a", "b"]).absolute_path) == [1]


def test_an_any_of_answer_names_the_branch_that_nearly_matched():
    err = first_error(CHOICE, {"amount": 5})
    assert list(err.absolute_path) == ["amount"] and "is not of type 'string'" in err.message


def test_no_error_is_none():
    assert first_error(ROWS, [1, 2]) is None


def test_the_sandbox_state_reports_the_same_choice():
    from doccontract._files import json_pointer
    from doccontract.sandbox.state import STATE_SCHEMA

    data = {"accounts": [{"apiKey": 1}], "version": "x"}
    err = first_error(validator(STATE_SCHEMA), data)
    with pytest.raises(StateError) as exc:
        State.from_json(data, "state.json")
    assert str(exc.value) == f"state.json: at {json_pointer(err)}: {err.message}"
