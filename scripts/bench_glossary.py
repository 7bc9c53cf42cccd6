"""Glossary benchmark: Korean term matching, term success of real MT, the QA check, forced decoding.

Parts (`--parts`, all by default except `quality`):
  matcher   the hand-written particle-aware matcher (mt.text.korean_terms) against kiwipiepy's
            morphemes (`pip install kiwipiepy`; skipped with a note when absent) on hand-labelled
            cases and on FLORES devtest with the benchmark glossary: matches, how many the English
            reference supports, disagreements, speed.
  baseline  term success rate (a term found in the Korean whose rendering is in the English) of
            the REAL opus-mt-ko-en output on FLORES devtest, and of the reference itself.
  qa        `dari qa --glossary`'s check on FLORES devtest documents: in the real references, the
            rendering of half the terms (seeded) is replaced by the entry's first wrong variant;
            precision/recall of term_missing and term_variant on the published-English side: a
            flagged (bead, term) is right when the bead holds a replaced rendering of the term, a
            replaced one is found when its bead is flagged (as bench_qa.py scores number_mismatch). Pairs whose original reference lacks the rendering are left out
            and counted. The MT is the real opus-mt-ko-en output. Run twice: on the documents as
            they are, and edited as in scripts/bench_qa.py (sentences merged and dropped, bylines
            added) before dari aligns them.
  forced    `dari translate --glossary` with a random-weight copy of the opus-mt-ko-en architecture
            (d_model 512, 6+6 layers, 8 heads, ffn 2048, vocabulary 65,001, built as in
            scripts/bench_translate.py, with a SentencePiece vocabulary trained on Korean and
            English so that renderings can be spelt). Such a model never writes a name by itself,
            so every term is forced: the worst case for time. Term success, and wall and CPU time
            against the same sentences without a glossary (interleaved repeats; the overhead is the
            median of each repeat's ratio, the best times are given too), for
            a set where a quarter of the sentences hold a term and for one where all do.
  quality   chrF of the sentences with terms, with and without the glossary, with a REAL model
            (`--quality-model`, default opus-mt = Helsinki-NLP/opus-mt-ko-en): needs the model in
            the Hugging Face cache or network access to the hub, so it is not in the default run.

Prints one JSON object. Run from the repository root:
    OMP_NUM_THREADS=1 python scripts/bench_glossary.py [--data DIR] [--parts matcher,baseline,qa,forced]
    python scripts/bench_glossary.py --parts quality --quality-model opus-mt    # with network access
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.benchdata import add_data_option, data_dir  # noqa: E402
from mt.glossary import Glossary, find_rendering, load_glossary, parse_glossary  # noqa: E402
from mt.text.korean_terms import normalise, term_pattern  # noqa: E402

GLOSSARY = REPO / "scripts" / "glossaries" / "flores200-devtest-names.tsv"
PARTS = ("matcher", "baseline", "qa", "forced", "quality")
DEFAULT_PARTS = "matcher,baseline,qa,forced"
CORRUPT_RATE = 0.5

# Hand-labelled cases: (sentence, the glossary terms it really holds). The glossary below lists the
# ambiguous words without the exact marker, so that the matchers' own judgement is measured.
LABELLED_GLOSSARY = """힌시테인\tKhinshtein
개성공단\tKaesong Industrial Complex
대동강\tTaedong River
조선중앙통신\tKorean Central News Agency
밥 딜런\tBob Dylan
딜런\tDillon
다니우스\tDanius
스프링복스\tSpringboks
모사사우루스\tMosasaurus
파리\tParis
페리\tPerry
비버\tBieber
기자\tGiza
인도\tIndia
이란\tIran
미국\tUnited States
고마\tGoma
가나\tGhana
"""
LABELLED = [
    ("힌시테인은 이날 모스크바에서 말했다.", {"힌시테인"}),
    ("힌시테인에게서도 답은 없었다.", {"힌시테인"}),
    ("힌시테인이라는 의원이 발언했다.", {"힌시테인"}),
    ("서힌시테인 지역은 조용했다.", set()),
    ("대동강으로부터 물을 끌어왔다.", {"대동강"}),
    ("대동강변을 따라 걸었다.", set()),
    ("개성공단에서 일하는 노동자들", {"개성공단"}),
    ("조선중앙통신이라고 밝혔다.", {"조선중앙통신"}),
    ("조선중앙통신은 보도했다.", {"조선중앙통신"}),
    ("위원회는 밥 딜런에게 직접 연락하지 못했다.", {"밥 딜런"}),
    ("밥딜런의 노래", {"밥 딜런"}),
    ("딜런은 몬태나주 뷰트에서 자랐다.", {"딜런"}),
    ("다니우스는 라디오에서 밝혔다.", {"다니우스"}),
    ("스프링복스의 경우 다섯 경기 연속이었다.", {"스프링복스"}),
    ("모사사우루스는 그 시대의 최상위 포식자였다.", {"모사사우루스"}),
    ("다른 모사사우루스 외에는 두려울 것이 없었다.", {"모사사우루스"}),
    ("패션 수도는 콘스탄티노플에서 파리로 바뀌었다.", {"파리"}),
    ("파리가 현대 시대의 패션 수도로 알려졌다.", {"파리"}),
    ("날개를 접을 수 없는 곤충은 잠자리와 파리밖에 없습니다.", set()),
    ("여름에는 파리가 많이 꼬인다.", set()),
    ("페리는 텍사스로 돌아가겠다고 말했다.", {"페리"}),
    ("우리는 페리를 타고 섬으로 건너갔다.", set()),
    ("성명서에서 비버는 유감을 표했다.", {"비버"}),
    ("비버가 강에 댐을 지었다.", set()),
    ("기자의 대 피라미드는 관광 명소다.", {"기자"}),
    ("기자 회견 녹취록에 따르면 그는 부인했다.", set()),
    ("경찰은 기자들에게 설명했다.", set()),
    ("인도에서 선거가 열렸다.", {"인도"}),
    ("그는 인도를 따라 걸어갔다.", set()),
    ("그는 범인을 경찰에 인도했다.", set()),
    ("이란은 제재에 반발했다.", {"이란"}),
    ("사랑이란 무엇인가.", set()),
    ("미국에서 온 관광객", {"미국"}),
    ("미국인 관광객이 다쳤다.", set()),
    ("고마에서 버스를 탔다.", {"고마"}),
    ("도와줘서 고마워.", set()),
    ("가나의 수도는 아크라다.", {"가나"}),
    ("그들은 가나다라를 배웠다.", set()),
]


def read(data: str, name: str) -> list[str]:
    return Path(data, name).read_text(encoding="utf-8").rstrip("\n").split("\n")


def flores(data: str) -> tuple[list[str], list[str], list[str], list[str]]:
    ko = read(data, "flores200-devtest/kor_Hang.devtest")
    en = read(data, "flores200-devtest/eng_Latn.devtest")
    mt = read(data, "system-outputs/opus-mt-ko-en.flores200-devtest.kor-eng.hyp.txt")
    urls = [row.split("\t")[0] for row in read(data, "flores200-devtest/metadata_devtest.tsv")[1:]]
    return ko, en, mt, urls


def term_pairs(glossary: Glossary, sentences: list[str]) -> list[tuple[int, object]]:
    """(sentence index, entry) for every distinct glossary entry found in each sentence."""
    return [(i, entry) for i, s in enumerate(sentences) for entry in dict.fromkeys(m.entry for m in glossary.find(s))]


def success(pairs, outputs: list[str]) -> dict:
    rendered = sum(bool(find_rendering(outputs[i], entry)) for i, entry in pairs)
    return {"terms": len(pairs), "rendered": rendered, "success_rate": round(rendered / len(pairs), 4) if pairs else None}


# --- matcher ---------------------------------------------------------------------------------


class KiwiMatcher:
    """Glossary terms found from kiwipiepy's morphemes, for comparison with `Glossary.find`.

    A term matches where its characters start a word and end on morpheme boundaries, and the rest
    of the word is particles, copula and endings (J*, VCP, E*) or a name suffix (XSN, NNB: 들, 씨).
    `proper_nouns`: the term's morphemes must include a proper noun (NNP), instead of exact entries.
    """

    ATTACHED = ("J", "E", "VCP", "XSN", "NNB")

    def __init__(self, glossary: Glossary, proper_nouns: bool = False):
        from kiwipiepy import Kiwi

        start = time.perf_counter()
        self.kiwi = Kiwi()
        self.kiwi.tokenize("시작")
        self.load_s = time.perf_counter() - start
        self.glossary, self.proper_nouns = glossary, proper_nouns
        self.patterns = {entry: term_pattern(entry.korean) for entry in glossary.entries}

    def find(self, text: str) -> list[tuple[str, int, int]]:
        text = normalise(text)
        tokens = self.kiwi.tokenize(text)
        starts = {t.start for t in tokens}
        ends = {t.start + t.len for t in tokens}
        found = []
        for entry, pattern in self.patterns.items():
            for match in pattern.finditer(text):
                s, e = match.span()
                if s not in starts or e not in ends:
                    continue
                word_end = e
                while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
                    word_end += 1
                after = [t for t in tokens if e <= t.start < word_end]
                inside = [t for t in tokens if s <= t.start < e]
                if not all(t.tag.startswith(self.ATTACHED) for t in after):
                    continue
                if self.proper_nouns and not any(t.tag == "NNP" for t in inside):
                    continue
                if not self.proper_nouns and entry.exact and after:
                    continue
                found.append((s, e, word_end, entry.korean))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0]), f[3]))
        kept, until = [], 0
        for s, e, word_end, korean in found:
            if s >= until:
                kept.append((korean, s, e))
                until = word_end
        return kept


def hand_find(glossary: Glossary):
    return lambda text: [(m.entry.korean, m.start, m.end) for m in glossary.find(text)]


def labelled_scores(find) -> dict:
    right = flagged = found = gold = 0
    wrong = []
    for text, truth in LABELLED:
        predicted = {korean for korean, _, _ in find(text)}
        right += len(predicted & truth)
        flagged += len(predicted)
        found += len(predicted & truth)
        gold += len(truth)
        if predicted != truth:
            wrong.append({"text": text, "expected": sorted(truth), "found": sorted(predicted)})
    return {"precision": round(right / flagged, 4), "recall": round(found / gold, 4), "cases": len(LABELLED),
            "wrong": len(wrong), "wrong_cases": wrong}


def matcher_part(data: str, glossary: Glossary) -> dict:
    ko, en, _, _ = flores(data)
    labelled = parse_glossary(LABELLED_GLOSSARY)
    entries = {e.korean: e for e in glossary.entries}
    finders = {"hand": (hand_find(labelled), hand_find(glossary), 0.0)}
    try:
        for name, proper in (("kiwipiepy", False), ("kiwipiepy_nnp", True)):
            on_labelled, on_flores = KiwiMatcher(labelled, proper), KiwiMatcher(glossary, proper)
            finders[name] = (on_labelled.find, on_flores.find, on_flores.load_s)
    except ImportError:
        finders_note = "kiwipiepy not installed (pip install kiwipiepy): only the hand-written matcher measured"
    else:
        finders_note = None
    report = {}
    flores_matches = {}
    for name, (on_labelled, on_flores, load_s) in finders.items():
        start = time.perf_counter()
        matches = {(i, korean) for i, sentence in enumerate(ko) for korean, _, _ in on_flores(sentence)}
        seconds = time.perf_counter() - start
        supported = sum(bool(find_rendering(en[i], entries[korean])) for i, korean in matches)
        flores_matches[name] = matches
        report[name] = {
            "labelled": labelled_scores(on_labelled),
            "flores_devtest": {"matches": len(matches), "supported_by_reference": supported,
                               "sentences_per_s": round(len(ko) / seconds, 1), "load_s": round(load_s, 2)},
        }
    if "kiwipiepy" in flores_matches:
        hand, kiwi = flores_matches["hand"], flores_matches["kiwipiepy"]
        report["disagreements_hand_vs_kiwipiepy"] = [
            {"sentence": i, "term": korean, "found_by": "hand" if (i, korean) in hand else "kiwipiepy",
             "reference_has_rendering": bool(find_rendering(en[i], entries[korean])), "text": ko[i]}
            for i, korean in sorted(hand ^ kiwi)
        ]
    if finders_note:
        report["note"] = finders_note
    return report


# --- baseline --------------------------------------------------------------------------------


def baseline_part(data: str, glossary: Glossary) -> dict:
    ko, en, mt, _ = flores(data)
    pairs = term_pairs(glossary, ko)
    return {
        "glossary_entries": len(glossary.entries),
        "entries_found": len({entry for _, entry in pairs}),
        "sentences_with_terms": len({i for i, _ in pairs}),
        "opus_mt_ko_en": success(pairs, mt),
        "reference": success(pairs, en),
    }


# --- qa --------------------------------------------------------------------------------------


def corrupt(sentence: str, entry) -> str:
    """Every accepted rendering in `sentence` replaced by the entry's first wrong variant."""
    for phrase in entry.english:
        words = re.split(r"[\s\u2010-\u2014-]+", phrase)
        pattern = re.compile(r"(?<!\w)" + r"[\s\u2010-\u2014-]+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)
        sentence = pattern.sub(lambda _: entry.avoid[0], sentence)
    return sentence


def qa_part(data: str, glossary: Glossary, seed: int, edited: bool) -> dict:
    """Per (Korean FLORES row, term): was its reference rendering replaced, and does the bead that
    holds the row say the published English lacks the term? With `edited`, the articles are
    first edited as in the QA benchmark (aligners.synthetic: sentences merged and dropped,
    bylines added), so terms sit in merged beads and next to dropped sentences; rows whose
    English or Korean was dropped are left out (there is nothing to check or no term)."""
    from aligners.aligner import align_articles
    from aligners.synthetic import Perturbation, documents, perturb
    from eval.qa import build_report, check_document
    from mt.text.article import Article

    ko, en, mt, urls = flores(data)
    rng = random.Random(f"glossary-qa:{seed}")
    references = list(en)
    gold: dict[tuple[int, str], bool] = {}  # (Korean row, term) -> rendering replaced by a variant
    left_out = 0
    for i, entry in term_pairs(glossary, ko):
        if not find_rendering(en[i], entry):
            left_out += 1
            continue
        replaced = bool(entry.avoid) and rng.random() < CORRUPT_RATE
        if replaced:
            references[i] = corrupt(references[i], entry)
        gold[(i, entry.korean)] = replaced
    edit_rng = random.Random(f"devtest:{seed}")  # as aligners.synthetic.news_benchmark
    start = time.perf_counter()
    reports = []
    for run in documents(urls):
        rows = list(run)
        if edited:
            doc = perturb(urls[run.start], [ko[i] for i in rows], [references[i] for i in rows], [mt[i] for i in rows], edit_rng, Perturbation())
            src, tgt, hyp = doc.src, doc.tgt, doc.mt
            dropped = {i for bead in doc.gold if bead.src and not bead.tgt for k in bead.src for i in rows if ko[i] in doc.src[k]}
        else:
            src, tgt, hyp, dropped = [ko[i] for i in rows], [references[i] for i in rows], [mt[i] for i in rows], set()
        ko_article, en_article = Article.from_sentences(src, "ko"), Article.from_sentences(tgt, "en")
        beads = align_articles(ko_article, en_article, mt=hyp, embed="none")
        report = check_document(urls[run.start], ko_article, en_article, hyp, beads, mt_source="opus-mt-ko-en", glossary=glossary)
        # A source line is one FLORES row, two merged rows, or an inserted byline (no row).
        line_rows = [[i for i in rows if ko[i] in line] for line in src]
        reports.append((report, line_rows, dropped))
    report = build_report([r for r, _, _ in reports], {}, glossary)
    seconds = time.perf_counter() - start
    skipped: set = set()
    present = {i for _, line_rows, _ in reports for found in line_rows for i in found}
    flagged = {"term_missing": [], "term_variant": []}  # per flagged (bead, term): does it hold a replaced rendering?
    found = {"term_missing": set(), "term_variant": set()}
    for document, line_rows, dropped in reports:
        skipped |= {key for key in gold if key[0] in dropped or key[0] not in present}
        for bead in document.beads:
            for use in bead.terms:
                keys = [(i, use["ko"]) for k in bead.src for i in line_rows[k]]
                keys = [key for key in keys if key in gold and key not in skipped]
                if not keys or not bead.en:
                    continue
                for flag, raised in (("term_missing", "en" in use["missing"]), ("term_variant", use["en_variant"] is not None)):
                    if raised:
                        flagged[flag].append(any(gold[key] for key in keys))
                        found[flag] |= {key for key in keys if gold[key]}
    scored = {key: value for key, value in gold.items() if key not in skipped}
    return {
        "seed": seed,
        "edited_articles": edited,
        "documents": len(reports),
        "term_pairs_scored": len(scored),
        "replaced_by_a_variant": sum(scored.values()),
        "left_out_reference_lacks_rendering": left_out,
        "left_out_korean_or_english_dropped": len(gold) - len(scored),
        **{flag: _rates(scored, flagged[flag], found[flag]) for flag in flagged},
        "bead_flags": {flag: report.flag_counts[flag] for flag in ("term_missing", "term_variant")},
        "terms_rendered_several_ways": len(report.term_renderings or []),
        "seconds": round(seconds, 1),
    }


def _rates(gold: dict, flagged: list[bool], found: set) -> dict:
    """As scripts/bench_qa.py scores number_mismatch: a flagged (bead, term) is right when the bead
    holds a replaced rendering of the term, and a replaced one is found when its bead is flagged."""
    positives = sum(gold.values())
    return {"precision": round(sum(flagged) / len(flagged), 4) if flagged else 0.0,
            "recall": round(len(found) / positives, 4) if positives else 0.0, "flagged": len(flagged), "gold": positives}


# --- forced ----------------------------------------------------------------------------------


def build_forced_model(data: str, work: Path) -> Path:
    """The random-weight opus-mt-ko-en architecture with a Korean+English SentencePiece vocabulary."""
    from scripts.bench_translate import ARCHITECTURES, build_model, korean_training_lines, write_tokenizer

    arch = ARCHITECTURES["opus-mt-ko-en"]
    tokenizer, model = work / "tokenizer", work / "opus-mt-ko-en"
    if not (tokenizer / "vocab.json").is_file():
        english = read(data, "flores200-dev/eng_Latn.dev") + read(data, "korean-english-news-v1/korean-english-park.dev.en")
        print("bench_glossary: training SentencePiece on Korean and English", file=sys.stderr)
        write_tokenizer(tokenizer, korean_training_lines(Path(data)) + [line for line in english if line.strip()], arch["vocab"])
    if not (model / "model.safetensors").is_file():
        print("bench_glossary: building the random-weight opus-mt-ko-en architecture", file=sys.stderr)
        build_model(model, arch, tokenizer)
    return model


def forced_part(data: str, glossary: Glossary, args) -> dict:
    from mt.backends.base import GenerationOptions
    from mt.text.segment import split_sentences
    from mt.translate import Translator

    cores = sorted(os.sched_getaffinity(0))[: args.threads]
    os.sched_setaffinity(0, cores)
    os.environ["DARI_CACHE_DIR"] = str(Path(args.workdir) / "dari-cache")
    model = str(build_forced_model(data, Path(args.workdir)))
    options = GenerationOptions(beams=args.beams, max_length=args.out_tokens + 1)
    report = {"settings": {"sentences": args.sentences, "out_tokens": args.out_tokens, "beams": args.beams,
                           "threads": args.threads, "repeats": args.repeats}, "load_average_before": os.getloadavg()}
    for backend in args.forced_backends.split(","):
        engine = Translator(model, backend=backend, device="cpu", options=options).backend
        ko = read(data, "flores200-devtest/kor_Hang.devtest")
        whole = [line for line in dict.fromkeys(ko) if split_sentences(line) == [line]]
        limit = (args.out_tokens + 1) * 2 // 3  # kept whole by the long-input splitter
        short = [line for line, n in zip(whole, engine.count_tokens(whole)) if n <= limit]
        with_terms = [line for line in short if glossary.find(line)]
        without = [line for line in short if not glossary.find(line)]
        quarter = args.sentences // 4
        if len(with_terms) < args.sentences or len(without) < args.sentences - quarter:
            sys.exit(f"bench_glossary: only {len(with_terms)} sentences with terms fit {limit} tokens; lower --sentences")
        rng = random.Random("glossary-forced")
        mixed = with_terms[:quarter] + without[: args.sentences - quarter]
        rng.shuffle(mixed)
        sets = {"quarter_with_terms": mixed, "all_with_terms": with_terms[: args.sentences]}

        def loaded(resolved, device, engine=engine):  # one model load shared by every run below
            return engine

        def run(sentences, with_glossary, loaded=loaded):
            translator = Translator(model, backend_factory=loaded, device="cpu", options=options,
                                    glossary=glossary if with_glossary else None)
            wall, cpu = time.perf_counter(), time.process_time()
            out = translator.translate_sentences(sentences)
            return time.perf_counter() - wall, time.process_time() - cpu, out

        run(mixed[:2], True)  # warm-up, not timed
        results = {}
        for name, sentences in sets.items():
            timings = {False: [], True: []}
            for _ in range(args.repeats):
                for with_glossary in (False, True):
                    wall, cpu, out = run(sentences, with_glossary)
                    timings[with_glossary].append((wall, cpu))
                    if with_glossary:
                        outputs = out
            pairs = term_pairs(glossary, sentences)
            plain_wall, plain_cpu = (min(t[k] for t in timings[False]) for k in (0, 1))
            glossary_wall, glossary_cpu = (min(t[k] for t in timings[True]) for k in (0, 1))
            flags = [f for t in outputs for f in t.flags]
            results[name] = {
                "sentences": len(sentences),
                "sentences_with_terms": len({i for i, _ in pairs}),
                "term_success": success(pairs, [t.mt for t in outputs]),
                "term_forced": flags.count("term_forced"),
                "term_missing": flags.count("term_missing"),
                "other_flags": sorted(set(flags) - {"term_forced", "term_missing", "truncated"}),
                "best_wall_s": {"without": round(plain_wall, 2), "with": round(glossary_wall, 2)},
                "best_cpu_s": {"without": round(plain_cpu, 2), "with": round(glossary_cpu, 2)},
                # Each repeat runs both back to back; the median of their ratios resists a run that
                # another process slowed (or a lucky one), which the ratio of the bests does not.
                "overhead_wall": round(statistics.median(w[0] / p[0] for p, w in zip(timings[False], timings[True])), 3),
                "overhead_cpu": round(statistics.median(w[1] / p[1] for p, w in zip(timings[False], timings[True])), 3),
                "overhead_of_bests": {"wall": round(glossary_wall / plain_wall, 3), "cpu": round(glossary_cpu / plain_cpu, 3)},
                "all_runs_wall_s": {"without": [round(t[0], 2) for t in timings[False]], "with": [round(t[0], 2) for t in timings[True]]},
            }
        report[backend] = results
    report["load_average_after"] = os.getloadavg()
    return report


# --- quality ---------------------------------------------------------------------------------


def quality_part(data: str, glossary: Glossary, args) -> dict:
    from sacrebleu.metrics import CHRF

    from mt.backends.base import GenerationOptions
    from mt.io.errors import DariError
    from mt.translate import Translator

    ko, en, _, _ = flores(data)
    pairs = term_pairs(glossary, ko)
    rows = sorted({i for i, _ in pairs})
    sources, references = [ko[i] for i in rows], [en[i] for i in rows]
    position = {i: k for k, i in enumerate(rows)}
    local_pairs = [(position[i], entry) for i, entry in pairs]
    report = {"model": args.quality_model, "sentences_with_terms": len(rows)}
    try:
        for name, with_glossary in (("without_glossary", False), ("with_glossary", True)):
            translator = Translator(args.quality_model, options=GenerationOptions(beams=args.beams), glossary=glossary if with_glossary else None)
            start = time.perf_counter()
            outputs = translator.translate_sentences(sources)
            hyps = [t.mt for t in outputs]
            flags = [f for t in outputs for f in t.flags]
            report[name] = {
                "chrf": round(CHRF().corpus_score(hyps, [references]).score, 2),
                "term_success": success(local_pairs, hyps),
                "term_forced": flags.count("term_forced"),
                "term_missing": flags.count("term_missing"),
                "seconds": round(time.perf_counter() - start, 1),
            }
    except DariError as err:
        report["error"] = f"{err.message} (this part needs the real model: network access to the Hugging Face hub, or the model in its cache)"
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(parser)
    parser.add_argument("--parts", default=DEFAULT_PARTS, help=f"comma-separated, from {', '.join(PARTS)} [default: %(default)s]")
    parser.add_argument("--glossary", default=str(GLOSSARY), help="[default: the FLORES devtest names glossary]")
    parser.add_argument("--seed", type=int, default=0, help="which terms the qa part replaces [default: %(default)s]")
    parser.add_argument("--workdir", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "dari-bench-glossary"),
                        help="where the forced part keeps its model [default: %(default)s]")
    parser.add_argument("--sentences", type=int, default=48, help="sentences per forced-decoding set [default: %(default)s]")
    parser.add_argument("--out-tokens", type=int, default=48, help="target tokens each sentence decodes (the random model never stops) [default: %(default)s]")
    parser.add_argument("--beams", type=int, default=4, help="[default: %(default)s]")
    parser.add_argument("--threads", type=int, default=2, help="cores the forced part may use [default: %(default)s]")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each forced configuration [default: %(default)s]")
    parser.add_argument("--forced-backends", default="ct2", help="ct2, hf or both (comma-separated) [default: %(default)s]")
    parser.add_argument("--quality-model", default="opus-mt", help="real model for the quality part [default: %(default)s]")
    args = parser.parse_args()
    parts = args.parts.split(",")
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        sys.exit(f"bench_glossary: unknown part(s): {', '.join(unknown)}")
    data = data_dir(args.data, "flores200-devtest")
    glossary = load_glossary(args.glossary)
    report = {"glossary": {"path": os.path.relpath(args.glossary, REPO), "entries": len(glossary.entries), "digest": glossary.digest}}
    for part in parts:
        start = time.perf_counter()
        if part == "matcher":
            report[part] = matcher_part(data, glossary)
        elif part == "baseline":
            report[part] = baseline_part(data, glossary)
        elif part == "qa":
            report[part] = qa_part(data, glossary, args.seed, edited=False)
            report["qa_edited_articles"] = qa_part(data, glossary, args.seed, edited=True)
        elif part == "forced":
            report[part] = forced_part(data, glossary, args)
        else:
            report[part] = quality_part(data, glossary, args)
        print(f"bench_glossary: {part} done in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
