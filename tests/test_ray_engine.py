"""`--engine ray` for translate and corpus build, on a local 2-CPU Ray cluster shared by these tests.

What must hold: the same bytes as the local engine whatever the number of workers, a killed worker
or driver costing nothing but time, a worker's Python error reported as one line naming the chunk
(exit 2, no output, finished chunks kept), and a one-line install hint without the extra.
"""

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpora.job import WORK_DIR, build
from mt.cli import main
from mt.engine.cluster import RAY_EXTRA_HINT, plan_workers
from mt.engine.options import EngineSettings
from mt.engine.parts import PartStore
from mt.io.errors import DariError
from tests.corpus_support import BROKEN, failing_aligner, positional_aligner
from tiny_models import fixture_lines

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "tests" / "fixtures" / "corpus_articles"
FAST = ["--beams", "1", "--max-length", "12"]
ARTICLE_COUNT = 20


@pytest.fixture(scope="session")
def ray_address(isolated_conversion_cache):
    """One local cluster for every test here; started after DARI_CACHE_DIR is set, so workers see it."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture
def manifest(tmp_path):
    """ARTICLE_COUNT Korean articles of 3 to 5 FLORES sentences, one paragraph break each."""
    lines = fixture_lines("ko")
    path = tmp_path / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(ARTICLE_COUNT):
            sentences = lines[7 * i : 7 * i + 3 + i % 3]
            text = " ".join(sentences[:2]) + "\n" + " ".join(sentences[2:])
            handle.write(json.dumps({"id": f"article-{i:02d}", "text": text}, ensure_ascii=False) + "\n")
    return path


def translate(args, tmp_path, **kwargs):
    cache = ["--cache", str(tmp_path / "cache.sqlite3")]
    return CliRunner().invoke(main, ["translate", *args, *FAST, *cache], catch_exceptions=False, **kwargs)


@pytest.fixture
def fresh_parts():
    """Finished chunks are shared through dari's cache directory: each test starts without any."""
    shutil.rmtree(Path(os.environ["DARI_CACHE_DIR"]) / "chunks", ignore_errors=True)


