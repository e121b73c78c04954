"""Marshmallow at the gateway's edge: the one form, the station's and operators' commands,
the filters of the service-level questions, and the answers the OpenAPI document shows."""
