"""Glossary terms through decoding: every term found in a source sentence appears in its translation.

Neither CTranslate2 nor a plain `generate` call takes positive lexical constraints, so they are
built from what both offer, with work spent only where a term is missing:

1. Sentences without a term are translated as usual, untouched by the glossary.
2. Sentences with terms come with the beam's n-best list (the first hypothesis is the plain
   translation); the best-ranked hypothesis that renders every term, and no variant, is kept.
3. Otherwise, in the best hypothesis, the words the model wrote for each missing term (those whose
   strongest source weight falls on the term, found from the attention) are replaced by the
   term's target tokens; the hypothesis up to the last replaced term is forced as a prefix and
   only those sentences are decoded again, with the variants to avoid suppressed (the backend sees
   to it that the next word is not glued onto the term). A sentence whose terms are still not all in gets another round, with what was
   forced kept, until every term is in or each has been tried.

Flags: `term_forced` (a prefix was forced), `term_missing` (a term is still not rendered: its
rendering cannot be spelt in the model's vocabulary, or decoding lost it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mt.backends.base import Candidate, GenerationOptions, Output
from mt.glossary import Glossary, TermMatch, find_rendering, find_variant

# Token batches of a translation run whose forced sentences are decoded again in one call. That
# call is a few sentences decoded the whole output length: as two calls for a batch of 32 and one
# of 16 (a quarter of them with terms), it added 0.28x to the wall time of the opus-mt-ko-en
# architecture, as one call (docs/benchmarks.md, glossary section).
BATCHES_PER_FORCED_CALL = 4
# Beam size after a forced prefix. The prefix already fixes most of the sentence, and decoding it
# again costs as much per token as decoding freely (CTranslate2 steps through it): beam 2 costs
# 0.63x beam 4 on the opus-mt-ko-en architecture (CPU time, docs/benchmarks.md, glossary section).
FORCED_BEAMS = 2
TERM_FORCED = "term_forced"
TERM_MISSING = "term_missing"
WORD_START = "\u2581"  # SentencePiece's mark of a token that begins a word


@dataclass
class _Sentence:
    """A sentence with terms while it is worked on: its best hypothesis so far and what was tried."""

    index: tuple[int, int]  # (batch, sentence)
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
    """Outputs (in order) and the glossary flags of each sentence of one batch."""
    [(outputs, flags)] = translate_batches_with_terms(backend, [sentences], options, glossary)
    return outputs, flags


def translate_batches_with_terms(
    backend, batches: list[list[str]], options: GenerationOptions, glossary: Glossary
) -> list[tuple[list[Output], list[list[str]]]]:
    """Outputs and glossary flags of each batch; the sentences that need a forced term are decoded
    again together, in one call for all the batches (a small call costs nearly as much as a full
    one: `BATCHES_PER_FORCED_CALL`).

    A batch with a term is decoded in one call that returns the n-best lists of every sentence:
    the beam search stops on the beam size alone, so each first hypothesis is the plain
    translation, and the sentences without terms keep it unchanged (their cache entries are
    shared with glossary-free runs). Variants are suppressed only after a forced prefix, where
    no such sentence is decoded.
    """
    results, work = [], []
    for number, sentences in enumerate(batches):
        flags: list[list[str]] = [[] for _ in sentences]
        found = [_Sentence((number, i), s, terms) for i, s in enumerate(sentences) if (terms := glossary.find(s))]
        if not found:
            results.append((backend.translate_batch(sentences, options), flags))
            continue
        candidates = backend.decode_candidates(sentences, options, hypotheses=max(1, options.beams))
        results.append(([Output(hypotheses[0].text, hypotheses[0].truncated) for hypotheses in candidates], flags))
        for w in found:
            w.best, w.floor = _best(w, candidates[w.index[1]]), backend.lead_tokens
        work += found
    if work:
        _force_missing(backend, work, options)
    for w in work:
        outputs, flags = results[w.index[0]]
        outputs[w.index[1]] = Output(w.best.text, w.best.truncated)
        flags[w.index[1]] = ([TERM_FORCED] if w.forced else []) + ([TERM_MISSING] if w.missing() else [])
    return results


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
    _attend(backend, pending)
    forced_options = replace(options, beams=min(options.beams, FORCED_BEAMS))
    while pending:
        batch, prefixes = [], []
        for w in pending:
            prefix = _next_prefix(backend, w, sources[w.index])
            if prefix is not None:
                batch.append(w)
                prefixes.append(prefix)
        if not batch:
            return
        decoded = backend.decode_candidates([w.text for w in batch], forced_options, prefixes=prefixes, suppress=_suppressed(backend, batch))
        for w, prefix, hypotheses in zip(batch, prefixes, decoded):
            w.best, w.floor, w.forced = hypotheses[0], len(prefix), True
        pending = [w for w in batch if w.missing()]
        _attend(backend, pending)


def _attend(backend, work: list[_Sentence]) -> None:
    """Attention for the hypotheses that lack it (the transformers backend computes it on request)."""
    lacking = [w for w in work if w.best.attention is None]
    if lacking:
        weights = backend.attention([w.text for w in lacking], [w.best.tokens for w in lacking])
        for w, rows in zip(lacking, weights):
            w.best = w.best._replace(attention=rows)


def _next_prefix(backend, w: _Sentence, source: list[str]) -> list[str] | None:
    """The best hypothesis with the tokens aligned to each missing term replaced by the term's
    tokens, cut after the last of them; None when no term is left to try.

    The hypothesis's own tokens between two forced terms are kept, so a sentence with several
    missing terms is decoded once more, not once per term; a term whose place overlaps an earlier
    one's goes right after it.
    """
    places = []
    for match in w.missing():
        if match.entry in w.tried:
            continue
        tokens = backend.target_tokens(match.entry.rendering)
        if tokens is None:  # the vocabulary cannot spell it: forcing would write <unk>
            w.tried.add(match.entry)
            continue
        span = source_span(backend, source, w.text, match.start, match.end)
        places.append((*aligned_run(w.best, span, w.floor), tokens, match.entry))
    prefix, cursor = [], 0
    for start, end, tokens, entry in sorted(places, key=lambda place: place[:2]):
        start, end = max(start, cursor), max(end, cursor)
        prefix += list(w.best.tokens[cursor:start]) + tokens
        cursor = end
        w.tried.add(entry)
    return prefix or None


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


def aligned_run(candidate: Candidate, span: tuple[int, int], floor: int) -> tuple[int, int]:
    """The target tokens [start, end) of `candidate` that translate the source tokens `span`.

    The run starts at the first token at or after `floor` whose strongest source weight falls
    on the span (else the token giving the span the most weight), moved back to its word's start,
    and ends before the first word that attends elsewhere. With no attention to go by, it is the
    empty run at the end: the term is appended.
    """
    a, b = span
    tokens = candidate.tokens
    rows = candidate.attention[: len(tokens)]

    def on_span(k: int) -> bool:
        row = rows[k] if k < len(rows) else None
        return bool(row) and a <= max(range(len(row)), key=row.__getitem__) < b

    start = next((k for k in range(floor, len(rows)) if on_span(k)), None)
    if start is None:
        weights = [(sum(rows[k][a:b]), -k) for k in range(floor, len(rows)) if rows[k]]
        if not weights or max(weights)[0] <= 0:
            return len(tokens), len(tokens)
        start = -max(weights)[1]
    while start > floor and not tokens[start].startswith(WORD_START):
        start -= 1
    end = start + 1
    while end < len(tokens) and (not tokens[end].startswith(WORD_START) or on_span(end)):
        end += 1
    return start, end


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
