"""Numbers in Korean and English text as comparable values.

QA and alignment compare the numbers of a source sentence with those of its translation, so both
languages must land on the same values: 1만5000 and 15,000 are both 15000, 120만 and 1.2 million are
both 1200000, and a date gives its parts as plain numbers on either side (2013.3.10, 2013년 3월 10일
and March 10, 2013 all give 2013, 3 and 10). Signs are ignored (a hyphen is far more often a range
or a compound than a minus), percentages keep their number (3.5% is 3.5), ordinals give their
number (1st is 1). A lone "one" / "한" / "하나" is not counted: it is a pronoun or article far more
often than a quantity, and skipping it on both sides keeps the two sides comparable.

Three things a translation legitimately changes are marked so that comparisons can allow for them:
  - clock readings (12시, 7시 19분, 4분 41초 30; 12:00, 1200 GMT, 4:41.30) give their parts like
    dates do, zero minutes dropped (12시 is 12:00), and each part carries the whole reading as
    `clock`, so that two sides that both give times can compare them as times;
  - a number followed by a unit of measure carries it as `unit` (75.6 cm: "cm"; 3마일 and 3 miles:
    "mile"), since a translation may convert it (75.6 cm → 29¾ inches);
  - the first number of a range takes the scale word of the second when that puts the two ends
    at the same order of magnitude (4.2-3.9 million, 3~4만).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction


@dataclass(frozen=True)
class Number:
    """A number found in a text; `start`/`end` are offsets into that text, `text` the matched span.

    `unit` names the unit of measure written after it, `clock` the whole clock reading it is part of.
    """

    value: float
    start: int
    end: int
    text: str
    unit: str | None = None
    clock: tuple[int, ...] = ()


_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125, "⅜": 0.375, "⅝": 0.625, "⅞": 0.875}
# Year.month.day (Korean style, spaces allowed after the dots) and ISO year-month-day.
_DATE = re.compile(r"(?<![\d.,])(\d{4})(?:\.\s?|-)(\d{1,2})(?:\.\s?|-)(\d{1,2})(?![\d])")
# Clock readings, as (hours or minutes, minutes or seconds, ...) groups. Digit forms occur in both languages.
_DIGIT_CLOCKS = [
    # 7:19, 07:19:30, 4:41.30
    re.compile(r"(?<![\d.,:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,3}))?(?![\d:])"),
    # 1200 GMT, 0230 UTC ("1000 hours" is as often a duration)
    re.compile(r"(?<![\d.,])([01]\d|2[0-3])([0-5]\d)\s*(?=(?:GMT|UTC)\b)"),
]
_CLOCKS = {
    "ko": _DIGIT_CLOCKS + [
        # 12시, 7시 19분, 7시 19분 30초 (시간 is a duration in hours, 시즌 a season, 시드 a seed)
        re.compile(r"(?<![\d.,])(\d{1,2})시(?![간즌드])(?:\s*(\d{1,2})분)?(?:\s*(\d{1,2})초)?"),
        # 4분 41초, 4분 41초 30 (hundredths read as a number, as in race results)
        re.compile(r"(?<![\d.,])(\d{1,3})분\s*(\d{1,2})초(?:\s*(\d{1,2})(?=으로|로|의|[\s,.)]|$))?"),
    ],
    "en": _DIGIT_CLOCKS,
}
# Units of measure a translation may convert: name → (quantity, size in the quantity's base unit,
# spellings in either language). Temperatures convert with an offset too (see `_in_base_unit`).
_UNIT_TABLE = {
    "mm": ("length", 0.001, "mm millimetre millimetres millimeter millimeters 밀리미터"),
    "cm": ("length", 0.01, "cm centimetre centimetres centimeter centimeters 센티미터"),
    "m": ("length", 1.0, "metre metres meter meters 미터"),
    "km": ("length", 1000.0, "km kilometre kilometres kilometer kilometers 킬로미터"),
    "inch": ("length", 0.0254, "inch inches 인치"),
    "foot": ("length", 0.3048, "ft foot feet 피트"),
    "yard": ("length", 0.9144, "yd yard yards 야드"),
    "mile": ("length", 1609.344, "mi mile miles 마일"),
    "kg": ("mass", 1.0, "kg kilogram kilograms 킬로그램"),
    "lb": ("mass", 0.45359237, "lb lbs"),
    "oz": ("mass", 0.028349523125, "oz ounce ounces 온스"),
    "litre": ("volume", 1.0, "litre litres liter liters 리터"),
    "gallon": ("volume", 3.785411784, "gallon gallons 갤런"),
    "hectare": ("area", 1.0, "ha hectare hectares 헥타르"),
    "acre": ("area", 0.40468564224, "acre acres 에이커"),
    "km/h": ("speed", 1.0, "km/h kph"),
    "mph": ("speed", 1.609344, "mph"),
    "°C": ("temperature", 1.0, "°C ℃"),
    "°F": ("temperature", 5 / 9, "°F ℉"),
}
_UNITS = {spelling: name for name, (_, _, spellings) in _UNIT_TABLE.items() for spelling in spellings.split()}
_HANGUL_UNITS = sorted((u for u in _UNITS if "가" <= u[0] <= "힣"), key=len, reverse=True)
_UNIT_AFTER = re.compile(r"( ?|-)(km/h|[A-Za-z]+|°[CF]|[℃℉]|[가-힣]+)")
_RANGE_JOINERS = {"-", "–", "—", "~", "∼", "～", " - ", " – ", " to ", " or "}

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
_EN_TOKEN = re.compile(rf"{_DIGITS}[{''.join(_FRACTIONS)}]?|[A-Za-z]+")
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
    if text[-1] in _FRACTIONS:
        return float(text[:-1].replace(",", "")) + _FRACTIONS[text[-1]]
    return float(text.replace(",", ""))


def _range_start(value: float, end: float, scale: float) -> float:
    """The first number of a range, scaled by the second's scale word when that makes the two ends closer.

    "4.2-3.9 million" is 4.2 million to 3.9 million, but "500,000-1 million" starts at 500,000:
    the ends of a range are of one order of magnitude.
    """
    if value <= 0 or end <= 0:
        return value
    scaled = value * scale
    return _clean(scaled) if abs(math.log(scaled / end)) < abs(math.log(value / end)) else value


def _share_range_scale(text: str, numbers: list[Number], scale_of) -> list[Number]:
    """Give a bare first number of a range ("4.2-3.9 million", "3~4만") the scale of the second."""
    out = list(numbers)
    for k in range(len(out) - 1):
        first, second = out[k], out[k + 1]
        scale = scale_of(second.text)
        if scale and re.fullmatch(_DIGITS, first.text) and text[first.end:second.start] in _RANGE_JOINERS:
            out[k] = replace(first, value=_range_start(first.value, second.value, scale))
    return out


def _unit_after(text: str, end: int, lang: str) -> str | None:
    """The unit of measure written right after offset `end` ("75.6 cm", "10-mile", "3마일을"), if any.

    A bare "m" is metres in Korean, but in English only after a space: "$5m" is five million.
    """
    match = _UNIT_AFTER.match(text, end)
    if match is None:
        return None
    gap, word = match.groups()
    if "가" <= word[0] <= "힣":  # a unit runs into its particle: 킬로미터를
        return next((_UNITS[u] for u in _HANGUL_UNITS if word.startswith(u)), None)
    if word == "m":
        return "m" if lang == "ko" or gap == " " else None
    return _UNITS.get(word) or _UNITS.get(word.lower())


def _in_base_unit(value: float, unit: str) -> float:
    _, size, _ = _UNIT_TABLE[unit]
    return (value - 32.0) * size if unit == "°F" else value * size


def _rounding(text: str) -> float:
    """Half the step of the last written digit: 75.6 → 0.05, 500 → 50, 29¾ → 0.125."""
    if text[-1] in _FRACTIONS:
        return 0.5 / Fraction(_FRACTIONS[text[-1]]).limit_denominator(8).denominator
    digits = re.match(_DIGITS, text).group().replace(",", "")
    if "." in digits:
        return 0.5 * 10.0 ** -len(digits.split(".")[1])
    return 0.5 * 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 0.5


def same_measure(a: Number, b: Number) -> bool:
    """Whether two numbers with units of one quantity say the same, allowing for the rounding of either.

    75.6 cm and 29¾ inches agree (29¾ in is 75.57 cm); 150 m and 500 feet agree (500 is written to
    the hundred); 150 m and 100 feet do not.
    """
    if not (a.unit and b.unit) or _UNIT_TABLE[a.unit][0] != _UNIT_TABLE[b.unit][0]:
        return False
    for x, y in ((a, b), (b, a)):
        low, high = (_in_base_unit(x.value + d * _rounding(x.text), x.unit) for d in (-1, 1))
        if min(low, high) <= _in_base_unit(y.value, y.unit) <= max(low, high):
            return True
    return False


class _Taken:
    """Character offsets already read as a date or clock: later readings skip what overlaps them.

    A mark per character keeps each question linear in the span asked about, so a text of any
    length is read in linear time (a list of spans searched for every token made one long line
    quadratic).
    """

    def __init__(self, length: int):
        self._length = length
        self._marks: bytearray | None = None  # allocated at the first span: most texts have none

    def add(self, start: int, end: int) -> None:
        if self._marks is None:
            self._marks = bytearray(self._length)
        self._marks[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._marks is not None and self._marks.find(1, start, end) >= 0


def _clocks(text: str, lang: str, taken: _Taken) -> list[Number]:
    """The parts of each clock reading, trailing zero parts dropped; `taken` grows by their spans."""
    found = []
    for pattern in _CLOCKS[lang]:
        for match in pattern.finditer(text):
            if taken.overlaps(*match.span()):
                continue
            taken.add(*match.span())
            groups = [g for g in range(1, pattern.groups + 1) if match.group(g) is not None]
            while len(groups) > 1 and int(match.group(groups[-1])) == 0:
                groups.pop()
            clock = tuple(int(match.group(g)) for g in groups)
            found += [Number(float(part), match.start(g), match.end(g), match.group(g), clock=clock) for g, part in zip(groups, clock)]
    return found


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


def _korean(text: str, taken: _Taken) -> list[Number]:
    found = []
    for match in _KO_NUMBER.finditer(text):
        start, end = match.span()
        chunk = match.group()
        if chunk.endswith("조") and text[max(0, start - 1):start] == "제":
            chunk, end = chunk[:-1], end - 1  # 제5조 is Article 5, not 5 trillion
        if not taken.overlaps(start, end):
            found.append(Number(_clean(_korean_value(chunk)), start, end, chunk))
    merged: list[Number] = []
    for number in found:
        # "1억 2천만", "1만 5000": a smaller amount after a space continues the previous one;
        # "3백 7십만": a section before a space whose unit the next amount shares.
        if merged:
            prev = merged[-1]
            unit = _KO_LARGE.get(prev.text[-1])
            follows = text[number.end:number.end + 1]
            spaced = text[prev.end:number.start] == " " and "." not in number.text and follows != "%"
            value = None
            if spaced and unit and number.value < unit:
                value = prev.value + number.value
            shared = _KO_LARGE.get(number.text[-1])
            if spaced and shared and prev.text[-1] in _KO_SMALL and number.value / shared < _KO_SMALL[prev.text[-1]]:
                value = (prev.value + number.value / shared) * shared
            if value is not None:
                merged[-1] = Number(_clean(value), prev.start, number.end, text[prev.start:number.end])
                continue
        merged.append(number)
    merged = _share_range_scale(text, merged, lambda chunk: _KO_LARGE.get(chunk[-1]))
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


def _english_scale(phrase: str) -> int | None:
    """The scale word a number phrase ends with ("3.9 million", "3bn"), as a factor."""
    word = re.search(r"[A-Za-z]*$", phrase).group().lower()
    return _EN_SCALE.get(word)


def _next_to_digits(text: str, tokens: list[re.Match], i: int) -> bool:
    """Whether token i has a number right beside it ("May 5", "5 May", "Jan. 5", "May, 2013")."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(tokens) and tokens[j].group()[0].isdigit():
            left, right = sorted((tokens[i], tokens[j]), key=lambda t: t.start())
            if text[left.end():right.start()] in {" ", ". ", ", "}:
                return True
    return False


