"""The gateway's commands (``python -m services.gateway.cli.<command>``): accounts, the
working-day calendar, the read model of service levels."""
