"""Translation speed and memory: transformers vs CTranslate2 vs `dari translate`, on CPU.

Published checkpoints cannot be downloaded here, so the models are random-weight copies of the
real architectures (opus-mt-ko-en and opus-mt-tc-big-ko-en: same widths, depths, heads and
vocabulary sizes, so the same arithmetic per token) with a SentencePiece vocabulary trained on
the Korean text in the shared data folder. Random weights never stop on their own, so the end
token is suppressed and every configuration decodes exactly --out-tokens tokens per sentence:
throughput is comparable across configurations even though the output is gibberish.

Each configuration runs in its own process, so its peak RSS is its own:
  a  transformers fp32, one sentence at a time (only the first --sentences-a sentences: it is slow)
  b  transformers fp32, batched by length (--batch-size sentences)
  c  transformers dynamic int8 (torch.ao.quantization.quantize_dynamic), batched like b
  d  CTranslate2 int8 used directly (translate_batch on all sentences, max_batch_size=--batch-size)
  e  `dari translate` end to end with its default CPU settings, in a process pinned to --threads
     cores (dari sizes its thread pool from the cores it may use); the conversion into dari's
     cache happens in an earlier, separate run and is reported as `first_run_s`

Sentences are FLORES-200 devtest Korean lines that are one sentence for dari's segmenter and short
enough that its long-input splitter keeps them whole at --max-length = out_tokens + 1 (the end
token's slot), so every configuration translates exactly the same units.

Prints one JSON object: every configuration's numbers, the load average before and after, and
under "targets" the issue's ratios ((e) vs (d) and (b) in speed, (e) vs (b) in peak RSS).
Example (the published table):
  OMP_NUM_THREADS=2 python scripts/bench_translate.py --models opus-mt-ko-en,opus-mt-tc-big-ko-en
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.benchdata import add_data_option, data_dir  # noqa: E402

# The published configs (Helsinki-NLP/opus-mt-ko-en config.json; opus-mt-tc-big-ko-en is Marian
# transformer-big with spm32k vocabularies, per the Tatoeba-Challenge model README).
ARCHITECTURES = {
    "opus-mt-ko-en": {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "vocab": 65001},
    "opus-mt-tc-big-ko-en": {"d_model": 1024, "layers": 6, "heads": 16, "ffn": 4096, "vocab": 32001},
}
CONFIGURATIONS = {
    "a": "transformers fp32, one sentence at a time",
    "b": "transformers fp32, batched by length",
    "c": "transformers dynamic int8, batched by length",
    "d": "CTranslate2 int8, used directly",
    "e": "dari translate end to end (default CPU settings)",
}
SPM_VOCAB = 16000
FILLER = "#"
SPM_TRAINING_TEXT = [  # FLORES devtest, the benchmark's input, is left out
    "flores200-dev/kor_Hang.dev",
    "korean-english-news-v1/korean-english-park.dev.ko",
    "korean-english-news-v1/korean-english-park.test.ko",
    "tatoeba-kor-eng/tatoeba-test-v2021-08-07.kor_Hang",
]


def korean_training_lines(data: Path) -> list[str]:
    lines = []
    for name in SPM_TRAINING_TEXT:
        lines += [line for line in (data / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def write_tokenizer(directory: Path, lines: list[str], vocab_size: int) -> None:
    """Marian tokenizer files: one SentencePiece model for both sides, padded to the real vocabulary.

    The Korean text supports only about 13k learned pieces, so the rest of the vocabulary is
    filler pieces: user-defined symbols `#0`, `#1`, ... that SentencePiece decodes to text.
    """
    target = vocab_size - 1  # the last id is <pad>, which MarianTokenizer adds
    learned = len(_pieces(_train_spm(lines, SPM_VOCAB, 0)))
    fillers = target - learned
    for _ in range(3):  # the learned part can come out a few pieces off; adjust and retrain
        model = _train_spm(lines, target, fillers)
        size = len(_pieces(model))
        if size == target:
            break
        fillers += target - size
    else:
        sys.exit(f"bench_translate: could not build a {vocab_size}-piece vocabulary (got {size + 1})")
    vocab = {piece: i for i, piece in enumerate(_pieces(model))}
    vocab["<pad>"] = len(vocab)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "source.spm").write_bytes(model)
    (directory / "target.spm").write_bytes(model)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "MarianTokenizer", "source_lang": "ko", "target_lang": "en", "model_max_length": 512}),
        encoding="utf-8",
    )


def _train_spm(lines: list[str], vocab_size: int, fillers: int) -> bytes:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        user_defined_symbols=[f"{FILLER}{i}" for i in range(fillers)],
        hard_vocab_limit=False,
        character_coverage=0.9995,
        model_type="unigram",
        unk_id=1,
        eos_id=0,
        bos_id=-1,
        pad_id=-1,
        num_threads=2,
        minloglevel=2,
    )
    return buffer.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def build_model(directory: Path, arch: dict, tokenizer_dir: Path, seed: int = 0) -> None:
    import shutil

    import torch
    from transformers import MarianConfig, MarianMTModel

    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        directory.mkdir(parents=True, exist_ok=True)
        shutil.copy(tokenizer_dir / name, directory / name)
    vocab = json.loads((tokenizer_dir / "vocab.json").read_text(encoding="utf-8"))
    pad = vocab["<pad>"]
    assert len(vocab) == arch["vocab"], (len(vocab), arch["vocab"])
    config = MarianConfig(
        vocab_size=arch["vocab"],
        decoder_vocab_size=arch["vocab"],
        d_model=arch["d_model"],
        encoder_layers=arch["layers"],
        decoder_layers=arch["layers"],
        encoder_attention_heads=arch["heads"],
        decoder_attention_heads=arch["heads"],
        encoder_ffn_dim=arch["ffn"],
        decoder_ffn_dim=arch["ffn"],
        max_position_embeddings=512,
        activation_function="swish",
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    # Random weights loop on a few tokens, which dari's loop detector would (rightly) retry, doubling
    # its work. So the output is restricted to filler pieces: they decode to digits and `#`, which
    # the detector ignores. The end token is banned too, so every sentence decodes the full length.
    banned = [i for piece, i in vocab.items() if not re.fullmatch(rf"{FILLER}\d+", piece)]
    with torch.no_grad():
        model.get_input_embeddings().weight[pad].zero_()
        model.final_logits_bias[0, banned] = -1e4
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.max_length = 512
    model.generation_config.num_beams = 4
    model.save_pretrained(directory)


def pick_sentences(data: Path, tokenizer_dir: Path, count: int, max_tokens: int) -> list[str]:
    from transformers import MarianTokenizer

    from mt.text.segment import split_sentences

    tokenizer = MarianTokenizer.from_pretrained(str(tokenizer_dir))
    lines = (data / "flores200-devtest" / "kor_Hang.devtest").read_text(encoding="utf-8").splitlines()
    whole = [line for line in dict.fromkeys(lines) if split_sentences(line) == [line]]
    lengths = [len(ids) for ids in tokenizer(whole)["input_ids"]]
    chosen = [line for line, n in zip(whole, lengths) if n <= max_tokens][:count]
    if len(chosen) < count:
        sys.exit(f"bench_translate: only {len(chosen)} FLORES sentences fit {max_tokens} tokens; lower --sentences")
    return chosen


# --- workers: one configuration each, in a fresh process -------------------------------------


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def worker_transformers(config: str, model_dir: str, sentences: list[str], args) -> dict:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    if config == "c":
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    load_s = time.perf_counter() - start
    batch_size = 1 if config == "a" else args.batch_size
    order = sorted(range(len(sentences)), key=lambda i: -len(tokenizer(sentences[i])["input_ids"]))
    batches = [[sentences[i] for i in order[k : k + batch_size]] for k in range(0, len(order), batch_size)]

    def run(batch):
        encoded = tokenizer(batch, return_tensors="pt", padding=True)
        with torch.inference_mode():
            out = model.generate(**encoded, num_beams=args.beams, max_new_tokens=args.out_tokens + 1, do_sample=False)
        special = {tokenizer.pad_token_id, tokenizer.eos_token_id}
        return sum(sum(1 for t in row.tolist() if t not in special) for row in out)

    run(batches[-1][:1])  # warm-up, not timed
    start = time.perf_counter()
    tokens = sum(run(batch) for batch in batches)
    return {"load_s": load_s, "translate_s": time.perf_counter() - start, "target_tokens": tokens}


def worker_ctranslate2(model_dir: str, ct2_dir: str, sentences: list[str], args) -> dict:
    import ctranslate2
    from transformers import MarianTokenizer

    start = time.perf_counter()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    translator = ctranslate2.Translator(ct2_dir, device="cpu", compute_type="int8", intra_threads=args.threads)
    load_s = time.perf_counter() - start
    source = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences)["input_ids"]]
    options = {"beam_size": args.beams, "max_decoding_length": args.out_tokens, "max_batch_size": args.batch_size}
    translator.translate_batch(source[:1], **options)  # warm-up, not timed
    start = time.perf_counter()
    results = translator.translate_batch(source, **options)
    texts = tokenizer.batch_decode([tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results], skip_special_tokens=True)
    elapsed = time.perf_counter() - start
    assert len(texts) == len(sentences)
    return {"load_s": load_s, "translate_s": elapsed, "target_tokens": sum(len(r.hypotheses[0]) for r in results)}


def run_dari(model_dir: str, input_path: Path, workdir: Path, args) -> tuple[float, float, list[dict]]:
    """Wall time, peak RSS (MiB) and JSONL records of one `dari translate` process."""
    out = workdir / "dari-out.jsonl"
    cache = workdir / f"fresh-{time.time_ns()}.sqlite3"  # the cache stays on (a default) but starts empty
    command = [sys.executable, "-m", "mt", "translate", str(input_path), "--model", model_dir, "--format", "jsonl",
               "--max-length", str(args.out_tokens + 1), "--cache", str(cache), "-q", "-o", str(out)]
    env = dict(os.environ, DARI_CACHE_DIR=str(workdir / "dari-cache"))
    env.pop("OMP_NUM_THREADS", None)  # dari's own thread choice is part of what is measured
    cores = sorted(os.sched_getaffinity(0))[: args.threads]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, env=env, preexec_fn=lambda: os.sched_setaffinity(0, cores))
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench_translate: dari translate failed (exit {os.waitstatus_to_exitcode(status)})")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    cache.unlink(missing_ok=True)
    return wall, usage.ru_maxrss / 1024, records


def worker_dari(model_dir: str, sentences: list[str], workdir: Path, args) -> dict:
    one = workdir / "one-sentence.txt"
    one.write_text(sentences[0] + "\n", encoding="utf-8")
    first_wall, _, _ = run_dari(model_dir, one, workdir, args)  # converts into dari's cache if not there yet
    startup_wall, _, _ = run_dari(model_dir, one, workdir, args)
    everything = workdir / "sentences.txt"
    everything.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    wall, rss, records = run_dari(model_dir, everything, workdir, args)
    # Every sentence stops at the output limit (the end token is banned), so `truncated` is expected.
    flagged = sum(1 for r in records if set(r["flags"]) - {"truncated"})
    if len(records) != len(sentences) or flagged:
        sys.exit(f"bench_translate: dari produced {len(records)} records ({flagged} flagged) for {len(sentences)} sentences")
    return {
        "first_run_s": first_wall,
        "startup_s": startup_wall,  # process start, imports, model load and one sentence
        "wall_s": wall,
        "translate_s": wall,  # end to end: nothing excluded
        "target_tokens": len(records) * args.out_tokens,  # the end token is suppressed: always out_tokens
        "peak_rss_mb": rss,
        "sents_per_s_excluding_startup": (len(sentences) - 1) / max(wall - startup_wall, 1e-9),
    }


def worker_main(args) -> None:
    sentences = Path(args.sentences_file).read_text(encoding="utf-8").splitlines()
    if args.worker == "a":
        sentences = sentences[: args.sentences_a]
    workdir = Path(args.model_dir).parent
    if args.worker in "abc":
        result = worker_transformers(args.worker, args.model_dir, sentences, args)
    elif args.worker == "d":
        result = worker_ctranslate2(args.model_dir, str(workdir / "ct2-int8"), sentences, args)
    else:
        result = worker_dari(args.model_dir, sentences, workdir, args)
    result.setdefault("peak_rss_mb", peak_rss_mb())
    result["sentences"] = len(sentences)
    result["sents_per_s"] = len(sentences) / result["translate_s"]
    result["target_tokens_per_s"] = result["target_tokens"] / result["translate_s"]
    print(json.dumps(result))


# --- parent: data, models, one subprocess per configuration -----------------------------------


def issue_targets(results: dict) -> dict:
    """The issue's ratios for one model: (e) against (d) and (b) in speed, against (b) in peak RSS.

    Speed ratios are given end to end and with (e)'s start-up (a one-sentence run: process start,
    imports, model load) left out, since (b) and (d) are timed after loading.
    """
    targets = {}
    e = results.get("e")
    for other in ("b", "d"):
        if e and other in results:
            targets[f"e_vs_{other}"] = e["sents_per_s"] / results[other]["sents_per_s"]
            targets[f"e_excluding_startup_vs_{other}"] = e["sents_per_s_excluding_startup"] / results[other]["sents_per_s"]
    if e and "b" in results:
        targets["e_peak_rss_vs_b"] = e["peak_rss_mb"] / results["b"]["peak_rss_mb"]
    return targets


def prepare(args) -> tuple[Path, dict[str, Path]]:
    data = Path(data_dir(args.data, "flores200-devtest"))
    work = Path(args.workdir)
    tokenizers, models = {}, {}
    lines = None
    for name in args.models:
        arch = ARCHITECTURES[name]
        tok_dir = work / f"tokenizer-{arch['vocab']}"
        if not (tok_dir / "vocab.json").is_file():
            lines = lines or korean_training_lines(data)
            print(f"bench_translate: training SentencePiece on {len(lines)} Korean lines", file=sys.stderr)
            write_tokenizer(tok_dir, lines, arch["vocab"])
        tokenizers[name] = tok_dir
        model_dir = work / name / "hf"
        if not (model_dir / "model.safetensors").is_file():
            print(f"bench_translate: building random-weight {name}", file=sys.stderr)
            build_model(model_dir, arch, tok_dir)
        ct2_dir = work / name / "ct2-int8"
        if "d" in args.configs and not (ct2_dir / "model.bin").is_file():
            import ctranslate2

            ctranslate2.converters.TransformersConverter(str(model_dir)).convert(str(ct2_dir), quantization="int8", force=True)
        models[name] = model_dir
    # Both tokenizers come from the same training text; pick sentences with the first one.
    sentences = pick_sentences(data, tokenizers[args.models[0]], args.sentences, (args.out_tokens + 1) * 2 // 3)
    sentences_file = work / "sentences.ko"
    sentences_file.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return sentences_file, models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(parser)
    parser.add_argument("--workdir", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "dari-bench-translate"),
                        help="where models, conversions and dari's cache are kept between runs [default: %(default)s]")
    parser.add_argument("--models", default="opus-mt-ko-en", help=f"comma-separated, from {', '.join(ARCHITECTURES)} [default: %(default)s]")
    parser.add_argument("--configs", default="abcde", help="configurations to run [default: %(default)s]")
    parser.add_argument("--sentences", type=int, default=48, help="[default: %(default)s]")
    parser.add_argument("--sentences-a", type=int, default=12,
                        help="configuration a is slow: it translates only the first N sentences [default: %(default)s]")
    parser.add_argument("--out-tokens", type=int, default=32, help="target tokens decoded per sentence [default: %(default)s]")
    parser.add_argument("--beams", type=int, default=4, help="[default: %(default)s]")
    parser.add_argument("--threads", type=int, default=2, help="[default: %(default)s]")
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per batch in b, c and d; dari's default [default: %(default)s]")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=sorted(CONFIGURATIONS), help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--sentences-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    args.models = args.models.split(",")
    unknown = [m for m in args.models if m not in ARCHITECTURES] + [c for c in args.configs if c not in CONFIGURATIONS]
    if unknown:
        sys.exit(f"bench_translate: unknown model or configuration: {', '.join(unknown)}")
    if args.prepare:
        sentences_file, models = prepare(args)
        print(json.dumps({"sentences_file": str(sentences_file), "models": {k: str(v) for k, v in models.items()}}))
        return
    data_dir(args.data, "flores200-devtest")  # fail early, before any child starts
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    # Linux carries a process's peak RSS into the children it starts, so this process stays small:
    # building models (about 1 GB for tc-big) happens in a child of its own, like every measurement.
    prepared = subprocess.run([sys.executable, *sys.argv, "--prepare"], stdout=subprocess.PIPE, text=True)
    if prepared.returncode != 0:
        sys.exit(prepared.returncode)
    paths = json.loads(prepared.stdout.strip().splitlines()[-1])
    sentences_file, models = paths["sentences_file"], paths["models"]
    report = {
        "settings": {k: getattr(args, k) for k in ("sentences", "sentences_a", "out_tokens", "beams", "threads", "batch_size")},
        "load_average_before": os.getloadavg(),
        "results": {},
    }
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    for name, model_dir in models.items():
        report["results"][name] = {}
        for config in args.configs:
            command = [sys.executable, __file__, "--worker", config, "--model-dir", model_dir,
                       "--sentences-file", sentences_file]
            command += [f"--{k.replace('_', '-')}={v}" for k, v in report["settings"].items()]
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"bench_translate: configuration {config} on {name} failed:\n{done.stderr[-2000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["configuration"] = CONFIGURATIONS[config]
            report["results"][name][config] = result
            print(f"bench_translate: {name} {config}: {json.dumps(result)}", file=sys.stderr)
    report["load_average_after"] = os.getloadavg()
    report["targets"] = {name: issue_targets(results) for name, results in report["results"].items()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
