"""Watching the live docs: fetching pages, comparing them with the specs and contracts, reporting
drift and alerting people."""
