"""`dari translate --engine ray`: the same translation, spread over a Ray cluster chunk by chunk.

Why it is shaped this way:
- The unit of work is a chunk of `--chunk` consecutive articles, named by a hash of its articles,
  the model, revision, backend, device, decoding options and dari's code (mt.engine.parts). The
  driver writes each finished chunk as a part file, atomically, so a driver killed with -9
  resumes without redoing finished chunks, and a rerun with every part present starts no Ray
  work at all.
- Workers are Ray actors running the unchanged `Translator` with the model loaded once per
  worker. Actors rather than Ray Data's `map_batches`: the unit is already a chunk that the driver
  must write and name in errors, results go straight back to the driver, and plain `ray` is
  enough (no pandas or Arrow conversion of articles).
- The model is resolved (and for CTranslate2 converted, int8 for CPU workers, float16 for GPU
  ones) once, by the driver, then shipped through Ray's object store with its tokenizer files:
  no node needs the hub, a shared filesystem or its own conversion. A worker unpacks it once per
  node under dari's cache directory.
- Workers never open the translation cache, a per-machine SQLite file; the driver puts finished
  translations into it, so later local runs are answered from it.
- The parts are joined in input order into the same `TranslatedDocument`s the local engine
  makes, and written by the same code: the output does not depend on the worker count. It equals
  the local engine's byte for byte as far as a sentence's translation does not depend on the
  other sentences of its batch (those of its chunk here, of the whole input there), which the
  translation cache assumes too; CTranslate2 on a CPU breaks rare near-ties differently with the
  batch (docs/benchmarks.md, "Scaling out with Ray").
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mt.backends.base import GenerationOptions
from mt.cache import TranslationCache, cache_root
from mt.engine.cluster import (Progress, WorkerFailed, WorkerPool, cluster_nodes, import_ray, plan_workers,
                               progress_printer, ray_session)
from mt.engine.options import EngineSettings
from mt.engine.parts import PartStore, chunk_key, code_fingerprint
from mt.io.errors import DariError
from mt.models import DEFAULT_MODEL, ResolvedModel
from mt.translate import (DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS, Document, SentenceRecord, Stats, TranslatedDocument,
                          Translation, Translator, load_backend)

MODELS_DIR = "ray-models"  # under dari's cache directory on each worker node
# Weights the ct2 backend does not need once the model is converted: not shipped to its workers.
WEIGHT_SUFFIXES = (".bin", ".safetensors", ".pt", ".pth", ".h5", ".msgpack", ".ot", ".onnx", ".ckpt", ".gguf", ".tflite")


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs besides the model files; the same for every worker of a run."""

    model_id: str
    revision: str
    backend: str  # "ct2" or "hf"
    device: str  # "cpu" or "cuda"
    ct2_version: str | None  # the driver's; the converted model's format depends on it
    threads: int
    options: GenerationOptions
    batch_size: int
    batch_tokens: int
    code: str  # the driver's code fingerprint: every worker must run the same dari

    def package_key(self) -> str:
        content = "\0".join([self.model_id, self.revision, self.backend, self.device, self.ct2_version or ""])
        return hashlib.sha256(content.encode()).hexdigest()[:24]


@dataclass
class RaySummary:
    documents: int = 0
    chunks: int = 0
    reused: int = 0
    workers: int = 0
    sentences: int = 0
    translated: int = 0  # distinct sentences the workers translated in this run
    copied: int = 0
    flags: collections.Counter = field(default_factory=collections.Counter)
    startup_s: float = 0.0  # starting or reaching the cluster and starting the workers, until the first chunk
    seconds: float = 0.0

    def describe(self) -> str:
        flags = " ".join(f"{k}={v}" for k, v in sorted(self.flags.items())) or "none"
        if self.workers:
            work = (f"{self.reused} reused, {self.chunks - self.reused} done by {self.workers} Ray worker(s) in "
                    f"{self.seconds:.1f} s, {self.startup_s:.1f} s of it start-up")
        else:
            work = "all finished by an earlier run: no Ray work"
        return (f"dari: {self.documents} document(s), {self.sentences} sentences in {self.chunks} chunk(s) ({work}): "
                f"{self.translated} translated, {self.copied} copied; flags: {flags}")


def worker_device(device: str, engine: EngineSettings) -> str:
    """Workers run on CUDA exactly when they claim GPUs; the driver itself needs none."""
    wanted = "cuda" if engine.gpus_per_worker > 0 else "cpu"
    if device not in ("auto", wanted):
        raise DariError(f"--device {device} with --engine ray needs --gpus-per-worker "
                        f"{'above 0' if device == 'cuda' else '0'}: Ray workers run where their claim is")
    return wanted


