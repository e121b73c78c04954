"""Rate limits on public lookups and back-off on sign-in (issues 8 and 26), on in-memory counters."""

import pytest

from services.gateway.domain.throttle import (
    FAILED_LOGINS_PER_ACCOUNT,
    FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT,
    FAILED_LOGINS_PER_CLIENT,
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

    def test_a_client_that_gave_a_code_too_many_wrong_phones_is_refused_that_code(self, throttle):
        for _ in range(FAILED_LOOKUPS_PER_SUBJECT.limit):
            miss(throttle, client="198.51.100.1")
        with pytest.raises(TooManyRequests) as refused:
            look_up(throttle, client="198.51.100.1")  # even with the right phone
        assert refused.value.code == "too_many_requests"
        look_up(throttle, client="198.51.100.1", subject=("code", "321322-20261126-00002-5"))  # other codes: go on

    def test_wrong_phones_from_others_never_lock_a_code_for_everyone(self, throttle):
        """Issue 26 §6: someone who knows a code cannot make its tracking wait for its owner."""
        for number in range(FAILED_LOOKUPS_PER_SUBJECT.limit * 3):
            miss(throttle, client=f"198.51.100.{number}")
        look_up(throttle, client="203.0.113.9")
        look_up(throttle, client="account:91321322MA1ABC123P")  # a signed-in enterprise is counted as itself

    def test_the_code_is_open_again_in_the_next_window(self, throttle, clock):
        for _ in range(FAILED_LOOKUPS_PER_SUBJECT.limit):
            miss(throttle, client="198.51.100.1")
        with pytest.raises(TooManyRequests) as refused:
            look_up(throttle, client="198.51.100.1")
        clock.now += refused.value.retry_after
        look_up(throttle, client="198.51.100.1")

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


OWNER_OFFICE = "198.51.100.7"
STRANGER = "203.0.113.9"


class TestSignIn:
    """Issue 26 §6: sign-in back-off by account and address together; wider bounds for
    addresses the account never signed in from; decided before the password is checked."""

    def fail(self, throttle, times, username="admin", client=OWNER_OFFICE, known=False):
        for _ in range(times):
            throttle.login_attempt(username, client, known)  # a wrong password: the attempt stays counted

    def strangers_fail(self, throttle, times, username="admin"):
        for number in range(times):
            self.fail(throttle, 1, username, client=f"192.0.2.{number}")

    def test_a_few_wrong_passwords_cost_nothing(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold - 1)
        throttle.login_attempt("admin", OWNER_OFFICE, False)

    def test_after_the_threshold_even_the_right_password_waits_at_that_address(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold)
        with pytest.raises(TooManyRequests) as refused:
            throttle.login_attempt("admin", OWNER_OFFICE, False)
        assert refused.value.code == "too_many_failed_logins"
        assert refused.value.retry_after == FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.base
        throttle.login_attempt("admin", STRANGER, False)  # elsewhere the account is not locked

    def test_each_further_failure_doubles_the_wait_up_to_the_cap(self, throttle, clock):
        waits = []
        self.fail(throttle, FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold, known=True)
        for _ in range(8):
            with pytest.raises(TooManyRequests) as refused:
                throttle.login_attempt("admin", OWNER_OFFICE, True)
            waits.append(refused.value.retry_after)
            clock.now += refused.value.retry_after
            self.fail(throttle, 1, known=True)
        assert waits[:4] == [30, 60, 120, 240]
        assert max(waits) == FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.cap

    def test_failures_from_many_addresses_slow_strangers_but_never_the_owner_where_it_signed_in(self, throttle):
        self.strangers_fail(throttle, FAILED_LOGINS_PER_ACCOUNT.threshold)
        with pytest.raises(TooManyRequests):
            throttle.login_attempt("admin", STRANGER, False)
        throttle.login_attempt("admin", OWNER_OFFICE, True)  # known: only its own failures there count

    def test_one_address_trying_many_usernames_is_stopped_for_accounts_new_to_it(self, throttle):
        for number in range(FAILED_LOGINS_PER_CLIENT.threshold):
            self.fail(throttle, 1, username=f"user-{number}")
        with pytest.raises(TooManyRequests):
            throttle.login_attempt("someone-new", OWNER_OFFICE, False)
        throttle.login_attempt("someone-new", STRANGER, False)
        # a colleague behind the same office address, who signed in from it before, goes on
        throttle.login_attempt("colleague", OWNER_OFFICE, True)

    def test_a_successful_sign_in_clears_its_addresses_failures_and_gives_its_attempt_back(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold - 1)
        throttle.login_succeeded(throttle.login_attempt("admin", OWNER_OFFICE, False))
        self.fail(throttle, FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold - 1)
        throttle.login_attempt("admin", OWNER_OFFICE, False)
        account_wide = throttle.counters.read("login-account|ADMIN", FAILED_LOGINS_PER_ACCOUNT.window, throttle.clock())
        assert account_wide.value == 2 * (FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold - 1) + 1

    def test_usernames_are_counted_however_their_letters_are_typed(self, throttle):
        self.fail(throttle, FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold, username="91321322ma1abc123p")
        with pytest.raises(TooManyRequests):
            throttle.login_attempt(" 91321322MA1ABC123P", OWNER_OFFICE, False)

    def test_attempts_under_way_together_are_decided_one_after_another(self, throttle):
        """Forty attempts begun before any password was checked: only the allowed number
        goes ahead (the old throttle read the failures first, and let 13 of 40 through)."""
        went_ahead = 0
        for _ in range(40):
            try:
                throttle.login_attempt("admin", OWNER_OFFICE, False)
                went_ahead += 1
            except TooManyRequests:
                pass
        assert went_ahead == FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold

    def test_a_refused_attempt_counts_nowhere(self, throttle):
        self.strangers_fail(throttle, FAILED_LOGINS_PER_ACCOUNT.threshold)
        for _ in range(3):
            with pytest.raises(TooManyRequests):
                throttle.login_attempt("admin", OWNER_OFFICE, False)  # refused by the account's bound
        pair = throttle.counters.read(f"login-pair|ADMIN|{OWNER_OFFICE}", 3600, throttle.clock())
        assert pair.value == 0

    def test_a_count_changed_by_another_writer_is_read_again(self, clock):
        counters = RacingCounters()
        throttle = Throttle(counters, clock=clock)
        throttle.login_attempt("admin", OWNER_OFFICE, True)
        assert counters.lost_races == 1
        assert counters.read(f"login-pair|ADMIN|{OWNER_OFFICE}", 3600, clock()).value == 2


class RacingCounters(InMemoryCounters):
    """Another replica counts an attempt between this one's read and its write, once."""

    def __init__(self):
        super().__init__()
        self.lost_races = 0

    def add_if_unchanged(self, key, amount, window, now, seen):
        if self.lost_races == 0:
            self.lost_races += 1
            self.add(key, 1, window, now)
        return super().add_if_unchanged(key, amount, window, now, seen)
