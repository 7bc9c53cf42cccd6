"""Per-pair quality checks, each naming why it rejects a pair.

A corpus builder has to say why every sentence it drops was dropped, so each check returns a
reason code (plus a human detail) instead of a bare boolean. Checks that need the whole corpus
(duplicates, test-set overlap) live in `corpora.dedup`; these look at one pair only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from collections.abc import Callable, Sequence

from corpora.records import PairRecord, first_control_char, format_ids
from mt.text.script import is_hangul, letter_share

# Every reason a pair can be rejected for, in the order the checks run; stats list them in this order.
BOILERPLATE = "boilerplate"
UNALIGNED = "unaligned"
CONTROL_CHARS = "control_chars"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
KO_SCRIPT = "ko_script"
EN_SCRIPT = "en_script"
LENGTH_RATIO = "length_ratio"
NUMBERS = "numbers"
LOW_SCORE = "low_score"
CROSS_PARAGRAPH = "cross_paragraph"
UNALIGNED_NEIGHBOUR = "unaligned_neighbour"
TEST_OVERLAP = "test_overlap"
DUPLICATE = "duplicate"
NEAR_DUPLICATE = "near_duplicate"
REASONS = (BOILERPLATE, UNALIGNED, CONTROL_CHARS, TOO_SHORT, TOO_LONG, KO_SCRIPT, EN_SCRIPT, LENGTH_RATIO,
           NUMBERS, LOW_SCORE, CROSS_PARAGRAPH, UNALIGNED_NEIGHBOUR, TEST_OVERLAP, DUPLICATE, NEAR_DUPLICATE)

Verdict = tuple[str, str] | None  # (reason code, detail) or None when the pair passes


@dataclass(frozen=True)
class Layout:
    """Per side ("ko", "en"), per sentence id: its boilerplate kind (or None) and paragraph number.

    Checks that look beyond the pair's own text (is a sentence a byline? does a bead straddle
    paragraphs?) read it; the build computes it once per document.
    """

    kinds: dict[str, Sequence[str | None]]
    paragraphs: dict[str, Sequence[int]]  # the Article's own (packed) numbers: no copy per document


@dataclass(frozen=True)
class FilterSettings:
    """Thresholds; part of every cached document's key, so changing one re-filters old documents."""

    min_score: float = 0.6
    min_chars: int = 3
    max_chars: int = 1000
    min_ratio: float = 0.5
    max_ratio: float = 5.0
    min_hangul: float = 0.5
    min_latin: float = 0.9

    def to_json(self) -> dict:
        return asdict(self)


