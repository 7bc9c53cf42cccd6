import random

import pytest

from mt.batching import token_batches


def padded_size(batch, lengths):
    return max(lengths[i] for i in batch) * len(batch)


def test_every_index_appears_exactly_once():
    rng = random.Random(7)
    lengths = [rng.randint(1, 120) for _ in range(500)]
    batches = token_batches(lengths, max_tokens=1000, max_sentences=32)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))


def test_batches_respect_token_and_sentence_limits():
    rng = random.Random(11)
    lengths = [rng.randint(1, 120) for _ in range(500)]
    batches = token_batches(lengths, max_tokens=1000, max_sentences=16)
    assert all(len(batch) <= 16 for batch in batches)
    assert all(padded_size(batch, lengths) <= 1000 for batch in batches)


def test_longest_first_and_ties_in_input_order():
    lengths = [3, 9, 3, 9, 5]
    batches = token_batches(lengths, max_tokens=100, max_sentences=2)
    assert batches == [[1, 3], [4, 0], [2]]


def test_short_sentences_share_a_batch_long_ones_do_not():
    lengths = [100, 100, 10, 10, 10, 10]
    batches = token_batches(lengths, max_tokens=200, max_sentences=64)
    assert batches == [[0, 1], [2, 3, 4, 5]]


def test_oversized_sentence_gets_its_own_batch_instead_of_being_dropped():
    lengths = [5, 500, 5]
    assert token_batches(lengths, max_tokens=64, max_sentences=8) == [[1], [0, 2]]


def test_zero_length_sentences_still_count_as_one_token():
    assert token_batches([0, 0, 0], max_tokens=2, max_sentences=8) == [[0, 1], [2]]


def test_empty_input_gives_no_batches():
    assert token_batches([], max_tokens=10, max_sentences=2) == []


def test_deterministic():
    rng = random.Random(3)
    lengths = [rng.randint(1, 50) for _ in range(200)]
    assert token_batches(lengths, 256, 16) == token_batches(list(lengths), 256, 16)


@pytest.mark.parametrize("max_tokens, max_sentences", [(0, 4), (10, 0)])
def test_rejects_non_positive_limits(max_tokens, max_sentences):
    with pytest.raises(ValueError):
        token_batches([1, 2], max_tokens, max_sentences)
