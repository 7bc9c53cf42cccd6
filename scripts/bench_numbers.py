"""Number reading on very long lines: CPU seconds of `mt.text.numbers.extract_numbers` per line size.

Each line is FLORES-200 devtest text (Korean for "ko", English for "en") joined with spaces and
repeated until it holds the asked number of megabytes (UTF-8): the shape of an article pasted
without line breaks, where the reading must stay linear in the length of the line. Prints one
JSON object. Run from the repo root:  python scripts/bench_numbers.py [--data DIR] [--mb 2,20]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mt.text.numbers import extract_numbers
from scripts.benchdata import add_data_option, data_dir

FILES = {"ko": "kor_Hang.devtest", "en": "eng_Latn.devtest"}


def long_line(data: str, lang: str, megabytes: float) -> str:
    """FLORES devtest text of `lang` as one line, repeated to at least `megabytes` MB, cut there."""
    with open(os.path.join(data, "flores200-devtest", FILES[lang]), encoding="utf-8") as handle:
        text = " ".join(line.strip() for line in handle)
    size = len(text.encode("utf-8"))
    line = " ".join([text] * (int(megabytes * 1e6 / size) + 1))
    return line.encode("utf-8")[: int(megabytes * 1e6)].decode("utf-8", "ignore")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_option(parser)
    parser.add_argument("--mb", default="2,20", help="comma-separated line sizes in megabytes")
    args = parser.parse_args()
    data = data_dir(args.data, "flores200-devtest")
    runs = []
    for megabytes in [float(x) for x in args.mb.split(",") if x]:
        for lang in FILES:
            line = long_line(data, lang, megabytes)
            start = time.process_time()
            found = extract_numbers(line, lang)
            seconds = time.process_time() - start
            runs.append({"lang": lang, "mb": megabytes, "characters": len(line), "numbers": len(found),
                         "cpu_seconds": round(seconds, 2)})
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"runs": runs}, indent=2))


if __name__ == "__main__":
    main()
