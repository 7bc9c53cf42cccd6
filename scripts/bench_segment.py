"""Sentence-boundary benchmark on FLORES documents; prints JSON.

Protocol (../shared/data/README.md): join each document's lines with a space, split it again, and
score boundary precision/recall/F1 on character offsets that ignore whitespace, pooled over all
documents. The end of a document is not counted: every splitter gets it for free. Some FLORES
lines hold two sentences, so even a perfect splitter stays below 1.0.

--corpus quotes: the quote-heavy documents, FLORES dev+devtest documents and news v1 dev+test blocks
that hold a quotation with a sentence end inside it (`그는 “A다. B다”라고 말했다`); ids name the
split (dev, devtest, news-dev, news-test) and the document's index in it, as the audit does.

--audit FILE (docs/segment-audit-ko.tsv) adds the hand-audited true sentence ends inside gold lines:
an "adjusted" score against gold + those ends next to the protocol score (a boundary inside a line
that the audit does not list counts as wrong; `inline_not_audited` says how many), and the protocol
ceiling, the score of a splitter that cuts exactly at gold + audited ends.

    python scripts/bench_segment.py [--data DIR] [--lang ko|en] [--corpus flores|news|quotes] [--splitters dari,naive,...]
                                    [--audit docs/segment-audit-ko.tsv]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from aligners.synthetic import documents as documents_of, read_split  # noqa: E402
from scripts.benchdata import add_data_option, data_dir  # noqa: E402
from mt.text.segment import quotation_spans, split_sentences  # noqa: E402

# pysbd has no Korean; kiwipiepy is a Korean analyser.
DEFAULT_SPLITTERS = {"ko": "dari,naive,kiwipiepy,sentencex,blingfire", "en": "dari,naive,sentencex,blingfire,pysbd"}
NEWS = "korean-english-news-v1"
QUOTE_SPLITS = ("dev", "devtest", "news-dev", "news-test")
# A sentence end with more text after it, inside a quotation: the quote holds several sentences.
_END_INSIDE = re.compile(r"[.?!…]+[\"'”’」』)\]]*\s+\S")


def load_documents(data: str, split: str, lang: str) -> list[list[str]]:
    ko, en, urls, _ = read_split(data, split)
    lines = ko if lang == "ko" else en
    return [lines[run.start:run.stop] for run in documents_of(urls)]


def load_news_documents(data: str, lang: str, split: str = "test", size: int = 10) -> list[list[str]]:
    """korean-english-news-v1 has no document ids: consecutive lines in blocks of `size`."""
    path = os.path.join(data, NEWS, f"korean-english-park.{split}.{lang}")
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().split("\n") if line.strip()]
    return [lines[i:i + size] for i in range(0, len(lines), size)]


def holds_quoted_sentences(text: str, lang: str) -> bool:
    return any(_END_INSIDE.search(text, opened + 1, closed) for opened, closed in quotation_spans(text, lang))


def load_quote_documents(data: str, lang: str, names: list[str]) -> tuple[list[list[str]], list[tuple[str, int]]]:
    """Documents with a quotation that holds several sentences, from FLORES `dev`/`devtest` and
    news v1 `news-dev`/`news-test` (`names`)."""
    splits = {name: load_news_documents(data, lang, name[5:]) if name.startswith("news-") else load_documents(data, name, lang)
              for name in names}
    chosen = [(split, i) for split, documents in splits.items() for i, lines in enumerate(documents)
              if holds_quoted_sentences(" ".join(lines), lang)]
    return [splits[split][i] for split, i in chosen], chosen


def boundaries(pieces: Iterable[str]) -> set[int]:
    """Non-whitespace character counts at the end of each piece but the last."""
    marks = set()
    count = 0
    for piece in pieces:
        count += len(re.sub(r"\s", "", piece))
        marks.add(count)
    marks.discard(count)
    return marks


def naive(text: str) -> list[str]:
    return re.split(r"(?<=[.?!])\s+", text)


def kiwi_splitter() -> Callable[[str], list[str]]:
    from kiwipiepy import Kiwi

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 0 = one thread since kiwipiepy 0.21
        kiwi = Kiwi(num_workers=0)
    return lambda text: [s.text for s in kiwi.split_into_sents(text)]


def sentencex_splitter(lang: str) -> Callable[[str], list[str]]:
    import sentencex

    return lambda text: list(sentencex.segment(lang, text))


def blingfire_splitter() -> Callable[[str], list[str]]:
    import blingfire

    return lambda text: blingfire.text_to_sentences(text).split("\n")


def pysbd_splitter(lang: str) -> Callable[[str], list[str]]:
    import pysbd

    segmenter = pysbd.Segmenter(language=lang, clean=False)
    return segmenter.segment


def make_splitter(name: str, lang: str) -> Callable[[str], list[str]]:
    if name == "dari":
        return lambda text: split_sentences(text, lang)
    if name == "naive":
        return naive
    if name == "kiwipiepy":
        return kiwi_splitter()
    if name == "sentencex":
        return sentencex_splitter(lang)
    if name == "blingfire":
        return blingfire_splitter()
    if name == "pysbd":
        return pysbd_splitter(lang)
    raise SystemExit(f"unknown splitter {name!r}")


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def score(split: Callable[[str], list[str]], documents: list[list[str]], audit: list[tuple[set, set]] | None = None) -> dict:
    """Protocol P/R/F1; with `audit` ((real ends, audited offsets) per document) also the adjusted one."""
    tp = fp = fn = 0
    adjusted = [0, 0, 0]
    not_audited = 0
    texts = [" ".join(lines) for lines in documents]
    started = time.perf_counter()
    outputs = [split(text) for text in texts]
    seconds = time.perf_counter() - started
    for i, (lines, pieces) in enumerate(zip(documents, outputs)):
        gold = boundaries(lines)
        predicted = boundaries(pieces)
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        if audit:
            real, audited = audit[i]
            reference = gold | real
            adjusted[0] += len(reference & predicted)
            adjusted[1] += len(predicted - reference)
            adjusted[2] += len(reference - predicted)
            not_audited += len(predicted - gold - audited)
    result = {**prf(tp, fp, fn), "seconds": round(seconds, 4), "documents": len(documents), "gold_boundaries": tp + fn}
    if audit:
        result["adjusted"] = {**prf(*adjusted), "reference_boundaries": adjusted[0] + adjusted[2],
                              "inline_not_audited": not_audited}
    return result


def read_audit(path: str, lang: str, documents: list[list[str]], ids: list[tuple[str, int]]) -> list[tuple[set, set]]:
    """(audited real sentence ends, every audited offset) per document, from an audit TSV.

    Each row's left context must match the data, so an audit of other data (or another version of
    FLORES) fails loudly instead of scoring against the wrong offsets.
    """
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    audit: list[tuple[set, set]] = [(set(), set()) for _ in documents]
    with open(path, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if not line.startswith("#")]
    header = rows[0]
    rows = [dict(zip(header, values)) for values in rows[1:]]
    if not any(row["lang"] == lang for row in rows):
        raise SystemExit(f"{path}: no rows for --lang {lang}")
    for row in rows:
        doc_id = (row["split"], int(row["doc"]))
        if row["lang"] != lang or doc_id not in index:
            continue
        i, offset = index[doc_id], int(row["offset"])
        text = " ".join(documents[i])
        cut = [j for j, char in enumerate(text) if not char.isspace()][offset - 1] + 1
        if not text[:cut].endswith(row["left"]):
            raise SystemExit(f"{path}: {row['split']} document {row['doc']} offset {offset} does not match the data")
        audit[i][1].add(offset)
        if row["verdict"] == "real":
            audit[i][0].add(offset)
    return audit


def false_positive_sample(split: Callable[[str], list[str]], documents: list[list[str]], count: int) -> list[str]:
    """Predicted boundaries inside a gold line, with context, marked ‖: many are real sentence ends."""
    found = []
    for lines in documents:
        text = " ".join(lines)
        offsets = [i for i, char in enumerate(text) if not char.isspace()]
        for mark in sorted(boundaries(split(text)) - boundaries(lines)):
            cut = offsets[mark - 1] + 1
            found.append(f"{text[max(0, cut - 50):cut]} ‖ {text[cut:cut + 30].strip()}")
    return random.Random(1).sample(found, min(count, len(found)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(parser)
    parser.add_argument("--lang", choices=["en", "ko"], default="ko")
    parser.add_argument("--corpus", choices=["flores", "news", "quotes"], default="flores",
                        help="flores: FLORES-200 documents; news: korean-english-news-v1 test, 10-line blocks; "
                             "quotes: the documents of both (FLORES dev+devtest, news dev+test) with multi-sentence quotations")
    parser.add_argument("--splits", help="FLORES splits (default dev,devtest); with --corpus quotes also news-dev, "
                        "news-test (default all four)")
    parser.add_argument("--false-positives", type=int, default=0, metavar="N",
                        help="also print N random (seed 1) boundaries a splitter adds inside a gold line, to audit")
    parser.add_argument("--splitters", help="comma-separated; default: every one that handles --lang "
                        f"(ko: {DEFAULT_SPLITTERS['ko']}; en: {DEFAULT_SPLITTERS['en']})")
    parser.add_argument("--repeat", type=int, default=3, help="time the best of this many runs")
    parser.add_argument("--audit", metavar="FILE", help="hand audit of in-line sentence ends (--corpus flores or quotes), "
                        "e.g. docs/segment-audit-ko.tsv: adds the adjusted score and the protocol ceiling")
    args = parser.parse_args()
    if args.corpus in ("flores", "quotes"):
        args.data = data_dir(args.data, "flores200-dev")
    if args.corpus in ("news", "quotes"):
        args.data = data_dir(args.data, NEWS)
    if args.audit and args.corpus == "news":
        raise SystemExit("--audit needs --corpus flores or quotes")
    documents = []
    ids: list[tuple[str, int]] = []
    if args.corpus == "news":
        documents = load_news_documents(args.data, args.lang)
    elif args.corpus == "quotes":
        args.splits = args.splits or ",".join(QUOTE_SPLITS)
        documents, ids = load_quote_documents(args.data, args.lang, args.splits.split(","))
    else:
        args.splits = args.splits or "dev,devtest"
        for split in args.splits.split(","):
            split_documents = load_documents(args.data, split, args.lang)
            documents.extend(split_documents)
            ids.extend((split, i) for i in range(len(split_documents)))
    audit = read_audit(args.audit, args.lang, documents, ids) if args.audit else None
    results = {}
    for name in (args.splitters or DEFAULT_SPLITTERS[args.lang]).split(","):
        try:
            split = make_splitter(name, args.lang)
        except ImportError as err:
            results[name] = {"skipped": f"not installed ({err.name})"}
            continue
        split(" ".join(documents[0]))  # warm up lazy loading outside the timing
        runs = [score(split, documents, audit) for _ in range(args.repeat)]
        results[name] = min(runs, key=lambda r: r["seconds"])
        if args.false_positives:
            results[name]["false_positive_sample"] = false_positive_sample(split, documents, args.false_positives)
    report = {"lang": args.lang, "corpus": args.corpus, "splits": args.splits}
    if args.corpus == "quotes":
        report["documents_by_split"] = dict(Counter(split for split, _ in ids))
    if audit:
        gold = sum(len(boundaries(lines)) for lines in documents)
        real = sum(len(real_ends) for real_ends, _ in audit)
        report["audit"] = {"file": args.audit, "real_inline_ends": real, "protocol_ceiling": prf(gold, real, 0)}
    print(json.dumps({**report, "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
