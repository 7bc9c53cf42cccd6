"""The `dari corpus build` job: segment, align and filter article pairs into a parallel corpus.

Why it is shaped this way:
- Per-document work (segmenting, aligning, per-pair filters) is the expensive part; its result is
  stored as a shard named by a hash of the document's content and the settings. A shard is written
  atomically, so its existence means "done": a killed build resumes where it stopped and a build
  over a grown input only aligns the new or changed articles.
- The corpus files are then assembled by streaming every document's shard in input order through the
  corpus-wide checks (test-set overlap, duplicates). That pass is cheap, makes the output the same
  whether a build ran once, was killed and resumed, or used many processes, and lets `--exclude`
  change without re-aligning anything.
- Memory is bounded by a window of in-flight documents plus the digest sets.
"""

from __future__ import annotations

import collections
import contextlib
import concurrent.futures
import dataclasses
import fcntl
import glob
import hashlib
import importlib.util
import inspect
import json
import multiprocessing
import os
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Iterator

from aligners.beads import joined
from aligners.defaults import DEFAULT_EMBED_SCOPE, DEFAULT_MAX_MERGE, E5
from mt import __version__
from mt.engine.options import EngineSettings
from mt.io.errors import DariError, naming
from mt.io.files import atomic_output, check_output_directory, make_output_directory
from mt.io.memory import release_freed_memory
from mt.text.article import Article, fit_mt
from corpora.dedup import CorpusGate, load_exclusions
from corpora.documents import Document, iter_documents
from corpora.filters import REASONS, FilterSettings, Layout, apply_filters, reject_unaligned_neighbours
from corpora.records import PairRecord
from corpora.writers import FORMATS, open_corpus, open_rejects

WORK_DIR = ".dari-corpus"
STATS_FILE = "stats.json"

Aligner = Callable[..., list]  # aligner(src: Article, tgt: Article, mt=None, embed=..., max_merge=..., embed_scope=...) -> list[Bead]


def default_aligner(src: Article, tgt: Article, mt: list[str] | None = None, embed: str = E5,
                    max_merge: int = DEFAULT_MAX_MERGE, embed_scope: str = DEFAULT_EMBED_SCOPE) -> list:
    from aligners.aligner import align_articles

    return align_articles(src, tgt, mt=mt, embed=embed, max_merge=max_merge, embed_scope=embed_scope)


@dataclass(frozen=True)
class BuildSettings:
    format: str = "tsv"
    filters: FilterSettings = field(default_factory=FilterSettings)
    embed: str = E5
    max_merge: int = DEFAULT_MAX_MERGE
    embed_scope: str = DEFAULT_EMBED_SCOPE

    def to_json(self) -> dict:
        """Every setting except the output format: what decides a document's pairs (stats.json shows it)."""
        return {"filters": self.filters.to_json(), "embed": self.embed, "embed_scope": self.embed_scope, "max_merge": self.max_merge}

    def work_key(self, aligner: Aligner) -> str:
        """What a shard depends on besides the document: the settings, the aligner and the code."""
        return json.dumps({**self.to_json(), "aligner": f"{aligner.__module__}.{aligner.__qualname__}",
                           "code": _code_fingerprint(aligner)}, sort_keys=True)


# Modules whose code decides a shard's content besides the aligner's: an upgraded segmenter or
# filter must not leave old documents judged by the old rules.
_SHARD_CODE = ("mt.text.article", "mt.text.segment", "mt.text.numbers", "mt.text.boilerplate", "mt.text.script", "corpora.filters", "corpora.job")


def _code_fingerprint(aligner: Aligner) -> str:
    files = [importlib.util.find_spec(name).origin for name in _SHARD_CODE]
    if aligner is default_aligner:
        files += sorted(glob.glob(os.path.join(os.path.dirname(importlib.util.find_spec("aligners").origin), "*.py")))
    else:
        files += [path for path in [inspect.getsourcefile(aligner)] if path]
    digest = hashlib.sha256(__version__.encode())
    for path in files:
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


