import pytest

from mt.numbers import Number, extract_numbers, number_values


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
