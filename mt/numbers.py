"""Numbers in Korean and English text as comparable values.

QA and alignment compare the numbers of a source sentence with those of its translation, so both
languages must land on the same values: 1만5000 and 15,000 are both 15000, 120만 and 1.2 million are
both 1200000, and a date gives its parts as plain numbers on either side (2013.3.10, 2013년 3월 10일
and March 10, 2013 all give 2013, 3 and 10). Signs are ignored (a hyphen is far more often a range
or a compound than a minus), percentages keep their number (3.5% is 3.5), ordinals give their
number (1st is 1). A lone "one" / "한" / "하나" is not counted: it is a pronoun or article far more
often than a quantity, and skipping it on both sides keeps the two sides comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Number:
    """A number found in a text; `start`/`end` are offsets into that text, `text` the matched span."""

    value: float
    start: int
    end: int
    text: str


_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Year.month.day (Korean style, spaces allowed after the dots) and ISO year-month-day.
_DATE = re.compile(r"(?<![\d.,])(\d{4})(?:\.\s?|-)(\d{1,2})(?:\.\s?|-)(\d{1,2})(?![\d])")

# Korean: digits chained with magnitude units, e.g. 1억2천만, 1만5000, 3.5조, 1천500억.
_KO_SMALL = {"십": 10, "백": 100, "천": 1000}
_KO_LARGE = {"만": 10**4, "억": 10**8, "조": 10**12}
_KO_NUMBER = re.compile(rf"(?<![\d.,])(?:{_DIGITS})(?:[십백천만억조]|{_DIGITS})*(?![\d])")
_KO_PIECE = re.compile(rf"{_DIGITS}|[십백천만억조]")
# Native Korean numerals are only numbers in front of a counter ("세 명", "다섯 가지").
_KO_NATIVE = {"두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
_KO_COUNTERS = "명|개|가지|번|곳|차례|살|척|대|마리|건|채|권|시간|달|해|개월|배"
_KO_NATIVE_RE = re.compile(rf"(?<![가-힣])({'|'.join(_KO_NATIVE)})\s?(?=(?:{_KO_COUNTERS})(?:[이가은는을를의도와과에만씩째로]|(?![가-힣])))")

# English: digits, number words and month names, tokenised; phrases are built in `_english`.
_EN_TOKEN = re.compile(rf"{_DIGITS}|[A-Za-z]+")
_EN_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_EN_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "bn": 10**9, "trillion": 10**12}
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
            ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"),
            ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
        ]
    )
    for name in names
}


def _clean(value: float) -> float:
    """Round away float noise so 1.2 * 10**6 compares equal to 1200000."""
    return float(f"{value:.12g}")


def _digits(text: str) -> float:
    return float(text.replace(",", ""))


def _korean_value(chunk: str) -> float:
    total = 0.0
    section = 0.0  # the part below the current 만/억/조 unit
    pending = None  # digits not yet multiplied by a unit
    for piece in _KO_PIECE.findall(chunk):
        if piece in _KO_SMALL:
            section += (1 if pending is None else pending) * _KO_SMALL[piece]
            pending = None
        elif piece in _KO_LARGE:
            if pending is not None:
                section += pending
            total += (section or 1) * _KO_LARGE[piece]
            section, pending = 0.0, None
        else:
            pending = _digits(piece)
    return total + section + (pending or 0)


def _korean(text: str, taken: list[tuple[int, int]]) -> list[Number]:
    found = []
    for match in _KO_NUMBER.finditer(text):
        start, end = match.span()
        chunk = match.group()
        if chunk.endswith("조") and text[max(0, start - 1):start] == "제":
            chunk, end = chunk[:-1], end - 1  # 제5조 is Article 5, not 5 trillion
        if not any(s < end and start < e for s, e in taken):
            found.append(Number(_clean(_korean_value(chunk)), start, end, chunk))
    merged: list[Number] = []
    for number in found:
        # "1억 2천만", "1만 5000": a smaller amount after a space continues the previous one.
        if merged:
            prev = merged[-1]
            unit = _KO_LARGE.get(prev.text[-1])
            follows = text[number.end:number.end + 1]
            if unit and text[prev.end:number.start] == " " and number.value < unit and "." not in number.text \
                    and follows != "%":
                merged[-1] = Number(_clean(prev.value + number.value), prev.start, number.end,
                                    text[prev.start:number.end])
                continue
        merged.append(number)
    for match in _KO_NATIVE_RE.finditer(text):
        word = match.group(1)
        merged.append(Number(float(_KO_NATIVE[word]), match.start(1), match.end(1), word))
    return merged


def _english_kind(tokens: list[re.Match], i: int, text: str) -> str:
    """The token's role in a number phrase; "a" and "and" depend on the next token."""
    lower = tokens[i].group().lower()
    if lower[0].isdigit():
        return "digits"
    if lower in _EN_SMALL:
        return "small"
    if lower in _EN_TENS:
        return "tens"
    if lower == "hundred":
        return "hundred"
    if lower in _EN_SCALE:
        return "scale"
    if lower in {"a", "and"} and i + 1 < len(tokens) and text[tokens[i].end():tokens[i + 1].start()] == " ":
        following = tokens[i + 1].group().lower()
        if lower == "a" and (following == "hundred" or following in _EN_SCALE):
            return "small"  # "a million"
        if lower == "and" and (following in _EN_SMALL or following in _EN_TENS):
            return "and"  # "one hundred and five"
    return "other"


