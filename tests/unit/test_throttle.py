"""Rate limits on public lookups and back-off on sign-in (issue 8), on in-memory counters."""

import pytest

from services.gateway.domain.throttle import (
    FAILED_LOGINS_PER_CLIENT,
    FAILED_LOGINS_PER_USERNAME,
    FAILED_LOOKUP_COST,
    FAILED_LOOKUPS_PER_SUBJECT,
    LOOKUPS_PER_CLIENT,
    TooManyRequests,
)
from services.gateway.handlers.intake import RequestNotFound
from services.gateway.handlers.throttling import Throttle, code_subject
from tests.fakes.counters import InMemoryCounters

CODE = ("code", "321322-20261126-00001-7")


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def throttle(clock):
    return Throttle(InMemoryCounters(), failures=(RequestNotFound,), clock=clock)


def look_up(throttle, client="198.51.100.7", subject=CODE, found=True):
    with throttle.lookup(client, subject):
        if not found:
            raise RequestNotFound(subject)


def miss(throttle, **kwargs):
    with pytest.raises(RequestNotFound):
        look_up(throttle, found=False, **kwargs)


def guess_until_refused(throttle, client="198.51.100.7"):
    """How many wrong guesses (each of another code) the client gets answered."""
    for number in range(LOOKUPS_PER_CLIENT.limit + 1):
        try:
            miss(throttle, client=client, subject=("code", f"guess-{number}"))
        except TooManyRequests:
            return number
    raise AssertionError("never refused")


class TestLookups:
    def test_a_client_reading_its_own_requests_is_never_stopped_within_its_budget(self, throttle):
        for _ in range(LOOKUPS_PER_CLIENT.limit):
            look_up(throttle)

    def test_one_lookup_over_the_budget_is_refused_until_the_window_ends(self, throttle, clock):
        for _ in range(LOOKUPS_PER_CLIENT.limit):
            look_up(throttle)
        with pytest.raises(TooManyRequests) as refused:
            look_up(throttle)
        assert 0 < refused.value.retry_after <= LOOKUPS_PER_CLIENT.window
        clock.now += refused.value.retry_after
        look_up(throttle)

    def test_misses_cost_more_so_guessing_runs_dry_fast(self, throttle):
        answered = guess_until_refused(throttle)
        assert answered == -(-LOOKUPS_PER_CLIENT.limit // (1 + FAILED_LOOKUP_COST))  # 28 guesses, not 300

    def test_clients_are_counted_apart(self, throttle):
        guess_until_refused(throttle, client="198.51.100.7")
        look_up(throttle, client="203.0.113.9")

    def test_a_code_that_saw_too_many_wrong_phones_is_refused_to_every_client(self, throttle):
        for number in range(FAILED_LOOKUPS_PER_SUBJECT.limit):
            miss(throttle, client=f"198.51.100.{number}")
        with pytest.raises(TooManyRequests) as refused:
            look_up(throttle, client="203.0.113.9")  # even with the right phone
        assert refused.value.code == "too_many_requests"
        look_up(throttle, subject=("code", "321322-20261126-00002-5"))  # other codes are not affected

    def test_the_code_is_open_again_in_the_next_window(self, throttle, clock):
        for _ in range(FAILED_LOOKUPS_PER_SUBJECT.limit):
            miss(throttle, client="198.51.100.1")
        with pytest.raises(TooManyRequests) as refused:
            look_up(throttle, client="203.0.113.9")
        clock.now += refused.value.retry_after
        look_up(throttle, client="203.0.113.9")

    def test_anything_else_leaving_the_lookup_is_not_a_miss(self, throttle):
        for _ in range(FAILED_LOOKUPS_PER_SUBJECT.limit + 1):
            with pytest.raises(ValueError):
                with throttle.lookup("198.51.100.7", CODE):
                    raise ValueError("a bug, or a 400")
        look_up(throttle)

    def test_misses_count_against_a_code_when_phones_are_guessed_in_its_canonical_form(self):
        assert code_subject(" 321322 20261127 00001 8 ", "13912345678") == ("code", "321322-20261127-00001-8")

    def test_a_mistyped_code_or_a_lookup_without_a_phone_counts_against_no_code(self):
        assert code_subject("hello", "13912345678") is None
        assert code_subject("321322-20261126-00001-8", "13912345678") is None  # wrong check character
        assert code_subject("321322-20261127-00001-8", "") is None  # signed in: no phone guessed


class TestSignIn:
    def fail(self, throttle, times, username="admin", client="198.51.100.7"):
        for _ in range(times):
            throttle.check_login(username, client)
            throttle.login_failed(username, client)

    def test_a_few_wrong_passwords_cost_nothing(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_USERNAME.threshold - 1)
        throttle.check_login("admin", "198.51.100.7")

    def test_after_the_threshold_even_the_right_password_waits(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_USERNAME.threshold)
        with pytest.raises(TooManyRequests) as refused:
            throttle.check_login("admin", "203.0.113.9")  # from anywhere
        assert refused.value.code == "too_many_failed_logins"
        assert refused.value.retry_after == FAILED_LOGINS_PER_USERNAME.base

    def test_each_further_failure_doubles_the_wait_up_to_the_cap(self, throttle, clock):
        waits = []
        self.fail(throttle, FAILED_LOGINS_PER_USERNAME.threshold)
        for _ in range(8):
            with pytest.raises(TooManyRequests) as refused:
                throttle.check_login("admin", "198.51.100.7")
            waits.append(refused.value.retry_after)
            clock.now += refused.value.retry_after
            self.fail(throttle, 1)
        assert waits[:4] == [30, 60, 120, 240]
        assert max(waits) == FAILED_LOGINS_PER_USERNAME.cap

    def test_a_successful_sign_in_clears_the_usernames_failures(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_USERNAME.threshold - 1)
        throttle.login_succeeded("admin")
        self.fail(throttle, FAILED_LOGINS_PER_USERNAME.threshold - 1)
        throttle.check_login("admin", "198.51.100.7")

    def test_usernames_are_counted_however_their_letters_are_typed(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_USERNAME.threshold, username="91321322ma1abc123p")
        with pytest.raises(TooManyRequests):
            throttle.check_login(" 91321322MA1ABC123P", "203.0.113.9")

    def test_one_client_trying_many_usernames_is_stopped_too(self, throttle):
        for number in range(FAILED_LOGINS_PER_CLIENT.threshold):
            self.fail(throttle, 1, username=f"user-{number}")
        with pytest.raises(TooManyRequests):
            throttle.check_login("someone-new", "198.51.100.7")
        throttle.check_login("someone-new", "203.0.113.9")
