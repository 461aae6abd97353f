"""The ``doccontract`` command: ``main(argv)`` parses, runs one command and returns its exit code."""

from .app import main

__all__ = ["main"]
