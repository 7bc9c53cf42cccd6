"""Freed memory handed back to the system between the stages of a long alignment."""

from __future__ import annotations

import ctypes

try:
    _trim = ctypes.CDLL(None).malloc_trim  # glibc
except (AttributeError, OSError):  # other C libraries: nothing to do
    _trim = None


def release_freed_memory() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim; elsewhere nothing).

    glibc raises its mmap threshold to the largest block freed so far, so the numpy temporaries
    of a long document's DP levels and calibration (a few MB each) are then taken from the heap,
    and once freed they stay resident: a 50,000-line alignment ended holding ~140 MB it no
    longer used, which every later stage (QA checks, reports, the next level) paid on top.
    """
    if _trim is not None:
        _trim(0)
