"""The gateway's JSON API, one module per concern.

Each module holds a mixin class of nameko ``@http`` entrypoints; ``service.GatewayService``
combines them and declares what they use: ``self.gateway`` (the worker's ports, built by
``bootstrap.build``) and ``self.services`` (the domain services' RPC clients). Each
entrypoint reads its input, calls one use case in ``handlers/`` and renders a view.
"""
