"""Glossary checks for `dari qa --glossary`: are the Korean terms of a bead rendered as the glossary says?

Per bead, for every glossary term in its Korean (matched as `mt.glossary` does for translation):
`term_missing` when the published English or the MT has none of the term's accepted renderings,
or fewer than the Korean has occurrences while it also writes a variant (a bead of two sentences
that spells the name right in one and wrong in the other); `term_variant` when either has one of
its listed wrong variants. Across a batch, `term_renderings`
collects how each term was rendered in each article's English, so that a name spelt one way in one
article and another way in the next shows up even where no variant was listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from eval.checks import BeadText, Result
from mt.glossary import Entry, Glossary, renderings_in, variants_in

OTHER = "(none of the glossary's forms)"


@dataclass
class TermUse:
    """One glossary term in one bead: how the English and the MT render it (as written), or None."""

    ko: str
    expected: str
    count: int = 1  # occurrences in the bead's Korean
    en: str | None = None
    mt: str | None = None
    en_variant: str | None = None
    mt_variant: str | None = None
    missing: list[str] = field(default_factory=list)  # the sides ("en", "mt") flagged term_missing for it


def check_terms(bead: BeadText, glossary: Glossary) -> tuple[list[str], list[str], list[dict]]:
    """(flags, notes, term uses) of one bead; one-sided beads check only the side they have."""
    if not bead.ko:
        return [], [], []
    counts = Counter(match.entry for match in glossary.find(bead.ko))
    flags: set[str] = set()
    notes, uses = [], []
    for entry, count in counts.items():
        use = TermUse(entry.korean, entry.rendering, count)
        for side, text in (("en", bead.en), ("mt", bead.mt)):
            if not text:
                continue
            renderings, variants = renderings_in(text, entry), variants_in(text, entry)
            setattr(use, side, renderings[0] if renderings else None)
            setattr(use, f"{side}_variant", variants[0] if variants else None)
            more_flags, more_notes = _judge(entry, _SIDE_NAMES[side], count, renderings, variants)
            if "term_missing" in more_flags:
                use.missing.append(side)
            flags.update(more_flags)
            notes.extend(more_notes)
        uses.append(asdict(use))
    return [flag for flag in ("term_missing", "term_variant") if flag in flags], notes, uses


_SIDE_NAMES = {"en": "the published English", "mt": "the MT"}


def _judge(entry: Entry, side: str, count: int, renderings: list[str], variants: list[str]) -> Result:
    flags, notes = [], []
    if not renderings:
        flags.append("term_missing")
        notes.append(f"{side} lacks {entry.rendering!r} for {entry.korean}")
    elif variants and len(renderings) < count:
        flags.append("term_missing")
        notes.append(f"{side} renders {entry.korean} as {entry.rendering!r} {len(renderings)} of {count} times")
    if variants:
        flags.append("term_variant")
        notes.append(f"{side} has {variants[0]!r} for {entry.korean}, a variant to avoid (expected {entry.rendering!r})")
    return flags, notes


def term_renderings(documents) -> list[dict]:
    """Terms the published English renders in more than one way across the batch's articles.

    `documents` are QA document reports whose beads carry `terms` (TermUse dicts). Forms are
    compared ignoring case (a headline in capitals is not another rendering); each form lists the
    articles and the number of beads that use it, OTHER standing for English with none of the
    glossary's forms (another spelling, a pronoun, the term left out).
    """
    forms: dict[str, dict[str, dict]] = {}
    expected: dict[str, str] = {}
    for document in documents:
        for bead in document.beads:
            for use in bead.terms:
                if not bead.en:
                    continue
                form = use["en"] or use["en_variant"] or OTHER
                slot = forms.setdefault(use["ko"], {}).setdefault(
                    form.casefold(), {"form": form, "variant": bool(use["en_variant"] and not use["en"]), "documents": [], "beads": 0}
                )
                slot["beads"] += 1
                if document.name not in slot["documents"]:
                    slot["documents"].append(document.name)
                expected[use["ko"]] = use["expected"]
    report = []
    for korean, by_form in forms.items():
        if len(by_form) > 1:
            renderings = sorted(by_form.values(), key=lambda f: (-f["beads"], f["form"]))
            report.append({"ko": korean, "expected": expected[korean], "renderings": renderings})
    return sorted(report, key=lambda item: item["ko"])
