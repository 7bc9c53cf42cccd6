"""Freed numpy temporaries go back to the system between alignment stages (glibc)."""

import os
import platform

import numpy as np
import pytest

from mt.io import memory


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_temporaries_stay_resident_until_released():
    big = np.ones(30 * 2**20 // 8)  # freeing a 30 MB block raises glibc's mmap threshold to it
    del big
    keep, temporaries = [], []
    for _ in range(60):  # 1 MB temporaries now come from the heap, each followed by a small block that stays
        temporaries.append(np.ones(2**20 // 8))
        keep.append(np.ones(4096))  # 32 KB: past numpy's own cache of small blocks
    del temporaries
    before = _rss_mb()
    memory.release_freed_memory(memory.LONG_DOCUMENT)
    assert before - _rss_mb() > 30


def test_short_documents_keep_their_pages():
    """Handing pages back costs faulting them in again: not worth it for a short document."""
    asked = []
    original = memory._trim
    try:
        memory._trim = asked.append
        memory.release_freed_memory(memory.LONG_DOCUMENT - 1)
        memory.release_freed_memory(memory.LONG_DOCUMENT)
    finally:
        memory._trim = original
    assert asked == [0]
