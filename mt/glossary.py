"""A newsroom glossary: Korean terms and the one English rendering each must get.

File format (UTF-8, tab-separated, one term a line; blank lines and lines starting with # are
skipped, and so is a header row `korean<TAB>english...` before the first entry):

    korean<TAB>english[<TAB>variants to avoid][<TAB>note]

- korean: the term as written in Korean; a leading `=` asks for an exact word match (no particles
  attached) for terms that are also ordinary words (=개성 would otherwise fire on 개성이 강하다).
- english: the rendering to produce; accepted alternatives follow after `|` (the first one is
  what translation forces): `Korean Central News Agency|KCNA`.
- variants to avoid: wrong renderings, `|`-separated (`Gaeseong|Kaeseong`): QA flags them and
  translation steers away from them.
- note: free text for the editor; ignored by dari.

Translation and QA both ask `Glossary.find` which terms a Korean sentence holds and
`find_rendering` whether an English text renders one; matching is `mt.text.korean_terms`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field

from mt.io.errors import DariError
from mt.text.korean_terms import Found, find_term, normalise, term_pattern
from mt.text.script import HANGUL_RUN

COLUMNS = "korean<TAB>english[<TAB>variants to avoid][<TAB>note]"
EXACT_MARK = "="
ALTERNATIVES = "|"
# Bumped whenever matching or decoding with a glossary changes, so cached translations are redone.
MATCHING_VERSION = "1"
_DASHES = "\u2010\u2011\u2012\u2013\u2014-"


@dataclass(frozen=True)
class Entry:
    korean: str
    english: tuple[str, ...]  # accepted renderings; the first is the preferred one
    avoid: tuple[str, ...] = ()
    note: str = ""
    exact: bool = False
    line: int = 0

    @property
    def rendering(self) -> str:
        return self.english[0]

    def canonical(self) -> str:
        """What defines the entry's effect (not its note or line): hashed into cache keys."""
        return "\t".join([("=" if self.exact else "") + self.korean, "|".join(self.english), "|".join(self.avoid)])


@dataclass(frozen=True)
class TermMatch:
    """A glossary term in a Korean text: `start`/`end` span the term, without its particles."""

    entry: Entry
    start: int
    end: int


@dataclass
class Glossary:
    entries: list[Entry]
    path: str = ""
    _patterns: dict = field(default_factory=dict, repr=False)
    _by_start: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for entry in self.entries:
            self._patterns[entry] = term_pattern(entry.korean)
            self._by_start.setdefault(_start(entry.korean), []).append(entry)

    @property
    def digest(self) -> str:
        """Content hash of the entries, whatever their order, comments or notes."""
        return _hash(sorted(entry.canonical() for entry in self.entries))

    def find(self, text: str) -> list[TermMatch]:
        """The terms of `text`, left to right; where two overlap the longer wins (밥 딜런 over 딜런)."""
        text = normalise(text)
        compact = "".join(text.split())
        keys = {compact[i : i + n] for i in range(len(compact)) for n in (1, 2)}
        candidates = {entry for key in keys for entry in self._by_start.get(key, ())}
        found: list[tuple[Found, Entry]] = []
        for entry in candidates:
            found += [(f, entry) for f in find_term(text, self._patterns[entry], entry.exact)]
        found.sort(key=lambda item: (item[0].start, -(item[0].end - item[0].start), item[1].korean))
        matches, taken_until = [], 0
        for f, entry in found:
            if f.start >= taken_until:
                matches.append(TermMatch(entry, f.start, f.end))
                taken_until = f.word_end
        return matches

    def key(self, text: str) -> str:
        """A hash of the entries that apply to `text`, '' when none does.

        Part of the translation cache key: editing one entry retranslates only the sentences
        that hold its term, and sentences without any term share the cache of glossary-free runs.
        """
        entries = sorted({m.entry.canonical() for m in self.find(text)})
        return _hash([MATCHING_VERSION, *entries]) if entries else ""


