"""Glossary terms through decoding: every term found in a source sentence appears in its translation.

Neither CTranslate2 nor a plain `generate` call takes positive lexical constraints, so they are
built from what both offer, with work spent only where a term is missing:

1. Sentences without a term are translated as usual, untouched by the glossary.
2. Sentences with terms are decoded once with the beam's n-best list (the first hypothesis is the
   plain translation) while the glossary's variants to avoid are suppressed. The best-ranked
   hypothesis that renders every term, and no variant, is kept.
3. Otherwise the best hypothesis is cut where the model attends to the source term (the first
   target token whose strongest source weight falls on the term, moved back to the start of its
   word), the term's target tokens are appended, and that prefix is forced while only those
   sentences are decoded again, keeping the best-ranked of the continuations (they differ from
   the first token after the prefix on, so a word glued onto the term can be avoided). One term
   per round, in target order, each after the last forced one, until every term is in or no
   round can add one.

Flags: `term_forced` (a prefix was forced), `term_missing` (a term is still not rendered: its
rendering cannot be spelt in the model's vocabulary, or decoding lost it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mt.backends.base import Candidate, GenerationOptions, Output
from mt.glossary import Glossary, TermMatch, find_rendering, find_variant

TERM_FORCED = "term_forced"
TERM_MISSING = "term_missing"
WORD_START = "\u2581"  # SentencePiece's mark of a token that begins a word


@dataclass
class _Sentence:
    """A sentence with terms while it is worked on: its best hypothesis so far and what was tried."""

    index: int
    text: str
    terms: list[TermMatch]
    best: Candidate | None = None
    floor: int = 0  # target tokens before this position are forced and stay
    tried: set = field(default_factory=set)  # entries already forced (or impossible to force)
    forced: bool = False

    def missing(self) -> list[TermMatch]:
        text = self.best.text if self.best else ""
        return [m for m in self.terms if not find_rendering(text, m.entry)]


def translate_with_terms(backend, sentences: list[str], options: GenerationOptions, glossary: Glossary) -> tuple[list[Output], list[list[str]]]:
    """Outputs (in order) and the glossary flags of each sentence."""
    outputs: list[Output | None] = [None] * len(sentences)
    flags: list[list[str]] = [[] for _ in sentences]
    work = [_Sentence(i, s, terms) for i, s in enumerate(sentences) if (terms := glossary.find(s))]
    plain = [i for i in range(len(sentences)) if i not in {w.index for w in work}]
    for i, output in zip(plain, backend.translate_batch([sentences[i] for i in plain], options) if plain else []):
        outputs[i] = output
    if work:
        _choose_from_nbest(backend, work, options)
        _force_missing(backend, work, options)
        for w in work:
            outputs[w.index] = Output(w.best.text, w.best.truncated)
            flags[w.index] = ([TERM_FORCED] if w.forced else []) + ([TERM_MISSING] if w.missing() else [])
    return outputs, flags


def _choose_from_nbest(backend, work: list[_Sentence], options: GenerationOptions) -> None:
    candidates = backend.decode_candidates(
        [w.text for w in work], options, hypotheses=max(1, options.beams), suppress=_suppressed(backend, work)
    )
    for w, hypotheses in zip(work, candidates):
        w.floor = backend.lead_tokens
        w.best = _best(w, hypotheses)


def _best(w: _Sentence, hypotheses: list[Candidate]) -> Candidate:
    """The hypothesis rendering the most terms, then one without a variant, then the model's first."""

    def rank(item: tuple[int, Candidate]) -> tuple[int, bool, int]:
        position, candidate = item
        rendered = sum(bool(find_rendering(candidate.text, m.entry)) for m in w.terms)
        variant = any(find_variant(candidate.text, m.entry) for m in w.terms)
        return -rendered, variant, position

    return min(enumerate(hypotheses), key=rank)[1]