@pytest.mark.slow
def test_translate_on_ray_is_byte_identical_to_local_whatever_the_workers(ray_address, manifest, tiny_model_dir, tmp_path, fresh_parts):
    model = ["--model", str(tiny_model_dir)]
    local = translate([str(manifest), *model, "--format", "jsonl", "-o", str(tmp_path / "local.jsonl"), "--no-cache"], tmp_path)
    assert local.exit_code == 0, local.output
    for workers, chunk in (("2", "3"), ("1", "7")):
        out = tmp_path / f"ray-{workers}.jsonl"
        result = translate([str(manifest), *model, "--format", "jsonl", "-o", str(out), "--engine", "ray",
                            "--workers", workers, "--chunk", chunk], tmp_path)
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == (tmp_path / "local.jsonl").read_bytes()
        chunks = -(-ARTICLE_COUNT // int(chunk))
        assert f"dari: ray: {chunks}/{chunks} chunks" in result.output  # progress on stderr
        assert f"in {chunks} chunk(s) (0 reused, {chunks} done by {workers} Ray worker(s)" in result.output

    for engine in ("local", "ray"):
        folder = tmp_path / f"text-{engine}"
        folder.mkdir()
        result = translate([str(manifest), *model, "-o", str(folder), "--engine", engine, "--chunk", "6"], tmp_path)
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "text-local").iterdir())
    assert len(names) == ARTICLE_COUNT
    assert [(tmp_path / "text-ray" / n).read_bytes() for n in names] == [(tmp_path / "text-local" / n).read_bytes() for n in names]

    # The driver filled the translation cache: a local run now translates nothing and gives the same bytes.
    again = translate([str(manifest), *model, "--format", "jsonl", "-o", str(tmp_path / "cached.jsonl")], tmp_path)
    assert re.search(r"\(\d+ distinct\): 0 translated, [1-9]\d* from cache", again.output), again.output
    assert (tmp_path / "cached.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


@pytest.mark.slow
def test_a_rerun_with_every_chunk_finished_starts_no_ray_work(ray_address, manifest, tiny_model_dir, tmp_path, fresh_parts, monkeypatch):
    args = [str(manifest), "--model", str(tiny_model_dir), "--format", "jsonl", "--engine", "ray", "--chunk", "5"]
    first = translate([*args, "-o", str(tmp_path / "first.jsonl")], tmp_path)
    assert first.exit_code == 0, first.output
    monkeypatch.setitem(sys.modules, "ray", None)  # any use of Ray would now fail
    second = translate([*args, "-o", str(tmp_path / "second.jsonl")], tmp_path)
    assert second.exit_code == 0, second.output
    assert "(all finished by an earlier run: no Ray work)" in second.output
    assert (tmp_path / "second.jsonl").read_bytes() == (tmp_path / "first.jsonl").read_bytes()


@pytest.mark.slow
def test_a_killed_worker_is_restarted_and_the_output_is_unchanged(ray_address, manifest, tiny_model_dir, tmp_path, fresh_parts):
    import ray

    from mt.backends.base import GenerationOptions
    from mt.engine.ray_translate import translate_on_ray
    from mt.inputs import collect_documents

    documents = collect_documents([str(manifest)])
    options = GenerationOptions(beams=1, max_length=12)
    killed = []

    def kill_a_worker(progress):
        if not killed:
            name = next(n for n in ray.util.list_named_actors() if n.startswith("dari-translate-"))
            ray.kill(ray.get_actor(name), no_restart=False)
            killed.append(name)

    engine = EngineSettings("ray", workers=2, chunk=2)
    translated, summary = translate_on_ray(documents, model=str(tiny_model_dir), options=options, engine=engine,
                                           progress=kill_a_worker)
    assert killed and summary.chunks == summary.chunks - summary.reused == 10
    local = translate([str(manifest), "--model", str(tiny_model_dir), "--format", "jsonl", "--no-cache"], tmp_path)
    records = [json.dumps(r.to_dict(), ensure_ascii=False) for doc in translated for r in doc.records]
    assert records == local.stdout.splitlines()


def _subprocess(code: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


KILLED_TRANSLATE = """
import os, signal, sys
import ray
from mt.backends.base import GenerationOptions
from mt.engine.options import EngineSettings
from mt.engine.parts import PartStore
from mt.engine.ray_translate import translate_on_ray
from mt.inputs import collect_documents

ray.init(address=sys.argv[1], logging_level="ERROR")

def die(progress):
    if progress.done == 3:
        os.kill(os.getpid(), signal.SIGKILL)

translate_on_ray(collect_documents([sys.argv[2]]), model=sys.argv[3], options=GenerationOptions(beams=1, max_length=12),
                 engine=EngineSettings("ray", workers=2, chunk=2), store=PartStore(sys.argv[4]), progress=die)
"""


@pytest.mark.slow
def test_a_driver_killed_midway_resumes_without_redoing_finished_chunks(ray_address, manifest, tiny_model_dir, tmp_path):
    from mt.backends.base import GenerationOptions
    from mt.engine.ray_translate import translate_on_ray
    from mt.inputs import collect_documents

    parts = tmp_path / "parts"
    killed = _subprocess(KILLED_TRANSLATE, ray_address, str(manifest), str(tiny_model_dir), str(parts))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    finished = len(list(parts.glob("*/*.jsonl")))
    assert finished == 3  # written, each whole, before the driver died
    assert not list(parts.rglob(".*.tmp"))

    seen = []
    translated, summary = translate_on_ray(collect_documents([str(manifest)]), model=str(tiny_model_dir),
                                           options=GenerationOptions(beams=1, max_length=12),
                                           engine=EngineSettings("ray", workers=2, chunk=2), store=PartStore(str(parts)),
                                           progress=seen.append)
    assert summary.reused == finished and len(seen) == 10 - finished
    local = translate([str(manifest), "--model", str(tiny_model_dir), "--format", "jsonl", "--no-cache"], tmp_path)
    assert [json.dumps(r.to_dict(), ensure_ascii=False) for doc in translated for r in doc.records] == local.stdout.splitlines()


FAILING_WORKERS = """
import sys
import ray
from mt.cli import main

# Every worker of this job sees a cache directory it cannot create: loading the model fails there.
ray.init(address=sys.argv[1], runtime_env={"env_vars": {"DARI_CACHE_DIR": "/dev/null/dari"}}, logging_level="ERROR")
main(sys.argv[2:])
"""


@pytest.mark.slow
def test_a_python_error_in_a_worker_is_one_line_naming_the_chunk_and_writes_nothing(ray_address, manifest, tiny_model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    result = _subprocess(FAILING_WORKERS, ray_address, "translate", str(manifest), "--model", str(tiny_model_dir), *FAST,
                         "--format", "jsonl", "-o", str(out), "--engine", "ray", "--chunk", "4", "--no-cache", "-q")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: chunk ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "of 5 (articles article-" in result.stderr and "cannot load the model on a worker (NotADirectoryError" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def article_dir(tmp_path, count=ARTICLE_COUNT - 4):
    """The 4 fixture article pairs and `count` more, two sentences each (one shared by all of them)."""
    source = tmp_path / "articles"
    shutil.copytree(ARTICLES, source)
    for i in range(count):
        (source / f"doc_{i:02d}.ko.txt").write_text(f"{i}번째 기사의 한국어 문장이다.\n두 번째 한국어 문장도 있다.\n", encoding="utf-8")
        (source / f"doc_{i:02d}.en.txt").write_text(
            f"This is the English sentence of article {i}.\nThere is a second English sentence too.\n", encoding="utf-8")
    return source


def corpus_files(out):
    return {name: (out / name).read_bytes() for name in ("corpus.tsv", "rejects.jsonl", "stats.json")}


@pytest.mark.slow
def test_corpus_build_on_ray_is_byte_identical_to_local_and_survives_a_killed_worker(ray_address, tmp_path):
    import ray

    source = article_dir(tmp_path)
    build(str(source), str(tmp_path / "local"), aligner=positional_aligner)
    killed = []

    def kill_a_worker(result):
        if not killed:
            name = next(n for n in ray.util.list_named_actors() if n.startswith("dari-corpus-"))
            ray.kill(ray.get_actor(name), no_restart=False)
            killed.append(name)

    for workers, chunk, progress in ((2, 3, kill_a_worker), (1, 20, None)):
        out = tmp_path / f"ray-{workers}"
        stats = build(str(source), str(out), aligner=positional_aligner, progress=progress,
                      engine=EngineSettings("ray", workers=workers, chunk=chunk))
        assert stats["documents_processed"] == ARTICLE_COUNT
        assert corpus_files(out) == corpus_files(tmp_path / "local")
    assert killed
    cli = CliRunner().invoke(main, ["corpus", "build", str(source), "-o", str(tmp_path / "cli-ray"), "--embed", "none",
                                    "--engine", "ray", "--chunk", "4"])
    assert cli.exit_code == 0, cli.output
    assert f"dari: ray: {ARTICLE_COUNT}/{ARTICLE_COUNT} documents" in cli.output
    CliRunner().invoke(main, ["corpus", "build", str(source), "-o", str(tmp_path / "cli-local"), "--embed", "none"])
    assert corpus_files(tmp_path / "cli-ray") == corpus_files(tmp_path / "cli-local")


KILLED_BUILD = """
import os, signal, sys
import ray
from corpora.job import build
from mt.engine.options import EngineSettings
from tests.corpus_support import positional_aligner

ray.init(address=sys.argv[1], logging_level="ERROR")

def die(result):
    if result.doc == "doc_05":
        os.kill(os.getpid(), signal.SIGKILL)

build(sys.argv[2], sys.argv[3], aligner=positional_aligner, progress=die, engine=EngineSettings("ray", workers=2, chunk=2))
"""


@pytest.mark.slow
def test_a_corpus_build_whose_driver_is_killed_resumes_without_redoing_finished_chunks(ray_address, tmp_path):
    source, out = article_dir(tmp_path), tmp_path / "out"
    killed = _subprocess(KILLED_BUILD, ray_address, str(source), str(out))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    finished = len(list((out / WORK_DIR / "shards").glob("*/*.jsonl")))
    assert 6 <= finished < ARTICLE_COUNT  # doc_00 … doc_05 at least
    assert not (out / "corpus.tsv").exists()

    resumed = build(str(source), str(out), aligner=positional_aligner, engine=EngineSettings("ray", workers=2, chunk=2))
    assert (resumed["documents_reused"], resumed["documents_processed"]) == (finished, ARTICLE_COUNT - finished)
    build(str(source), str(tmp_path / "local"), aligner=positional_aligner)
    resumed_files, local_files = corpus_files(out), corpus_files(tmp_path / "local")
    assert resumed_files.pop("stats.json") != local_files.pop("stats.json")  # they count reused documents
    assert resumed_files == local_files


@pytest.mark.slow
def test_a_worker_error_in_a_corpus_build_names_the_chunk_keeps_finished_ones_and_writes_no_corpus(ray_address, tmp_path):
    source, out = article_dir(tmp_path), tmp_path / "out"
    (source / "doc_09.ko.txt").write_text(f"{BROKEN} 난 기사다.\n", encoding="utf-8")
    engine = EngineSettings("ray", workers=1, chunk=4)
    with pytest.raises(DariError, match=r"^chunk 3 \(documents doc_08 … doc_11\): worker failed: ValueError: cannot align"):
        build(str(source), str(out), aligner=failing_aligner, engine=engine)
    assert sorted(p.name for p in out.iterdir()) == [WORK_DIR]
    finished = len(list((out / WORK_DIR / "shards").glob("*/*.jsonl")))
    assert finished >= 8  # the two chunks before the failing one
    (source / "doc_09.ko.txt").write_text("고친 기사다.\n", encoding="utf-8")
    stats = build(str(source), str(out), aligner=failing_aligner, engine=engine)
    assert stats["documents_reused"] == finished


def test_without_the_ray_extra_the_engine_is_a_one_line_install_hint(manifest, tiny_model_dir, tmp_path, monkeypatch, fresh_parts):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` does where the extra is not installed
    result = translate([str(manifest), "--model", str(tiny_model_dir), "--format", "jsonl", "--engine", "ray", "--no-cache"], tmp_path)
    assert (result.exit_code, result.output) == (2, f"Error: {RAY_EXTRA_HINT}\n")
    result = CliRunner().invoke(main, ["corpus", "build", str(ARTICLES), "-o", str(tmp_path / "out"), "--engine", "ray"])
    assert (result.exit_code, result.output) == (2, f"Error: {RAY_EXTRA_HINT}\n")
    assert 'pip install "dari[ray]"' in RAY_EXTRA_HINT


def test_help_and_the_local_engine_never_import_ray():
    code = ("import sys; from mt.cli import main\n"
            "for args in (['--help'], ['translate', '--help'], ['corpus', 'build', '--help']):\n"
            "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
            "assert 'ray' not in sys.modules, 'ray was imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert "--gpus-per-worker" in done.stdout and "[default: 32" in done.stdout


@pytest.mark.parametrize("engine,nodes,expected", [
    (EngineSettings("ray"), [{"CPU": 2}], (1, 1.0, 0.0, 1)),  # the default leaves part of the cluster free
    (EngineSettings("ray", workers=2), [{"CPU": 2}], (2, 1.0, 0.0, 1)),  # an explicit count may claim all of it
    (EngineSettings("ray", cpus_per_worker=4), [{"CPU": 16}] * 4, (15, 4.0, 0.0, 4)),
    (EngineSettings("ray", cpus_per_worker=2, gpus_per_worker=0.5), [{"CPU": 8, "GPU": 1}] * 3, (6, 2.0, 0.5, 2)),
    (EngineSettings("ray", cpus_per_worker=2.5), [{"CPU": 8}], (3, 2.5, 0.0, 2)),  # 0.5 of 8 left free
])
def test_worker_sizing(engine, nodes, expected):
    sizing = plan_workers(engine, nodes)
    assert (sizing.workers, sizing.cpus, sizing.gpus, sizing.threads) == expected


@pytest.mark.parametrize("engine,nodes", [
    (EngineSettings("ray", workers=3), [{"CPU": 2}]),
    (EngineSettings("ray", cpus_per_worker=4), [{"CPU": 2}] * 4),  # 8 CPUs, but no node has 4
    (EngineSettings("ray", gpus_per_worker=1), [{"CPU": 8}]),
])
def test_worker_claims_that_no_node_can_meet_are_an_error_not_a_hang(engine, nodes):
    with pytest.raises(DariError, match="has room for"):
        plan_workers(engine, nodes)
