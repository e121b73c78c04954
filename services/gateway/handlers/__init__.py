"""The gateway's use cases, one module per capability. Plain functions over the ports that
``bootstrap.build`` makes (repositories, the read model, the calendar, the domain
services' clients): no nameko, no HTTP, no query syntax."""
