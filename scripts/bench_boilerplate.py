"""Boilerplate marking: credit and caption forms recognised, and false alarms on body text; prints JSON.

Forms: tests/fixtures/credit_forms.tsv, one paragraph a row with the kind each of its sentences must
get (captions and credits as Korean and English news print them, and body sentences that mention a
photo or an agency). Body text: every line of FLORES-200 dev+devtest (Wikinews, Wikibooks,
Wikivoyage), korean-english-news-v1 dev+test and Tatoeba, each judged as a paragraph of its own, as
`dari segment --mark-boilerplate` judges an article's paragraphs. None of it is boilerplate, so every
marked sentence is a false alarm.

    python scripts/bench_boilerplate.py [--data DIR] [--examples N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from scripts.benchdata import add_data_option, data_dir  # noqa: E402
from mt.text.article import Article  # noqa: E402

FORMS = os.path.join(REPO, "tests", "fixtures", "credit_forms.tsv")
BODY_TEXT = {
    "flores-dev": {"ko": "flores200-dev/kor_Hang.dev", "en": "flores200-dev/eng_Latn.dev"},
    "flores-devtest": {"ko": "flores200-devtest/kor_Hang.devtest", "en": "flores200-devtest/eng_Latn.devtest"},
    "news-dev": {"ko": "korean-english-news-v1/korean-english-park.dev.ko", "en": "korean-english-news-v1/korean-english-park.dev.en"},
    "news-test": {"ko": "korean-english-news-v1/korean-english-park.test.ko", "en": "korean-english-news-v1/korean-english-park.test.en"},
    "tatoeba": {"ko": "tatoeba-kor-eng/tatoeba-test-v2021-08-07.kor_Hang", "en": "tatoeba-kor-eng/tatoeba-test-v2021-08-07.eng"},
}


def read_forms(path: str = FORMS) -> list[tuple[str, str | None, str]]:
    """(lang, expected kind or None, paragraph) per row of the forms file."""
    with open(path, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]
    return [(lang, None if kind == "none" else kind, text) for lang, kind, text in rows[1:]]


def kinds_of(paragraph: str, lang: str) -> list[str | None]:
    return list(Article.segment(paragraph, lang).boilerplate)


def forms_report(forms: list[tuple[str, str | None, str]]) -> dict:
    report = {}
    for lang in ("ko", "en"):
        rows = [(kind, text) for row_lang, kind, text in forms if row_lang == lang]
        wrong = [f"{text} -> {kinds_of(text, lang)}" for kind, text in rows if any(k != kind for k in kinds_of(text, lang))]
        marked = [text for kind, text in rows if kind]
        report[lang] = {
            "credit_and_caption_paragraphs": len(marked),
            "marked_right": sum(1 for kind, text in rows if kind and all(k == kind for k in kinds_of(text, lang))),
            "body_paragraphs": len(rows) - len(marked),
            "body_marked": sum(1 for kind, text in rows if not kind and any(kinds_of(text, lang))),
            "wrong": wrong,
        }
    return report


def body_report(data: str, examples: int) -> dict:
    report = {}
    for corpus, paths in BODY_TEXT.items():
        for lang, path in paths.items():
            with open(os.path.join(data, path), encoding="utf-8") as handle:
                lines = [line for line in handle.read().split("\n") if line.strip()]
            sentences = 0
            marked: list[tuple[str, str]] = []
            for line in lines:
                article = Article.segment(line, lang)
                sentences += len(article)
                marked += [(kind, sentence) for kind, sentence in zip(article.boilerplate, article.sentences) if kind]
            report[f"{corpus}.{lang}"] = {
                "lines": len(lines), "sentences": sentences, "marked": len(marked),
                "by_kind": dict(Counter(kind for kind, _ in marked)),
                "examples": [f"{kind}: {sentence}" for kind, sentence in marked[:examples]],
            }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(parser)
    parser.add_argument("--examples", type=int, default=5, help="marked body sentences to print per corpus")
    args = parser.parse_args()
    data = data_dir(args.data, "flores200-dev")
    body = body_report(data, args.examples)
    flores = [key for key in body if key.startswith("flores")]
    print(json.dumps({
        "forms": forms_report(read_forms()),
        "flores_body_marked": sum(body[key]["marked"] for key in flores),
        "flores_body_sentences": sum(body[key]["sentences"] for key in flores),
        "body_text": body,
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
