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
# A caption that says what it is (기사 이해를 돕기 위한 사진, "to help understand the article") may
# describe the photo at length first.
_SELF_DECLARED_CAPTION_MAX = 300

# Wire services and photo agencies whose name alone, or joined (AP연합뉴스, EPA=연합뉴스, Reuters/Yonhap),
# is a photo credit; `아시아경제 DB` is the paper's own archive.
_KO_AGENCY = (r"(?:연합뉴스(?:TV)?|뉴시스|뉴스1|AP|AFP|EPA|UPI|로이터|교도|신화|게티이미지(?:코리아|뱅크)?|셔터스톡"
              r"|조선중앙통신|아시아경제(?:\s*DB)?)")
_KO_CREDIT = rf"(?:{_KO_AGENCY}|[가-힣]{{2,4}}\s*기자)"
_KO_SELF_DECLARED = re.compile(r"기사\s*(?:의\s*)?이해를\s*돕기\s*위한|기사와\s*(?:직접적인\s*|직접\s*)?(?:관련|관계)\s*(?:이|은|이\s*)?없"
                               r"|기사와\s*무관")
# Ordered: the first kind whose pattern matches wins.
_KO_RULES: list[tuple[str, re.Pattern]] = [
    # a bare credit (ⓒ연합뉴스, [연합뉴스 자료사진], [국방부 제공]) before the copyright sign can claim it
    ("caption", re.compile(
        rf"^\s*[/(\[【<]?\s*(?:[ⓒ©]\s*)?{_KO_AGENCY}(?:\s*[/,·=]?\s*{_KO_AGENCY})*(?:\s*(?:제공|자료\s*사진))?\s*[)\]】>]?\s*$"
        r"|^\s*[\[(【<][^\[\]()【】<>=]{1,30}?\s제공\s*[\])】>]\s*$"
    )),
    ("copyright", re.compile(r"[©ⓒ]|\([cC]\)|무단\s*전재|재배포\s*금지|[Aa]ll [Rr]ights [Rr]eserved|Copyright\s*(?:\d{4}|by)")),
    ("related", re.compile(r"^\s*(?:☞|▶\s*관련\s*기사|[\[<【]\s*관련\s*기사|관련\s*기사\s*[:：]|함께\s*보면)")),
    ("byline", re.compile(r"^\s*(?:[가-힣]{2,4}\s*(?:선임|수석|객원)?\s*(?:기자|특파원|통신원)(?:\s*=|\s+[\w.+-]+@\S+)?"
                          r"|\[[^\[\]=]{1,20}\s(?:기자|특파원)\])\s*$")),
    ("caption", re.compile(
        r"(?:^|[\s/(\[【<])(?:사진|이미지|그래픽|영상|자료)\s*(?:출처\s*)?(?:=|제공|:)|[\[<【]\s*(?:사진|그래픽|포토|이미지)\s*[\]>】]"
        rf"|^\s*/?\s*(?:사진\s*)?{_KO_CREDIT}(?:\s*[/,·]?\s*{_KO_CREDIT})*\s*$"
    )),
]
_EN_AGENCY = (r"(?:AP|AFP|EPA(?:-EFE)?|EFE|UPI|Reuters|Getty Images(?: Bank)?|Yonhap(?: News(?: Agency)?)?|YONHAP|Newsis"
              r"|News1|Xinhua|Kyodo|Bloomberg|KCNA|Shutterstock)")
_EN_SELF_DECLARED = re.compile(
    r"to help (?:readers? )?understand (?:the|this) (?:article|story)|to aid (?:the )?(?:reader'?s'? )?understanding of (?:the|this) article"
    r"|(?:is|are) not related to (?:the|this) (?:article|story)|unrelated to (?:the|this) (?:article|story)"
    r"|for illustrative purposes|^\s*[\[(]?File (?:photo|image)\b",
    re.IGNORECASE,
)
_EN_RULES: list[tuple[str, re.Pattern]] = [
    # a bare credit: [AP], (AP Photo/Lee Jin-man), EPA-EFE/YONHAP, AFP via Getty Images, © Yonhap
    ("caption", re.compile(
        rf"^\s*[(\[]?\s*(?:©\s*)?(?:(?:Photo|Image)s?\s*(?:by|:|=)?\s*)?{_EN_AGENCY}(?:\s*(?:/|,|via)?\s*{_EN_AGENCY})*"
        r"(?:\s+Photos?)?(?:\s*/\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})?\s*[)\]]?\.?\s*$"
    )),
    ("copyright", re.compile(r"©|\([cC]\)\s*\d{4}|Copyright\s*(?:\d{4}|by)|[Aa]ll [Rr]ights [Rr]eserved|[Uu]nauthori[sz]ed reproduction")),
    ("related", re.compile(r"^\s*(?:☞|Related(?: articles?| stories| news)?\s*:|Read more\b|READ MORE\b|See also\b|More on this\b)")),
    ("byline", re.compile(r"^\s*(?:By|BY|Reporter|Reported by|Written by)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*(?:,[^,]{0,40})?$")),
    ("caption", re.compile(
        r"^\s*(?:Photo|Photos|Image|Graphic|Video)\s*(?:by|courtesy of|credit|:|=)|\[(?:Photo|Image|Graphic)[^\]]*\]"
        r"|^\s*[(\[]?(?:Photo )?[Cc]ourtesy of [A-Z][^.!?]{0,60}[)\]]?\s*$"
    )),
]
_SELF_DECLARED = {"ko": _KO_SELF_DECLARED, "en": _EN_SELF_DECLARED}
# The same words in reported speech are news text (`…기사와 관련이 없다고 반박했다`, "the arrest was
# unrelated to the story, police said"): a caption names its picture, or ends in the note itself
# (`기사와 직접적인 관련 없음.`), and never reports what someone said.
_PICTURE = {"ko": re.compile(r"사진|이미지|그래픽|영상|그림|자료\s*화면"),
            "en": re.compile(r"\b(?:photos?|images?|pictures?|illustrations?|graphics?)\b", re.IGNORECASE)}
