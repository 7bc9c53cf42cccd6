"""The segmented article every stage works on, and the one policy that fits an MT file to it.

Translation, segmentation, alignment, QA and corpus building all need the same view of a text:
its sentences, the paragraph each belongs to, its boilerplate kind (judged in its paragraph,
since a caption's description is only recognisable next to its credit), where it sits in the
text, and the id by which files and reports name it. Building that view in one place means a
sentence is the same sentence, with the same id and kind, in every command.

A *unit* is what the aligner sees: normally one sentence. When an MT file cannot be split like
the Korean (see `fit_mt`) a paragraph becomes one unit; `ids` keeps the sentence ids it covers,
so outputs still name sentences the way `dari segment` numbers them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from mt.io.errors import DariError
from mt.text.boilerplate import paragraph_kinds
from mt.text.segment import paragraph_spans, sentence_spans

Span = tuple[int, int]


class Ints(array):
    """A tuple of ints packed 8 bytes each (a tuple of Python ints costs ~36 bytes an item); it
    compares equal to any sequence of the same ints, a tuple included."""

    @classmethod
    def of(cls, values: Iterable[int]) -> Ints:
        return cls("q", values)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence | array) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(tuple(self))


class IntTuples(Sequence):
    """A tuple of tuples of ints (a unit's span, its sentence ids), packed: ~16 bytes a row instead
    of the ~100 a tuple of two Python ints costs, which for a 200,000-sentence article is 20 MB a field."""

    __slots__ = ("_values", "_starts")

    def __init__(self, rows: Iterable[Sequence[int]]):
        self._values, self._starts = Ints.of(()), Ints.of((0,))
        for row in rows:
            self._values.extend(row)
            self._starts.append(len(self._values))

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(len(self))))
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError("IntTuples index out of range")
        return tuple(self._values[self._starts[k] : self._starts[k + 1]])

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        values, starts = self._values, self._starts
        for k in range(len(starts) - 1):
            yield tuple(values[starts[k] : starts[k + 1]])

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == tuple(b) for a, b in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


@dataclass(frozen=True)
class Article:
    """One text in one language, as units (sentences) with their paragraph, kind, span and ids.

    `spans` are character offsets into `text`, so a translated article can be rebuilt with the
    whitespace between sentences untouched; `ids[k]` are the external sentence ids of unit k
    (sentence numbers for a segmented text, line numbers for a one-sentence-a-line file).
    """

    text: str
    lang: str
    spans: Sequence[Span]
    paragraphs: Sequence[int]
    boilerplate: tuple[str | None, ...]
    ids: Sequence[tuple[int, ...]]
    line_ids: bool = False  # ids are line numbers of a one-sentence-a-line file

    def __post_init__(self):
        """Spans, paragraphs and ids packed (`IntTuples`, `Ints`): long articles keep them all along."""
        for name, pack in (("spans", IntTuples), ("paragraphs", Ints.of), ("ids", IntTuples)):
            value = getattr(self, name)
            if not isinstance(value, IntTuples | Ints):
                object.__setattr__(self, name, pack(value))

    @classmethod
    def segment(cls, text: str, lang: str) -> Article:
        """Split raw text: a paragraph is a non-blank line, sentences are found inside it."""
        spans, paragraphs, kinds = [], [], []
        for number, (start, end) in enumerate(paragraph_spans(text)):
            found = [(start + s, start + e) for s, e in sentence_spans(text[start:end], lang)]
            spans += found
            paragraphs += [number] * len(found)
            kinds += paragraph_kinds([text[s:e] for s, e in found], lang)
        return cls(text, lang, tuple(spans), tuple(paragraphs), tuple(kinds), tuple((k,) for k in range(len(spans))))

    @classmethod
    def from_lines(cls, lines: list[str], lang: str) -> Article:
        """A file already split into sentences, one a line (as `dari segment` writes it): blank
        lines separate paragraphs and are never units; ids are 0-based line numbers."""
        text = "\n".join(lines)
        spans, paragraphs, ids, groups = [], [], [], []
        offset, number, previous_blank = 0, -1, True
        for line_number, line in enumerate(lines):
            if line.strip():
                if previous_blank:
                    number += 1
                    groups.append([])
                spans.append((offset, offset + len(line)))
                paragraphs.append(number)
                ids.append((line_number,))
                groups[-1].append(line)
            previous_blank = not line.strip()
            offset += len(line) + 1
        kinds = [kind for group in groups for kind in paragraph_kinds(group, lang)]
        return cls(text, lang, tuple(spans), tuple(paragraphs), tuple(kinds), tuple(ids), line_ids=True)

    @classmethod
    def from_sentences(cls, sentences: list[str], lang: str) -> Article:
        """Loose sentences with no paragraph structure (benchmarks, Python callers): each is a
        paragraph of its own, judged alone, as `aligners.align` judges bare sentence lists."""
        article = cls.from_lines(sentences, lang)
        kinds = tuple(paragraph_kinds([sentence], lang)[0] for sentence in article.sentences)
        return replace(article, paragraphs=tuple(range(len(article))), boilerplate=kinds, line_ids=False)

    @cached_property
    def sentences(self) -> list[str]:
        """Unit texts; a whole paragraph of a one-sentence-a-line file reads as one line."""
        return [self.text[s:e].replace("\n", " ") for s, e in self.spans]

    def __len__(self) -> int:
        return len(self.spans)

    def sentence_count(self) -> int:
        return sum(len(ids) for ids in self.ids)

    def paragraph_count(self) -> int:
        return self.paragraphs[-1] + 1 if self.paragraphs else 0

    def by_paragraph(self) -> list[list[int]]:
        """Unit indices grouped by paragraph, in order."""
        groups: list[list[int]] = [[] for _ in range(self.paragraph_count())]
        for k, paragraph in enumerate(self.paragraphs):
            groups[paragraph].append(k)
        return groups

    def expand(self, units: list[int]) -> list[int]:
        """The sentence ids that units cover, in order."""
        return [i for k in units for i in self.ids[k]]

    def with_paragraphs_whole(self, whole: set[int]) -> Article:
        """The same text with each paragraph in `whole` as one unit (its kind judged as one line)."""
        if not whole:
            return self
        spans, paragraphs, kinds, ids = [], [], [], []
        for number, units in enumerate(self.by_paragraph()):
            if number in whole and len(units) > 1:
                span = (self.spans[units[0]][0], self.spans[units[-1]][1])
                spans.append(span)
                paragraphs.append(number)
                kinds += paragraph_kinds([self.text[span[0]:span[1]]], self.lang)
                ids.append(tuple(self.expand(units)))
            else:
                spans += [self.spans[k] for k in units]
                paragraphs += [number] * len(units)
                kinds += [self.boilerplate[k] for k in units]
                ids += [self.ids[k] for k in units]
        return replace(self, spans=tuple(spans), paragraphs=tuple(paragraphs), boilerplate=tuple(kinds), ids=tuple(ids))


@dataclass(frozen=True)
class FittedMT:
    """An MT file fitted to an article: `article` (possibly with paragraphs made whole) and one MT
    text per unit; `whole_paragraphs` names the paragraphs whose MT did not split like the source."""

    article: Article
    mt: list[str]
    whole_paragraphs: tuple[int, ...] = ()


def fit_mt(article: Article, mt_lines: list[str], path: str, mt_lang: str = "en") -> FittedMT:
    """Fit an MT file to the source article; the one policy of every command that reads MT.

    Accepted shapes, tried in this order:
    0. for a one-sentence-a-line source, line for line (blank lines where the source has them;
       an empty MT line stays the empty MT of its sentence);
    1. one non-blank line per source unit (as `dari segment` + `dari translate` write it);
    2. one non-blank line per source paragraph (a text translated line by line, or the output of
       `dari translate` on the raw article). Each line is split into sentences; where a paragraph's
       MT has as many sentences as its source they pair up, otherwise the paragraph is kept whole
       on both sides, so no MT is ever given to the wrong sentence (`whole_paragraphs` says where).
    Anything else cannot be fitted without guessing: a DariError naming the file.
    """
    if article.line_ids and len(mt_lines) == article.text.count("\n") + 1 and all(len(i) == 1 for i in article.ids):
        return FittedMT(article, [mt_lines[i].strip() for (i,) in article.ids])
    lines = [line.strip() for line in mt_lines if line.strip()]
    if len(lines) == len(article):
        return FittedMT(article, lines)
    groups = article.by_paragraph()
    if len(lines) != len(groups):
        raise DariError(
            f"has {len(lines)} non-empty lines; expected one per source sentence ({len(article)}) "
            f"or one per source paragraph ({len(groups)})",
            path,
        )
    mt: list[str] = []
    whole = set()
    for number, (units, line) in enumerate(zip(groups, lines)):
        pieces = [line[s:e] for s, e in sentence_spans(line, mt_lang)]
        if len(pieces) == len(units):
            mt += pieces
        else:
            mt.append(line)
            whole.add(number)
    fitted = article.with_paragraphs_whole(whole)
    assert len(fitted) == len(mt)
    return FittedMT(fitted, mt, tuple(sorted(whole)))

