"""A faithful stand-in for Binance's SAPI, since no Binance test network serves ``/sapi``.

``gateway`` does what Binance's gateway does for every contract it is given
(routes, auth by security type, weight per unit, the request model, errors
from the catalogue); ``models`` hold the stateful families (Institutional
Loan); ``state`` reads and writes the state file; ``serving`` puts it all on
real HTTP (waitress).
"""

from __future__ import annotations

from ..rules import IP_LIMIT_PER_MINUTE, SIGNING_NAMES, UID_LIMIT_PER_MINUTE
from .gateway import Reply, Sandbox
from .seam import ApiError
from .serving import SandboxServer
from .state import State, StateError

__all__ = [
    "SIGNING_NAMES",
    "Reply",
    "ApiError",
    "IP_LIMIT_PER_MINUTE",
    "Sandbox",
    "SandboxServer",
    "State",
    "StateError",
    "UID_LIMIT_PER_MINUTE",
]
