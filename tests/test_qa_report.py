import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from aligners.beads import Bead
from eval.html_report import render_html
from eval.qa import build_report, check_document, report_json
from mt.text.article import Article
from flores_rows import flores_article
from mt import __version__
from mt.cli import main

ATTACK_KO = "<script>document.body.setAttribute('data-pwned','ko')</script> 정부는 발표했다."
ATTACK_EN = '"onerror="document.body.setAttribute(\'data-pwned\',\'en\')" <img src=x onerror="document.body.setAttribute(\'data-pwned\',\'img\')">'
ATTACK_NAME = "<b>doc</b>&amp;"


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def parsed_tags(page):
    """The elements a browser's parser would build: input text must add none."""
    collector = TagCollector()
    collector.feed(page)
    return collector.tags


def attack_report():
    ko = Article.from_lines([ATTACK_KO, "야당은 반대했다."], "ko")
    en = Article.from_lines([ATTACK_EN, "The opposition objected."], "en")
    mt = ["</td><script>alert(1)</script> The government announced.", "The opposition opposed it."]
    doc = check_document(ATTACK_NAME, ko, en, mt, [Bead([0], [0]), Bead([1], [1])])
    return build_report([doc], {})


def test_html_escapes_every_piece_of_input_text():
    page = render_html(attack_report())
    assert "<script" not in page and "<img" not in page and "<b>doc" not in page
    assert "&lt;script&gt;document.body.setAttribute(&#x27;data-pwned&#x27;,&#x27;ko&#x27;)&lt;/script&gt;" in page
    assert "&quot;onerror=&quot;" in page
    assert "&lt;b&gt;doc&lt;/b&gt;&amp;amp;" in page
    tags = parsed_tags(page)
    assert not {"script", "img", "b", "iframe"} & {tag for tag, _ in tags}
    assert not [name for _, attrs in tags for name, _ in attrs if name.startswith("on")]


def test_html_is_self_contained():
    page = render_html(attack_report())
    assert not re.search(r"(src|href)=\"(https?:|//)", page)
    assert "<link" not in page and "@import" not in page and "<script" not in page
    assert "<svg" in page and "</svg>" in page


def test_plot_has_one_linked_mark_per_bead():
    report = attack_report()
    page = render_html(report)
    svg = page[page.index("<svg"): page.index("</svg>")]
    assert svg.count('<a href="#doc0-bead') == len(report.documents[0].beads)
    assert 'id="doc0-bead1"' in page
    assert '<a href="#doc0">&lt;b&gt;doc&lt;/b&gt;&amp;amp;</a>' in page  # contents link, name escaped


def test_json_report_has_document_scores_and_counts_per_flag():
    data = json.loads(report_json(attack_report()))
    doc = data["documents"][0]
    assert set(data["flag_counts"]) >= {"omission", "addition", "number_mismatch", "untranslated", "low_similarity", "repetition"}
    assert doc["beads"][0]["ko"] == ATTACK_KO  # text kept verbatim in JSON
    assert {s["name"] for s in doc["scores"]} == {"BLEU", "chrF2"}


def run_qa_cli(*args):
    return CliRunner().invoke(main, ["qa", *args])


def test_qa_cli_finds_a_deleted_english_sentence(tmp_path):
    paths = flores_article(tmp_path, drop_english=3)
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    result = run_qa_cli("--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]),
                        "--embed", "none", "-o", str(out), "--html", str(html))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    flagged = [b for b in report["documents"][0]["beads"] if "omission" in b["flags"]]
    assert report["flag_counts"]["omission"] == 1 and len(flagged) == 1
    assert "Ring" in flagged[0]["mt"] or flagged[0]["src"] == [3]
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_qa_cli_batch_of_directories(tmp_path):
    for sub in ("ko", "en", "mt"):
        (tmp_path / sub).mkdir()
    for name, drop in (("a.txt", None), ("b.txt", 1)):
        paths = flores_article(tmp_path, drop)
        for sub in ("ko", "en", "mt"):
            paths[sub].rename(tmp_path / sub / name)
    out = tmp_path / "r.json"
    result = run_qa_cli("--src", str(tmp_path / "ko"), "--ref", str(tmp_path / "en"), "--mt", str(tmp_path / "mt"),
                        "--embed", "none", "-o", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [d["name"] for d in report["documents"]] == ["a.txt", "b.txt"]
    assert [d["flag_counts"]["omission"] for d in report["documents"]] == [0, 1]


def test_mt_file_of_the_wrong_shape_is_a_one_line_error(tmp_path):
    paths = flores_article(tmp_path)
    paths["mt"].write_text("one\ntwo\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = run_qa_cli("--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]), "-o", str(out))
    assert result.exit_code == 2
    assert f"{paths['mt']}: has 2 non-empty lines; expected one per source sentence" in result.output
    assert not out.exists()