def _alnum_count(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def check_boilerplate(pair: PairRecord, layout: Layout) -> Verdict:
    """Bylines, captions, copyright lines, judged per sentence by `mt.text.boilerplate`.

    Checked first, so an unpaired byline is reported as boilerplate rather than as unaligned.
    """
    for side, ids in (("ko", pair.ko_ids), ("en", pair.en_ids)):
        for i in ids:
            if layout.kinds[side][i]:
                return BOILERPLATE, f"{side} sentence {i} is {layout.kinds[side][i]}"
    return None


def check_cross_paragraph(pair: PairRecord, layout: Layout) -> Verdict:
    """A bead joining sentences of different paragraphs: translators rarely carry one sentence
    across a paragraph break, aligners that drift often do (and pull in stray lines)."""
    for side, ids in (("ko", pair.ko_ids), ("en", pair.en_ids)):
        paragraphs = sorted({layout.paragraphs[side][i] for i in ids})
        if len(paragraphs) > 1:
            return CROSS_PARAGRAPH, f"{side} sentences {format_ids(ids)} span paragraphs {format_ids(paragraphs)}"
    return None


def check_unaligned(pair: PairRecord, settings: FilterSettings) -> Verdict:
    if not pair.ko_ids or not pair.en_ids:
        side = "Korean" if pair.ko_ids else "English"
        return UNALIGNED, f"{side} sentence with no counterpart"
    return None


def check_control_chars(pair: PairRecord, settings: FilterSettings) -> Verdict:
    """Tabs, line breaks and other control characters break TSV/Moses lines and are not legal in TMX."""
    for side, text in (("ko", pair.ko), ("en", pair.en)):
        bad = first_control_char(text)
        if bad is not None:
            return CONTROL_CHARS, f"{side} contains U+{ord(bad):04X}"
    return None


def check_length(pair: PairRecord, settings: FilterSettings) -> Verdict:
    for side, text in (("ko", pair.ko), ("en", pair.en)):
        count = _alnum_count(text)
        if count < settings.min_chars:
            return TOO_SHORT, f"{side} has {count} letters/digits < {settings.min_chars}"
        if len(text) > settings.max_chars:
            return TOO_LONG, f"{side} has {len(text)} characters > {settings.max_chars}"
    return None


def check_script(pair: PairRecord, settings: FilterSettings) -> Verdict:
    hangul = letter_share(pair.ko, is_hangul)
    if hangul < settings.min_hangul:
        return KO_SCRIPT, f"Hangul share of Korean letters {hangul:.2f} < {settings.min_hangul}"
    latin = letter_share(pair.en, _is_latin)
    if latin < settings.min_latin:
        return EN_SCRIPT, f"Latin share of English letters {latin:.2f} < {settings.min_latin}"
    return None


def check_length_ratio(pair: PairRecord, settings: FilterSettings) -> Verdict:
    """English runs about twice as many characters as Korean; far outside that the pair is not a translation."""
    ratio = len(pair.en) / max(len(pair.ko), 1)
    if not settings.min_ratio <= ratio <= settings.max_ratio:
        return LENGTH_RATIO, f"English/Korean length {ratio:.2f} outside [{settings.min_ratio}, {settings.max_ratio}]"
    return None


def check_numbers(pair: PairRecord, settings: FilterSettings) -> Verdict:
    """Reject when each side has a number the other lacks.

    Translations often drop or add one number (a unit conversion, "two" said once), so a one-sided
    difference is kept; two-sided disagreement is what a misalignment looks like. 0 is ignored
    because clock times (10:00) give it on one side only. Values come from `mt.text.numbers`, which
    reads Korean units, so 120만 and 1.2 million agree.
    """
    from mt.text.numbers import number_values

    ko = set(number_values(pair.ko, "ko")) - {0.0}
    en = set(number_values(pair.en, "en")) - {0.0}
    if ko - en and en - ko:
        return NUMBERS, f"Korean has {_fmt(ko - en)}, English has {_fmt(en - ko)}"
    return None


def _fmt(values: set[float]) -> str:
    return ", ".join(f"{v:g}" for v in sorted(values))


def check_score(pair: PairRecord, settings: FilterSettings) -> Verdict:
    if pair.score < settings.min_score:
        return LOW_SCORE, f"alignment confidence {pair.score:.3f} < {settings.min_score}"
    return None


CHECKS: tuple[Callable[[PairRecord, FilterSettings], Verdict], ...] = (
    check_unaligned, check_control_chars, check_length, check_script, check_length_ratio,
    check_numbers, check_score,
)


def apply_filters(pair: PairRecord, settings: FilterSettings, layout: Layout | None = None) -> PairRecord:
    """Set `reason`/`detail` from the first check that fails; a pair keeps them None/"" when all pass.

    `layout` enables the boilerplate and cross-paragraph checks.
    """
    verdict = check_boilerplate(pair, layout) if layout else None
    for check in CHECKS:
        if verdict:
            break
        verdict = check(pair, settings)
    if not verdict and layout:
        verdict = check_cross_paragraph(pair, layout)
    if verdict:
        pair.reason, pair.detail = verdict
    return pair


def reject_unaligned_neighbours(pairs: list[PairRecord], layout: Layout) -> None:
    """Reject passing pairs next to an unaligned sentence of the same paragraph, in place.

    A sentence left without counterpart inside a paragraph usually means the two sides were split
    differently there (one long English sentence for two Korean ones, a clause moved across a full
    stop), so the pair beside it is likely missing part of its translation or carrying extra.
    Unpaired sentences in paragraphs of their own (a dropped paragraph, a byline) do not count.
    """
    paragraphs = layout.paragraphs
    orphans = {"ko": set(), "en": set()}
    for pair in pairs:
        if pair.reason == UNALIGNED:
            orphans["ko" if pair.ko_ids else "en"].update(pair.ko_ids or pair.en_ids)
    for pair in pairs:
        if pair.reason is not None:
            continue
        for side, ids in (("ko", pair.ko_ids), ("en", pair.en_ids)):
            own = {paragraphs[side][i] for i in ids}
            neighbour = next((n for n in (min(ids) - 1, max(ids) + 1)
                              if n in orphans[side] and paragraphs[side][n] in own), None)
            if neighbour is not None:
                pair.reason = UNALIGNED_NEIGHBOUR
                pair.detail = f"{side} sentence {neighbour} in the same paragraph has no counterpart"
                break
