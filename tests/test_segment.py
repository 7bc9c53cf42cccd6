import pytest

from mt.segment import paragraph_spans, sentence_spans, split_sentences


def test_spans_cover_every_character_and_survive_rebuilding():
    text = "  첫 문장이다.  둘째 문장이다!\n\n\t셋째 줄 제목\n"
    pieces = []
    for ps, pe in paragraph_spans(text):
        paragraph = text[ps:pe]
        pieces.extend(paragraph[s:e] for s, e in sentence_spans(paragraph, "ko"))
    assert pieces == ["첫 문장이다.", "둘째 문장이다!", "셋째 줄 제목"]
    assert "".join("".join(pieces).split()) == "".join(text.split())


@pytest.mark.parametrize(
    "text, expected",
    [
        # quotes: sentence ends inside a quotation do not split; a quote that ends a sentence does
        ("그는 “경제가 좋아질 것이다. 걱정하지 말라”고 말했다. 다음 문장이다.",
         ["그는 “경제가 좋아질 것이다. 걱정하지 말라”고 말했다.", "다음 문장이다."]),
        ("“좋다.” 그가 말했다.", ["“좋다.”", "그가 말했다."]),
        ("그는 ‘괜찮다. 문제없다’며 웃었다. 끝이다.", ["그는 ‘괜찮다. 문제없다’며 웃었다.", "끝이다."]),
        ("그는 '괜찮다. 문제없다'며 웃었다. 끝이다.", ["그는 '괜찮다. 문제없다'며 웃었다.", "끝이다."]),
        ('그는 "괜찮다. 문제없다"며 웃었다. 끝이다.', ['그는 "괜찮다. 문제없다"며 웃었다.', "끝이다."]),
        ("“통과하고 있다.” 고 말했다. 끝이다.", ["“통과하고 있다.” 고 말했다.", "끝이다."]),
        # mixed curly and straight quotes pair up
        ("그는 “좋다. 괜찮다\"고 말했다. 끝이다.", ["그는 “좋다. 괜찮다\"고 말했다.", "끝이다."]),
        # FLORES/CSV doubled quotes inside a line wrapped in quotes
        ('"그는 ""이건 심각하다. 안심하라""라고 말했다." "다음 줄이다."',
         ['"그는 ""이건 심각하다. 안심하라""라고 말했다."', '"다음 줄이다."']),
        ('"소방 대장은 말했다. ""더운 날이었다." 다음 문장이다.',
         ['"소방 대장은 말했다. ""더운 날이었다."', "다음 문장이다."]),
        # an unclosed quote protects nothing
        ('그는 "좋다고 말했다. 다음 문장이다.', ['그는 "좋다고 말했다.', "다음 문장이다."]),
        # decimals, dates, abbreviations, initials
        ("성장률은 3.5%다. 2013.3.10 발표였다.", ["성장률은 3.5%다.", "2013.3.10 발표였다."]),
        ("발표일은 2024. 3. 10. 오후였다. 끝.", ["발표일은 2024. 3. 10. 오후였다.", "끝."]),
        ("U.S. 정부와 Dr. Ehud Ur 교수가 참석했다. 존 F. 케네디도 왔다.",
         ["U.S. 정부와 Dr. Ehud Ur 교수가 참석했다.", "존 F. 케네디도 왔다."]),
        # ellipses: mid-sentence after a comma or a non-final word; a sentence end after 다
        ("가르쳤고,... 책을 읽었다. 그런데… 이상하다... 정말.", ["가르쳤고,... 책을 읽었다.", "그런데… 이상하다...", "정말."]),
        # parentheses
        ("뇌가 있다(모든 동물이 그런 것은 아니다. 해파리는 없다). 다음이다.",
         ["뇌가 있다(모든 동물이 그런 것은 아니다. 해파리는 없다).", "다음이다."]),
        # questions, exclamations, bullets, a missing period after 니다
        ("왜일까? 그렇다! ▲첫째 항목 ▲둘째 항목", ["왜일까?", "그렇다!", "▲첫째 항목", "▲둘째 항목"]),
        ("코스피 ▲1.2% 코스닥 ▼0.3% 마감", ["코스피 ▲1.2% 코스닥 ▼0.3% 마감"]),
        ("회의가 열렸습니다 그 뒤 결론이 났다.", ["회의가 열렸습니다", "그 뒤 결론이 났다."]),
        # a dateline and byline stand alone so they can be marked
        ("(서울=연합뉴스) 홍길동 기자 = 정부는 발표했다.", ["(서울=연합뉴스) 홍길동 기자 =", "정부는 발표했다."]),
        ("[아시아경제 홍길동 기자] 정부는 발표했다.", ["[아시아경제 홍길동 기자]", "정부는 발표했다."]),
        ("(서울=연합뉴스) 이번 기자회견에서 발표했다.", ["(서울=연합뉴스)", "이번 기자회견에서 발표했다."]),
    ],
)
def test_korean(text, expected):
    assert split_sentences(text, "ko") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dr. Ehud Ur said the U.S. Army was ready. He left.", ["Dr. Ehud Ur said the U.S. Army was ready.", "He left."]),
        ("He moved to the U.S. The rest stayed.", ["He moved to the U.S.", "The rest stayed."]),
        ("He left at 5 p.m. The next day he came back.", ["He left at 5 p.m.", "The next day he came back."]),
        ("John F. Kennedy and Mr. Kim met. It rained.", ["John F. Kennedy and Mr. Kim met.", "It rained."]),
        ('"We will win. We are strong," he said. It ended.', ['"We will win. We are strong," he said.', "It ended."]),
        ('"Really?" she asked. Yes.', ['"Really?" she asked.', "Yes."]),
        ("It cost $3.5 million... and more. Then it stopped.", ["It cost $3.5 million... and more.", "Then it stopped."]),
        ("See No. 5 on Jan. 3 for details. Done.", ["See No. 5 on Jan. 3 for details.", "Done."]),
        ("SEOUL, March 3 (Yonhap) -- North Korea fired a missile. It flew far.",
         ["SEOUL, March 3 (Yonhap) --", "North Korea fired a missile.", "It flew far."]),
    ],
)
def test_english(text, expected):
    assert split_sentences(text, "en") == expected


def test_paragraph_breaks_are_kept_and_headlines_stand_alone():
    text = "북한, 쿠르스크에 병력 재파병\n\n본문 첫 문장이다. 둘째 문장이다."
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["북한, 쿠르스크에 병력 재파병", "본문 첫 문장이다. 둘째 문장이다."]
    assert split_sentences(text, "ko") == ["북한, 쿠르스크에 병력 재파병", "본문 첫 문장이다.", "둘째 문장이다."]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError):
        sentence_spans("Hola.", "es")