@pytest.mark.parametrize("content, problem", [(b"", "empty input"), (b"\xff\xfe\x00x", "binary file")])
def test_unreadable_inputs_name_the_file(tmp_path, content, problem):
    paths = flores_article(tmp_path)
    paths["en"].write_bytes(content)
    result = run_qa_cli("--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]))
    assert result.exit_code == 2 and f"{paths['en']}: {problem}" in result.output


@pytest.mark.parametrize("args, confirm", [((), "e5"), (("--confirm", "none"), "none")])
def test_qa_cli_confirm_default_is_e5_and_can_be_turned_off(tmp_path, args, confirm):
    paths = flores_article(tmp_path, drop_english=3)
    out = tmp_path / "r.json"
    result = run_qa_cli("--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]), *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["settings"]["confirm"] == confirm


def test_html_says_what_made_it_and_how_to_read_it(tmp_path):
    paths = flores_article(tmp_path, drop_english=3)
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    result = run_qa_cli("--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]), "--embed", "none",
                        "--confirm", "none", "-o", str(out), "--html", str(html))
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["settings"]["dari"] == __version__ and report["documents"][0]["en_source"] == str(paths["en"])
    assert re.search(rf"Made \d{{4}}-\d\d-\d\d by dari {re.escape(__version__)}\. Settings: alignment embeddings: none; embedding scope with MT: needed; "
                     r"confirming embedding: none; most sentences per bead side: 3; MT model: –; Python: 3\.", page)
    assert f"English: {paths['en']} (4 sentences)" in page
    assert "<dt>chrF</dt><dd>character n-gram F-score" in page and "<dt>threshold</dt>" in page
    assert "<figcaption" in page and "chrF (0–100)</text>" in page and "in document order" in page
    assert page.count('<span class="swatch"') >= 3  # the colour key


def test_html_gives_source_line_numbers(tmp_path):
    ko = tmp_path / "ko.txt"
    ko.write_text("첫 문장이다. 둘째 문장이다.\n\n셋째 문장이다.\n", encoding="utf-8")  # two sentences on line 1, one on line 3
    en = tmp_path / "en.txt"
    en.write_text("The first sentence. The second sentence.\nThe third sentence.\n", encoding="utf-8")
    mt = tmp_path / "mt.txt"
    mt.write_text("The first sentence. The second sentence.\nThe third sentence.\n", encoding="utf-8")  # one line per paragraph
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    result = run_qa_cli("--src", str(ko), "--ref", str(en), "--mt", str(mt), "--embed", "none", "--confirm", "none",
                        "-o", str(out), "--html", str(html))
    assert result.exit_code == 0, result.output
    beads = json.loads(out.read_text(encoding="utf-8"))["documents"][0]["beads"]
    assert [(b["ko_lines"], b["en_lines"]) for b in beads] == [([1], [1]), ([1], [1]), ([3], [2])]
    assert "<td class=num>3 / 2</td>" in html.read_text(encoding="utf-8")
    assert render_html(attack_report(), generated=datetime.date(2024, 5, 1)).count("Made 2024-05-01 by dari") == 1


def test_report_json_written_bead_by_bead_is_the_one_shot_dump():
    """The streamed JSON is byte for byte what json.dumps gives the whole report, nested empties included."""
    from dataclasses import asdict

    first, second = attack_report().documents[0], attack_report().documents[0]
    second.beads, second.scores, second.name = [], [], 'second "doc"'
    report = build_report([first, second], {"nested": {"list": [1, 2], "empty": {}}, "none": []})
    report.term_renderings = [{"ko": "정부", "renderings": [{"form": "x", "documents": ["a"]}]}]
    assert report_json(report) == json.dumps(asdict(report), ensure_ascii=False, indent=1) + "\n"
