import pytest

from mt.text.numbers import Number, extract_numbers, number_values, same_measure


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1만5000명이 모였다", [15000]),
        ("2천 명", [2000]),
        ("1억2천만 원", [120000000]),
        ("120만 명", [1200000]),
        ("3.5% 올랐다", [3.5]),
        ("3조 원", [3e12]),
        ("1천500억 원", [1.5e11]),
        ("1억 2천만 원", [120000000]),
        ("1만 5000명", [15000]),
        ("120만 3.5%", [3.5, 1200000]),
        ("15,000명", [15000]),
        ("제5조에 따라", [5]),
        ("세 명이 다섯 가지를", [3, 5]),
        ("세금이 올랐다", []),
        ("2013.3.10 발표", [3, 10, 2013]),
        ("2024. 3. 10. 발표", [3, 10, 2024]),
        ("2013년 3월 10일", [3, 10, 2013]),
        ("약 3백 7십만 인구", [3700000]),
        ("3~4만 명", [30000, 40000]),
        ("5000~1만 명", [5000, 10000]),
        ("12시에", [12]),
        ("7시 19분", [7, 19]),
        ("3시간 동안", [3]),
        ("합계 4분 41초 30으로", [4, 30, 41]),
    ],
)
def test_korean_values(text, expected):
    assert number_values(text, "ko") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15,000 troops", [15000]),
        ("1.2 million people", [1200000]),
        ("two thousand people", [2000]),
        ("two thousand five hundred", [2500]),
        ("one hundred and five", [105]),
        ("twenty-five", [25]),
        ("a million", [1e6]),
        ("$3bn", [3e9]),
        ("rose 3.5%", [3.5]),
        ("the 1st place", [1]),
        ("March 10, 2013", [3, 10, 2013]),
        ("10 March 2013", [3, 10, 2013]),
        ("2013-03-10", [3, 10, 2013]),
        ("one of them", []),
        ("you may go", []),
        ("Jan Smith came in March", [3]),
        ("on Jan. 5", [1, 5]),
        ("on May 5", [5, 5]),
        ("in 2013 2 people", [2, 2013]),
        ("five six", [5, 6]),
        ("4.2-3.9 million years ago", [3900000, 4200000]),
        ("2 to 3 billion", [2e9, 3e9]),
        ("500,000-1 million", [500000, 1000000]),
        ("29¾ inches", [29.75]),
        ("at 1200 GMT", [12]),
        ("at 12:00", [12]),
        ("a time of 1:09.02", [1, 2, 9]),
    ],
)
def test_english_values(text, expected):
    assert number_values(text, "en") == expected


@pytest.mark.parametrize(
    "ko, en",
    [
        ("1만5000명", "15,000 people"),
        ("120만 명", "1.2 million people"),
        ("2천 명", "two thousand people"),
        ("2013.3.10", "March 10, 2013"),
        ("2013년 3월 10일", "March 10, 2013"),
        ("1억2천만 달러", "$120 million"),
        ("두 배로 늘었다", "grew twice over"),
        ("420만 년에서 390만 년 전", "4.2-3.9 million years ago"),
        ("대략 12시에", "at approximately 1200 GMT"),
        ("4분 41초 30, 1분 9초 2", "4:41.30, 1:09.02"),
        ("약 3백 7십만 인구", "around 3.7 million people"),
    ],
)
def test_values_compare_across_languages(ko, en):
    assert number_values(ko, "ko") == number_values(en, "en")


def test_offsets_point_into_the_text():
    text = "약 1억2천만 원과 3.5%"
    numbers = extract_numbers(text, "ko")
    assert numbers == [Number(120000000.0, 2, 7, "1억2천만"), Number(3.5, 11, 14, "3.5")]
    assert all(text[n.start:n.end] == n.text for n in numbers)


def test_english_offsets_cover_the_phrase():
    text = "About 1.2 million people"
    (number,) = extract_numbers(text, "en")
    assert text[number.start:number.end] == "1.2 million" == number.text


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError):
        extract_numbers("1", "fr")


def test_clock_parts_carry_the_whole_reading():
    ko = extract_numbers("오후 9시 19분", "ko")
    en = extract_numbers("09:17 p.m.", "en")
    assert [n.clock for n in ko] == [(9, 19), (9, 19)]
    assert [(n.text, n.clock) for n in en] == [("09", (9, 17)), ("17", (9, 17))]
    assert extract_numbers("2시즌", "ko")[0].clock == ()


@pytest.mark.parametrize(
    "text, lang, unit",
    [
        ("75.6 cm", "ko", "cm"),
        ("3마일을 달렸다", "ko", "mile"),
        ("10킬로미터를", "ko", "km"),
        ("4,892m", "ko", "m"),
        ("a 10-mile race", "en", "mile"),
        ("29¾ inches", "en", "inch"),
        ("4852 m high", "en", "m"),
        ("$5m deal", "en", None),
        ("5 people", "en", None),
        ("5명", "ko", None),
    ],
)
def test_units_of_measure(text, lang, unit):
    assert extract_numbers(text, lang)[0].unit == unit


@pytest.mark.parametrize(
    "a, b, same",
    [
        (("75.6 cm", "ko"), ("29¾ inches", "en"), True),
        (("62.2 cm", "ko"), ("24½ inches", "en"), True),
        (("150미터", "ko"), ("500 feet", "en"), True),
        (("150미터", "ko"), ("100 feet", "en"), False),
        (("30℃", "ko"), ("86°F", "en"), True),
        (("30℃", "ko"), ("96°F", "en"), False),
        (("5km", "ko"), ("5 miles", "en"), False),
        (("5kg", "ko"), ("5 km", "en"), False),
    ],
)
def test_same_measure_in_converted_units(a, b, same):
    (x,), (y,) = extract_numbers(*a), extract_numbers(*b)
    assert same_measure(x, y) is same


@pytest.mark.parametrize(
    "sentence, lang",
    [
        ("On 2013-03-10 at 7:19, twenty-five people and 1,200 cars met 3 miles away in March 2013. ", "en"),
        ("2013.3.10 7시 19분에 1만5000명이 3마일 떨어진 곳에서 모였다. ", "ko"),
    ],
)
def test_a_very_long_line_is_read_in_linear_time(sentence, lang):
    """8,000 copies of a sentence with a date and a clock in it: about a second when the work per
    number is constant; checking every token against every date and clock read before (which once
    made one 20 MB line take minutes) would take hours here."""
    copies = 8_000
    one = extract_numbers(sentence, lang)
    numbers = extract_numbers(sentence * copies, lang)
    assert len(numbers) == copies * len(one)
    shift = (copies - 1) * len(sentence)  # the last copy reads as the first does
    assert [(n.value, n.start - shift, n.clock, n.unit) for n in numbers[-len(one):]] == [(n.value, n.start, n.clock, n.unit) for n in one]
