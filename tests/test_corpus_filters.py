from corpora.filters import (BOILERPLATE, CONTROL_CHARS, CROSS_PARAGRAPH, Layout, EN_SCRIPT, KO_SCRIPT, LENGTH_RATIO, LOW_SCORE, NUMBERS, TOO_LONG,
                             TOO_SHORT, UNALIGNED, FilterSettings, apply_filters)
from corpora.normalize import exact_key, near_key, normalize, segment_key
from corpora.records import PairRecord

KO = "태국 공군 전투기가 어린이날 에어쇼 도중 추락했다."
EN = "A Thai air force fighter jet crashed during a Children's Day air show."


def reason(ko, en, score=0.9, ko_ids=(0,), en_ids=(0,), **settings):
    pair = PairRecord("doc", ko, en, list(ko_ids), list(en_ids), score)
    return apply_filters(pair, FilterSettings(**settings)).reason


def test_a_good_pair_passes_and_keeps_no_detail():
    pair = apply_filters(PairRecord("doc", KO, EN, [0], [0], 0.9), FilterSettings())
    assert (pair.reason, pair.detail) == (None, "")


def test_korean_units_agree_with_english_scales():
    assert reason("인구는 120만 명이다.", "The population is 1.2 million.") is None
    assert reason("매출은 1조 5천억 원에 달했다.", "Sales reached 1.5 trillion won.") is None


def test_numbers_that_disagree_on_both_sides_are_rejected():
    pair = apply_filters(PairRecord("doc", "사망자는 3명이다.", "Five people died in the fire.", [0], [0], 0.9),
                         FilterSettings())
    assert pair.reason == NUMBERS
    assert "3" in pair.detail and "5" in pair.detail


def test_a_number_on_one_side_only_is_tolerated():
    assert reason("그녀는 150미터 떨어진 차를 가리켰다.", "She pointed at the car 150 metres (490 feet) away.") is None


def test_unaligned_bead_is_rejected_before_anything_else():
    assert reason(KO, "", ko_ids=(0,), en_ids=()) == UNALIGNED
    assert reason("", EN, ko_ids=(), en_ids=(0,)) == UNALIGNED


def test_control_characters_are_rejected():
    assert reason(KO + "\t탭", EN) == CONTROL_CHARS
    assert reason(KO, EN + "\x07") == CONTROL_CHARS


def test_too_short_and_too_long():
    assert reason("네.", "Yes.") == TOO_SHORT
    assert reason(KO, EN * 20, max_chars=500) == TOO_LONG


def test_script_checks_each_side():
    assert reason("Samsung Electronics reported record profits today.", EN) == KO_SCRIPT
    assert reason(KO, "태국 공군 전투기가 추락했다 (Thai jet crash).") == EN_SCRIPT
    assert reason("LG전자와 SK하이닉스가 실적을 발표했다.", "LG Electronics and SK Hynix reported earnings.") is None


def test_length_ratio_bounds():
    assert reason(KO, "Jet crash.", min_ratio=0.5) == LENGTH_RATIO
    assert reason("추락했다.", EN) == LENGTH_RATIO


def test_low_alignment_confidence_is_rejected_only_below_the_threshold():
    assert reason(KO, EN, score=0.2, min_score=0.3) == LOW_SCORE
    assert reason(KO, EN, score=0.3, min_score=0.3) is None


def test_normalization_folds_case_width_spacing_and_punctuation():
    assert normalize("Hello,  WORLD!") == normalize("hello world")
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("서울 시 는") == normalize("서울시는")
    assert segment_key("Hello world.") == segment_key("hello world")
    assert near_key("서울.", "Seoul.") == near_key("서울", "seoul")
    assert exact_key("서울.", "Seoul.") != exact_key("서울", "Seoul.")
    assert near_key("서울", "Seoul") != near_key("부산", "Seoul")


def test_boilerplate_sentences_are_rejected_even_inside_a_merged_bead():
    pair = PairRecord("doc", KO + " ⓒ 아시아경제 무단전재 배포금지", EN, [0, 1], [0], 0.9)
    layout = Layout(kinds={"ko": [None, "copyright"], "en": [None]}, paragraphs={"ko": [0, 0], "en": [0]})
    judged = apply_filters(pair, FilterSettings(), layout)
    assert (judged.reason, judged.detail) == (BOILERPLATE, "ko sentence 1 is copyright")
    unpaired_byline = PairRecord("doc", "", "By Kim Min-jun", [], [3], 0.0)
    byline_layout = Layout(kinds={"ko": [], "en": [None] * 3 + ["byline"]}, paragraphs={"ko": [], "en": [0, 1, 2, 3]})
    assert apply_filters(unpaired_byline, FilterSettings(), byline_layout).reason == BOILERPLATE
    assert apply_filters(PairRecord("doc", KO, EN, [0], [0], 0.9), FilterSettings(), layout).reason is None


def test_a_bead_across_a_paragraph_break_is_rejected():
    layout = Layout(kinds={"ko": [None, None], "en": [None, None]}, paragraphs={"ko": [0, 0], "en": [0, 1]})
    across = apply_filters(PairRecord("doc", KO + " " + KO, EN + " " + EN, [0], [0, 1], 0.9), FilterSettings(), layout)
    assert (across.reason, across.detail) == (CROSS_PARAGRAPH, "en sentences 0,1 span paragraphs 0,1")
    within = PairRecord("doc", KO + " " + KO, EN + " " + EN, [0, 1], [0], 0.9)
    assert apply_filters(within, FilterSettings(), layout).reason is None


def test_pair_beside_an_unaligned_sentence_of_the_same_paragraph_is_rejected():
    from corpora.filters import UNALIGNED_NEIGHBOUR, reject_unaligned_neighbours

    pairs = [
        PairRecord("d", "가 문장.", "A sentence.", [0], [0], 0.9),
        PairRecord("d", "나 문장.", "B sentence, which also says what C says.", [1], [1], 0.9),
        PairRecord("d", "다 문장.", "", [2], [], 0.0, "unaligned"),
        PairRecord("d", "라 문장.", "D sentence.", [3], [2], 0.9),
        PairRecord("d", "", "An English paragraph of its own.", [], [3], 0.0, "unaligned"),
        PairRecord("d", "마 문장.", "E sentence.", [4], [4], 0.9),
    ]
    layout = Layout(kinds={}, paragraphs={"ko": [0, 0, 0, 1, 2], "en": [0, 0, 1, 2, 3]})
    reject_unaligned_neighbours(pairs, layout)
    assert [p.reason for p in pairs] == [None, UNALIGNED_NEIGHBOUR, "unaligned", None, "unaligned", None]
    assert pairs[1].detail == "ko sentence 2 in the same paragraph has no counterpart"
