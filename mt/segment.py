"""Paragraph and sentence boundaries as character spans, for Korean and English news.

Spans, not strings: translation rebuilds an article by replacing each sentence span with its
translation, so everything between sentences (spaces, line breaks, blank lines) survives untouched.

One paragraph is one non-blank line, so headlines, captions and list items that carry no final
punctuation still stand alone. Inside a paragraph a sentence ends at . ? ! … (plus any closing
quotes and brackets) followed by whitespace, unless that end is one of the known non-ends:

- inside a quotation or parenthesis: “…다. …다”라고 말했다 is one sentence; a quote that stands
  alone after its final mark (…다.” 그는) still ends one;
- after a title or an initial (Dr. Ehud Ur, John F. Kennedy), after No./Jan./p. before a number,
  and after an initialism or Inc./Co./etc. unless a typical sentence opener follows (in the U.S.
  The …, but the U.S. Army);
- a date written with spaces (2024. 3. 10.), and in Korean any period after a number;
- a quotation followed by a detached quotative particle (…다.” 라고 말했다);
- an ellipsis in mid-sentence (가르쳤고,... 책을), and in English anything followed by a lowercase
  word.

Korean also ends a sentence at 니다 followed by whitespace even without a period (a common omission
in news copy and translations). Both languages end one before a bullet (▲ ▶ ■ …) in mid-paragraph
and after a leading dateline or byline ("(서울=연합뉴스) 홍길동 기자 =", "SEOUL, March 3 (Yonhap)
--") so that boilerplate can be marked on its own.

Quotes are paired before any splitting. Straight quotes count as opening after whitespace or an
opening bracket and as closing otherwise, and pair with curly ones of the same shape (copy mixes
“…" freely); a doubled "" (FLORES/CSV escaping) is a quote of its own kind, so a FLORES line wrapped
in "…" with ""…"" inside pairs up correctly. An opening quote that is never closed in its paragraph,
or closed more than 500 characters later, protects nothing, so one stray quote cannot swallow a
paragraph.
"""

from __future__ import annotations

import bisect
import re

from mt.boilerplate import leading_dateline

Span = tuple[int, int]
LANGS = ("ko", "en")

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")

# Terminal punctuation, any closing quotes/brackets (also after one space: `말했다. "` closing a
# FLORES line), then whitespace.
_CLOSE = r"(?P<close>[\"'”’」』)\]]*(?:[ \t][\"'”’」』)\]]+)?)(?=\s)"
_END = re.compile(r"(?P<punct>[.?!…。]+)" + _CLOSE)
_KO_POLITE_END = re.compile(r"니다" + _CLOSE)
# A bullet in mid-paragraph starts a new item; ▲1.2% / ▼0.3 (up/down in market reports) do not.
_BULLET = re.compile(r"(?<=\s)[▲▶■●◆□○◇☞※►△▷◈◎](?!\s*[\d.+-])")

_QUOTES = re.compile(r"\"+|[“”‘’「」『』()\[\]]")
_KO_QUOTES = re.compile(r"\"+|'|[“”‘’「」『』()\[\]]")
# Mark -> kind. Curly and straight quotes of one shape are one kind, because copy mixes them
# (“…" and ‘…' are common in Korean news); a doubled "" is a kind of its own.
_OPENERS = {"“": '"', "‘": "'", "「": "「", "『": "『", "(": "(", "[": "["}
_CLOSERS = {"”": '"', "’": "'", "」": "「", "』": "『", ")": "(", "]": "["}
_MAX_QUOTE = 500  # a "quotation" longer than this is a mismatch, not a quotation

_TITLES = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Mt", "Ft", "Gen", "Col", "Lt", "Sgt", "Capt",
    "Cmdr", "Adm", "Maj", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Messrs",
    "Mme", "Mlle", "vs", "cf", "viz", "approx", "ca", "Ph.D", "e.g", "i.e",
}
_NUMBER_ABBREVIATIONS = {
    "No", "no", "Nos", "Vol", "vol", "p", "pp", "Fig", "fig", "Art", "art", "Sec", "Ch", "ch", "Ed", "ed",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
}
_MAYBE_FINAL_ABBREVIATIONS = {"Inc", "Ltd", "Co", "Corp", "Bros", "etc", "Jr", "Sr"}
_SENTENCE_OPENERS = set(
    "The A An He She It They We I You His Her Its Their Our My This That These Those There Here But And "
    "So Yet Or In On At For From With As After Before When While If Although Though Since Because "
    "However Meanwhile Still Also Then Now Today Yesterday Last Next Some Many Most All Other Another "
    "No One Two Three Both Each Such What Who Why How Where Mr Mrs Ms Dr".split()
)
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_NEXT_WORD = re.compile(r"\s*[\"'“‘(\[「『]*([^\s\"'”’.,;:!?)\]]*)")
_KO_QUOTATIVES = {"라고", "이라고", "고", "라며", "며", "하며", "하고", "라는", "면서", "라면서"}
_KO_SENTENCE_FINAL = set("다요까죠네라자")


def paragraph_spans(text: str) -> list[Span]:
    """One paragraph per non-blank line, trimmed of surrounding whitespace."""
    spans = []
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span()
        line = match.group()
        spans.append((start + len(line) - len(line.lstrip()), end - (len(line) - len(line.rstrip()))))
    return spans