_KO_NOTE_ENDING = re.compile(r"(?:없음|무관(?:함|임)?|없습니다|없다)\W*$")
_REPORTED_SPEECH = {"ko": re.compile(r"(?:다|라|냐|자)고\s|(?:다|라)며\s"),
                    "en": re.compile(r"\b(?:said|says|told|added|according to|stated|claimed)\b", re.IGNORECASE)}


def _self_declared_caption(text: str, lang: str) -> bool:
    """A caption that says what it is: `… 모습으로, 기사 이해를 돕기 위한 사진.`, "The photo is not
    related to the article."; the same words in a news sentence are not one (see _PICTURE)."""
    if lang not in _SELF_DECLARED or len(text) > _SELF_DECLARED_CAPTION_MAX or not _SELF_DECLARED[lang].search(text):
        return False
    if _REPORTED_SPEECH[lang].search(text):
        return False
    return bool(_PICTURE[lang].search(text) or lang == "ko" and _KO_NOTE_ENDING.search(text))


_RULES = {"ko": _KO_RULES, "en": _EN_RULES}
_OTHER_RULES = [("copyright", _NEUTRAL_COPYRIGHT)]  # any other language: copyright lines only


def boilerplate_kind(text: str, lang: str) -> str | None:
    """The boilerplate kind of one line or sentence, or None for ordinary text."""
    stripped = text.strip()
    if _self_declared_caption(stripped, lang):
        return "caption"
    if not stripped or len(stripped) > _SHORT:
        return None
    for kind, pattern in _RULES.get(lang, _OTHER_RULES):
        if pattern.search(stripped):
            return kind
    if lang in DATELINES and DATELINES[lang].fullmatch(stripped):
        return "dateline"
    if "@" in stripped and _EMAIL.search(stripped):  # the search tries every word for an address
        return "email"
    if _WEB.search(stripped):
        return "web"
    return None


# What ties a line to its counterpart in the other language's edition: the same web address or
# e-mail address, or the same agency (연합뉴스 = Yonhap, 아시아경제 = The Asia Business Daily).
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})", re.IGNORECASE)
_AGENCIES = {
    name: re.compile(pattern)
    for name, pattern in {
        "yonhap": r"연합뉴스|Yonhap|YONHAP", "ap": r"(?<![A-Za-z])AP(?![A-Za-z])", "afp": r"AFP", "epa": r"EPA",
        "efe": r"EFE", "upi": r"UPI", "reuters": r"로이터|Reuters", "getty": r"게티이미지|Getty", "newsis": r"뉴시스|Newsis",
        "news1": r"뉴스1|News1", "xinhua": r"신화|Xinhua", "kyodo": r"교도|Kyodo",
        "kcna": r"조선중앙통신|KCNA|Korean Central News Agency", "bloomberg": r"블룸버그|Bloomberg",
        "shutterstock": r"셔터스톡|Shutterstock", "asiae": r"아시아경제|Asia Business Daily|Asia Economy",
    }.items()
}


def boilerplate_anchors(text: str) -> set[str]:
    """Web addresses (by domain), e-mail addresses and agency names in a line, comparable across
    Korean and English: `<ⓒ… 아시아경제(www.asiae.co.kr) 무단전재>` and `© The Asia Business
    Daily(www.asiae.co.kr).` share "site:asiae.co.kr" and "agency:asiae"."""
    anchors = set()
    for match in _ADDRESS.finditer(text):
        anchors.add(f"site:{match.group(1).lower()}" if match.group(1) else f"email:{match.group().lower()}")
    anchors.update(f"agency:{name}" for name, pattern in _AGENCIES.items() if pattern.search(text))
    return anchors


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
