"""Paragraph and sentence boundaries as character spans, for Korean and English news.

Spans, not strings: translation rebuilds an article by replacing each sentence span with its
translation, so everything between sentences (spaces, line breaks, blank lines) survives untouched.

One paragraph is one non-blank line, so headlines, captions and list items that carry no final
punctuation still stand alone. Inside a paragraph a sentence ends at . ? ! … (plus any closing
quotes and brackets) followed by whitespace, unless that end is one of the known non-ends:

- inside a parenthesis or bracket: 뇌가 있다(모든 동물이 그런 것은 아니다. 해파리는 없다). is one
  sentence;
- inside a quotation whose text does not hold full sentences: `그는 ‘괜찮다. 문제없다’며 웃었다` stays
  whole (a cut there needs at least two words of the quotation on each side of it). A quotation
  that does hold them is split like any text, `그는 “A를 했다. B도 할 것이다”라고 말했다` into
  `그는 “A를 했다.` and `B도 할 것이다”라고 말했다.`: that is how news translations divide it (the
  Korean–English news of ../shared/data makes each quoted sentence a unit; docs/benchmarks.md), and
  a unit of five sentences is worse for MT, alignment and QA;
- after a title or an initial (Dr. Ehud Ur, John F. Kennedy, Roe v. Wade), after No./Jan./p.
  before a number, and after an initialism (also non-U.S.) or Inc./Co. unless a typical sentence
  opener follows (in the U.S. The …, but the U.S. Army);
- a date written with spaces (2024. 3. 10.), and in Korean any period after a number;
- a quotation followed by a detached quotative particle (…다.” 라고 말했다);
- an ellipsis in mid-sentence (가르쳤고,... 책을) or in a headline (a paragraph without final
  punctuation: `"…"... Closer Russia-North Korea Relations`), and in English anything followed by
  a lowercase word.

Korean also ends a sentence at an unambiguous verb ending followed by whitespace even without a
period (a common omission in news copy and translations): 니다, 했다/있다/된다/먹는다 …, 것이다/
때문이다, but not a bare 다 (보다, 바다, 캐나다). A parenthesis right after a sentence end joins that
sentence when it is attached, ends the paragraph or is a citation (…적습니다. (Bremer, 1998)), unless
it is a sentence itself. Both languages end one before a bullet (▲ ▶ ■ …) in mid-paragraph
and after a leading dateline or byline ("(서울=연합뉴스) 홍길동 기자 =", "SEOUL, March 3 (Yonhap)
--") so that boilerplate can be marked on its own.

Quotes are paired before any splitting. Straight quotes count as opening after whitespace or an
opening bracket and as closing otherwise, and pair with curly ones of the same shape (copy mixes
“…" freely); a doubled "" (FLORES/CSV escaping) is a quote of its own kind, so a FLORES line wrapped
in "…" with ""…"" inside pairs up correctly; a straight quote with whitespace on both sides closes
an open quote of its kind and opens one otherwise. An opening quote that is never closed in its
paragraph, or closed more than 500 characters later, protects nothing, so one stray quote cannot
swallow a paragraph; so a quotation that opens in one paragraph and closes in a later one (news
quotes often run over several) is split like the text around it.
"""

from __future__ import annotations

import bisect
import re

from mt.text.boilerplate import leading_dateline

Span = tuple[int, int]
LANGS = ("ko", "en")

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")

# Terminal punctuation, any closing quotes/brackets (also detached by spaces: `말했다.   "` closing
# a FLORES line), then whitespace or the opening bracket of a trailing gloss.
_CLOSERS_RUN = r"[\"'”’」』)\]]"
_CLOSE = rf"(?P<attached>{_CLOSERS_RUN}*)(?:[ \t]+(?P<detached>{_CLOSERS_RUN}+))?(?=\s|\(|\Z)"
_FINAL_MARKS = tuple(".?!…。")
_END = re.compile(r"(?P<punct>[.?!…。]+)" + _CLOSE)
_FINAL_AT_END = re.compile(rf"[.?!…。]{_CLOSERS_RUN}*\s*\Z")
# Korean sentences end in a verb ending, so one that is unambiguous marks an end even when the
# period is missing (news copy, translations, headlines run into the body): 니다, and 다 after a
# past/future/existential or present-tense stem (했다, 있다, 된다, 먹는다) or after a bound noun with
# the copula (것이다, 때문이다). A bare 다 is left alone: 보다, 바다, 캐나다, 국가마다.
_KO_VERB_END = re.compile(
    r"(?:니|[었았였했됐겠있없한된는졌렸왔갔웠혔켰쳤냈봤줬뒀섰썼났샀탔]|(?:것|때문|뿐|셈)이)다" + _CLOSE
)
# A parenthesis right after a sentence end belongs to that sentence when it is attached to it
# (`…제시되었습니다(제임스 외, 1995년)`), ends the paragraph (`…양성자이다. (수소 원자는 …이므로)`) or
# is a citation (`…적습니다. (Bremer, 1998) 인터넷은 …`); one that ends like a sentence (a final mark,
# a Korean 다) is a sentence.
# Otherwise it opens the next sentence: `… 말했다. (CNN) Pope …`, `… 올렸다. (컴퓨터에 의한) 전자 거래에서`.
_GLOSS = re.compile(r"(?P<space>[ \t]*)\((?P<inner>[^()\n]{1,100})\)[\"'”’」』\]]*(?:(?P<last>\s*\Z)|(?=\s))")
_CITATION = re.compile(r",\s*\d{4}")
# A bullet in mid-paragraph starts a new item; ▲1.2% / ▼0.3 (up/down in market reports) do not.
_BULLET = re.compile(r"(?<=\s)[▲▶■●◆□○◇☞※►△▷◈◎](?!\s*[\d.+-])")

