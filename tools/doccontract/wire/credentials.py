"""Which API key signs which operation: a default key, and a key per account role.

Institutional Loan is used with several keys (the parent account's, the credit account's, the
collateral accounts'), and some pages restrict an endpoint to one role ("accessible only with the
parent account API key": the contract's ``caller``).  One home for the rule, used by the suite's
live target, the client and the Schemathesis hook:

- ``BINANCE_API_KEY`` with ``BINANCE_API_SECRET`` (or ``BINANCE_PRIVATE_KEY_PATH``) is the default
  key.  Its role cannot be known, so it signs every operation no role key covers; a restricted
  operation it signs is *unconfirmed*: a -2015 answer means "not that role's key", not "broken API".
- ``BINANCE_<ROLE>_API_KEY`` with ``BINANCE_<ROLE>_API_SECRET`` (or ``..._PRIVATE_KEY_PATH``), ROLE
  one of PARENT, CREDIT, COLLATERAL, is that role's key: it signs every operation the pages restrict
  to that role, and its answers are judged in full.
- An unrestricted operation takes the default key, else the first role key configured (any
  account may call it).

The keys never appear in a repr; :attr:`Keyring.secrets` lists them for scrubbing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._files import FileProblem, read_regular

ROLES = ("credit", "parent", "collateral")  # the order an unrestricted operation picks a role key in
MAX_KEY_BYTES = 64 * 1024  # a PEM private key is a few KB; a path naming anything larger is not one
DEFAULT_PREFIX = "BINANCE"


class NoCredentials(Exception):
    """No key at all: live checks cannot run."""


class BadCredentials(ValueError):
    """A configured key, secret or key file that cannot be used; the message names the variable, never the value."""


def prefix(role: str | None) -> str:
    """``BINANCE`` for the default key, ``BINANCE_PARENT`` for the parent's."""
    return f"{DEFAULT_PREFIX}_{role.upper()}" if role else DEFAULT_PREFIX


def variables(role: str | None) -> str:
    """The variables that configure a role's key, as a user would type them."""
    p = prefix(role)
    return f"{p}_API_KEY with {p}_API_SECRET or {p}_PRIVATE_KEY_PATH"


def role_account(role: str) -> str:
    """How the pages name the account: 'the parent account'."""
    return f"the {role} account"


@dataclass(frozen=True)
class Credentials:
    """One API key and what signs with it (an HMAC secret or a PEM private key)."""

    api_key: str = field(repr=False)
    secret: str | None = field(default=None, repr=False)
    private_key: bytes | str | None = field(default=None, repr=False)
    role: str | None = None  # the role it was configured for; None: the default key, role unknown
    name: str = ""  # where it came from, for messages: 'BINANCE_PARENT_API_KEY', 'the demo parent key'

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", f"the {self.role or 'default'} key")

    @property
    def signer_args(self) -> dict[str, Any]:
        """Keyword arguments of ``Signer`` (and of ``Client``): the secret, or the private key."""
        return (
            {"secret": self.secret}
            if self.secret is not None
            else {"private_key": self.private_key}
            if self.private_key is not None
            else {}
        )

    @property
    def secrets(self) -> list[str]:
        pem = self.private_key.decode("utf-8", "replace") if isinstance(self.private_key, bytes) else self.private_key
        return [s for s in (self.api_key, self.secret, pem) if s]


@dataclass(frozen=True)
class Keyring:
    """The default key and the keys per role; :meth:`pick` says which one signs an operation."""

    default: Credentials | None = None
    roles: Mapping[str, Credentials] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r}: roles are {', '.join(ROLES)}")

    def __bool__(self) -> bool:
        return self.default is not None or bool(self.roles)

    def pick(self, caller: str | None) -> Credentials | None:
        """The key for an operation the pages restrict to ``caller`` (None: any account); None when there is none."""
        if caller is None:
            return self.default or next((self.roles[r] for r in ROLES if r in self.roles), None)
        return self.roles.get(caller) or self.default

    @staticmethod
    def confirmed(creds: Credentials, caller: str | None) -> bool:
        """Whether the key is known to be of the role the operation needs (always, for an unrestricted one)."""
        return caller is None or creds.role == caller

    def missing(self, caller: str | None) -> str:
        """Why nothing can be sent for ``caller``: the role and the variables that would configure it."""
        if caller is None:
            return f"no API key configured (set {variables(None)})"
        return (
            f"accessible only with {role_account(caller)}'s API key, and none is configured (set {variables(caller)})"
        )

    @property
    def secrets(self) -> list[str]:
        return [s for c in (self.default, *self.roles.values()) if c for s in c.secrets]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Keyring:
        """The keys the environment configures; NoCredentials when none, BadCredentials for a half-set one."""
        env = dict(os.environ if env is None else env)
        default = _from_env(env, None)
        roles = {r: c for r in ROLES if (c := _from_env(env, r)) is not None}
        if default is None and not roles:
            raise NoCredentials(
                f"no credentials (set {variables(None)}, or a key per role: "
                + ", ".join(f"{prefix(r)}_API_KEY" for r in ROLES)
                + ", each with its _API_SECRET or _PRIVATE_KEY_PATH)"
            )
        return cls(default, roles)


def check_credential(name: str, value: str) -> str:
    """Printable ASCII without whitespace, as HTTP headers and Binance keys are; the value is never echoed."""
    if not value or any(not (33 <= ord(ch) <= 126) for ch in value):
        stripped = value.strip()
        hint = (
            " (it has leading or trailing whitespace: a copy-paste newline?)" if stripped and stripped != value else ""
        )
        raise BadCredentials(f"{name} must be printable ASCII without spaces or newlines{hint}")
    return value


def _from_env(env: dict[str, str], role: str | None) -> Credentials | None:
    p = prefix(role)
    key, secret, key_path = env.get(f"{p}_API_KEY"), env.get(f"{p}_API_SECRET"), env.get(f"{p}_PRIVATE_KEY_PATH")
    if not (key or secret or key_path):
        return None
    if role is None and not (key and (secret or key_path)):
        return None  # a half-set default key configures nothing (role keys may still do)
    if not key:
        raise BadCredentials(f"{p}_API_SECRET or {p}_PRIVATE_KEY_PATH is set without {p}_API_KEY")
    check_credential(f"{p}_API_KEY", key)
    if secret:
        return Credentials(key, secret=check_credential(f"{p}_API_SECRET", secret), role=role, name=f"{p}_API_KEY")
    if not key_path:
        raise BadCredentials(f"{p}_API_KEY is set without {p}_API_SECRET or {p}_PRIVATE_KEY_PATH")
    try:  # a FIFO or device refused, never waited on
        return Credentials(key, private_key=read_regular(key_path, MAX_KEY_BYTES), role=role, name=f"{p}_API_KEY")
    except FileProblem as exc:
        raise BadCredentials(
            f"{p}_PRIVATE_KEY_PATH: cannot read {key_path}: {exc.problem.removeprefix('cannot read: ')}"
        ) from None
