import pytest

from aligners.beads import Bead
from eval.checks import (
    BeadText,
    check_bead,
    check_numbers,
    check_omission,
    check_repetition,
    check_similarity,
    check_untranslated,
    low_similarity_threshold,
)
from eval.qa import build_report, check_document
from mt.text.article import Article


def flags(bead):
    return check_bead(bead)[0]


def test_korean_without_english_is_an_omission_but_boilerplate_is_not():
    assert check_omission(BeadText(ko="정부는 예산을 늘렸다.", en="", mt="The government raised the budget."))[0] == ["omission"]
    byline = BeadText(ko="[아시아경제 김민준 기자]", en="", mt="[Asia Economy reporter Kim]", boilerplate="byline")
    assert flags(byline) == []


def test_english_without_korean_is_an_addition():
    assert flags(BeadText(ko="", en="Analysts expect more cuts.", mt="")) == ["addition"]


@pytest.mark.parametrize(
    "ko, en, expected",
    [
        ("관중 1만5000명이 모였다.", "A crowd of 15,000 gathered.", []),
        ("관중 1만5000명이 모였다.", "A crowd of 1,500 gathered.", ["number_mismatch"]),
        ("예산은 1.2조 원이다.", "The budget is 1.2 trillion won.", []),
        ("4위를 차지했다.", "He finished fourth.", []),
        ("1분간 끓인다.", "Boil it for a minute.", []),
        ("엘리자베스 2세 여왕", "Queen Elizabeth II", []),
        ("사망자는 12명이다.", "Twelve people died, and 40 were hurt.", ["number_missing"]),
        ("문서(75.6 cm x 62.2 cm)", "the document (29¾ inches by 24½ inches)", []),
        ("150미터 떨어져 있는", "which was 500 feet away", []),
        ("150미터 떨어져 있는", "which was 100 feet away", ["number_mismatch"]),
        ("대략 12시에 옮겨졌다", "taken away at approximately 1200 GMT", []),
        ("오후 10 - 11시 사이", "between 10:00-11:00 pm", []),
        ("오전 7시 19분 (오후 9시 19분)", "at 07:19 a.m. (09:19 p.m.)", []),
        ("오전 7시 19분 (오후 9시 19분)", "at 07:19 a.m. (09:17 p.m.)", ["number_mismatch"]),
        ("7시 19분에 19명이", "19 people at 7 a.m., 19 minutes late", []),
        ("420만 년에서 390만 년 전", "from 4.2-3.9 million years ago", []),
        ("(오라벡, 2020)", "(Oravec, 2002)", ["number_mismatch"]),
    ],
)
def test_numbers_compare_values_not_strings(ko, en, expected):
    assert check_numbers(BeadText(ko=ko, en=en, mt=""))[0] == expected


def test_number_note_names_both_figures():
    _, notes = check_numbers(BeadText(ko="관중 1만5000명이 모였다.", en="A crowd of 1,500 gathered.", mt=""))
    assert notes == ["Korean has 15,000 not in the English; English has 1500 not in the Korean"]
    _, notes = check_numbers(BeadText(ko="오후 9시 19분", en="at 09:17 p.m.", mt=""))
    assert notes == ["Korean has 9:19 not in the English; English has 9:17 not in the Korean"]


def test_hangul_left_in_english_or_mt_is_untranslated():
    assert check_untranslated(BeadText(ko="김치", en="He loves 김치 very much.", mt="He loves kimchi."))[0] == ["untranslated"]
    assert check_untranslated(BeadText(ko="김치", en="He loves kimchi.", mt="He loves kimchi."))[0] == []


def test_repetition_from_the_translator_flag_or_the_text_itself():
    assert check_repetition(BeadText(ko="가", en="x", mt="fine", mt_flags=["repetition"]))[0] == ["repetition"]
    looping = BeadText(ko="그는 말했다.", en="He said.", mt="He said that that that that that that.")
    assert check_repetition(looping)[0] == ["repetition"]
    assert check_repetition(BeadText(ko="그는 말했다.", en="He said.", mt="He said so."))[0] == []


def test_low_similarity_is_an_outlier_of_the_documents_own_distribution():
    scores = [55, 60, 58, 62, 57, 59, 61, 56, 12]
    threshold = low_similarity_threshold(scores)
    assert 12 < threshold < 55
    assert check_similarity(12, threshold)[0] == ["low_similarity"]
    assert check_similarity(55, threshold)[0] == []


def test_short_documents_borrow_the_batch_distribution_or_stay_silent():
    assert low_similarity_threshold([50, 10]) is None
    assert low_similarity_threshold([50, 10], fallback=[55, 60, 58, 62, 57, 59, 61, 56]) > 10


def document(ko, en, mt, beads):
    return check_document("doc", Article.from_lines(ko, "ko"), Article.from_lines(en, "en"), mt, beads)


KO = ["정부는 올해 예산을 5% 늘렸다.", "야당은 반대했다.", "표결은 다음 주에 열린다."]
MT = ["The government increased its budget by 5% this year.", "The opposition opposed it.", "The vote will be held next week."]
EN = ["The government raised this year's budget by 5%.", "The opposition objected.", "The vote takes place next week."]


def test_a_real_omission_survives_the_repair():
    en = [EN[0], EN[2]]
    report = document(KO, en, MT, [Bead([0], [0]), Bead([1], []), Bead([2], [1])])
    assert [b.flags for b in report.beads] == [[], ["omission"], []]
    assert report.flag_counts["omission"] == 1
    assert not any("regrouped" in note for b in report.beads for note in b.notes)


def test_regrouped_beads_say_so():
    report = document(KO, EN, MT, [Bead([0], [0]), Bead([1], []), Bead([], [1]), Bead([2], [2])])
    assert [b.kind for b in report.beads] == ["1-1", "1-1", "1-1"]
    assert report.beads[1].notes == ["regrouped from the aligner's beads by the MT check"]


def test_document_scores_and_bead_scores_use_the_mt_against_the_english():
    report = build_report([document(KO, EN, MT, [Bead([0], [0]), Bead([1], [1]), Bead([2], [2])])], {})
    doc = report.documents[0]
    assert {s.name for s in doc.scores} == {"BLEU", "chrF2"}
    assert all(b.chrf is not None and 0 < b.chrf <= 100 for b in doc.beads)
    assert report.flag_counts["omission"] == 0 and report.flag_counts["number_mismatch"] == 0


