"""The Korean–English news alignment benchmark, built from FLORES documents with a fixed seed.

FLORES is sentence-parallel, so it gives perfect 1-1 gold; real article pairs are not. Each
document (consecutive rows sharing a URL in metadata_*.tsv) is perturbed the way edited news
translations differ: adjacent sentences merged on either side (1-2, 2-1, 3-1 beads), sentences
dropped on either side (1-0, 0-1), and bylines, photo credits and copyright lines inserted that
have no counterpart. The MT side is the real opus-mt-ko-en output for devtest (none exists for
dev). QA and corpus building reuse the same documents through `news_benchmark`.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

from aligners.beads import Bead

SPLITS = ("dev", "devtest")
MT_FILE = "system-outputs/opus-mt-ko-en.flores200-devtest.kor-eng.hyp.txt"

# (Korean line, what an MT engine would make of it): MT must exist for every Korean line.
_KO_BOILERPLATE = [
    ("[아시아경제 {name} 기자]", "[Asia Economy reporter {name_en}]"),
    ("ⓒ 아시아경제 & asiae.co.kr 무단전재 배포금지", "ⓒ Asia Economy & asiae.co.kr Unauthorized reproduction prohibited"),
    ("사진=연합뉴스", "Photo = Yonhap News"),
    ("{name} 기자 {email}", "Reporter {name_en} {email}"),
    ("<저작권자 ⓒ 뉴스{k}, 무단 전재 및 재배포 금지>", "<Copyright ⓒ News{k}, unauthorized reproduction and redistribution prohibited>"),
    ("관련기사: 오늘의 주요 뉴스 {k}선", "Related article: Today's top {k} news"),
]
# Different topics from the Korean lines, so that no boilerplate pair is a translation of the other.
_EN_BOILERPLATE = [
    "ADVERTISEMENT",
    "Subscribe to our newsletter for daily updates.",
    "Share on Facebook | Share on X | Copy link",
    "Read more: Top {k2} stories of the week",
    "Click here to join the discussion ({k2} comments)",
    "Follow {name_en2} on social media for the latest updates.",
]
_NAMES = [("김민준", "Kim Min-jun"), ("이서연", "Lee Seo-yeon"), ("박지훈", "Park Ji-hoon"), ("최수아", "Choi Su-a")]


@dataclass
class AlignDocument:
    """One benchmark document: sentence lists, the MT of `src` (or None) and the gold beads."""

    doc_id: str
    src: list[str]
    tgt: list[str]
    mt: list[str] | None
    gold: list[Bead] = field(default_factory=list)


@dataclass(frozen=True)
class Perturbation:
    """Per-position probabilities of each edit; the rest stay 1-1."""

    merge_src2: float = 0.07  # two Korean sentences written as one line: a 1-2 bead
    merge_tgt2: float = 0.07  # 2-1
    merge_tgt3: float = 0.03  # 3-1
    drop_tgt: float = 0.05  # Korean sentence left untranslated: 1-0
    drop_src: float = 0.05  # English sentence with no Korean source: 0-1
    boilerplate_src: float = 0.35  # chance of each of a header and a footer line on the Korean side
    boilerplate_tgt: float = 0.35


def read_split(data_dir: str, split: str) -> tuple[list[str], list[str], list[str], list[str] | None]:
    """Korean lines, English lines, document URLs and (devtest only) opus-mt output, line-aligned."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    folder = os.path.join(data_dir, f"flores200-{split}")

    def lines(path):
        with open(path, encoding="utf-8") as handle:
            return handle.read().rstrip("\n").split("\n")

    ko = lines(os.path.join(folder, f"kor_Hang.{split}"))
    en = lines(os.path.join(folder, f"eng_Latn.{split}"))
    urls = [row.split("\t")[0] for row in lines(os.path.join(folder, f"metadata_{split}.tsv"))[1:]]
    mt = lines(os.path.join(data_dir, MT_FILE)) if split == "devtest" else None
    if not (len(ko) == len(en) == len(urls)) or (mt is not None and len(mt) != len(ko)):
        raise ValueError(f"{folder}: Korean, English, metadata (and MT) line counts differ")
    return ko, en, urls, mt


def documents(urls: list[str]) -> list[range]:
    """Runs of consecutive rows with the same URL."""
    runs, start = [], 0
    for k in range(1, len(urls) + 1):
        if k == len(urls) or urls[k] != urls[start]:
            runs.append(range(start, k))
            start = k
    return runs


def _fill(template: str, rng: random.Random) -> str:
    name, name_en = rng.choice(_NAMES)
    _, name_en2 = rng.choice(_NAMES)
    user = name_en.split()[1].lower().replace("-", "")
    return template.format(
        name=name, name_en=name_en, name_en2=name_en2, email=f"{user}@asiae.co.kr", k=rng.randint(2, 9), k2=rng.randint(3, 12),
    )


def perturb(doc_id: str, ko: list[str], en: list[str], mt: list[str] | None, rng: random.Random, p: Perturbation) -> AlignDocument:
    """Turn a 1-1 parallel document into an edited article pair with gold beads."""
    units: list[tuple[list[str], list[str], list[str]]] = []  # (Korean lines, MT lines, English lines)
    has_mt = mt is not None
    mt = mt if has_mt else [""] * len(ko)
    cuts = [p.merge_src2, p.merge_tgt2, p.merge_tgt3, p.drop_tgt, p.drop_src]
    edge = [sum(cuts[: t + 1]) for t in range(len(cuts))]
    k = 0
    while k < len(ko):
        r = rng.random()
        left = len(ko) - k
        if r < edge[0] and left >= 2:
            units.append(([" ".join(ko[k : k + 2])], [" ".join(mt[k : k + 2])], en[k : k + 2]))
            k += 2
        elif edge[0] <= r < edge[1] and left >= 2:
            units.append((ko[k : k + 2], mt[k : k + 2], [" ".join(en[k : k + 2])]))
            k += 2
        elif edge[1] <= r < edge[2] and left >= 3:
            units.append((ko[k : k + 3], mt[k : k + 3], [" ".join(en[k : k + 3])]))
            k += 3
        elif edge[2] <= r < edge[3]:
            units.append(([ko[k]], [mt[k]], []))
            k += 1
        elif edge[3] <= r < edge[4]:
            units.append(([], [], [en[k]]))
            k += 1
        else:
            units.append(([ko[k]], [mt[k]], [en[k]]))
            k += 1
    for probability, side in ((p.boilerplate_src, "src"), (p.boilerplate_tgt, "tgt")):
        for position in ("head", "tail"):
            if rng.random() >= probability:
                continue
            if side == "src":
                ko_line, mt_line = rng.choice(_KO_BOILERPLATE)
                seed = rng.random()
                unit = ([_fill(ko_line, random.Random(seed))], [_fill(mt_line, random.Random(seed))], [])
            else:
                unit = ([], [], [_fill(rng.choice(_EN_BOILERPLATE), rng)])
            units.insert(0 if position == "head" else len(units), unit)
    doc = AlignDocument(doc_id, [], [], [])
    for ko_lines, mt_lines, en_lines in units:
        src_ids = list(range(len(doc.src), len(doc.src) + len(ko_lines)))
        doc.gold.append(Bead(src_ids, list(range(len(doc.tgt), len(doc.tgt) + len(en_lines))), 1.0))
        doc.src.extend(ko_lines)
        doc.mt.extend(mt_lines)
        doc.tgt.extend(en_lines)
    if not has_mt:
        doc.mt = None
    return doc


def news_benchmark(data_dir: str, split: str = "devtest", seed: int = 0, perturbation: Perturbation = Perturbation()) -> list[AlignDocument]:
    """All FLORES documents of `split`, perturbed reproducibly (same seed, same documents)."""
    ko, en, urls, mt = read_split(data_dir, split)
    rng = random.Random(f"{split}:{seed}")
    out = []
    for run in documents(urls):
        doc_mt = mt[run.start : run.stop] if mt is not None else None
        out.append(perturb(urls[run.start], ko[run.start : run.stop], en[run.start : run.stop], doc_mt, rng, perturbation))
    return out
