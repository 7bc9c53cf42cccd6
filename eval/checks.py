"""QA checks: small functions over one aligned bead, each returning the flags it raises.

A bead here carries the Korean source, the published English and the machine translation of the
Korean. The published English is what is being checked; the MT is a yardstick (how far is the
published text from a literal translation?) and is itself checked for decoder loops.
Each check returns `(flags, notes)`: flags are fixed names the report counts, notes say why in
words an editor can act on.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from mt.text.numbers import Number, extract_numbers, same_measure
from mt.repetition import is_repetitive
from mt.text.script import HANGUL_RUN

FLAGS = ("omission", "addition", "number_mismatch", "number_missing", "untranslated", "low_similarity", "repetition",
         "term_missing", "term_variant")  # the last two only with a glossary (eval.term_checks)

_DIGIT = re.compile(r"\d")
# A similarity outlier sits this many robust standard deviations (1.4826 × MAD) below the median.
LOW_SIMILARITY_SPREAD = 2.5
# Fewer scored beads than this in a document and its own distribution says nothing: use the batch's.
MIN_DOCUMENT_BEADS = 8


@dataclass(slots=True)
class BeadText:
    """The text of one bead; `boilerplate` names the kind when the bead is a byline, credit, footer..."""

    ko: str
    en: str
    mt: str
    mt_flags: list[str] = field(default_factory=list)
    boilerplate: str | None = None


Result = tuple[list[str], list[str]]

_CARDINALS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split()
_SMALL_WORDS = {word: float(k + 1) for words in (_CARDINALS, _ORDINALS) for k, word in enumerate(words)}
_SMALL_WORDS.update({"a": 1.0, "an": 1.0, "once": 1.0, "single": 1.0, "twice": 2.0, "double": 2.0, "dozen": 12.0})
_ROMAN_VALUES = {word: float(k + 1) for k, word in enumerate(_ROMAN)}
_WORD = re.compile(r"[A-Za-z]+")


def check_omission(bead: BeadText) -> Result:
    if bead.ko and not bead.en and not bead.boilerplate:
        return ["omission"], ["Korean sentence has no English counterpart"]
    return [], []


def check_addition(bead: BeadText) -> Result:
    if bead.en and not bead.ko and not bead.boilerplate:
        return ["addition"], ["English sentence has no Korean source"]
    return [], []


def check_numbers(bead: BeadText) -> Result:
    """Compare the figures of the Korean and the English as values (1만5000 = 15,000).

    `number_mismatch`: a figure in digits on each side has no counterpart on the other, i.e. a
    figure was changed (15,000 became 1,500). `number_missing`: a figure in digits on one side only,
    weaker evidence because English often spells out what Korean writes in digits (4위 → fourth,
    1분 → a minute, 엘리자베스 2세 → Elizabeth II), so such spelt-out forms excuse a Korean digit.
    Values are compared as sets: "3명 … 3명" may well be "the three" once. What a translation may
    rewrite is compared as `_comparable` says: clock readings, and measures in converted units.
    """
    if not (bead.ko and bead.en):
        return [], []
    _, _, missing, extra = _unmatched_keys(bead.ko, bead.en)
    if not missing and not extra:
        return [], []
    parts = []
    if missing:
        parts.append(f"Korean has {_numbers(missing)} not in the English")
    if extra:
        parts.append(f"English has {_numbers(extra)} not in the Korean")
    return ["number_mismatch" if missing and extra else "number_missing"], ["; ".join(parts)]


def _unmatched_keys(ko: str, en: str) -> tuple[dict, dict, set, set]:
    """Each side's numbers with their comparison keys, and the keys of figures in digits without a counterpart."""
    ko_numbers, en_numbers = extract_numbers(ko, "ko"), extract_numbers(en, "en")
    ko_keys, en_keys = _comparable(ko_numbers, en_numbers), _comparable(en_numbers, ko_numbers)
    ko_values, en_values = set(ko_keys.values()), set(en_keys.values())
    missing = {key for n, key in ko_keys.items() if _DIGIT.search(n.text)} - en_values - _word_values(en)
    extra = {key for n, key in en_keys.items() if _DIGIT.search(n.text)} - ko_values
    return ko_keys, en_keys, missing, extra


