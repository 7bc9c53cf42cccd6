"""What `dari translate --engine ray` costs against the local engine, and how it scales with workers.

The model is a random-weight copy of opus-mt-ko-en (its real widths, depths, heads and 65,001-word
vocabulary, so the real arithmetic per token), built as scripts/bench_translate.py builds it: the
end token is banned, so every sentence decodes exactly --out-tokens tokens. The input is real
article structure: the FLORES-200 dev and devtest Korean sentences grouped into their 562
documents (one paragraph per FLORES row), about 2,000 sentences.

Every measurement is `dari translate ... --format jsonl --no-cache` in a process of its own, and
each output is compared with the local engine's, record by record:
  local      the local engine (CTranslate2 int8 on every core of this process: 2 workers × 1 thread)
  ray        --engine ray on the private local cluster dari starts and stops, with one worker of
             --cpus CPUs (the same CTranslate2 threads as local): the Ray engine's overhead
  ray_N      --engine ray --ray-address on a simulated cluster of N nodes of one CPU each, every
             node's Ray processes pinned to a core of its own (cores reused where N exceeds them),
             plus a head node with no CPUs: per-worker rates and scaling
A one-article run of `local` and `ray` gives their fixed start-up cost (process start, imports,
cluster start, workers, model load), which is reported apart, and throughput is also given with it
taken out: (sentences - sentences of the one article) / (time - time of the one-article run). For
ray_N the summary line dari prints gives the start-up and the working time of the workers. A rerun
of `ray` with every chunk done times the driver alone (reading the parts, joining, writing).

Prints one JSON object with the load average before and after; compare only ratios of one run.
Example (docs/benchmarks.md):
    python scripts/bench_scale.py
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mt.engine.options import DEFAULT_CHUNK  # noqa: E402
from scripts.benchdata import add_data_option, data_dir  # noqa: E402

ARCHITECTURE = "opus-mt-ko-en"
SUMMARY = re.compile(r"done by (\d+) Ray worker\(s\) in ([\d.]+) s, ([\d.]+) s of it start-up")


def prepare(args) -> None:
    """Tokenizer, model and the article manifests, in a child process (building takes ~1 GB)."""
    from aligners.synthetic import documents, read_split
    from scripts.bench_translate import ARCHITECTURES, build_model, korean_training_lines, write_tokenizer

    work, data = Path(args.workdir), Path(args.data)
    arch = ARCHITECTURES[ARCHITECTURE]
    tok_dir, model_dir = work / "tokenizer", work / ARCHITECTURE
    if not (tok_dir / "vocab.json").is_file():
        write_tokenizer(tok_dir, korean_training_lines(data), arch["vocab"])
    if not (model_dir / "model.safetensors").is_file():
        build_model(model_dir, arch, tok_dir)
    articles = []
    for split in ("dev", "devtest"):
        ko, _, urls, _ = read_split(str(data), split)
        articles += [{"id": f"{split}-{urls[run.start]}", "text": "\n".join(ko[run.start : run.stop])} for run in documents(urls)]
    articles = articles[: args.articles or None]
    with open(work / "articles.jsonl", "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
    with open(work / "one.jsonl", "w", encoding="utf-8") as handle:
        handle.write(json.dumps(articles[0], ensure_ascii=False) + "\n")


def dari(args, manifest: str, out: Path, extra: list[str]) -> tuple[float, str]:
    """Wall time and stderr of one `dari translate` process."""
    command = [sys.executable, "-m", "mt", "translate", manifest, "--model", str(Path(args.workdir) / ARCHITECTURE),
               "--format", "jsonl", "--no-cache", "--beams", str(args.beams), "--max-length", str(args.out_tokens + 1),
               "--chunk", str(args.chunk), "-o", str(out), *extra]
    env = {**os.environ, "DARI_CACHE_DIR": str(Path(args.workdir) / "dari-cache"), "PYTHONPATH": str(REPO)}
    env.pop("OMP_NUM_THREADS", None)  # dari's own thread choice is part of what is measured
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench_scale: {' '.join(command[3:])} failed:\n{done.stderr[-3000:]}")
    return wall, done.stderr


def forget_chunks(args) -> None:
    shutil.rmtree(Path(args.workdir) / "dari-cache" / "chunks", ignore_errors=True)


def measure(args, name: str, extra: list[str], results: dict, reference: bytes | None) -> bytes:
    work = Path(args.workdir)
    forget_chunks(args)
    one_wall, _ = dari(args, str(work / "one.jsonl"), work / f"{name}-one.jsonl", extra)
    forget_chunks(args)
    wall, stderr = dari(args, str(work / "articles.jsonl"), work / f"{name}.jsonl", extra)
    output = (work / f"{name}.jsonl").read_bytes()
    sentences = output.count(b"\n")
    one = (work / f"{name}-one.jsonl").read_bytes().count(b"\n")
    results[name] = {
        "sentences": sentences,
        "wall_s": round(wall, 2),
        "startup_s": round(one_wall, 2),  # the one-article run: everything but the bulk of the work
        "sents_per_s": round(sentences / wall, 3),
        "sents_per_s_excluding_startup": round((sentences - one) / (wall - one_wall), 3),
        "records_differing_from_local": _differing(output, reference),
    }
    results[name].update(_summary(stderr))
    print(f"bench_scale: {name}: {json.dumps(results[name])}", file=sys.stderr)
    return output


def _differing(output: bytes, reference: bytes | None) -> int:
    """Records (sentences) whose line differs from the local engine's: 0 when byte-identical."""
    if reference is None:
        return 0
    return sum(a != b for a, b in zip(output.splitlines(), reference.splitlines())) + abs(output.count(b"\n") - reference.count(b"\n"))