# Which kind may follow which inside one number phrase ("twenty-five", "two thousand five hundred").
_EN_NEXT = {
    "digits": {"hundred", "scale"},
    "small": {"hundred", "scale"},
    "tens": {"small", "hundred", "scale"},
    "hundred": {"small", "tens", "scale", "digits", "and"},
    "scale": {"small", "tens", "digits", "and"},
    "and": {"small", "tens"},
}
_EN_STARTS = {"digits", "small", "tens", "hundred", "scale"}


def _english_phrases(text: str, tokens: list[re.Match]) -> list[list[re.Match]]:
    """Runs of tokens that read as one number, joined by a space or a hyphen ("3bn": nothing)."""
    phrases: list[list[re.Match]] = []
    last_kind = None
    for i, token in enumerate(tokens):
        kind = _english_kind(tokens, i, text)
        if phrases and last_kind is not None:
            gap = text[phrases[-1][-1].end():token.start()]
            if kind in _EN_NEXT[last_kind] and (gap in {" ", "-"} or (gap == "" and kind == "scale")):
                phrases[-1].append(token)
                last_kind = kind
                continue
        starts = kind in _EN_STARTS and token.group().lower() != "bn"
        if starts:
            phrases.append([token])
        last_kind = kind if starts else None
    return phrases


def _english_value(tokens: list[re.Match]) -> float:
    total = 0.0
    current = 0.0
    for token in tokens:
        word = token.group()
        lower = word.lower()
        if word[0].isdigit():
            current += _digits(word)
        elif lower in _EN_SMALL:
            current += _EN_SMALL[lower]
        elif lower in _EN_TENS:
            current += _EN_TENS[lower]
        elif lower == "a":
            current += 1
        elif lower == "hundred":
            current = (current or 1) * 100
        elif lower in _EN_SCALE:
            total += (current or 1) * _EN_SCALE[lower]
            current = 0.0
    return total + current


def _next_to_digits(text: str, tokens: list[re.Match], i: int) -> bool:
    """Whether token i has a number right beside it ("May 5", "5 May", "Jan. 5", "May, 2013")."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and tokens[j].group()[0].isdigit():
            left, right = sorted((tokens[i], tokens[j]), key=lambda t: t.start())
            if text[left.end():right.start()] in {" ", ". ", ", "}:
                return True
    return False


def _english(text: str, taken: list[tuple[int, int]]) -> list[Number]:
    tokens = [t for t in _EN_TOKEN.finditer(text) if not any(s < t.end() and t.start() < e for s, e in taken)]
    found = []
    for phrase in _english_phrases(text, tokens):
        words = [t.group().lower() for t in phrase]
        if words == ["one"]:
            continue
        start, end = phrase[0].start(), phrase[-1].end()
        found.append(Number(_clean(_english_value(phrase)), start, end, text[start:end]))
    for i, token in enumerate(tokens):
        if token.group().lower() == "twice":  # 두 배, 두 번
            found.append(Number(2.0, token.start(), token.end(), token.group()))
        month = _MONTHS.get(token.group())
        if month is None:
            continue
        if (token.group() == "May" or len(token.group()) <= 4) and not _next_to_digits(text, tokens, i):
            continue  # May is also a verb and Jan a name: short forms count only next to a day or year
        found.append(Number(float(month), token.start(), token.end(), token.group()))
    return found


NUMBER_LANGS = ("ko", "en")  # languages whose number words and units are read


def extract_numbers(text: str, lang: str) -> list[Number]:
    """Numbers of `text` in reading order; `lang` is "ko" or "en"."""
    if lang not in NUMBER_LANGS:
        raise ValueError(f"unsupported language {lang!r}: expected 'ko' or 'en'")
    numbers = []
    taken = []
    for match in _DATE.finditer(text):
        taken.append(match.span())
        for group in (1, 2, 3):
            numbers.append(Number(float(match.group(group)), match.start(group), match.end(group), match.group(group)))
    numbers.extend(_korean(text, taken) if lang == "ko" else _english(text, taken))
    return sorted(numbers, key=lambda n: (n.start, n.end))


def number_values(text: str, lang: str) -> list[float]:
    """Sorted values, for comparing a sentence's numbers with its translation's."""
    return sorted(n.value for n in extract_numbers(text, lang))
