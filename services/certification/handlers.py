"""Certification use cases, over a ApplicationRepository."""

from ..common.domain import NotFound
from ..common.idempotency import open_once
from .domain.model import Application


def receive_dispatched_request(repository, envelope, now):
    return open_once(repository, Application.open, envelope, now)


def get(repository, request_code):
    found = repository.get(request_code)
    if found is None:
        raise NotFound(request_code)
    return found