@dataclass
class DocumentResult:
    """A document's sentences and its filtered candidate pairs: the content of one shard."""

    doc: str
    ko_sentences: list[str]
    en_sentences: list[str]
    mt_used: bool
    pairs: list[PairRecord]
    mt_problem: str = ""  # why a given MT could not be used, or ""
    mt_whole_paragraphs: int = 0  # paragraphs whose MT did not split like the Korean (aligned whole)


def process_document(taken: list[Document], settings: BuildSettings, aligner: Aligner) -> DocumentResult:
    """Segment, fit the MT (if any), align and filter the one article pair in `taken`.

    The document is popped from `taken`, and its texts are let go once segmented: a caller that
    keeps no other reference does not hold a long article's texts (110 MB at 200,000 lines)
    through its alignment. An MT that cannot be fitted to the Korean (`fit_mt`) is not used: the
    document is aligned without it and `mt_problem` says why (stats.json counts such documents)."""
    doc = taken.pop()
    doc_id, mt_text = doc.id, doc.mt
    ko, en = Article.segment(doc.ko, "ko"), Article.segment(doc.en, "en")
    del doc
    units, mt, mt_problem, whole = ko, None, "", ()
    if mt_text is not None:
        try:
            fitted = fit_mt(ko, mt_text.split("\n"), f"{doc_id} (MT)")
            units, mt, whole = fitted.article, fitted.mt, fitted.whole_paragraphs
        except DariError as err:
            mt_problem = err.message
    del mt_text
    layout = Layout(kinds={"ko": ko.boilerplate, "en": en.boilerplate}, paragraphs={"ko": ko.paragraphs, "en": en.paragraphs})
    release_freed_memory(len(ko) + len(en))  # segmenting a long article's texts left its temporaries resident
    pairs = []
    with naming(doc_id):
        beads = aligner(units, en, mt=mt, embed=settings.embed, max_merge=settings.max_merge, embed_scope=settings.embed_scope)
    for bead in beads:
        ko_ids, en_ids = units.expand(bead.src), en.expand(bead.tgt)
        pair = PairRecord(doc_id, joined(ko.sentences, ko_ids), joined(en.sentences, en_ids),
                          ko_ids, en_ids, round(float(bead.score), 6))
        pairs.append(apply_filters(pair, settings.filters, layout))
    reject_unaligned_neighbours(pairs, layout)
    return DocumentResult(doc_id, ko.sentences, en.sentences, mt is not None, pairs, mt_problem, len(whole))


class ShardStore:
    """Finished documents, one atomically written JSONL file each, named by content+settings hash."""

    def __init__(self, out_dir: str, work_key: str):
        self.root = os.path.join(out_dir, WORK_DIR, "shards")
        self.work_key = work_key
        self.used: set[str] = set()
        os.makedirs(self.root, exist_ok=True)

    def path(self, doc: Document) -> str:
        key = hashlib.sha256((doc.fingerprint() + self.work_key).encode("utf-8")).hexdigest()
        return os.path.join(self.root, key[:2], key + ".jsonl")

    def load(self, path: str) -> DocumentResult | None:
        """The finished result in shard `path` (`self.path(doc)`), if any; every document of a build
        is asked for, so this is also where its shard is marked as still in use (see remove_unused)."""
        self.used.add(path)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as handle:
            meta = json.loads(handle.readline())
            pairs = [PairRecord.from_json(json.loads(line)) for line in handle]
        return DocumentResult(pairs=pairs, **meta)

    def save(self, path: str, result: DocumentResult) -> None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        meta = {k: v for k, v in dataclasses.asdict(result).items() if k != "pairs"}
        with atomic_output(path) as handle:
            handle.write(json.dumps(meta, ensure_ascii=False) + "\n")
            for pair in result.pairs:
                handle.write(json.dumps(pair.to_json(), ensure_ascii=False) + "\n")

    def remove_unused(self) -> int:
        """Shards of documents that are no longer in the input, or of other settings; called after a
        complete build, so an edited or shrunk input does not leave old work behind forever."""
        removed = 0
        for sub in os.scandir(self.root):
            if not sub.is_dir():
                continue
            for entry in os.scandir(sub.path):
                if entry.is_file() and entry.name.endswith(".jsonl") and entry.path not in self.used:
                    os.unlink(entry.path)
                    removed += 1
            if not any(os.scandir(sub.path)):
                os.rmdir(sub.path)
        return removed

    def remove_stale_temporaries(self) -> None:
        """Temporary files of shards a kill -9 interrupted; atomic_output could not clean those up."""
        for sub in os.scandir(self.root):
            if sub.is_dir():
                _remove_temporaries(sub.path)


