"""Endpoint models -> contract JSON, and contracts -> operations.

``build`` (with ``schema``, ``bilingual``, ``format``, ``catalogue``, ``openapi``) writes contracts from
the readers' endpoint models; ``store`` and ``registry`` read them back for the client, the sandbox and
the suite, and import no reader.
"""
