"""Group sentences into batches by padded token count instead of a fixed number of sentences.

A batch costs (longest sentence × number of sentences) tokens of compute and memory, because
every row is padded to the longest one. Sorting by length keeps that padding small, and a
token budget keeps a batch of long sentences from taking far more memory than a batch of
short ones, which a fixed sentence count cannot do.
"""

from __future__ import annotations


def token_batches(lengths: list[int], max_tokens: int, max_sentences: int) -> list[list[int]]:
    """Indices into `lengths`, grouped so each batch's padded size stays within `max_tokens`.

    Longest sentences come first (an out-of-memory batch shows up at once, not at the end of a
    long run); ties keep input order so the result is deterministic. A sentence longer than
    `max_tokens` is never dropped: it gets a batch of its own.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    if max_sentences < 1:
        raise ValueError(f"max_sentences must be at least 1, got {max_sentences}")
    if any(length < 0 for length in lengths):
        raise ValueError("lengths must not be negative")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    batch: list[int] = []
    for index in order:
        # Sorted longest first, so the batch's first sentence sets its padded width.
        width = max(lengths[batch[0]] if batch else lengths[index], 1)
        if batch and (len(batch) >= max_sentences or width * (len(batch) + 1) > max_tokens):
            batches.append(batch)
            batch = []
        batch.append(index)
    if batch:
        batches.append(batch)
    return batches
