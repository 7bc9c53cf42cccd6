"""Freed memory handed back to the system between the stages of a long alignment."""

from __future__ import annotations

import ctypes

try:
    _trim = ctypes.CDLL(None).malloc_trim  # glibc
except (AttributeError, OSError):  # other C libraries: nothing to do
    _trim = None


# Below this many sentences (both sides) the temporaries are small, and pages handed back are only
# faulted in again: ~0.1 s more CPU on 1,000 x 1,000 sentences.
LONG_DOCUMENT = 20_000


def release_freed_memory(sentences: int) -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim; elsewhere nothing).

    glibc raises its mmap threshold to the largest block freed so far, so the numpy temporaries
    of a long document's DP levels and calibration (a few MB each) are then taken from the heap,
    and once freed they stay resident: a 50,000-line alignment ended holding ~140 MB it no
    longer used, which every later stage (QA checks, reports, the next level) paid on top.
    `sentences`: of the document just aligned (both sides); short ones are left alone.
    """
    if _trim is not None and sentences >= LONG_DOCUMENT:
        _trim(0)