def translate_on_ray(documents: list[Document], *, model: str = DEFAULT_MODEL, revision: str | None = None,
                     backend: str = "auto", device: str = "auto", options: GenerationOptions = GenerationOptions(),
                     batch_size: int = DEFAULT_BATCH_SIZE, batch_tokens: int = DEFAULT_BATCH_TOKENS,
                     cache: TranslationCache | None = None, engine: EngineSettings = EngineSettings("ray"),
                     store: PartStore | None = None, report: Callable[[str], None] | None = None,
                     progress: Callable[[Progress], None] | None = None) -> tuple[list[TranslatedDocument], RaySummary]:
    """Translate `documents` on a Ray cluster: the local engine's result, and a summary of the run.

    `report` receives progress and notices as lines (the CLI prints them on stderr); `progress`
    is called after each finished chunk, once its part is written.
    """
    run_device = worker_device(device, engine)
    name = load_backend(backend).backend_name
    # Resolves the model and makes the cache keys; the model itself only ever loads on the workers.
    keeper = Translator(model, revision=revision, backend_factory=_runs_elsewhere(name), device=run_device,
                        options=options, cache=cache)
    resolved = keeper.resolved
    ct2_version = _ct2_version() if name == "ct2" else None
    code = code_fingerprint()
    settings = {"model": resolved.model_id, "revision": resolved.revision, "backend": name, "device": run_device,
                "options": options.key(), "code": code, "ctranslate2": ct2_version}
    chunks = [documents[i : i + engine.chunk] for i in range(0, len(documents), engine.chunk)]
    keys = [chunk_key(settings, [(doc.id, doc.text) for doc in chunk]) for chunk in chunks]
    store = store or PartStore()
    rows = [store.load(key, [doc.id for doc in chunk]) for key, chunk in zip(keys, chunks)]
    summary = RaySummary(documents=len(documents), chunks=len(chunks), reused=sum(r is not None for r in rows))
    if summary.reused < len(chunks):
        import_ray()  # before converting the model: a missing extra is the one-line install hint
        spec = WorkerSpec(resolved.model_id, resolved.revision, name, run_device, ct2_version, 1, options, batch_size,
                          batch_tokens, code)
        job = _Job(chunks, keys, rows, store, keeper, summary, report, progress or (progress_printer(report) if report else None))
        job.run(engine, spec, model_package(resolved, spec))
    translated = []
    for chunk, chunk_rows in zip(chunks, rows):
        for doc, row in zip(chunk, chunk_rows):
            records = [SentenceRecord(**record) for record in row["records"]]
            summary.sentences += len(records)
            summary.flags.update(flag for record in records for flag in record.flags)
            translated.append(TranslatedDocument(doc, records, row["text"]))
    return translated, summary


class _Job:
    """The chunks still to do, run on a worker pool; each result becomes a part as soon as it arrives."""

    def __init__(self, chunks, keys, rows, store, keeper, summary, report, progress):
        self.chunks, self.keys, self.rows, self.store = chunks, keys, rows, store
        self.keeper, self.summary, self.report, self.progress = keeper, summary, report, progress

    def run(self, engine: EngineSettings, spec: WorkerSpec, package: dict[str, bytes]) -> None:
        start = time.perf_counter()
        todo = collections.deque(i for i, row in enumerate(self.rows) if row is None)
        done, sentences, working = len(self.chunks) - len(todo), 0, None
        with ray_session(engine) as ray:
            sizing = plan_workers(engine, cluster_nodes(ray))
            spec = dataclasses.replace(spec, threads=sizing.threads)
            # The model goes into the object store once; each worker fetches it from there once.
            model = [ray.put(package)]
            del package
            pool = WorkerPool(ray, TranslateWorker, (spec,), sizing, "translate", self.report)
            self.summary.workers = sizing.workers
            try:
                while todo or pool.busy():
                    while todo and not pool.full():
                        index = todo.popleft()
                        pool.submit(index, "translate", model, [(doc.id, doc.text) for doc in self.chunks[index]])
                    try:
                        index, result = pool.next_result()
                    except WorkerFailed as failure:
                        raise DariError(f"chunk {failure.tag + 1} of {len(self.chunks)} "
                                        f"({_articles(self.chunks[failure.tag])}): {failure.reason}") from None
                    if working is None:
                        self.summary.startup_s = time.perf_counter() - start - result["seconds"]
                        working = start + self.summary.startup_s
                    self.store.save(self.keys[index], result["articles"])
                    self.rows[index] = result["articles"]
                    self.keeper.remember({record["src"]: Translation(record["mt"], record["flags"])
                                          for row in result["articles"] for record in row["records"]
                                          if "copied" not in record["flags"]})
                    done += 1
                    sentences += result["sentences"]
                    self.summary.translated += result["translated"]
                    self.summary.copied += result["copied"]
                    if self.progress:
                        self.progress(Progress(done, len(self.chunks), self.summary.reused, sentences,
                                               time.perf_counter() - working))
            finally:
                pool.close()
        self.summary.seconds = time.perf_counter() - start


def _articles(chunk: list[Document]) -> str:
    return f"article {chunk[0].id}" if len(chunk) == 1 else f"articles {chunk[0].id} … {chunk[-1].id}"


