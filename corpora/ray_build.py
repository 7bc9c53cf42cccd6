"""`dari corpus build --engine ray`: the per-document work of a build, spread over a Ray cluster.

Why it is shaped this way:
- Only the expensive, independent part moves: segmenting, aligning and filtering each article
  pair (`process_document`, unchanged). Test-set overlap, duplicates and writing the corpus stay
  in the driver (corpora.job), which sees every document's result in input order, so the output
  is the local engine's whatever the number of workers.
- The unit of work is a chunk of `--chunk` documents that have no finished shard yet. A shard is
  named by a hash of the document, the settings, the aligner and the code, and the driver writes
  each one atomically as soon as its chunk comes back: a driver killed with -9 resumes without
  redoing finished chunks, a rerun with every shard present starts no Ray work, and the local
  and Ray engines reuse each other's shards.
- Workers are Ray actors (see mt.engine.cluster): one per claim of CPUs, each loading the
  embedding model once (it is cached per process) and processing chunk after chunk.
- Input is read, and results held, a window of chunks at a time, so memory stays bounded on
  inputs of any size.
"""

from __future__ import annotations

import collections
import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from corpora.documents import Document
from corpora.job import Aligner, BuildSettings, DocumentResult, ShardStore, process_document
from mt.engine.cluster import (IN_FLIGHT_PER_WORKER, Progress, WorkerFailed, WorkerPool, cluster_nodes, import_ray,
                               plan_workers, progress_printer, ray_session)
from mt.engine.options import EngineSettings
from mt.io.errors import DariError


@dataclass
class _Entry:
    doc: Document
    shard: str  # ShardStore.path(doc)
    result: DocumentResult | None
    reused: bool


class BuildWorker:
    """One Ray worker: `process_document` on chunk after chunk with the driver's settings and aligner."""

    def __init__(self, settings: BuildSettings, aligner: Aligner, work_key: str):
        self.settings, self.aligner = settings, aligner
        # The shards' names promise the driver's code: a node with another dari must not fill them.
        self.failure = None if settings.work_key(aligner) == work_key else DariError(
            "this Ray worker runs a different dari (or aligner) than the driver; install the same version on every node")

    def ready(self) -> bool:
        return True

    def process(self, docs: list[Document]) -> dict:
        if self.failure:
            raise self.failure
        start = time.perf_counter()
        results = [process_document([doc], self.settings, self.aligner) for doc in docs]
        return {"results": results, "sentences": sum(len(r.ko_sentences) for r in results),
                "seconds": time.perf_counter() - start}


def ray_results(engine: EngineSettings, report: Callable[[str], None] | None = None):
    """A replacement for corpora.job._results that processes documents on Ray workers."""

    import_ray()  # before any work: a missing extra is the one-line install hint

    def results(docs: Iterable[Document], store: ShardStore, settings: BuildSettings, aligner: Aligner, jobs: int,
                counts: collections.Counter) -> Iterator[DocumentResult]:
        return _RayRun(engine, store, settings, aligner, counts, report).results(docs)

    return results


class _RayRun:
    def __init__(self, engine, store, settings, aligner, counts, report):
        self.engine, self.store, self.settings, self.aligner, self.counts = engine, store, settings, aligner, counts
        self.report = report
        self.show = progress_printer(report, "documents") if report else None
        self.window: collections.deque[_Entry] = collections.deque()
        self.chunk: list[_Entry] = []
        self.chunks_sent = 0
        self.pool: WorkerPool | None = None
        self.sentences = 0
        self.working: float | None = None
        self.seen = 0
        self.total: int | None = None  # known once the input is read to its end

    def results(self, docs: Iterable[Document]) -> Iterator[DocumentResult]:
        """Every document's result in input order: from its shard, or from a worker (then saved)."""
        with contextlib.ExitStack() as stack:
            for doc in docs:
                self.seen += 1
                shard = self.store.path(doc)
                cached = self.store.load(shard)
                entry = _Entry(doc, shard, cached, cached is not None)
                self.window.append(entry)
                if cached is None:
                    self.chunk.append(entry)
                    if len(self.chunk) >= self.engine.chunk:
                        self._submit(stack)
                while self.pool is not None and self.pool.full():
                    self._collect()
                yield from self._ready()
                if self.pool is not None and len(self.window) > self.engine.chunk * (IN_FLIGHT_PER_WORKER * len(self.pool.actors) + 1):
                    yield from self._drain_head(stack)
            self.total = self.seen
            while self.window:
                yield from self._drain_head(stack)

    def _ready(self) -> Iterator[DocumentResult]:
        while self.window and self.window[0].result is not None:
            entry = self.window.popleft()
            self.counts["documents_reused" if entry.reused else "documents_processed"] += 1
            if self.show and not entry.reused:
                reused = self.counts["documents_reused"]
                self.show(Progress(reused + self.counts["documents_processed"], self.total, reused, self.sentences,
                                   time.perf_counter() - self.working))
            yield entry.result

    def _drain_head(self, stack) -> Iterator[DocumentResult]:
        """Wait until the oldest document is done (sending its chunk off first if it is still being filled)."""
        if self.window[0].result is None and self.chunk and self.chunk[0] is self.window[0]:
            self._submit(stack)
        while self.window[0].result is None:
            self._collect()
        yield from self._ready()

    def _submit(self, stack: contextlib.ExitStack) -> None:
        if self.pool is None:
            ray = stack.enter_context(ray_session(self.engine))
            sizing = plan_workers(self.engine, cluster_nodes(ray))
            args = (self.settings, self.aligner, self.settings.work_key(self.aligner))
            self.pool = WorkerPool(ray, BuildWorker, args, sizing, "corpus", self.report)
            stack.callback(self.pool.close)
        self.chunks_sent += 1
        entries, self.chunk = self.chunk, []
        self.pool.submit((self.chunks_sent, entries), "process", [entry.doc for entry in entries])

    def _collect(self) -> None:
        try:
            (number, entries), done = self.pool.next_result()
        except WorkerFailed as failure:
            number, entries = failure.tag
            first, last = entries[0].doc.id, entries[-1].doc.id
            where = f"document {first}" if len(entries) == 1 else f"documents {first} … {last}"
            raise DariError(f"chunk {number} ({where}): {failure.reason}") from None
        if self.working is None:
            self.working = time.perf_counter() - done["seconds"]
        for entry, result in zip(entries, done["results"]):
            self.store.save(entry.shard, result)
            entry.result = result
        self.sentences += done["sentences"]
