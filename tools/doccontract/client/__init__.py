"""The signed client: ``Client(...).call(operation, **params)`` and the family's named methods.

Reads contracts only; imports no page reader.  The exception tree is :mod:`.errors`; typed results
are :mod:`.records`; named methods are generated from the tables in :mod:`.families`.
"""

from ..contract.general import SERVER_TIME_CONTRACT  # the one statement of Binance's server time
from ..wire.credentials import Credentials, Keyring
from .core import Client
from .errors import (
    Answer,
    BinanceAPIError,
    ClientError,
    ContractViolation,
    ContractWarning,
    CredentialsMissing,
    ExecutionStatusUnknown,
    ParamError,
    RateLimited,
    RedirectRefused,
    RequestNotSent,
)
from .records import Records, Result, form, to_record

__all__ = [
    "SERVER_TIME_CONTRACT",
    "Answer",
    "BinanceAPIError",
    "Client",
    "ClientError",
    "ContractViolation",
    "ContractWarning",
    "Credentials",
    "CredentialsMissing",
    "ExecutionStatusUnknown",
    "Keyring",
    "ParamError",
    "RateLimited",
    "Records",
    "RedirectRefused",
    "RequestNotSent",
    "Result",
    "form",
    "to_record",
]