def _force_missing(backend, work: list[_Sentence], options: GenerationOptions) -> None:
    sources = dict(zip((w.index for w in work), backend.source_tokens([w.text for w in work])))
    pending = [w for w in work if w.missing()]
    while pending:
        batch, prefixes = [], []
        for w in pending:
            prefix = _next_prefix(backend, w, sources[w.index])
            if prefix is not None:
                batch.append(w)
                prefixes.append(prefix)
        if not batch:
            return
        decoded = backend.decode_candidates(
            [w.text for w in batch], options, hypotheses=max(1, options.beams), prefixes=prefixes,
            suppress=_suppressed(backend, batch),
        )
        for w, prefix, hypotheses in zip(batch, prefixes, decoded):
            w.best, w.floor, w.forced = _best(w, hypotheses), len(prefix), True
        pending = [w for w in batch if w.missing()]


def _next_prefix(backend, w: _Sentence, source: list[str]) -> list[str] | None:
    """The forced prefix for the missing term that comes first in the target, or None when none is left to try."""
    options = []
    for match in w.missing():
        if match.entry in w.tried:
            continue
        w.tried.add(match.entry)
        tokens = backend.target_tokens(match.entry.rendering)
        if tokens is None:  # the vocabulary cannot spell it: forcing would write <unk>
            continue
        span = source_span(backend, source, w.text, match.start, match.end)
        options.append((cut_position(w.best, span, w.floor), tokens, match))
    if not options:
        return None
    position, tokens, match = min(options, key=lambda option: option[0])
    for _, _, other in options:  # the others get their turn in later rounds
        if other is not match:
            w.tried.discard(other.entry)
    return list(w.best.tokens[:position]) + tokens


def source_span(backend, source: list[str], text: str, start: int, end: int) -> tuple[int, int]:
    """Source token positions [a, b) of the characters text[start:end].

    Tokenizer-agnostic: the text before the term and the text up to its end are tokenized on their
    own, and their agreement with the whole sentence's tokens marks where the term's tokens are
    (a last token shared with a particle, 인은, counts as the term's).
    """
    empty, before, through = backend.source_tokens(["", text[:start], text[:end]])
    lead = _common_prefix(empty, source)
    trail = len(empty) - lead

    def content(tokens: list[str]) -> list[str]:
        return tokens[: len(tokens) - trail] if trail else tokens

    a = _common_prefix(content(before), source)
    through = content(through)
    b = _common_prefix(through, source)
    if b < len(through):
        b += 1
    return a, max(b, a + 1)


def cut_position(candidate: Candidate, span: tuple[int, int], floor: int) -> int:
    """Where to force the term into `candidate`: the first token at or after `floor` that attends
    most to the source span, else the one giving it the most weight, moved back to its word's start."""
    a, b = span
    rows = candidate.attention[floor : len(candidate.tokens)]
    position = None
    for k, row in enumerate(rows):
        if row and a <= max(range(len(row)), key=row.__getitem__) < b:
            position = floor + k
            break
    if position is None and rows and any(rows):
        position = floor + max(range(len(rows)), key=lambda k: sum(rows[k][a:b]))
    if position is None:
        return len(candidate.tokens)  # nothing to go by: the term goes after everything kept
    while position > floor and not candidate.tokens[position].startswith(WORD_START):
        position -= 1
    return position


def _suppressed(backend, work: Sequence[_Sentence]) -> list[list[str]]:
    """Token sequences of the variants to avoid, except any that would also block a rendering
    (a variant "Chamber" spelt like the start of "Chambers")."""
    renderings = [backend.target_tokens(e) for w in work for m in w.terms for e in m.entry.english]
    renderings = [r for r in renderings if r]
    sequences = []
    for variant in dict.fromkeys(v for w in work for m in w.terms for v in m.entry.avoid):
        tokens = backend.target_tokens(variant)
        if tokens and not any(r[: len(tokens)] == tokens for r in renderings) and tokens not in sequences:
            sequences.append(tokens)
    return sequences


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
