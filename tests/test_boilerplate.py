import pytest

from mt.text.article import Article
from mt.text.boilerplate import boilerplate_anchors, boilerplate_kind, paragraph_kinds


@pytest.mark.parametrize(
    "text, kind",
    [
        ("(서울=연합뉴스) 홍길동 기자 =", "dateline"),
        ("(워싱턴=연합뉴스)", "dateline"),
        ("홍길동 기자 gildong@yna.co.kr", "byline"),
        ("김철수 특파원", "byline"),
        ("[아시아경제 홍길동 기자]", "byline"),
        ("사진=연합뉴스", "caption"),
        ("[사진] 서울 시내 모습", "caption"),
        ("[이미지출처=연합뉴스]", "caption"),
        ("/연합뉴스", "caption"),
        ("AP 연합뉴스", "caption"),
        ("ⓒ 아시아경제 & asiae.co.kr 무단전재 배포금지", "copyright"),
        ("<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "copyright"),
        ("☞ 관련기사 바로가기", "related"),
        ("문의: help@example.com", "email"),
        ("정부는 3.5% 성장을 전망했다.", None),
        ("연합뉴스는 22일 보도했다.", None),
        ("기자회견에서 그는 사진을 공개했다.", None),
        ("저작권자들은 이번 판결에 반발했다.", None),
    ],
)
def test_korean_kinds(text, kind):
    assert boilerplate_kind(text, "ko") == kind


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Photo by AP Yonhap News Agency", "caption"),
        ("Yonhap News Agency", "caption"),
        ("(Reuters)", "caption"),
        ("© The Asia Business Daily(www.asiae.co.kr).", "copyright"),
        ("All rights reserved.", "copyright"),
        ("By John Smith", "byline"),
        ("SEOUL, March 3 (Yonhap) --", "dateline"),
        ("Related: North Korea fires missile", "related"),
        ("Contact kim@example.com", "email"),
        ("He showed a photo by the river.", None),
        ("Copyright holders welcomed the ruling.", None),
        ("The AP reported it on Tuesday.", None),
        ("By noon the crowd had grown to thousands of people in the square.", None),
    ],
)
def test_english_kinds(text, kind):
    assert boilerplate_kind(text, "en") == kind


def test_a_caption_credit_makes_its_short_paragraph_a_caption():
    sentences = ["A photo taken in March showing soldiers in the Kursk region.", "Photo by AP Yonhap News Agency"]
    assert paragraph_kinds(sentences, "en") == ["caption", "caption"]


def test_a_long_paragraph_is_not_turned_into_a_caption():
    sentences = ["One.", "Two.", "Three.", "Four.", "Yonhap News Agency"]
    assert paragraph_kinds(sentences, "en") == [None, None, None, None, "caption"]


def test_long_text_mentioning_a_photo_is_not_a_caption():
    text = "사진=연합뉴스 " + "정부는 오늘 새로운 경제 정책을 발표했으며 이에 대해 여러 전문가들이 다양한 의견을 내놓았다. " * 3
    assert boilerplate_kind(text, "ko") is None


@pytest.mark.parametrize(
    "line",
    ["Subscribe to our newsletter", "ADVERTISEMENT", "Share on Facebook", "Follow Yonhap on X", "https://www.example.com/news/1"],
)
def test_web_furniture_is_marked(line):
    assert boilerplate_kind(line, "en") == "web"


def test_other_languages_get_the_language_neutral_rules():
    assert boilerplate_kind("© Schweizer Alpen-Club 1957", "de") == "copyright"
    assert boilerplate_kind("redaktion@example.ch", "fr") == "email"
    assert boilerplate_kind("Der Aufstieg begann um vier Uhr morgens.", "de") is None


def _forms():
    from scripts.bench_boilerplate import read_forms

    return read_forms()


@pytest.mark.parametrize("lang, kind, paragraph", _forms())
def test_credit_and_caption_forms_of_korean_and_english_news(lang, kind, paragraph):
    # every sentence of a caption paragraph is caption; body sentences naming a photo or an agency are text
    assert set(Article.segment(paragraph, lang).boilerplate) == {kind}


def test_a_copyright_sign_with_a_notice_stays_copyright_but_a_bare_credit_is_a_caption():
    assert boilerplate_kind("ⓒ 아시아경제 무단전재 배포금지", "ko") == "copyright"
    assert boilerplate_kind("ⓒ연합뉴스", "ko") == "caption"
    assert boilerplate_kind("© The Asia Business Daily(www.asiae.co.kr). All rights reserved.", "en") == "copyright"
    assert boilerplate_kind("© Yonhap", "en") == "caption"


def test_a_caption_that_says_what_it_is_may_be_long():
    description = "A photo taken in March showing Russian soldiers riding a self-propelled artillery in the Kursk region"
    assert boilerplate_kind(description + ".", "en") is None
    assert boilerplate_kind(description + " to help understand the article.", "en") == "caption"


def test_anchors_tie_a_line_to_its_counterpart_across_languages():
    ko = boilerplate_anchors("<ⓒ경제를 보는 눈, 세계를 보는 창 아시아경제(www.asiae.co.kr) 무단전재 배포금지>")
    en = boilerplate_anchors("© The Asia Business Daily(www.asiae.co.kr). All rights reserved.")
    assert ko == en == {"site:asiae.co.kr", "agency:asiae"}
    assert boilerplate_anchors("AP연합뉴스") == boilerplate_anchors("Photo by AP Yonhap News Agency") == {"agency:ap", "agency:yonhap"}
    assert boilerplate_anchors("김민준 기자 minjun@asiae.co.kr") == {"email:minjun@asiae.co.kr"}
    assert boilerplate_anchors("APEC 정상회의가 열렸다.") == set()