def _remove_temporaries(directory: str) -> None:
    """atomic_output's `.NAME.*.tmp` files left in `directory` by a killed run."""
    for entry in os.scandir(directory):
        if entry.is_file() and entry.name.startswith(".") and entry.name.endswith(".tmp"):
            os.unlink(entry.path)


def _results(docs: Iterable[Document], store: ShardStore, settings: BuildSettings, aligner: Aligner,
             jobs: int, counts: collections.Counter) -> Iterator[DocumentResult]:
    """Every document's result in input order: from its shard, or computed (in `jobs` processes) and saved.

    At most 4 x jobs documents are in flight, so input is read only as fast as it is processed.
    """
    pool = None
    if jobs > 1:
        pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    window: collections.deque = collections.deque()

    def finish(shard: str, pending, reused: bool) -> DocumentResult:
        result = pending.result() if isinstance(pending, concurrent.futures.Future) else pending
        if reused:
            counts["documents_reused"] += 1
        else:
            store.save(shard, result)
            counts["documents_processed"] += 1
        return result

    try:
        for doc in docs:
            shard = store.path(doc)
            cached = store.load(shard)
            taken = [doc]
            del doc  # process_document takes it: a long article's texts are freed once segmented
            if cached is not None:
                window.append((shard, cached, True))
            elif pool:
                window.append((shard, pool.submit(process_document, taken, settings, aligner), False))
            else:
                window.append((shard, process_document(taken, settings, aligner), False))
            while len(window) > (4 * jobs if pool else 0):
                yield finish(*window.popleft())
        while window:
            yield finish(*window.popleft())
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def build(source: str, out_dir: str, settings: BuildSettings = BuildSettings(), exclude: Iterable[str] = (),
          jobs: int = 1, aligner: Aligner = default_aligner,
          progress: Callable[[DocumentResult], None] | None = None,
          engine: EngineSettings = EngineSettings(), report: Callable[[str], None] | None = None) -> dict:
    """Build (or resume, or extend) the corpus of `source` in `out_dir`; returns the stats it writes.

    `engine` says where documents are processed (this process and `jobs` more, or a Ray cluster:
    corpora.ray_build); `report` receives the Ray engine's progress lines."""
    if settings.format not in FORMATS:
        raise DariError(f"unknown format {settings.format!r}; expected one of {', '.join(FORMATS)}")
    if jobs < 1:
        raise DariError(f"--jobs must be at least 1, got {jobs}")
    check_output_directory(out_dir)
    results = _results
    if engine.name == "ray":
        if jobs > 1:
            raise DariError("--jobs is for the local engine; with --engine ray use --workers")
        from corpora.ray_build import ray_results

        results = ray_results(engine, report)
    exclude = list(exclude)
    excluded = load_exclusions(exclude)
    docs = _first_read_now(iter_documents(source))
    make_output_directory(out_dir)
    with _exclusive(out_dir):
        return _build_locked(docs, out_dir, settings, exclude, excluded, jobs, aligner, progress, results)