_QUOTES = re.compile(r"\"+|[“”‘’「」『』()\[\]]")
_KO_QUOTES = re.compile(r"\"+|'|[“”‘’「」『』()\[\]]")
# Mark -> kind. Curly and straight quotes of one shape are one kind, because copy mixes them
# (“…" and ‘…' are common in Korean news); a doubled "" is a kind of its own.
_OPENERS = {"“": '"', "‘": "'", "「": "「", "『": "『", "(": "(", "[": "["}
_CLOSERS = {"”": '"', "’": "'", "」": "「", "』": "『", ")": "(", "]": "["}
_MAX_QUOTE = 500  # a "quotation" longer than this is a mismatch, not a quotation
_BRACKETS = {"(", "["}
# Words a quotation needs on each side of a sentence end inside it for that end to split it: in
# the Korean-English news translations of ../shared/data every quoted sentence that is a unit of
# its own has two or more, while `‘괜찮다. 문제없다’며`, `"No. This is …"` are kept whole.
_QUOTE_MIN_WORDS = 2

_TITLES = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Mt", "Ft", "Gen", "Col", "Lt", "Sgt", "Capt",
    "Cmdr", "Adm", "Maj", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Messrs",
    "Mme", "Mlle", "vs", "v", "cf", "viz", "approx", "ca", "Ph.D", "e.g", "i.e",
}
_NUMBER_ABBREVIATIONS = {
    "No", "no", "Nos", "Vol", "vol", "p", "pp", "Fig", "fig", "Art", "art", "Sec", "Ch", "ch", "Ed", "ed",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
}
# Company and name suffixes are often followed by a capital in mid-sentence (Apple Inc. Chief
# Executive …); etc. closes a list and is not, so it ends a sentence like any word.
_MAYBE_FINAL_ABBREVIATIONS = {"Inc", "Ltd", "Co", "Corp", "Bros", "Jr", "Sr"}
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
    """(start, end, kind, is_opening) for every quote or bracket mark, straight runs split up.

    A straight quote with whitespace on both sides says nothing by its shape: it closes a quote
    of its kind that is still open and opens one otherwise (`한다. " 이는 …`, a FLORES line that
    starts with a stray space).
    """
    marks = []
    still_open: dict[str, int] = {}
    for match in (_KO_QUOTES if lang == "ko" else _QUOTES).finditer(text):
        start, end = match.span()
        mark = match.group()
        if mark in _OPENERS:
            found = [(start, end, _OPENERS[mark], True)]
        elif mark in _CLOSERS:
            found = [(start, end, _CLOSERS[mark], False)]
        else:
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if mark == "'" and (before + after).isascii() and (before + after).isalnum():
                continue  # an apostrophe inside a Latin word (Io's), not a quote
            if before.isspace() and after.isspace():
                opening = not still_open.get(mark[0] if len(mark) % 2 else '""')
            else:
                opening = (before.isspace() or before in "([{“‘<《〈-—") and not after.isspace()
            # A run of straight double quotes: "" pairs are one kind, a single " another; the outer
            # (single) quote comes first when opening, last when closing.
            kinds = ['""'] * (len(mark) // 2)
            if len(mark) % 2:
                kinds = [mark[0]] + kinds if opening else kinds + [mark[0]]
            found = []
            position = start
            for kind in kinds:
                found.append((position, position + len(kind), kind, opening))
                position += len(kind)
        for _start, _end, kind, opening in found:
            still_open[kind] = still_open.get(kind, 0) + 1 if opening else max(still_open.get(kind, 0) - 1, 0)
        marks.extend(found)
    return marks


def _quoted_regions(marks: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str]]:
    """(opening mark start, closing mark start, kind) of every matched quotation or parenthesis."""
    stack: list[tuple[int, str]] = []
    regions = []
    for start, _end, kind, opening in marks:
        if opening:
            stack.append((start, kind))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][1] == kind:
                opened = stack[depth][0]
                del stack[depth:]  # openers inside that never closed protect nothing
                if start - opened <= _MAX_QUOTE:
                    regions.append((opened, start, kind))
                break
    return regions