def _runs_elsewhere(name: str) -> Callable:
    """The driver's backend factory: it names the backend for the cache keys and never loads a model."""

    def load(resolved, device):
        raise DariError("with --engine ray the model is loaded on the Ray workers only")

    load.backend_name = name
    load.pick_device = lambda device: device  # the workers' device; the driver may have no GPU
    return load


def _ct2_version() -> str:
    try:
        import ctranslate2
    except ImportError:
        from mt.backends.ct2 import INSTALL_HINT

        raise DariError(INSTALL_HINT) from None
    return ctranslate2.__version__


def model_package(resolved: ResolvedModel, spec: WorkerSpec) -> dict[str, bytes]:
    """The files a worker needs, by relative path: the model directory (for ct2 without its
    original weights) under hf/, and for ct2 the converted model under ct2/, converted here once."""
    files = {}
    for path, relative in _walk(resolved.path):
        if spec.backend != "ct2" or not relative.endswith(WEIGHT_SUFFIXES):
            files[f"hf/{relative}"] = _read(path)
    if spec.backend == "ct2":
        from mt.backends.ct2 import convert, converted_dir, default_quantization

        quantization = default_quantization(spec.device)
        target = convert(resolved.path, converted_dir(resolved.model_id, resolved.revision, quantization), quantization)
        for path, relative in _walk(target):
            files[f"ct2/{os.path.basename(target)}/{relative}"] = _read(path)
    return files


def _walk(root: str):
    for directory, dirs, names in os.walk(root, followlinks=True):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            yield path, os.path.relpath(path, root)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def unpack_model(package: dict[str, bytes], spec: WorkerSpec) -> str:
    """The package's directory on this node: written once, by whichever worker gets there first,
    into a temporary directory renamed into place, so no worker sees a half-written model."""
    target = os.path.join(cache_root(), MODELS_DIR, spec.package_key())
    if os.path.isdir(target):
        return target
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.", suffix=".partial", dir=os.path.dirname(target))
    try:
        for relative, data in package.items():
            path = os.path.join(partial, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        os.rename(partial, target)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not os.path.isdir(target):
            raise
    return target


class TranslateWorker:
    """One Ray worker: the model loaded once, on its first chunk, then chunks of articles translated
    by `Translator`.

    The model files come with every call as an object-store reference (not in the constructor,
    whose object-store arguments Ray cannot promise to keep for a restart). A failure while
    loading is kept and raised by every call, so the driver reports it as the failure of a
    chunk instead of Ray restarting a worker that cannot start.
    """

    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.translator: Translator | None = None
        self.failure: DariError | None = None

    def ready(self) -> bool:
        return True

    def translate(self, package: list, articles: list[tuple[str, str]]) -> dict:
        """`package` is a one-element list holding the reference of the model files (model_package)."""
        if self.translator is None and self.failure is None:
            self._load(package[0])
        if self.failure:
            raise self.failure
        start = time.perf_counter()
        self.translator.stats = Stats()
        done = self.translator.translate_documents([Document(doc_id, text) for doc_id, text in articles])
        stats = self.translator.stats
        return {
            "articles": [{"id": doc.document.id, "text": doc.text, "records": [r.to_dict() for r in doc.records]}
                         for doc in done],
            "sentences": stats.sentences,
            "translated": stats.translated,
            "copied": stats.copied,
            "seconds": time.perf_counter() - start,
        }

    def _load(self, reference) -> None:
        import ray

        try:
            self.translator = _load_translator(ray.get(reference), self.spec)
        except DariError as err:
            self.failure = err
        except Exception as err:
            self.failure = DariError(f"cannot load the model on a worker ({type(err).__name__}: {err})")


def _load_translator(package: dict[str, bytes], spec: WorkerSpec) -> Translator:
    if code_fingerprint() != spec.code:
        raise DariError("this Ray worker runs a different dari than the driver; install the same version on every node")
    if spec.ct2_version and _ct2_version() != spec.ct2_version:
        raise DariError(f"this Ray worker has ctranslate2 {_ct2_version()}, the driver {spec.ct2_version}; "
                        "install the same version on every node")
    root = unpack_model(package, spec)
    identity = ResolvedModel(spec.model_id, os.path.join(root, "hf"), spec.revision)

    def load(resolved, device):
        if spec.backend == "ct2":
            from mt.backends.ct2 import CT2Backend

            return CT2Backend(identity, device, threads=spec.threads, cache_dir=root)
        import torch

        from mt.backends.hf import HFBackend

        torch.set_num_threads(spec.threads)
        return HFBackend(identity, device)

    load.backend_name = spec.backend
    load.pick_device = load_backend(spec.backend).pick_device
    translator = Translator(identity.path, backend_factory=load, device=spec.device, options=spec.options,
                            batch_size=spec.batch_size, batch_tokens=spec.batch_tokens)
    _ = translator.backend  # the model loads now, once per worker
    return translator
