"""Sentence alignment of a Korean article with its English version.

    from aligners import align
    beads = align(src_sentences, tgt_sentences, mt=mt_lines, embed="e5")
"""

from aligners.aligner import align
from aligners.beads import Bead

__all__ = ["Bead", "align"]