def _summary(stderr: str) -> dict:
    found = SUMMARY.search(stderr)
    if not found:
        return {}
    return {"workers": int(found[1]), "ray_seconds": float(found[2]), "ray_startup_s": float(found[3])}


def scaling(args, workers: int, results: dict, reference: bytes) -> None:
    """`ray_N`: N one-CPU nodes, node i's raylet and workers pinned to core i mod cores."""
    from ray.cluster_utils import Cluster

    cores = sorted(os.sched_getaffinity(0))
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    try:
        for i in range(workers):
            os.sched_setaffinity(0, {cores[i % len(cores)]})
            cluster.add_node(num_cpus=1)
        os.sched_setaffinity(0, cores)
        cluster.wait_for_nodes()
        name = f"ray_{workers}"
        work = Path(args.workdir)
        forget_chunks(args)
        wall, stderr = dari(args, str(work / "articles.jsonl"), work / f"{name}.jsonl",
                            ["--engine", "ray", "--ray-address", cluster.address, "--workers", str(workers), "--cpus-per-worker", "1"])
        output = (work / f"{name}.jsonl").read_bytes()
        summary = _summary(stderr)
        sentences = output.count(b"\n")
        working = summary["ray_seconds"] - summary["ray_startup_s"]
        results[name] = {
            "sentences": sentences, "wall_s": round(wall, 2), **summary,
            "pinned_cores": [cores[i % len(cores)] for i in range(workers)],
            "sents_per_s": round(sentences / wall, 3),
            "sents_per_s_working": round(sentences / working, 3),  # the workers' rate once started
            "per_worker_sents_per_s": round(sentences / working / workers, 3),
            "records_differing_from_local": _differing(output, reference),
        }
        print(f"bench_scale: {name}: {json.dumps(results[name])}", file=sys.stderr)
    finally:
        os.sched_setaffinity(0, cores)
        cluster.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(parser)
    parser.add_argument("--workdir", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "dari-bench-scale"),
                        help="models, inputs, outputs and dari's cache [default: %(default)s]")
    parser.add_argument("--out-tokens", type=int, default=32, help="target tokens decoded per sentence [default: %(default)s]")
    parser.add_argument("--beams", type=int, default=4, help="[default: %(default)s]")
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="articles per Ray chunk [default: %(default)s]")
    parser.add_argument("--cpus", type=int, default=len(os.sched_getaffinity(0)),
                        help="CPUs of the one worker in `ray` [default: every core here, %(default)s]")
    parser.add_argument("--articles", type=int, default=0, help="only the first N articles, for a quick try (0: all) [default: %(default)s]")
    parser.add_argument("--workers", default="1,2,4", help="ray_N runs; empty for none [default: %(default)s]")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.data = data_dir(args.data, "flores200-devtest")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    if args.prepare:
        prepare(args)
        return
    if subprocess.run([sys.executable, *sys.argv, "--prepare"]).returncode != 0:
        sys.exit("bench_scale: preparing the model and the articles failed")
    report = {
        "settings": {k: getattr(args, k) for k in ("out_tokens", "beams", "chunk", "cpus", "workers", "articles")},
        "load_average_before": os.getloadavg(),
        "results": {},
    }
    results = report["results"]
    work = Path(args.workdir)
    first_wall, _ = dari(args, str(work / "one.jsonl"), work / "first.jsonl", [])  # converts the model once
    report["first_run_s"] = round(first_wall, 2)
    reference = measure(args, "local", [], results, None)
    measure(args, "ray", ["--engine", "ray", "--workers", "1", "--cpus-per-worker", str(args.cpus)], results, reference)
    rerun_wall, _ = dari(args, str(work / "articles.jsonl"), work / "rerun.jsonl", ["--engine", "ray"])  # every chunk done
    report["rerun_all_done_s"] = round(rerun_wall, 2)
    for workers in [int(w) for w in args.workers.split(",") if w]:
        scaling(args, workers, results, reference)
    report["load_average_after"] = os.getloadavg()
    local, ray = results["local"], results["ray"]
    report["ratios"] = {
        "ray_vs_local": round(ray["sents_per_s"] / local["sents_per_s"], 3),
        "ray_vs_local_excluding_startup": round(ray["sents_per_s_excluding_startup"] / local["sents_per_s_excluding_startup"], 3),
        "startup_extra_s": round(ray["startup_s"] - local["startup_s"], 2),
    }
    one = results.get("ray_1")
    for workers in [int(w) for w in args.workers.split(",") if w and int(w) > 1]:
        if one and f"ray_{workers}" in results:
            report["ratios"][f"ray_{workers}_vs_ray_1_working"] = round(
                results[f"ray_{workers}"]["sents_per_s_working"] / one["sents_per_s_working"], 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
