"""News boilerplate: bylines, datelines, photo captions, copyright footers, related-link lines.

Boilerplate is marked, never deleted: the translator still sees it, the aligner can pair a Korean
byline with an English one (or leave it unpaired without penalising real sentences), QA can skip
it, and the corpus builder can drop it visibly, with a count, rather than silently.

Kinds: "dateline", "byline", "caption", "copyright", "related", "email", "web".
Korean and English get the full rules; other languages (e.g. when aligning a German–French pair)
get the language-neutral ones: copyright notices, e-mail addresses and web furniture.
"""

from __future__ import annotations

import re

KINDS = ("dateline", "byline", "caption", "copyright", "related", "email", "web")

# A story's opening "(서울=연합뉴스) 홍길동 기자 =" / "SEOUL, March 3 (Yonhap) --". The segmenter
# cuts it off the first sentence (see `leading_dateline`) so that it can be marked on its own.
DATELINES = {
    "ko": re.compile(r"\s*(?:[(\[【][^()\[\]【】=\n]{1,20}=[^()\[\]【】\n]{1,20}[)\]】](?:\s*[가-힣]{2,4}\s*(?:기자|특파원)\s*=)?"
                     r"|\[[^\[\]=\n]{1,20}\s(?:기자|특파원)\])"),  # or "[아시아경제 홍길동 기자]"
    "en": re.compile(r"\s*[A-Z][A-Z .'-]{1,30}(?:, [A-Z][a-z]{2,8}\.? \d{1,2}(?: \([^()\n]{2,30}\))?| \([^()\n]{2,30}\))"
                     r"\s*(?:--|—|–)"),
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Links and web-page furniture that each edition adds or drops on its own.
_WEB = re.compile(
    r"https?://|www\.|^\s*advertisement\s*$|\bsubscribe\b|\bshare on\b|\bclick here\b"
    r"|\bfollow (?:us|[A-Z][\w-]+(?: [A-Z][\w-]+)*) on\b",
    re.IGNORECASE,
)
_NEUTRAL_COPYRIGHT = re.compile(r"[©ⓒ]|[Aa]ll [Rr]ights [Rr]eserved")
_SHORT = 120  # bylines, credits and footers are short; a long sentence mentioning a photo is text

_KO_CREDIT = r"(?:연합뉴스|뉴시스|뉴스1|AP|AFP|EPA|로이터|게티이미지(?:코리아)?|신화|조선중앙통신|아시아경제(?:\s*DB)?|[가-힣]{2,4}\s*기자)"
# Ordered: the first kind whose pattern matches wins.
_KO_RULES: list[tuple[str, re.Pattern]] = [
    ("copyright", re.compile(r"[©ⓒ]|\([cC]\)|무단\s*전재|재배포\s*금지|[Aa]ll [Rr]ights [Rr]eserved|Copyright\s*(?:\d{4}|by)")),
    ("related", re.compile(r"^\s*(?:☞|▶\s*관련\s*기사|[\[<【]\s*관련\s*기사|관련\s*기사\s*[:：]|함께\s*보면)")),
    ("byline", re.compile(r"^\s*(?:[가-힣]{2,4}\s*(?:선임|수석|객원)?\s*(?:기자|특파원|통신원)(?:\s*=|\s+[\w.+-]+@\S+)?"
                          r"|\[[^\[\]=]{1,20}\s(?:기자|특파원)\])\s*$")),
    ("caption", re.compile(
        r"(?:^|[\s/(\[【<])(?:사진|이미지\s*출처|그래픽|영상|자료)\s*(?:=|제공|:)|[\[<【]\s*(?:사진|그래픽|포토|이미지)\s*[\]>】]"
        rf"|^\s*/?\s*(?:사진\s*)?{_KO_CREDIT}(?:(?:\s*[/,·]\s*|\s+){_KO_CREDIT})*\s*$"
    )),
]
_EN_CREDIT = r"(?:AP|AFP|EPA|Reuters|Getty Images|Yonhap(?: News Agency)?|Newsis|News1|Xinhua|Bloomberg|KCNA)"
_EN_RULES: list[tuple[str, re.Pattern]] = [
    ("copyright", re.compile(r"©|\([cC]\)\s*\d{4}|Copyright\s*(?:\d{4}|by)|[Aa]ll [Rr]ights [Rr]eserved|[Uu]nauthori[sz]ed reproduction")),
    ("related", re.compile(r"^\s*(?:☞|Related(?: articles?| stories| news)?\s*:|Read more\b|READ MORE\b|See also\b|More on this\b)")),
    ("byline", re.compile(r"^\s*(?:By|BY|Reporter|Reported by|Written by)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*(?:,[^,]{0,40})?$")),
    ("caption", re.compile(
        rf"^\s*(?:Photo|Photos|Image|Graphic|Video)\s*(?:by|courtesy of|credit|:|=)|\[(?:Photo|Image|Graphic)[^\]]*\]"
        rf"|^\s*(?:\(?(?:Photo\s*)?{_EN_CREDIT}(?:\s*(?:/|,|Photo|Photos)\s*{_EN_CREDIT}?)*\)?\.?)\s*$"
    )),
]


_RULES = {"ko": _KO_RULES, "en": _EN_RULES}
_OTHER_RULES = [("copyright", _NEUTRAL_COPYRIGHT)]  # any other language: copyright lines only


def boilerplate_kind(text: str, lang: str) -> str | None:
    """The boilerplate kind of one line or sentence, or None for ordinary text."""
    stripped = text.strip()
    if not stripped or len(stripped) > _SHORT:
        return None
    for kind, pattern in _RULES.get(lang, _OTHER_RULES):
        if pattern.search(stripped):
            return kind
    if lang in DATELINES and DATELINES[lang].fullmatch(stripped):
        return "dateline"
    if _EMAIL.search(stripped):
        return "email"
    if _WEB.search(stripped):
        return "web"
    return None


def leading_dateline(text: str, lang: str) -> int:
    """End offset of a dateline/byline that opens `text` and is followed by more text, else 0."""
    match = DATELINES[lang].match(text)
    return match.end() if match and text[match.end():].strip() else 0


def paragraph_kinds(sentences: list[str], lang: str) -> list[str | None]:
    """Kinds for the sentences of one paragraph, using the paragraph as context.

    A photo caption is a description followed by its credit ("… in the Kursk region. Photo by AP
    Yonhap News Agency"): when a short paragraph ends in a caption credit, every sentence in it
    is caption, because the description alone reads like news text.
    """
    kinds = [boilerplate_kind(sentence, lang) for sentence in sentences]
    if kinds and kinds[-1] == "caption" and len(sentences) <= 3:
        kinds = [kind or "caption" for kind in kinds]
    return kinds
