"""The one article model and the one MT-fitting policy, as every command sees them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mt.cli import main
from mt.io.errors import DariError
from mt.text.article import Article, fit_mt

KO_TEXT = "정부는 예산을 늘렸다. 야당은 반대했다.\n표결은 다음 주다.\n사진=연합뉴스\n"


def test_segmented_article_has_spans_paragraphs_kinds_and_ids():
    article = Article.segment(KO_TEXT, "ko")
    assert article.sentences == ["정부는 예산을 늘렸다.", "야당은 반대했다.", "표결은 다음 주다.", "사진=연합뉴스"]
    assert [KO_TEXT[s:e] for s, e in article.spans] == article.sentences
    assert article.paragraphs == (0, 0, 1, 2)
    assert article.boilerplate == (None, None, None, "caption")
    assert article.ids == ((0,), (1,), (2,), (3,))


def test_a_caption_description_is_judged_in_its_paragraph_everywhere():
    text = "A soldier walks past a destroyed tank near the border. Photo by AP Yonhap News Agency\n"
    assert Article.segment(text, "en").boilerplate == ("caption", "caption")
    assert Article.from_lines(text.strip().split(". ", 1), "en").boilerplate == ("caption", "caption")


def test_lines_file_ids_are_line_numbers_and_blank_lines_separate_paragraphs():
    article = Article.from_lines(["첫 문장이다.", "둘째 문장이다.", "", "  ", "셋째 문장이다."], "ko")
    assert article.sentences == ["첫 문장이다.", "둘째 문장이다.", "셋째 문장이다."]
    assert article.ids == ((0,), (1,), (4,))
    assert article.paragraphs == (0, 0, 1)


def test_mt_with_one_line_per_sentence_is_used_as_is():
    fitted = fit_mt(Article.segment(KO_TEXT, "ko"), ["a", "b", "", "c", "d"], "mt.txt")
    assert fitted.mt == ["a", "b", "c", "d"] and fitted.whole_paragraphs == ()


def test_mt_line_for_line_with_a_lines_file_keeps_an_empty_translation_in_place():
    article = Article.from_lines(["가.", "나.", "", "다."], "ko")
    assert fit_mt(article, ["A.", "", "", "C."], "mt.txt").mt == ["A.", "", "C."]


def test_mt_with_one_line_per_paragraph_is_split_where_it_can_be_and_kept_whole_where_not():
    article = Article.segment(KO_TEXT, "ko")
    split_ok = ["The government raised the budget. The opposition objected.", "The vote is next week.", "Photo: Yonhap"]
    fitted = fit_mt(article, split_ok, "mt.txt")
    assert fitted.mt == ["The government raised the budget.", "The opposition objected.", "The vote is next week.", "Photo: Yonhap"]
    assert fitted.article == article

    merged = ["The government raised the budget while the opposition objected.", "The vote is next week.", "Photo: Yonhap"]
    fitted = fit_mt(article, merged, "mt.txt")
    assert fitted.whole_paragraphs == (0,)
    assert fitted.article.sentences == ["정부는 예산을 늘렸다. 야당은 반대했다.", "표결은 다음 주다.", "사진=연합뉴스"]
    assert fitted.article.ids == ((0, 1), (2,), (3,))
    assert fitted.mt == merged
    assert fitted.article.expand([0, 2]) == [0, 1, 3]


def test_mt_of_any_other_shape_is_an_error_naming_the_file():
    with pytest.raises(DariError) as info:
        fit_mt(Article.segment(KO_TEXT, "ko"), ["a", "b"], "mt.txt")
    assert info.value.message == "mt.txt: has 2 non-empty lines; expected one per source sentence (4) or one per source paragraph (3)"


def test_aligner_takes_the_callers_boilerplate_kinds():
    from aligners.aligner import build_scorer

    sentences = ["정부는 예산을 늘렸다.", "야당은 반대했다."]
    judged_alone = build_scorer(sentences, ["a"], None, "none", 3, "ko", "en", None)
    told = build_scorer(sentences, ["a"], None, "none", 3, "ko", "en", None, src_kinds=[None, "caption"])
    assert judged_alone.src.skip_scale.tolist() == [1.0, 1.0]
    assert told.src.skip_scale.tolist() == [1.0, 0.25]


def test_qa_notes_a_paragraph_checked_whole_and_reports_sentence_ids(tmp_path):
    ko = tmp_path / "ko.txt"
    en = tmp_path / "en.txt"
    mt = tmp_path / "mt.txt"
    ko.write_text("정부는 예산을 늘렸다. 야당은 반대했다.\n표결은 다음 주 월요일에 열린다.\n", encoding="utf-8")
    en.write_text("The government raised the budget, which the opposition opposed.\nThe vote is on Monday next week.\n", encoding="utf-8")
    mt.write_text("The government raised the budget while the opposition objected.\nThe vote is held next Monday.\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["qa", "--src", str(ko), "--ref", str(en), "--mt", str(mt), "--confirm", "none", "-o", str(out)])
    assert result.exit_code == 0, result.output
    beads = json.loads(out.read_text(encoding="utf-8"))["documents"][0]["beads"]
    first = next(b for b in beads if 0 in b["src"])
    assert first["src"] == [0, 1] and first["kind"] == "2-1"
    assert any("paragraph 1 does not split" in note for note in first["notes"])


def test_align_cli_with_paragraph_mt_names_lines_of_a_whole_paragraph(tmp_path):
    ko = tmp_path / "ko.txt"
    en = tmp_path / "en.txt"
    mt = tmp_path / "mt.txt"
    ko.write_text("정부는 예산을 늘렸다.\n야당은 반대했다.\n\n표결은 다음 주 월요일에 열린다.\n", encoding="utf-8")
    en.write_text("The government raised the budget, which the opposition opposed.\n\nThe vote is on Monday next week.\n", encoding="utf-8")
    mt.write_text("The government raised the budget while the opposition objected.\nThe vote is held next Monday.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["align", str(ko), str(en), "--mt", str(mt), "--embed", "none"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("[0, 1]:[0]:")
    assert result.output.splitlines()[1].startswith("[3]:[2]:")


def test_corpus_build_says_when_an_mt_file_cannot_be_used(tmp_path):
    from corpora.job import build
    from tests.corpus_support import positional_aligner

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.ko.txt").write_text("첫 문장이다.\n둘째 문장이다.\n셋째 문장이다.\n", encoding="utf-8")
    (source / "a.en.txt").write_text("The first sentence.\nThe second sentence.\nThe third sentence.\n", encoding="utf-8")
    (source / "a.ko.mt.txt").write_text("only one line\nand two\n", encoding="utf-8")
    stats = build(str(source), str(tmp_path / "out"), aligner=positional_aligner)
    assert stats["documents_mt_used"] == 0
    assert stats["mt_unusable"] == {"a": "a (MT): has 2 non-empty lines; expected one per source sentence (3) or one per source paragraph (3)"}


def test_loose_sentences_are_each_judged_alone_as_the_aligner_judges_bare_lists():
    sentences = ["A soldier walks past a destroyed tank near the border.", "Photo by AP Yonhap News Agency"]
    assert Article.from_sentences(sentences, "en").boilerplate == (None, "caption")
    assert Article.from_sentences(sentences, "en").paragraphs == (0, 1)
    assert Article.from_lines(sentences, "en").boilerplate == ("caption", "caption")


def test_packed_fields_read_and_compare_like_tuples_and_survive_pickling():
    """Spans, paragraphs and ids are packed (memory of long articles) but read as the tuples they were."""
    import pickle

    article = Article.segment(KO_TEXT, "ko").with_paragraphs_whole({0})
    assert article.spans[0] == (0, len("정부는 예산을 늘렸다. 야당은 반대했다.")) and article.spans[-1][1] == len(KO_TEXT) - 1
    assert article.ids == ((0, 1), (2,), (3,)) and article.ids != ((0,), (1,), (2,), (3,))
    assert article.paragraphs == (0, 1, 2) and article.paragraphs != (0, 1, 3) and list(article.paragraphs) == [0, 1, 2]
    assert all(type(k) is int for span in article.spans for k in span)
    assert pickle.loads(pickle.dumps(article)) == article
