"""Sentence alignment of a Korean article with its English version.

    from aligners import align
    beads = align(src_sentences, tgt_sentences, mt=mt_lines, embed="e5")
"""

from aligners.beads import Bead

__all__ = ["Bead", "align", "align_articles"]


def __getattr__(name: str):
    """`align` (numpy, signals, numbers) loads on first use, so importing `Bead` stays cheap."""
    if name in ("align", "align_articles"):
        from aligners import aligner

        return getattr(aligner, name)
    raise AttributeError(f"module 'aligners' has no attribute {name!r}")
