"""Where a Korean term (a name, a place) occurs in a sentence, with its particles attached.

Korean writes particles and the copula onto the noun: 힌시테인은, 개성에서, 대동강으로부터,
조선중앙통신이라고. A glossary term therefore matches when it starts a word and whatever follows it
in that word is a chain of particles or copula endings, and only then: 대동강변, 개성적인,
힌시테인스키 are other words, and 딜런 is not found in 밥딜런. `exact` terms match only as a word of their own (for Korean that is
ambiguous once particles are allowed: 개성이 is Kaesong or "individuality"); a glossary lists the
unambiguous forms it wants (개성에서, 개성시) as exact entries of their own.

A hand-written particle list rather than a morphological analyser (kiwipiepy), measured on
FLORES devtest with 127 names (scripts/bench_glossary.py): it finds every match the analyser finds
plus 14 more that the English reference confirms (the analyser splits foreign names mid-word:
고슬링과, 알론소는), equals it on hand-labelled ambiguous cases, and needs no model (the analyser
takes 4 s to load and matches about 50x slower). The analyser's proper-noun tag does not replace
the exact marker either: it misses 파리가 (Paris) and 기자의 (Giza) and still takes 비버가 for Bieber.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Particles (조사), noun suffixes that names take (씨, 측, 들), and copula endings (이다 and its
# forms), in the spellings that follow a noun. They may stack (에서 + 는 + 도, 와 + 의). Left out on
# purpose, because they make other words of a name: 인 (미국인 "American"), 어 (한국어), 계 (한국계),
# and the bare endings 다, 고, 라, 자, 면, 던 (개성고 is a school, 가나다 a word).
PARTICLES = frozenset(
    """
    이 가 께서 에서 을 를 의 에 에게 에게서 한테 한테서 께 로 으로 로서 으로서 로써 으로써 로부터 으로부터
    와 과 하고 랑 이랑 처럼 만큼 보다 같이 더러 은 는 도 만 까지 부터 마저 조차 밖에 뿐 이나 나 이나마
    나마 이라도 라도 이든지 든지 이든 든 마다 대로 요 야 이야 이야말로 야말로 씩 쯤 엔 에선 에겐 론 으론
    로선 으로선 이며 이고 이다 였다 이었다 였던 이었던 였고 이었고 였으며 이었으며 였지만 이었지만 이지만
    입니다 이에요 예요 이자 이라는 라는 이라고 라고 이라며 라며 이란 란 이라면 라면 이던 인데 이면 이라
    씨 측 들 님
    """.split()
)
MAX_PARTICLES = 3  # 에서 + 는 + 도 is the longest stack news copy uses
_LONGEST_PARTICLE = max(map(len, PARTICLES))
_HANGUL_TAIL = re.compile(r"[\uac00-\ud7a3]*")


def is_particle_chain(tail: str, limit: int = MAX_PARTICLES) -> bool:
    """Whether `tail` is empty or up to `limit` particles written one after another."""
    if not tail:
        return True
    if limit == 0:
        return False
    return any(
        tail[:size] in PARTICLES and is_particle_chain(tail[size:], limit - 1)
        for size in range(1, min(len(tail), _LONGEST_PARTICLE) + 1)
    )


def normalise(text: str) -> str:
    """NFC, so a term typed in one Unicode form finds text stored in the other (jamo vs syllables)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def term_pattern(term: str) -> re.Pattern:
    """The term at the start of a word; spaces in it match any spacing, including none (밥 딜런, 밥딜런)."""
    parts = [re.escape(part) for part in normalise(term).split()]
    return re.compile(r"(?<!\w)" + r"\s*".join(parts))


@dataclass(frozen=True)
class Found:
    """One occurrence: `start`/`end` span the term itself, `word_end` also its particles."""

    start: int
    end: int
    word_end: int


def find_term(text: str, pattern: re.Pattern, exact: bool = False) -> list[Found]:
    """Every occurrence of a `term_pattern` in `text` (NFC) standing as a word with only particles after it."""
    found = []
    for match in pattern.finditer(text):
        tail = _HANGUL_TAIL.match(text, match.end()).group()
        word_end = match.end() + len(tail)
        if word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
            continue  # the word goes on in another script or in digits: 개성2공단, 서울市
        if (exact and tail) or not is_particle_chain(tail):
            continue
        found.append(Found(match.start(), match.end(), word_end))
    return found
