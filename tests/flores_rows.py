"""The first FLORES-200 devtest rows shipped in tests/fixtures, with the real opus-mt-ko-en output."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {
    "ko": "flores_devtest60.kor",
    "en": "flores_devtest60.eng",
    "mt": "flores_devtest60.opus-mt-ko-en.hyp",
    "url": "flores_devtest60.url",
}


def flores_rows(kind: str, count: int = 11) -> list[str]:
    """The first `count` rows; the first 11 are four whole documents."""
    return (FIXTURES / FILES[kind]).read_text(encoding="utf-8").split("\n")[:count]


def write_flores_folder(root: Path, count: int = 11) -> str:
    """A data folder shaped like the shared one (devtest split only) holding the first rows."""
    folder = root / "flores200-devtest"
    folder.mkdir(parents=True)
    (folder / "kor_Hang.devtest").write_text("\n".join(flores_rows("ko", count)) + "\n", encoding="utf-8")
    (folder / "eng_Latn.devtest").write_text("\n".join(flores_rows("en", count)) + "\n", encoding="utf-8")
    metadata = ["URL\tdomain\ttopic\thas_image\thas_hyperlink"] + [f"{url}\t\t\t\t" for url in flores_rows("url", count)]
    (folder / "metadata_devtest.tsv").write_text("\n".join(metadata) + "\n", encoding="utf-8")
    return str(root)


def flores_article(tmp_path, drop_english=None):
    """A FLORES devtest document (Amazon buys Ring) as article files; MT is the real opus-mt output."""
    ko, en, mt = (flores_rows(kind, 10)[5:] for kind in ("ko", "en", "mt"))
    if drop_english is not None:
        del en[drop_english]
    paths = {}
    for name, lines in (("ko", ko), ("en", en), ("mt", mt)):
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths
