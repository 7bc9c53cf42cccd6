"""Peak memory and time of `dari align --mt`, `dari qa` and `dari corpus build` on one long article.

The article is the FLORES-derived Korean–English news benchmark (`aligners.synthetic.news_benchmark`,
devtest with the real opus-mt-ko-en output as MT) concatenated over seeds 0, 1, 2 ... until it
has the asked number of Korean lines: one document of N lines, sentences merged and dropped on
either side, bylines and credits inserted. Each command runs as a child process of its own
(`python -m mt`, the code of this checkout); its peak resident memory is the kernel's figure for
that child (`os.wait4`, ru_maxrss). An address-space limit (`--limit-gb`) keeps a runaway child
from taking the machine down: it then fails, and the row says how.

Prints one JSON object. Example:
    OMP_NUM_THREADS=1 python scripts/bench_memory.py --lines 10000,50000,200000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from aligners.synthetic import news_benchmark  # noqa: E402
from scripts.benchdata import add_data_option, data_dir  # noqa: E402

COMMANDS = ("align", "qa", "corpus")


def long_article(data: str, lines: int) -> tuple[list[str], list[str], list[str]]:
    """Korean, English and MT lines of benchmark documents, seed after seed, cut at `lines` Korean lines."""
    src, tgt, mt = [], [], []
    seed = 0
    while len(src) < lines:
        for doc in news_benchmark(data, "devtest", seed):
            src += doc.src
            tgt += doc.tgt
            mt += doc.mt
        seed += 1
    ratio = lines / len(src)
    return src[:lines], tgt[: round(len(tgt) * ratio)], mt[:lines]


def _write(path: str, lines: list[str]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


def measure(argv: list[str], limit_gb: float, timeout: float) -> dict:
    """Run `python -m mt ARGV` as a child; its peak RSS (MB), seconds and exit status.

    Call it in a process with no other children (`run_one`): the peak is over all of them."""

    def limit():
        cap = int(limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "mt", *argv], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, preexec_fn=limit, cwd=REPO)
    try:
        _, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        _, stderr = child.communicate()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB; this process's only child (see run_one)
    row = {"exit": child.returncode, "seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024, 1)}
    if child.returncode:
        row["stderr_tail"] = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
    return row


def run_one(argv: list[str], limit_gb: float, timeout: float) -> dict:
    """`measure` in a fresh helper process, so RUSAGE_CHILDREN holds this command's peak only."""
    helper = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from scripts.bench_memory import measure;"
        "print(json.dumps(measure(json.loads(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))))"
    )
    out = subprocess.run([sys.executable, "-c", helper, REPO, json.dumps(argv), str(limit_gb), str(timeout)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_option(parser)
    parser.add_argument("--lines", default="10000,50000,200000", help="comma-separated Korean line counts")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated subset of " + ",".join(COMMANDS))
    parser.add_argument("--embed", default="e5", help="--embed of every command (default: the align and corpus default)")
    parser.add_argument("--limit-gb", type=float, default=8.0, help="address-space limit of each command")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before a command is stopped")
    args = parser.parse_args()
    data = data_dir(args.data, "system-outputs")
    commands = [c for c in args.commands.split(",") if c]
    result = {"embed": args.embed, "limit_gb": args.limit_gb, "runs": []}
    with tempfile.TemporaryDirectory() as work:
        for lines in [int(x) for x in args.lines.split(",") if x]:
            src, tgt, mt = long_article(data, lines)
            articles = os.path.join(work, f"articles{lines}")
            os.makedirs(articles)
            ko, en, ko_mt = (os.path.join(articles, f"long.{suffix}") for suffix in ("ko.txt", "en.txt", "ko.mt.txt"))
            _write(ko, src), _write(en, tgt), _write(ko_mt, mt)
            argvs = {
                "align": ["align", ko, en, "--mt", ko_mt, "--embed", args.embed, "-o", os.path.join(work, "out.beads")],
                "qa": ["qa", "--src", ko, "--ref", en, "--mt", ko_mt, "--embed", args.embed, "-o", os.path.join(work, "report.json")],
                "corpus": ["corpus", "build", articles, "-o", os.path.join(work, f"corpus{lines}"), "--embed", args.embed],
            }
            for name in commands:
                row = {"command": name, "lines": [len(src), len(tgt)], **run_one(argvs[name], args.limit_gb, args.timeout)}
                result["runs"].append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
