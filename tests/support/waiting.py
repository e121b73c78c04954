"""Waiting for something that happens asynchronously (an event consumed, a projection)."""

import time


def eventually(read, predicate=bool, timeout=15, interval=0.1):
    """``read()`` again until ``predicate`` holds for what it returns; that value.
    AssertionError with the last value seen if it never does within ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if predicate(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened; last seen: {value!r}")
        time.sleep(interval)
