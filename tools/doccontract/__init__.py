"""doccontract: Binance's own API documentation, turned into executable contracts."""

__version__ = "0.1.0"
