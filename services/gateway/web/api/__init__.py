"""The gateway's HTTP endpoints and event consumers, one module per concern.

Each module holds a mixin class of nameko entrypoints; ``service.GatewayService``
combines them and declares the dependencies they use (``self.db``, ``self.relay``,
``self.<domain>_rpc``). Keeping concerns in separate modules keeps each one short.
"""