def _hash(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _start(term: str) -> str:
    """The first two characters of a match, spaces aside (the text may space a term differently);
    only a candidate's start is looked up in a sentence, so a large glossary stays fast."""
    compact = "".join(normalise(term).split())
    return compact[:2]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(ALTERNATIVES) if part.strip())


def parse_glossary(text: str, path: str = "<glossary>") -> Glossary:
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    first_row = True
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        is_header = first_row and [c.strip().lower() for c in cells[:2]] == ["korean", "english"]
        first_row = False
        if is_header:
            continue
        where = f"line {number}: "
        if not 2 <= len(cells) <= 4:
            raise DariError(f"{where}expected {COLUMNS}, found {len(cells)} column(s)", path)
        korean, english = cells[0].strip(), _split(cells[1])
        exact = korean.startswith(EXACT_MARK)
        korean = normalise(" ".join(korean.removeprefix(EXACT_MARK).split()))
        if not HANGUL_RUN.search(korean):
            raise DariError(f"{where}the Korean term {korean!r} has no Hangul", path)
        if not english:
            raise DariError(f"{where}no English rendering for {korean}", path)
        avoid = _split(cells[2]) if len(cells) > 2 else ()
        clash = {a.casefold() for a in avoid} & {e.casefold() for e in english}
        if clash:
            raise DariError(f"{where}{sorted(clash)[0]!r} is both a rendering and a variant to avoid", path)
        if korean in seen:
            raise DariError(f"{where}{korean} is already in the glossary (line {seen[korean]})", path)
        seen[korean] = number
        note = cells[3].strip() if len(cells) > 3 else ""
        entries.append(Entry(korean, english, avoid, note, exact, number))
    if not entries:
        raise DariError("the glossary has no entries", path)
    return Glossary(entries, path)


def load_glossary(path: str) -> Glossary:
    from mt.io.files import read_text

    return parse_glossary(read_text(path), path)


@functools.cache
def _english_pattern(phrase: str) -> re.Pattern:
    """A rendering as a phrase of whole words, case-insensitive; spaces and hyphens interchangeable."""
    words = re.split(rf"[\s{_DASHES}]+", phrase.strip())
    body = rf"[\s{_DASHES}]+".join(re.escape(word).replace("'", "['\u2019]") for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _spans(text: str, phrases: tuple[str, ...]) -> list[re.Match]:
    return [match for phrase in phrases for match in _english_pattern(phrase).finditer(text)]


def find_rendering(text: str, entry: Entry) -> str | None:
    """The first accepted rendering as written in `text` (its own case), or None."""
    for phrase in entry.english:
        match = _english_pattern(phrase).search(text)
        if match:
            return match.group()
    return None


def find_variant(text: str, entry: Entry) -> str | None:
    """A variant to avoid as written in `text`, or None; words of a correct rendering do not count
    (a variant "Taedong" is not found inside "Taedong River")."""
    found = variants_in(text, entry)
    return found[0] if found else None


def renderings_in(text: str, entry: Entry) -> list[str]:
    """Every accepted rendering in `text`, left to right, none inside another."""
    return [m.group() for m in _outermost(_spans(text, entry.english))]


def variants_in(text: str, entry: Entry) -> list[str]:
    """Every variant to avoid in `text`, left to right, except inside a correct rendering."""
    correct = [(m.start(), m.end()) for m in _spans(text, entry.english)]
    variants = [m for m in _spans(text, entry.avoid) if not any(s < m.end() and m.start() < e for s, e in correct)]
    return [m.group() for m in _outermost(variants)]


def _outermost(matches: list[re.Match]) -> list[re.Match]:
    kept, until = [], -1
    for match in sorted(matches, key=lambda m: (m.start(), -m.end())):
        if match.start() >= until:
            kept.append(match)
            until = match.end()
    return kept
