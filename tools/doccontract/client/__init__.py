"""The signed client: ``Client(...).call(operation, **params)`` and the family's named methods.

Reads contracts only; imports no page reader.
"""

from ..contract.general import SERVER_TIME_CONTRACT  # the one statement of Binance's server time
from ..wire.credentials import Credentials, Keyring
from .core import (
    BinanceAPIError,
    Client,
    ClientError,
    ContractViolation,
    ExecutionStatusUnknown,
    RateLimited,
    RedirectRefused,
    RequestNotSent,
    Result,
    to_record,
)

__all__ = [
    "SERVER_TIME_CONTRACT",
    "BinanceAPIError",
    "Client",
    "ClientError",
    "ContractViolation",
    "Credentials",
    "ExecutionStatusUnknown",
    "Keyring",
    "RateLimited",
    "RedirectRefused",
    "RequestNotSent",
    "Result",
    "to_record",
]
