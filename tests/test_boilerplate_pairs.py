"""Footers and credits pair with their counterparts in the other edition (aligners.boilerplate_pairs),
checked through `dari qa` on a news article pair written for these tests (tests/fixtures/news_pair)."""

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

from aligners.aligner import align_articles
from aligners.boilerplate_pairs import BoilerplatePairs
from mt.cli import main
from mt.text.article import Article

PAIR = os.path.join(os.path.dirname(__file__), "fixtures", "news_pair")
KO, EN, MT = (os.path.join(PAIR, f"article.{name}.txt") for name in ("ko", "en", "mt"))
KO_FOOTER = "<ⓒ경제를 보는 눈, 세계를 보는 창 아시아경제(www.asiae.co.kr) 무단전재 배포금지>"
EN_FOOTER = "© The Asia Business Daily(www.asiae.co.kr)."


def articles():
    with open(KO, encoding="utf-8") as ko, open(EN, encoding="utf-8") as en:
        return Article.segment(ko.read(), "ko"), Article.segment(en.read(), "en")


def test_footers_and_credits_pair_by_kind_and_shared_anchor_but_a_byline_never_pairs_with_a_footer():
    src = ["김민준 기자 minjun@asiae.co.kr", KO_FOOTER, "AP연합뉴스", "[아시아경제 김민준 기자]"]
    tgt = ["Photo by AP Yonhap News Agency", EN_FOOTER, "By Kim Min-jun"]
    pairs = BoilerplatePairs(src, tgt, ["byline", "copyright", "caption", "byline"], ["caption", "copyright", "byline"])
    rows, cols = np.repeat(np.arange(1, 5), 3), np.tile(np.arange(1, 4), 4)  # every 1-1 cell (1-based ends)
    cost = pairs.price(np.ones(12), rows, cols).reshape(4, 3)
    assert cost[1, 1] == cost[2, 0] == 0.0  # footer with footer, credit with credit: a typical translation
    assert cost[3, 2] == 1.0  # bylines of the same kind share no anchor: left to the other signals
    assert cost[0, 1] == cost[1, 0] == np.inf  # a byline and a footer, a footer and a credit never pair


def run_qa(tmp_path, *args):
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["qa", "--src", KO, "--ref", EN, "--mt", MT, "--confirm", "none", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))["documents"][0]


def bead_with(document, ko=None, en=None):
    return next(b for b in document["beads"] if (ko is None or b["ko"] == ko) and (en is None or b["en"] == en))


def test_qa_pairs_the_footers_and_the_photo_credits_and_reports_them_as_boilerplate(tmp_path):
    document = run_qa(tmp_path, "--embed", "none")
    footer = bead_with(document, ko=KO_FOOTER)
    assert (footer["en"], footer["boilerplate"]) == (EN_FOOTER, "copyright")
    credit = bead_with(document, ko="AP연합뉴스")
    assert (credit["en"], credit["boilerplate"]) == ("Photo by AP Yonhap News Agency", "caption")
    # the lines with no counterpart (bylines, the footer's second sentence) stay alone, as boilerplate
    alone = [b for b in document["beads"] if not (b["src"] and b["tgt"])]
    assert {b["ko"] or b["en"] for b in alone} == {"[아시아경제 김민준 기자]", "김민준 기자 minjun@asiae.co.kr", "All rights reserved."}
    assert all(b["boilerplate"] for b in alone)
    assert document["flag_counts"]["omission"] == document["flag_counts"]["addition"] == 0
    # the English headline with an ellipsis separator is one line, as the Korean one is
    headline = bead_with(document, en='"Will Run Until 3 A.M."... Mixed Reactions from Citizens')
    assert headline["ko"] == '"새벽 3시까지 운행할 것"…시민 반응 엇갈려'


@pytest.mark.slow
def test_with_embeddings_alone_the_footer_pairs_with_the_footer_not_the_byline():
    ko, en = articles()
    beads = align_articles(ko, en, embed="e5")
    pairs = {(tuple(ko.sentences[i] for i in b.src), tuple(en.sentences[j] for j in b.tgt)) for b in beads}
    assert ((KO_FOOTER,), (EN_FOOTER,)) in pairs
    assert (("김민준 기자 minjun@asiae.co.kr",), ()) in pairs
