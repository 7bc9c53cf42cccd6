"""Freed numpy temporaries go back to the system between alignment stages (glibc)."""

import platform
import subprocess
import sys

import pytest

from mt.io import memory

# In a fresh process (the heap of a long test session is laid out by everything before): free a
# 30 MB block, which raises glibc's mmap threshold to it, then make 1 MB temporaries, each followed
# by a 32 KB block that stays, free the temporaries, and print how much RSS releasing gives back.
_PROBE = """
import os, sys
import numpy as np
from mt.io import memory
def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
big = np.ones(30 * 2**20 // 8)
del big
keep, temporaries = [], []
for _ in range(60):
    temporaries.append(np.ones(2**20 // 8))
    keep.append(np.ones(4096))
del temporaries
before = rss()
memory.release_freed_memory(int(sys.argv[1]))
print(before - rss())
"""


def _released_mb(sentences: int) -> float:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(sentences)], capture_output=True, text=True, check=True)
    return float(out.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_temporaries_of_a_long_document_are_handed_back():
    assert _released_mb(memory.LONG_DOCUMENT) > 30


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_short_documents_keep_their_pages():
    """Handing pages back costs faulting them in again: not worth it for a short document."""
    assert _released_mb(memory.LONG_DOCUMENT - 1) < 5
