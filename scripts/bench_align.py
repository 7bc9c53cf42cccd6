"""Alignment benchmark: strict/lax P/R/F1 on the FLORES news benchmark and Text+Berg dev, and DP speed.

Prints one JSON object. Run from the repo root:  python scripts/bench_align.py [--data DIR] [--split devtest]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy loads: one thread, like `dari align`

from aligners import align, embeddings
from aligners.beads import parse_bead
from aligners.gale_church import gale_church
from aligners.synthetic import AlignDocument, news_benchmark
from eval.alignment_metrics import score_alignments
from scripts.benchdata import add_data_option, data_dir

CONFIGS = {  # name -> (use MT, embedding, where it is computed when MT is given)
    "mt": (True, "none", "needed"),
    "embed": (False, "e5", "needed"),
    "length+lexical": (False, "none", "needed"),
    "combined": (True, "e5", "needed"),  # the default: e5 only where the MT is unsure
    "combined-all": (True, "e5", "all"),  # e5 for every sentence (--embed-scope all)
    "gale-church": (False, None, "needed"),
}


def run_config(docs, name, src_lang, tgt_lang, max_merge=3, repair=False, encode_spans=None):
    use_mt, embed, scope = CONFIGS[name]
    predictions = []
    cached = len(embeddings._cache)
    start, cpu = time.perf_counter(), time.process_time()
    for doc in docs:
        if embed is None:
            predictions.append(gale_church(doc.src, doc.tgt))
        else:
            mt = doc.mt if use_mt else None
            predictions.append(align(doc.src, doc.tgt, mt=mt, embed=embed, max_merge=max_merge, src_lang=src_lang,
                                     tgt_lang=tgt_lang, repair=repair and use_mt, encode_spans=encode_spans, embed_scope=scope))
    scores = score_alignments([d.gold for d in docs], predictions).as_dict()
    scores["texts_encoded"] = len(embeddings._cache) - cached  # new ones: the cache lives as long as the process
    scores["seconds"] = round(time.perf_counter() - start, 2)
    scores["cpu_seconds"] = round(time.process_time() - cpu, 2)  # this process's: comparable on a shared machine
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}


def textberg(data):
    folder = os.path.join(data, "textberg-dev")

    def lines(name):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return handle.read().rstrip("\n").split("\n")

    return [AlignDocument("textberg-dev", lines("dev.de"), lines("dev.fr"), lines("dev.de-fr.mt"), [parse_bead(x) for x in lines("dev.defr")])]


def speed(docs, size=1000, repeats=5, with_mt=False):
    """Seconds to align `size` × `size` real sentences (FLORES documents concatenated), without
    embeddings: length and lexical anchors, plus the MT with `with_mt`.

    Wall time and this process's CPU time, best of `repeats`: on a shared machine the CPU time is
    the reproducible number.
    """
    src = [s for d in docs for s in d.src][:size]
    tgt = [t for d in docs for t in d.tgt][:size]
    mt = [m for d in docs for m in d.mt][:size] if with_mt else None
    runs = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        align(src, tgt, mt=mt, embed="none")
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return {
        "sentences": [len(src), len(tgt)],
        "wall_seconds": round(min(r[0] for r in runs), 3),
        "cpu_seconds": round(min(r[1] for r in runs), 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    add_data_option(parser)
    parser.add_argument("--split", default="devtest", choices=["dev", "devtest"])
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset of " + ",".join(CONFIGS))
    parser.add_argument("--textberg-configs", default="mt,embed,length+lexical,combined,combined-all,gale-church")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repair", action="store_true", help="re-check the beads of MT configs with aligners.repair")
    parser.add_argument("--max-merge", type=int, default=3, help="dari's --max-merge (Gale-Church keeps its own bead set)")
    parser.add_argument("--encode-spans", choices=["auto", "yes", "no"], default="auto",
                        help="embed merged spans as joined text: align(encode_spans=...); auto = only without MT")
    args = parser.parse_args()
    args.data = data_dir(args.data, "flores200-devtest")
    docs = news_benchmark(args.data, args.split, args.seed)
    encode_spans = {"auto": None, "yes": True, "no": False}[args.encode_spans]
    names = [c for c in args.configs.split(",") if c]
    if docs[0].mt is None:
        names = [c for c in names if not CONFIGS[c][0]]
    result = {"news": {"split": args.split, "seed": args.seed, "documents": len(docs)}, "textberg_dev": {}, "max_merge": args.max_merge, "repair": args.repair,
              "encode_spans": args.encode_spans}
    for name in names:
        result["news"][name] = run_config(docs, name, "ko", "en", args.max_merge, args.repair, encode_spans)
    tb = textberg(args.data)
    for name in [c for c in args.textberg_configs.split(",") if c]:
        result["textberg_dev"][name] = run_config(tb, name, "de", "fr", args.max_merge, args.repair, encode_spans)
    result["speed"] = speed(docs)
    if docs[0].mt is not None:
        result["speed_with_mt"] = speed(docs, with_mt=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