def unmatched_numbers(ko: str, en: str) -> tuple[list[Number], list[Number]]:
    """The figures `check_numbers` objects to, as found in each text (with offsets), so a page can mark them."""
    if not (ko and en):
        return [], []
    ko_keys, en_keys, missing, extra = _unmatched_keys(ko, en)
    return (
        [n for n, key in ko_keys.items() if key in missing and _DIGIT.search(n.text)],
        [n for n, key in en_keys.items() if key in extra and _DIGIT.search(n.text)],
    )


def _comparable(numbers: list[Number], other: list[Number]) -> dict[Number, float | tuple[int, ...]]:
    """What to compare each number by, against the numbers of the other side.

    A clock reading of two or more parts is compared whole (7:19 is not 9:19 even where 19 occurs
    twice) when the other side gives one too, else by its parts. A measure in a unit the other
    side does not use is left out when the other side gives the same measure in its own unit: it
    was converted (75.6 cm → 29¾ inches).
    """
    other_units = {n.unit for n in other if n.unit}
    other_clocks = any(len(n.clock) > 1 for n in other)
    return {
        n: n.clock if len(n.clock) > 1 and other_clocks else n.value
        for n in numbers
        if not (n.unit and n.unit not in other_units and any(same_measure(n, m) for m in other))
    }


def check_untranslated(bead: BeadText) -> Result:
    """Hangul left in the published English (or in the MT, which then cannot serve as a yardstick)."""
    notes = []
    for side, text in (("English", bead.en), ("MT", bead.mt)):
        runs = HANGUL_RUN.findall(text)
        if runs:
            notes.append(f"Hangul left in the {side}: {' '.join(dict.fromkeys(runs))}")
    return (["untranslated"], notes) if notes else ([], [])


def check_repetition(bead: BeadText) -> Result:
    if "repetition" in bead.mt_flags or (bead.mt and is_repetitive(bead.mt, bead.ko)):
        return ["repetition"], ["the MT repeats itself (decoder loop)"]
    return [], []


BEAD_CHECKS = (check_omission, check_addition, check_numbers, check_untranslated, check_repetition)


def check_bead(bead: BeadText) -> Result:
    """Every bead-local check; low similarity needs the whole document and is judged by `low_similarity_threshold`."""
    flags, notes = [], []
    for check in BEAD_CHECKS:
        more_flags, more_notes = check(bead)
        flags.extend(more_flags)
        notes.extend(more_notes)
    return flags, notes


def low_similarity_threshold(scores: list[float], fallback: list[float] | None = None) -> float | None:
    """The score under which a bead is an outlier in its document: median − 2.5 robust standard deviations.

    A short document cannot define its own spread, so `fallback` (the whole batch's scores) is used
    when the document has fewer than MIN_DOCUMENT_BEADS scores; None when neither has enough.
    """
    pool = scores if len(scores) >= MIN_DOCUMENT_BEADS else (fallback or [])
    if len(pool) < MIN_DOCUMENT_BEADS:
        return None
    median = statistics.median(pool)
    mad = statistics.median(abs(s - median) for s in pool)
    return median - LOW_SIMILARITY_SPREAD * 1.4826 * mad


def check_similarity(score: float | None, threshold: float | None) -> Result:
    if score is None or threshold is None or score >= threshold:
        return [], []
    return ["low_similarity"], [f"MT and English agree far less than elsewhere (chrF {score:.1f} < {threshold:.1f})"]


def count_flags(flag_lists: list[list[str]]) -> dict[str, int]:
    counts = Counter(flag for flags in flag_lists for flag in flags)
    return {flag: counts.get(flag, 0) for flag in FLAGS}


def _word_values(text: str) -> set[float]:
    """Small numbers spelt out in English: cardinals, ordinals, Roman numerals (upper case) up to 20, a/once/twice."""
    values = set()
    for word in _WORD.findall(text):
        value = _SMALL_WORDS.get(word.lower()) or _ROMAN_VALUES.get(word)
        if value and not (word == "I" and value == 1.0):
            values.add(value)
    return values


def _numbers(keys: set) -> str:
    return ", ".join(_number(k) for k in sorted(keys, key=lambda k: (isinstance(k, tuple), k)))


def _number(key: float | tuple[int, ...]) -> str:
    """Clock readings as 7:19; thousands separators from 10,000 up only, so that years read as years."""
    if isinstance(key, tuple):
        return ":".join([str(key[0])] + [f"{part:02d}" for part in key[1:]])
    if key < 10000:
        return f"{key:g}"
    return f"{int(key):,}" if key == int(key) else f"{key:,}"