# Every English reading starts at a digit or at one of these words standing alone (a maximal run
# of letters, as `_EN_TOKEN` cuts them): a text with neither has no number, and most sentences
# are read without tokenising them.
_EN_NUMBER_WORD = re.compile(
    r"(?<![A-Za-z])(?:(?ai:" + "|".join(sorted({*_EN_SMALL, *_EN_TENS, "hundred", *_EN_SCALE, "twice"}, key=len, reverse=True))
    + ")|" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![A-Za-z])"  # months as written: "may" is a verb
)
_DIGIT = re.compile(r"\d")
# Tokens a reading may use; any other word only separates them, and so does the text it leaves
# between the ones kept (no gap joining two tokens of a phrase holds a letter).
_EN_READ_WORDS = {*_EN_SMALL, *_EN_TENS, "hundred", *_EN_SCALE, "a", "and", "twice"}


def _english(text: str, taken: _Taken) -> list[Number]:
    if not (_DIGIT.search(text) or _EN_NUMBER_WORD.search(text)):
        return []
    tokens = [t for t in _EN_TOKEN.finditer(text)
              if ((word := t.group())[0].isdigit() or word.lower() in _EN_READ_WORDS or word in _MONTHS) and not taken.overlaps(*t.span())]
    found = []
    for phrase in _english_phrases(text, tokens):
        words = [t.group().lower() for t in phrase]
        if words == ["one"]:
            continue
        start, end = phrase[0].start(), phrase[-1].end()
        found.append(Number(_clean(_english_value(phrase)), start, end, text[start:end]))
    found = _share_range_scale(text, found, _english_scale)
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
    taken = _Taken(len(text))
    if _DIGIT.search(text):  # dates and clock readings start at a digit
        for match in _DATE.finditer(text):
            taken.add(*match.span())
            for group in (1, 2, 3):
                numbers.append(Number(float(match.group(group)), match.start(group), match.end(group), match.group(group)))
        numbers.extend(_clocks(text, lang, taken))
    for number in _korean(text, taken) if lang == "ko" else _english(text, taken):
        unit = _unit_after(text, number.end, lang)
        numbers.append(replace(number, unit=unit) if unit else number)  # most have none: no copy
    return sorted(numbers, key=lambda n: (n.start, n.end))


def number_values(text: str, lang: str) -> list[float]:
    """Sorted values, for comparing a sentence's numbers with its translation's."""
    return sorted(n.value for n in extract_numbers(text, lang))
