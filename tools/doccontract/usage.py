"""The one user-mistake type: every command turns it into one line naming what to fix, and exit 2."""

from __future__ import annotations


class UsageError(ValueError):
    """A mistake on the command line or in an input file; the message names the file, heading or parameter."""