def _quotations(regions: list[tuple[int, int, str]]) -> list[Span]:
    return sorted((opened, closed) for opened, closed, kind in regions if kind not in _BRACKETS)


def quotation_spans(text: str, lang: str = "ko") -> list[Span]:
    """(opening mark, closing mark) offsets of every matched quotation in one paragraph, as the
    splitter pairs them (parentheses and brackets left out)."""
    return _quotations(_quoted_regions(_quote_marks(text, lang)))


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
    if _INITIALISM.fullmatch(token.rsplit("-", 1)[-1]) or token in _MAYBE_FINAL_ABBREVIATIONS:  # non-U.S.
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


def _sentence_end(text: str, match: re.Match, openers: set[int]) -> int | None:
    """Where a sentence whose final mark `match` found really ends, or None where it cannot.

    A detached quote that opens the next sentence stays with it, and a gloss (_GLOSS) joins the
    sentence; an end that runs into a parenthesis that is no gloss is no end.
    """
    end = match.end()
    if match.group("detached") and match.start("detached") in openers:
        end = match.end("attached")
    gloss = _GLOSS.match(text, end)
    if gloss and not gloss["inner"].rstrip().endswith(_FINAL_MARKS + ("다",)) and (
        not gloss["space"] or gloss["last"] is not None or _CITATION.search(gloss["inner"])
    ):
        return gloss.end()
    return end if end == len(text) or text[end].isspace() else None


def _candidate_ends(text: str, lang: str, openers: set[int]) -> list[int]:
    """Offsets where a sentence may end (just after its last mark), before the exceptions.

    In a headline (a paragraph without final punctuation, and with no sentence end but ellipses)
    an ellipsis joins the parts of one headline: `"Will Establish Sister-City Ties with
    Kaesong"... Closer Russia-North Korea Relations`, as `…"지뢰 제거 작전 투입"` does in Korean.
    """
    ends, ellipses = [], []
    matches = list(_END.finditer(text))
    if lang == "ko":
        matches.extend(_KO_VERB_END.finditer(text))
    for match in matches:
        end = _sentence_end(text, match, openers)
        if end is None:
            continue
        following = _next_word(text, end)
        if lang == "en" and following[:1].islower():
            continue
        if lang == "ko" and following in _KO_QUOTATIVES:
            continue  # `…했다.” 라고 말했다`: a quotative particle set off by a stray space
        punct = match.groupdict().get("punct")  # None after a Korean verb ending
        if punct == ".":
            if not _dot_ends_sentence(text, match.start("punct"), end, lang):
                continue
        elif punct and ("…" in punct or punct.startswith("..")):
            if _ellipsis_ends_sentence(text, match.start("punct"), end, lang):
                ellipses.append(end)
            continue
        ends.append(end)
    if ends or _FINAL_AT_END.search(text):
        ends.extend(ellipses)
    ends.append(leading_dateline(text, lang))  # 0 when there is none: an empty cut adds nothing
    ends.extend(m.start() for m in _BULLET.finditer(text))
    return ends


def _words(text: str) -> int:
    return sum(any(char.isalnum() for char in token) for token in text.split())


def sentence_spans(text: str, lang: str = "ko") -> list[Span]:
    """Sentence spans inside one paragraph, trimmed, covering every non-space character."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: expected one of {', '.join(LANGS)}")
    marks = _quote_marks(text, lang)
    regions = _quoted_regions(marks)
    protected = _merged([(opened, closed) for opened, closed, kind in regions if kind in _BRACKETS])
    quotations = _quotations(regions)
    starts = [opened for opened, _ in protected]
    openers = {start for start, _end, _kind, opening in marks if opening}

    def inside(cut: int) -> bool:
        i = bisect.bisect_left(starts, cut) - 1
        if i >= 0 and cut <= protected[i][1]:
            return True
        around = [(opened, closed) for opened, closed in quotations if opened < cut <= closed]
        if not around:
            return False
        opened, closed = max(around)  # the innermost quotation
        return min(_words(text[opened + 1:cut]), _words(text[cut:closed])) < _QUOTE_MIN_WORDS

    cuts = sorted({end for end in _candidate_ends(text, lang, openers) if not inside(end)})
    spans = []
    start = 0
    for cut in cuts + [len(text)]:
        chunk = text[start:cut]
        if cut < len(text) and not any(char.isalnum() for char in chunk):
            continue  # a stray mark (`제공한다. . 과학자들은`) is no sentence: it joins the next one
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