def _first_read_now(docs: Iterator[Document]) -> Iterator[Document]:
    """`docs`, whose first document is read before this returns: a manifest that is empty or bad
    from its first line fails before anything is created. Nothing but the consumer holds that
    document afterwards (an itertools.chain would keep it for the whole build)."""
    first = [next(docs)]

    def every():
        yield first.pop()
        yield from docs

    return every()


@contextlib.contextmanager
def _exclusive(out_dir: str) -> Iterator[None]:
    """One build per output directory: a second one would delete the first one's temporary files.
    The lock dies with its process, kill -9 included."""
    os.makedirs(os.path.join(out_dir, WORK_DIR), exist_ok=True)
    with open(os.path.join(out_dir, WORK_DIR, "lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DariError("another `dari corpus build` is writing to this directory", out_dir) from None
        yield


def _build_locked(docs: Iterable[Document], out_dir: str, settings: BuildSettings, exclude: list[str],
                  excluded: set[int], jobs: int, aligner: Aligner,
                  progress: Callable[[DocumentResult], None] | None, results=_results) -> dict:
    _remove_temporaries(out_dir)
    store = ShardStore(out_dir, settings.work_key(aligner))
    store.remove_stale_temporaries()
    gate = CorpusGate(excluded)
    counts: collections.Counter = collections.Counter()
    rejected = collections.Counter({reason: 0 for reason in REASONS})
    mt_unusable: dict[str, str] = {}  # document id -> why its MT file could not be fitted
    empty: dict[str, list[str]] = {"ko": [], "en": []}  # articles with a side without any sentence
    with open_corpus(out_dir, settings.format) as write, open_rejects(out_dir) as write_reject:
        for result in results(docs, store, settings, aligner, jobs, counts):
            counts["documents"] += 1
            counts["documents_mt_used"] += result.mt_used
            counts["mt_whole_paragraphs"] += result.mt_whole_paragraphs
            if result.mt_problem:
                mt_unusable[result.doc] = result.mt_problem
            counts["ko_sentences"] += len(result.ko_sentences)
            counts["en_sentences"] += len(result.en_sentences)
            for side, sentences in (("ko", result.ko_sentences), ("en", result.en_sentences)):
                if not sentences:
                    empty[side].append(result.doc)
            for pair in result.pairs:
                counts["candidates"] += 1
                if pair.reason is None:
                    verdict = gate.check(pair, result.ko_sentences, result.en_sentences)
                    if verdict:
                        pair.reason, pair.detail = verdict
                if pair.reason is None:
                    counts["accepted"] += 1
                    counts["accepted_ko_sentences"] += len(pair.ko_ids)
                    write(pair)
                else:
                    rejected[pair.reason] += 1
                    write_reject(pair)
            if progress:
                progress(result)
    counts["shards_removed"] = store.remove_unused()
    stats = {
        "format": settings.format,
        "documents": counts["documents"],
        "documents_processed": counts["documents_processed"],
        "documents_reused": counts["documents_reused"],
        "shards_removed": counts["shards_removed"],
        "documents_mt_used": counts["documents_mt_used"],
        "mt_whole_paragraphs": counts["mt_whole_paragraphs"],
        "mt_unusable": mt_unusable,
        "ko_sentences": counts["ko_sentences"],
        "en_sentences": counts["en_sentences"],
        "candidates": counts["candidates"],
        "accepted": counts["accepted"],
        "rejected": sum(rejected.values()),
        "rejected_by_reason": dict(rejected),
        "yield": round(counts["accepted"] / counts["candidates"], 4) if counts["candidates"] else 0.0,
        "ko_sentence_yield": round(counts["accepted_ko_sentences"] / counts["ko_sentences"], 4)
        if counts["ko_sentences"] else 0.0,
        "empty_articles": empty,
        "exclude": exclude,
        "excluded_segments": len(excluded),
        "settings": settings.to_json(),
    }
    with atomic_output(os.path.join(out_dir, STATS_FILE)) as handle:
        json.dump(stats, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return stats
