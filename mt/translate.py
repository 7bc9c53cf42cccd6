"""The translation pipeline: articles in, sentence records and rebuilt articles out.

Backend-agnostic: segmentation, de-duplication, caching, length-sorted batching, long-input
splitting and loop retries happen here; a backend only translates batches of sentences.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from collections.abc import Callable

from mt.backends.base import BACKENDS, Backend, GenerationOptions
from mt.batching import token_batches
from mt.cache import TranslationCache
from mt.glossary import Glossary, load_glossary
from mt.long_input import split_long
from mt.models import DEFAULT_MODEL, resolve_model
from mt.repetition import is_repetitive
from mt.text.script import HANGUL_RUN
from mt.text.article import Article


DEFAULT_BATCH_SIZE = 32  # most sentences per model call
DEFAULT_BATCH_TOKENS = 4096  # most padded source tokens per model call

# Settings for the second try at a looping output; they change the result, so they are fixed here.
ANTI_REPETITION = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.2}


@dataclass
class Translation:
    mt: str
    flags: list[str] = field(default_factory=list)


@dataclass
class SentenceRecord:
    """One source sentence of a document; `sent` counts sentences across the whole document."""

    doc: str
    para: int
    sent: int
    src: str
    mt: str
    flags: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    id: str
    text: str


@dataclass
class TranslatedDocument:
    document: Document
    records: list[SentenceRecord]
    text: str  # the article rebuilt with translations; whitespace between sentences kept


@dataclass
class Stats:
    sentences: int = 0
    translated: int = 0
    cached: int = 0
    copied: int = 0
    flags: Counter = field(default_factory=Counter)

    @property
    def unique(self) -> int:
        """Distinct sentences: each is copied, answered from the cache or translated, once."""
        return self.translated + self.cached + self.copied


class Translator:
    """Translate with one model; the model itself is loaded only when the cache cannot answer."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        revision: str | None = None,
        backend: str = "auto",
        backend_factory: Callable | None = None,
        device: str = "auto",
        options: GenerationOptions = GenerationOptions(),
        cache: TranslationCache | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        progress: Callable[[int], Callable[[int], None]] | None = None,
        glossary: Glossary | str | None = None,
    ):
        self.resolved = resolve_model(model, revision)
        self.options = options
        self.cache = cache
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.progress = progress  # called with the number of sentences the model must translate; returns an `advance(n)`
        self.stats = Stats()
        # Every glossary term in a source sentence must appear in its translation (mt.term_decoding).
        self.glossary = load_glossary(glossary) if isinstance(glossary, str) else glossary
        self._backend_factory = backend_factory or load_backend(backend)
        self._backend: Backend | None = None
        self.backend_name = getattr(self._backend_factory, "backend_name", "hf")
        # Resolved before any cache lookup: float16 on a GPU and int8/float32 on a CPU translate differently.
        pick_device = getattr(self._backend_factory, "pick_device", None)
        self.device = pick_device(device) if pick_device else device

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            self._backend = self._backend_factory(self.resolved, self.device)
        return self._backend

    def _cache_context(self) -> str:
        r = self.resolved
        return f"{self.backend_name}\0{self.device}\0{r.model_id}\0{r.revision}\0{self.options.key()}"

    def _key(self, context: str, sentence: str) -> str:
        """The cache key; with a glossary it holds the hash of the entries that apply to the sentence."""
        terms = self.glossary.key(sentence) if self.glossary else ""
        return TranslationCache.key(f"{context}\0glossary={terms}" if terms else context, sentence)

    def translate_sentences(self, sentences: list[str]) -> list[Translation]:
        """One Translation per input sentence, in order; duplicates are translated once."""
        results: dict[str, Translation] = {}
        todo = []
        for sentence in dict.fromkeys(sentences):
            if HANGUL_RUN.search(sentence):
                todo.append(sentence)
            else:  # nothing Korean to translate (names, numbers, e-mail addresses): keep it verbatim
                results[sentence] = Translation(sentence, ["copied"])
                self.stats.copied += 1
        if self.cache is not None and todo:
            context = self._cache_context()
            keys = {s: self._key(context, s) for s in todo}
            hits = self.cache.get_many(list(keys.values()))
            for sentence in todo:
                if keys[sentence] in hits:
                    mt, flags = hits[keys[sentence]]
                    results[sentence] = Translation(mt, flags)
                    self.stats.cached += 1
            todo = [s for s in todo if s not in results]
        if todo:
            self._translate_uncached(todo, results)
        out = [replace(results[s], flags=list(results[s].flags)) for s in sentences]
        self.stats.sentences += len(sentences)
        for translation in out:
            self.stats.flags.update(translation.flags)
        return out

    def remember(self, translations: dict[str, Translation]) -> None:
        """Put translations made elsewhere with this translator's settings (on a cluster's workers,
        which never open the cache) into its cache, under the keys its own lookups use."""
        if self.cache is not None and translations:
            context = self._cache_context()
            self.cache.put_many([(self._key(context, s), t.mt, t.flags) for s, t in translations.items()])

    def _translate_uncached(self, sentences: list[str], results: dict[str, Translation]) -> None:
        backend = self.backend
        advance = self.progress(len(sentences)) if self.progress else None
        lengths = dict(zip(sentences, backend.count_tokens(sentences)))
        # Pieces must fit the encoder, and their translations must fit --max-length.
        limit = max(8, min(backend.max_input_tokens, self.options.max_length * 2 // 3))
        context = self._cache_context() if self.cache is not None else ""
        # A sentence over the limit is translated as pieces of at most `limit` tokens.
        budgets = [min(lengths[s], limit) for s in sentences]
        batches = [[sentences[i] for i in indices] for indices in token_batches(budgets, self.batch_tokens, self.batch_size)]
        for group in self._groups(batches):
            pieces = {s: (split_long(s, limit, backend.count_tokens) if lengths[s] > limit else [s]) for batch in group for s in batch}
            unit_batches = [list(dict.fromkeys(piece for s in batch for piece in pieces[s])) for batch in group]
            translated = {}
            for units, translations in zip(unit_batches, self._translate_unit_batches(unit_batches)):
                translated.update(zip(units, translations))
            for batch in group:
                self._finish_batch(batch, pieces, translated, context, results)
                if advance:
                    advance(len(batch))

    def _groups(self, batches: list[list[str]]) -> list[list[list[str]]]:
        """Batches translated together: one at a time, or with a glossary a few, whose forced
        sentences share one decoding call (mt.term_decoding); each group is cached when done."""
        size = 1
        if self.glossary is not None:
            from mt.term_decoding import BATCHES_PER_FORCED_CALL as size
        return [batches[k : k + size] for k in range(0, len(batches), size)]

    def _translate_unit_batches(self, unit_batches: list[list[str]]) -> list[list[Translation]]:
        if self.glossary is None:
            return [self._translate_units(units) for units in unit_batches]
        from mt.term_decoding import translate_batches_with_terms

        decoded = translate_batches_with_terms(self.backend, unit_batches, self.options, self.glossary)
        return [self._checked(units, outputs, flags) for units, (outputs, flags) in zip(unit_batches, decoded)]

    def _finish_batch(self, batch: list[str], pieces: dict, translated: dict, context: str, results: dict) -> None:
        """Each sentence from its pieces' translations, into `results` and the cache."""
        for sentence in batch:
            parts = [translated[p] for p in pieces[sentence]]
            flags = sorted({flag for part in parts for flag in part.flags} | ({"split"} if len(parts) > 1 else set()))
            mt = " ".join(part.mt for part in parts if part.mt)
            if not mt:
                flags.append("empty")
            results[sentence] = Translation(mt, flags)
        if self.cache is not None:  # keys only then: with a glossary each one searches the sentence for terms
            self.cache.put_many([(self._key(context, s), results[s].mt, results[s].flags) for s in batch])
        self.stats.translated += len(batch)

    def _decode(self, units: list[str], options: GenerationOptions) -> tuple[list, list[list[str]]]:
        """The backend's outputs and, with a glossary, its flags (term_forced, term_missing) per unit."""
        if self.glossary is None:
            return self.backend.translate_batch(units, options), [[] for _ in units]
        from mt.term_decoding import translate_with_terms

        return translate_with_terms(self.backend, units, options, self.glossary)

    def _translate_units(self, units: list[str]) -> list[Translation]:
        return self._checked(units, *self._decode(units, self.options))

    def _checked(self, units: list[str], outputs: list, flags: list[list[str]]) -> list[Translation]:
        """Loops retried with anti-repetition settings, and outputs cut at the length limit flagged."""
        looping = [i for i, (src, out) in enumerate(zip(units, outputs)) if is_repetitive(out.text, src)]
        if looping:
            retry_options = replace(self.options, **ANTI_REPETITION)
            retried, retried_flags = self._decode([units[i] for i in looping], retry_options)
            for i, out, more in zip(looping, retried, retried_flags):
                outputs[i] = out
                flags[i] = more + (["repetition"] if is_repetitive(out.text, units[i]) else ["retried"])
        for i, out in enumerate(outputs):
            if out.truncated:  # stopped at --max-length (or the model's limit), not at an end token
                flags[i].append("truncated")
        return [Translation(out.text, f) for out, f in zip(outputs, flags)]

    def translate_documents(self, documents: list[Document]) -> list[TranslatedDocument]:
        articles = [Article.segment(doc.text, "ko") for doc in documents]
        translations = iter(self.translate_sentences([s for article in articles for s in article.sentences]))
        out = []
        for doc, article in zip(documents, articles):
            records, pieces, cursor = [], [], 0
            for index, ((s, e), para, source) in enumerate(zip(article.spans, article.paragraphs, article.sentences)):
                translation = next(translations)
                records.append(SentenceRecord(doc.id, para, index, source, translation.mt, translation.flags))
                pieces += [doc.text[cursor:s], translation.mt]
                cursor = e
            pieces.append(doc.text[cursor:])
            out.append(TranslatedDocument(doc, records, "".join(pieces)))
        return out




def load_backend(name: str = "auto") -> Callable:
    """A factory `(resolved, device) -> Backend` for `--backend`; `auto` prefers ct2 when installed."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")
    if name == "auto":
        from mt.backends.ct2 import ct2_available

        name = "ct2" if ct2_available() else "hf"

    def load(resolved, device):
        if name == "ct2":
            from mt.backends.ct2 import CT2Backend

            return CT2Backend(resolved, device)
        from mt.backends.hf import HFBackend

        return HFBackend(resolved, device)

    load.backend_name = name
    load.pick_device = _device_picker(name)
    return load


def _device_picker(name: str) -> Callable[[str], str]:
    """Each runtime is asked about GPUs itself: CTranslate2 can see one that a CPU build of torch cannot."""

    def pick(device: str) -> str:
        if name == "ct2":
            from mt.backends.ct2 import pick_device
        else:
            from mt.backends.hf import pick_device
        return pick_device(device)

    return pick


def translate_sentences(sentences: list[str], model: str = DEFAULT_MODEL, **options) -> list[Translation]:
    """Python entry point: translate a list of Korean sentences (no cache unless `cache=` is given)."""
    generation = {k: options.pop(k) for k in list(options) if k in GenerationOptions.__dataclass_fields__}
    return Translator(model, options=GenerationOptions(**generation), **options).translate_sentences(sentences)
