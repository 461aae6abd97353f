"""Which key signs which operation: the default key, a key per role, and what is said when one is missing."""

from __future__ import annotations

import pytest

from doccontract.wire.credentials import BadCredentials, Credentials, Keyring, NoCredentials

PARENT = {"BINANCE_PARENT_API_KEY": "parentKey0001", "BINANCE_PARENT_API_SECRET": "parentSecret0001"}
CREDIT = {"BINANCE_CREDIT_API_KEY": "creditKey2001", "BINANCE_CREDIT_API_SECRET": "creditSecret2001"}
DEFAULT = {"BINANCE_API_KEY": "defaultKey9999", "BINANCE_API_SECRET": "defaultSecret9999"}


def test_a_role_key_signs_its_roles_operations_and_the_default_key_the_rest():
    keys = Keyring.from_env(PARENT | DEFAULT)
    assert keys.pick("parent").api_key == "parentKey0001" and Keyring.confirmed(keys.pick("parent"), "parent")
    credit = keys.pick("credit")  # no credit key: the default one stands in, its role unconfirmed
    assert credit.api_key == "defaultKey9999" and not Keyring.confirmed(credit, "credit")
    assert keys.pick(None).api_key == "defaultKey9999"


def test_without_a_default_key_a_missing_role_has_no_key_and_the_reason_names_role_and_variables():
    keys = Keyring.from_env(CREDIT)
    assert keys.pick("parent") is None
    assert keys.pick(None).api_key == "creditKey2001"  # any account may call an unrestricted operation
    reason = keys.missing("parent")
    assert (
        "the parent account's API key" in reason
        and "BINANCE_PARENT_API_KEY" in reason
        and "BINANCE_PARENT_API_SECRET" in reason
    )


def test_a_private_key_file_per_role(tmp_path):
    pem = tmp_path / "parent.pem"
    pem.write_bytes(b"-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    keys = Keyring.from_env({"BINANCE_PARENT_API_KEY": "parentKey0001", "BINANCE_PARENT_PRIVATE_KEY_PATH": str(pem)})
    assert keys.pick("parent").signer_args == {"private_key": pem.read_bytes()}
    with pytest.raises(BadCredentials, match="BINANCE_PARENT_PRIVATE_KEY_PATH: cannot read"):
        Keyring.from_env(
            {"BINANCE_PARENT_API_KEY": "parentKey0001", "BINANCE_PARENT_PRIVATE_KEY_PATH": str(tmp_path / "none.pem")}
        )


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"BINANCE_CREDIT_API_KEY": "creditKey2001"},
            "BINANCE_CREDIT_API_KEY is set without BINANCE_CREDIT_API_SECRET",
        ),
        ({"BINANCE_COLLATERAL_API_SECRET": "s3cret"}, "without BINANCE_COLLATERAL_API_KEY"),
        (
            {"BINANCE_PARENT_API_KEY": "parent key\n", "BINANCE_PARENT_API_SECRET": "x"},
            "BINANCE_PARENT_API_KEY must be printable ASCII",
        ),
    ],
)
def test_a_half_configured_role_is_one_line_naming_the_variable_never_the_value(env, said):
    with pytest.raises(BadCredentials) as info:
        Keyring.from_env(env | DEFAULT)
    assert said in str(info.value) and "\n" not in str(info.value)
    assert "s3cret" not in str(info.value) and "parent key" not in str(info.value)


def test_no_key_at_all_names_every_variable():
    with pytest.raises(NoCredentials) as info:
        Keyring.from_env({"BINANCE_API_KEY": "onlyTheKey"})  # a default key without its secret configures nothing
    assert all(
        v in str(info.value)
        for v in ("BINANCE_API_KEY", "BINANCE_PARENT_API_KEY", "BINANCE_CREDIT_API_KEY", "BINANCE_COLLATERAL_API_KEY")
    )


def test_keys_never_show_in_a_repr_and_all_are_listed_for_scrubbing():
    keys = Keyring.from_env(PARENT | CREDIT | DEFAULT)
    assert "Secret" not in repr(keys) and "Key0001" not in repr(keys)
    assert set(keys.secrets) >= {
        "parentKey0001",
        "parentSecret0001",
        "creditKey2001",
        "creditSecret2001",
        "defaultKey9999",
        "defaultSecret9999",
    }
    with pytest.raises(ValueError, match="unknown role 'admin'"):
        Keyring(roles={"admin": Credentials("k", secret="s")})
