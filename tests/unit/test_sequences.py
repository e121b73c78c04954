"""Request codes' sequence numbers under a burst: drawn a block at a time, never twice."""

import eventlet
import pytest

from services.common.sequences import SequenceBlocks
from tests.fakes.store import InMemoryDocumentStore


class CountingStore(InMemoryDocumentStore):
    """Counts the round trips a real store would make."""

    def __init__(self):
        super().__init__()
        self.reservations = []

    def next_sequence(self, name, count=1):
        self.reservations.append(count)
        eventlet.sleep(0)  # a round trip: other green threads run meanwhile
        return super().next_sequence(name, count)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def test_numbers_drawn_slowly_are_consecutive_and_reserved_one_at_a_time(clock):
    store, blocks = CountingStore(), SequenceBlocks(clock=clock)
    drawn = []
    for _ in range(5):
        drawn.append(blocks.draw(store, "a"))
        clock.now += 2  # a quiet station: one submission every two seconds
    assert drawn == [1, 2, 3, 4, 5]
    assert store.reservations == [1, 1, 1, 1, 1]


def test_a_burst_reserves_ever_larger_blocks_up_to_the_largest(clock):
    store, blocks = CountingStore(), SequenceBlocks(clock=clock, largest=8)
    drawn = [blocks.draw(store, "a") for _ in range(40)]
    assert drawn == list(range(1, 41))
    assert store.reservations == [1, 2, 4, 8, 8, 8, 8, 8]  # 8 round trips for 40 numbers (47 reserved)


def test_after_a_pause_a_sequence_goes_back_to_one_at_a_time(clock):
    store, blocks = CountingStore(), SequenceBlocks(clock=clock, largest=8)
    for _ in range(7):
        blocks.draw(store, "a")  # blocks of 1, 2, 4: 1 … 7
    clock.now += 5
    assert blocks.draw(store, "a") == 8
    assert store.reservations[-1] == 1


def test_a_steady_load_reserves_a_full_block_each_time_it_runs_out(clock):
    """25 a second, a station's share of an intake benchmark: a block of 32 lasts 1.3 s."""
    store, blocks = CountingStore(), SequenceBlocks(clock=clock, largest=32)
    drawn = []
    for _ in range(25 * 20):
        drawn.append(blocks.draw(store, "a"))
        clock.now += 1 / 25
    assert drawn == list(range(1, 501))
    assert store.reservations[:6] == [1, 2, 4, 8, 16, 32]
    assert set(store.reservations[6:]) == {32}  # once per 32 numbers from then on


def test_a_slower_load_halves_the_block_and_a_pause_ends_it(clock):
    store, blocks = CountingStore(), SequenceBlocks(clock=clock, largest=8)
    for _ in range(15):
        blocks.draw(store, "a")  # blocks of 1, 2, 4, 8: 1 … 15
    clock.now += 3  # the block of 8 lasted three seconds
    assert blocks.draw(store, "a") == 16
    assert store.reservations[-1] == 4
    clock.now += 60
    blocks.draw(store, "a"), blocks.draw(store, "a"), blocks.draw(store, "a")
    clock.now += 60
    blocks.draw(store, "a")
    assert store.reservations[-1] == 1


def test_each_store_and_name_has_its_own_numbers(clock):
    blocks = SequenceBlocks(clock=clock)
    first, second = CountingStore(), CountingStore()
    assert [blocks.draw(first, "a") for _ in range(3)] == [1, 2, 3]
    assert [blocks.draw(second, "a"), blocks.draw(first, "b")] == [1, 1]


def test_concurrent_draws_never_give_a_number_twice(clock):
    store, blocks = CountingStore(), SequenceBlocks(clock=clock)
    pool = eventlet.GreenPool(20)
    drawn = list(pool.imap(lambda _: blocks.draw(store, "a"), range(500)))
    assert len(set(drawn)) == 500
    assert len(store.reservations) < 500  # blocks, not one round trip per number