def _quote_marks(text: str, lang: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, kind, is_opening) for every quote or bracket mark, straight runs split up."""
    marks = []
    for match in (_KO_QUOTES if lang == "ko" else _QUOTES).finditer(text):
        start, end = match.span()
        mark = match.group()
        if mark in _OPENERS:
            marks.append((start, end, _OPENERS[mark], True))
        elif mark in _CLOSERS:
            marks.append((start, end, _CLOSERS[mark], False))
        else:
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            opening = (before.isspace() or before in "([{“‘<《〈-—") and not after.isspace()
            if mark == "'" and (before + after).isascii() and (before + after).isalnum():
                continue  # an apostrophe inside a Latin word (Io's), not a quote
            # A run of straight double quotes: "" pairs are one kind, a single " another; the outer
            # (single) quote comes first when opening, last when closing.
            kinds = ['""'] * (len(mark) // 2)
            if len(mark) % 2:
                kinds = [mark[0]] + kinds if opening else kinds + [mark[0]]
            position = start
            for kind in kinds:
                marks.append((position, position + len(kind), kind, opening))
                position += len(kind)
    return marks


def _quoted_regions(text: str, lang: str) -> list[Span]:
    """(opening mark start, closing mark start) of every matched quotation or parenthesis."""
    stack: list[tuple[int, str]] = []
    regions = []
    for start, _end, kind, opening in _quote_marks(text, lang):
        if opening:
            stack.append((start, kind))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][1] == kind:
                opened = stack[depth][0]
                del stack[depth:]  # openers inside that never closed protect nothing
                if start - opened <= _MAX_QUOTE:
                    regions.append((opened, start))
                break
    return regions


def _merged(regions: list[Span]) -> list[Span]:
    """Nested and overlapping regions merged into sorted disjoint ones."""
    merged: list[Span] = []
    for opened, closed in sorted(regions):
        if merged and opened <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closed))
        else:
            merged.append((opened, closed))
    return merged


def _previous_token(text: str, index: int) -> str:
    start = index
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:index].lstrip("\"'“‘([「『")


def _next_word(text: str, index: int) -> str:
    return _NEXT_WORD.match(text, index).group(1)


def _dot_ends_sentence(text: str, dot: int, after: int, lang: str) -> bool:
    token = _previous_token(text, dot)
    following = _next_word(text, after)
    next_char = following[:1]
    if token in _TITLES:
        return False
    if len(token) == 1 and token.isupper() and token.isascii():
        return False  # an initial: John F. Kennedy, 존 F. 케네디
    if token in _NUMBER_ABBREVIATIONS and next_char.isdigit():
        return False
    if token[-1:].isdigit() and (next_char.isdigit() or lang == "ko"):
        return False  # 2024. 3. 10. 발표: Korean sentences end in a verb, not a number
    if _INITIALISM.fullmatch(token) or token in _MAYBE_FINAL_ABBREVIATIONS:
        return lang == "en" and following in _SENTENCE_OPENERS
    return True


def _ellipsis_ends_sentence(text: str, start: int, after: int, lang: str) -> bool:
    before = text[start - 1] if start else ""
    if before in ",;:":
        return False
    if lang == "ko":
        return before in _KO_SENTENCE_FINAL
    next_char = _next_word(text, after)[:1]
    return next_char.isupper() or next_char.isdigit()


def _candidate_ends(text: str, lang: str) -> list[int]:
    """Offsets where a sentence may end (just after its last mark), before the exceptions."""
    ends = []
    for match in _END.finditer(text):
        punct = match.group("punct")
        start, end = match.start("punct"), match.end()
        following = _next_word(text, end)
        if lang == "en" and following[:1].islower():
            continue
        if lang == "ko" and following in _KO_QUOTATIVES:
            continue  # `…했다.” 라고 말했다`: a quotative particle set off by a stray space
        if punct == ".":
            if not _dot_ends_sentence(text, start, end, lang):
                continue
        elif "…" in punct or punct.startswith(".."):
            if not _ellipsis_ends_sentence(text, start, end, lang):
                continue
        ends.append(end)
    if lang == "ko":
        ends.extend(m.end() for m in _KO_POLITE_END.finditer(text))
    ends.append(leading_dateline(text, lang))  # 0 when there is none: an empty cut adds nothing
    ends.extend(m.start() for m in _BULLET.finditer(text))
    return ends


def sentence_spans(text: str, lang: str = "ko") -> list[Span]:
    """Sentence spans inside one paragraph, trimmed, covering every non-space character."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: expected one of {', '.join(LANGS)}")
    protected = _merged(_quoted_regions(text, lang))
    starts = [opened for opened, _ in protected]

    def inside(cut: int) -> bool:
        i = bisect.bisect_left(starts, cut) - 1
        return i >= 0 and cut <= protected[i][1]

    cuts = sorted({end for end in _candidate_ends(text, lang) if not inside(end)})
    spans = []
    start = 0
    for cut in cuts + [len(text)]:
        chunk = text[start:cut]
        stripped = chunk.strip()
        if stripped:
            left = start + len(chunk) - len(chunk.lstrip())
            spans.append((left, left + len(stripped)))
        start = cut
    return spans


def split_paragraphs(text: str, lang: str = "ko") -> list[list[str]]:
    """Sentences of a whole text, grouped by paragraph (non-blank line)."""
    out = []
    for ps, pe in paragraph_spans(text):
        paragraph = text[ps:pe]
        out.append([paragraph[s:e] for s, e in sentence_spans(paragraph, lang)])
    return out


def split_sentences(text: str, lang: str = "ko") -> list[str]:
    """Sentences of a whole text, paragraph by paragraph."""
    return [sentence for paragraph in split_paragraphs(text, lang) for sentence in paragraph]
