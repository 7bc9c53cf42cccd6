"""News furniture that rarely has a counterpart in the other language's edition.

Bylines, e-mail addresses, copyright and reproduction notices, photo credits and share/subscribe
prompts are added or dropped independently by each edition. Such lines are cheaper to leave
unaligned, so a strong neighbouring pair does not swallow them in a merge.
"""

from __future__ import annotations

import re

_PATTERNS = re.compile(
    r"""
    @[\w-]+\.[a-z]{2,}               # e-mail
  | https?://|www\.                    # URL
  | [©ⓒ] | all\ rights\ reserved | 무단\s?전재 | 재배포\s?금지
  | (?:기자|특파원)\s*(?:\]|$) | 사진\s?= | 자료\s?= | ^\s*관련\s?기사
  | ^\s*(?:by\ [A-Z][\w-]+(?:\ [A-Z][\w-]+)*,?\s*(?:staff\ )?(?:reporter|correspondent)\b)
  | \bphoto(?:\s+courtesy|\s*[:=/]|\s+by\b) | \bcourtesy\ of\b
  | ^\s*advertisement\s*$ | \bsubscribe\b | \bshare\ on\b | \bread\ more\b | \bclick\ here\b
  | \bfollow\ (?:us|[A-Z][\w-]+(?:\ [A-Z][\w-]+)*)\ on\b
    """,
    re.IGNORECASE | re.VERBOSE,
)


def is_boilerplate(line: str) -> bool:
    return bool(_PATTERNS.search(line))
