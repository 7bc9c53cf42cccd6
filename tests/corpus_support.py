"""A stand-in aligner for corpus-build tests, so they run without the embedding model.

It pairs sentences by position (extra sentences become 1-0 / 0-1 beads) with a fixed confidence; the
tests assert on what the build does with beads (filters, dedup, provenance, resume), not on it.
Module-level so worker processes and a killed subprocess can import it by name.
"""

from __future__ import annotations

import os
import time

from aligners.beads import Bead


def positional_aligner(src, tgt, mt=None, embed="e5", max_merge=3, embed_scope="needed"):
    delay = float(os.environ.get("DARI_TEST_ALIGN_DELAY", "0"))
    if delay:
        time.sleep(delay)
    beads = [Bead([i], [i], 0.9) for i in range(min(len(src), len(tgt)))]
    beads += [Bead([i], [], 0.0) for i in range(len(tgt), len(src))]
    beads += [Bead([], [i], 0.0) for i in range(len(src), len(tgt))]
    return beads


BROKEN = "고장"  # a Korean sentence holding this word makes failing_aligner raise


def failing_aligner(src, tgt, mt=None, embed="e5", max_merge=3, embed_scope="needed"):
    """positional_aligner, except that it fails like a bug would on an article mentioning BROKEN."""
    if any(BROKEN in sentence for sentence in src.sentences):
        raise ValueError(f"cannot align an article with {BROKEN} in it")
    return positional_aligner(src, tgt, mt, embed, max_merge, embed_scope)
