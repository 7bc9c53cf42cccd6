import pytest

from mt.text.segment import paragraph_spans, sentence_spans, split_paragraphs, split_sentences


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
        # quotes: a quotation that holds full sentences splits at their ends; a quote that ends a
        # sentence ends it; short quotes (a word on one side of the end) stay whole
        ("그는 “경제가 좋아질 것이다. 걱정하지 말라”고 말했다. 다음 문장이다.",
         ["그는 “경제가 좋아질 것이다.", "걱정하지 말라”고 말했다.", "다음 문장이다."]),
        ("호날두는 “미래는 나도 모른다”며 “오직 하느님만이 알 수 있다. 더 이상 할 말이 없다”고 밝혔다.",
         ["호날두는 “미래는 나도 모른다”며 “오직 하느님만이 알 수 있다.", "더 이상 할 말이 없다”고 밝혔다."]),
        ("그는 “좋다”고 말했다. “정말 좋다.”고 덧붙였다.", ["그는 “좋다”고 말했다.", "“정말 좋다.”고 덧붙였다."]),
        ("그는 “좋다. 괜찮다”며 웃었다.", ["그는 “좋다. 괜찮다”며 웃었다."]),
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
         ['"소방 대장은 말했다.', '""더운 날이었다."', "다음 문장이다."]),
        # a closing quote set off by a space at the end of the text stays with its sentence
        ('"그는 ""트로이""를 공연했다. "', ['"그는 ""트로이""를 공연했다. "']),
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
        # other unambiguous verb endings without a period; a bare 다 (보다, 캐나다) is no ending
        ("작전은 합동 공격을 하는 것이었다 존 장군은 지원군을 차단했다",
         ["작전은 합동 공격을 하는 것이었다", "존 장군은 지원군을 차단했다"]),
        ("레이스를 마쳐야 했다 그의 팀원은 선두였다.", ["레이스를 마쳐야 했다", "그의 팀원은 선두였다."]),
        ("채굴이 간단하기 때문이다 철학자는 이론화했다.", ["채굴이 간단하기 때문이다", "철학자는 이론화했다."]),
        ("캐나다 선수보다 바다 위에서 빨랐다.", ["캐나다 선수보다 바다 위에서 빨랐다."]),
        ("“좋았다” 라고 말했고 “괜찮다” 고 덧붙였다", ["“좋았다” 라고 말했고 “괜찮다” 고 덧붙였다"]),
        # FLORES/CSV wrapping: a closing quote set off by several spaces, a stray opening quote
        # set off by one (it opens the next sentence because no quote of its kind is open)
        ('"첫 문장이다.   " "둘째 문장이다."', ['"첫 문장이다.   "', '"둘째 문장이다."']),
        ('제거해야 한다. " 이는 ""광자""라고 불린다. " 끝이다.',
         ["제거해야 한다.", '" 이는 ""광자""라고 불린다. "', "끝이다."]),
        # a stray mark is no sentence of its own (FLORES line copied with the source's leading ". ")
        ("깃털 배열을 제공한다. . 과학자들은 밝혔다.", ["깃털 배열을 제공한다.", ". 과학자들은 밝혔다."]),
        # a citation or gloss after the end belongs to that sentence; a parenthesis that opens
        # the next sentence, or is a sentence itself, does not
        ("시간제한이 더 적습니다. (Bremer, 1998) 인터넷은 편리합니다.",
         ["시간제한이 더 적습니다. (Bremer, 1998)", "인터넷은 편리합니다."]),
        ('"동기로 제시되었습니다(제임스 외, 1995년)" 그는 파악했다.',
         ['"동기로 제시되었습니다(제임스 외, 1995년)"', "그는 파악했다."]),
        ("수소 이온은 양성자이다. (수소 원자는 양성자 하나로 구성되므로)",
         ["수소 이온은 양성자이다. (수소 원자는 양성자 하나로 구성되므로)"]),
        ("유가를 밀어 올렸다. (컴퓨터에 의한) 전자 거래에서 올랐다.",
         ["유가를 밀어 올렸다.", "(컴퓨터에 의한) 전자 거래에서 올랐다."]),
        ("생산성이 떨어진다. (25도가 넘으면 졸음이 올 수 있다)", ["생산성이 떨어진다.", "(25도가 넘으면 졸음이 올 수 있다)"]),
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
        ('"We will win. We are strong," he said. It ended.', ['"We will win.', 'We are strong," he said.', "It ended."]),
        ('He wrote "Stop. Think." on the wall. It stayed.', ['He wrote "Stop. Think." on the wall.', "It stayed."]),
        # an ellipsis joins the parts of a headline (no final punctuation), not of body text
        ('"Will Establish Sister-City Ties with Kaesong"... Closer Russia-North Korea Relations',
         ['"Will Establish Sister-City Ties with Kaesong"... Closer Russia-North Korea Relations']),
        ("Prices rose... Then they fell.", ["Prices rose...", "Then they fell."]),
        ('"Really?" she asked. Yes.', ['"Really?" she asked.', "Yes."]),
        ("It cost $3.5 million... and more. Then it stopped.", ["It cost $3.5 million... and more.", "Then it stopped."]),
        ("See No. 5 on Jan. 3 for details. Done.", ["See No. 5 on Jan. 3 for details.", "Done."]),
        ("He said Roe v. Wade was settled. It held.", ["He said Roe v. Wade was settled.", "It held."]),
        ("It offends many non-U.S. Arctic peoples. Yes.", ["It offends many non-U.S. Arctic peoples.", "Yes."]),
        ("Meet sailors in the bar, etc. Try to talk. (See Smith, 2001) Then go.",
         ["Meet sailors in the bar, etc.", "Try to talk. (See Smith, 2001)", "Then go."]),
        ("Fed raised rates, he said. (CNN) Pope Benedict spoke.", ["Fed raised rates, he said.", "(CNN) Pope Benedict spoke."]),
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


def test_a_quotation_running_over_paragraphs_splits_in_each():
    text = "그는 “공장은 내년에 문을 연다. 일자리가 많이 생길 것이다.\n주민들도 반기고 있다. 우리는 준비가 됐다”고 말했다."
    assert split_paragraphs(text, "ko") == [
        ["그는 “공장은 내년에 문을 연다.", "일자리가 많이 생길 것이다."],
        ["주민들도 반기고 있다.", "우리는 준비가 됐다”고 말했다."],
    ]


def test_korean_headline_with_a_quote_and_ellipsis_stays_whole():
    assert split_sentences("북한, 올해도 쿠르스크에 병력 파견…\"지뢰 제거 작전 투입\"", "ko") == [
        "북한, 올해도 쿠르스크에 병력 파견…\"지뢰 제거 작전 투입\""
    ]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError):
        sentence_spans("Hola.", "es")
