"""`dari qa --glossary`: names checked per bead, and names rendered differently across articles."""

import json

from click.testing import CliRunner

from aligners.beads import Bead
from eval.checks import BeadText
from eval.html_report import render_html
from eval.qa import build_report, check_document, report_json
from eval.term_checks import OTHER, check_terms
from flores_rows import flores_article
from mt.cli import main
from mt.glossary import parse_glossary
from mt.text.article import Article

GLOSSARY = parse_glossary("개성공단\tKaesong Industrial Complex\tGaeseong Industrial Complex\n"
                          "힌시테인\tKhinshtein\tHinshtein\n시미노프\tSiminoff\tSiminov\n")


def test_bead_flags_a_missing_rendering_and_a_variant_and_says_on_which_side():
    bead = BeadText(ko="힌시테인은 개성공단에 갔다.", en="Hinshtein went to the Kaesong Industrial Complex.",
                    mt="Khinshtein went to the Gaeseong Industrial Complex.")
    flags, notes, uses = check_terms(bead, GLOSSARY)
    assert flags == ["term_missing", "term_variant"]
    assert "the published English lacks 'Khinshtein' for 힌시테인" in notes
    assert "the published English has 'Hinshtein' for 힌시테인, a variant to avoid (expected 'Khinshtein')" in notes
    assert "the MT lacks 'Kaesong Industrial Complex' for 개성공단" in notes
    assert {u["ko"]: (u["en"], u["mt"]) for u in uses} == {
        "힌시테인": (None, "Khinshtein"), "개성공단": ("Kaesong Industrial Complex", None)}


def test_correct_renderings_raise_nothing_and_one_sided_beads_check_only_what_they_have():
    good = BeadText(ko="힌시테인이 말했다.", en="KHINSHTEIN SAID", mt="Khinshtein said.")
    assert check_terms(good, GLOSSARY)[:2] == ([], [])
    omitted = BeadText(ko="힌시테인이 말했다.", en="", mt="Hinshtein said.")
    flags, notes, _ = check_terms(omitted, GLOSSARY)
    assert flags == ["term_missing", "term_variant"] and all(note.startswith("the MT") for note in notes)
    assert check_terms(BeadText(ko="", en="Hinshtein", mt=""), GLOSSARY) == ([], [], [])


def document(name, ko, en):
    return check_document(name, Article.from_sentences(ko, "ko"), Article.from_sentences(en, "en"), list(en),
                          [Bead([k], [k]) for k in range(len(ko))], glossary=GLOSSARY)


def test_batch_report_lists_a_term_rendered_differently_in_different_articles():
    documents = [
        document("a.txt", ["시미노프가 말했다.", "힌시테인이 왔다."], ["Siminoff said.", "Khinshtein came."]),
        document("b.txt", ["시미노프는 웃었다."], ["SIMINOFF laughed."]),  # capitals are not another rendering
        document("c.txt", ["힌시테인이 떠났다.", "힌시테인은 울었다."], ["Hinshtein left.", "He cried."]),
    ]
    report = build_report(documents, {}, GLOSSARY)
    assert report.flag_counts["term_missing"] == 2 and report.flag_counts["term_variant"] == 1
    [term] = report.term_renderings  # 시미노프 is rendered one way throughout
    assert term["ko"] == "힌시테인" and term["expected"] == "Khinshtein"
    assert [(f["form"], f["documents"], f["beads"], f["variant"]) for f in term["renderings"]] == [
        (OTHER, ["c.txt"], 1, False), ("Hinshtein", ["c.txt"], 1, True), ("Khinshtein", ["a.txt"], 1, False)]
    data = json.loads(report_json(report))
    assert data["term_renderings"][0]["ko"] == "힌시테인"
    assert data["documents"][2]["beads"][0]["terms"][0]["en_variant"] == "Hinshtein"


def test_html_shows_the_renderings_and_escapes_them():
    glossary = parse_glossary("힌시테인\tKhinshtein\t<b>Hin</b>\n")
    docs = [check_document(name, Article.from_sentences([ko], "ko"), Article.from_sentences([en], "en"), [en], [Bead([0], [0])], glossary=glossary)
            for name, ko, en in (("a", "힌시테인이 왔다.", "Khinshtein came."), ("b", "힌시테인이 갔다.", "<b>Hin</b> went."))]
    page = render_html(build_report(docs, {}, glossary))
    assert "Glossary terms rendered in several ways" in page and "<b>Hin" not in page
    assert '<span class="variant">&lt;b&gt;Hin&lt;/b&gt;</span>: 1 bead(s) in b' in page
    assert '<span class="badge term_variant">term_variant</span>' in page
    without = render_html(build_report([document("a", ["시미노프가 말했다."], ["Siminoff said."])], {}))
    assert "Glossary terms" not in without


def test_qa_cli_with_a_glossary(tmp_path):
    paths = flores_article(tmp_path)
    names, out = tmp_path / "names.tsv", tmp_path / "r.json"
    names.write_text("시미노프\tSiminoff\tSiminov\n", encoding="utf-8")
    paths["en"].write_text(paths["en"].read_text(encoding="utf-8").replace("Siminoff", "Siminov", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["qa", "--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]),
                                       "--embed", "none", "--confirm", "none", "--glossary", str(names), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["flag_counts"]["term_variant"] == 1 and report["flag_counts"]["term_missing"] == 1
    assert report["settings"]["glossary"]["entries"] == 1
    assert "1 glossary term(s) rendered in several ways" in result.stderr


def test_qa_cli_rejects_a_bad_glossary_in_one_line(tmp_path):
    paths = flores_article(tmp_path)
    names = tmp_path / "names.tsv"
    names.write_text("시미노프\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["qa", "--src", str(paths["ko"]), "--ref", str(paths["en"]), "--mt", str(paths["mt"]),
                                       "--glossary", str(names)])
    assert result.exit_code == 2 and result.output.strip().count("\n") == 0
    assert f"{names}: line 1: expected korean<TAB>english" in result.output


def test_a_merged_bead_that_spells_the_name_right_once_and_wrong_once_lacks_a_rendering():
    both = BeadText(ko="힌시테인이 왔다. 힌시테인은 떠났다.", en="Khinshtein came. Hinshtein left.", mt="")
    flags, notes, [use] = check_terms(both, GLOSSARY)
    assert flags == ["term_missing", "term_variant"] and use["count"] == 2 and use["missing"] == ["en"]
    assert "the published English renders 힌시테인 as 'Khinshtein' 1 of 2 times" in notes
    pronoun = BeadText(ko="힌시테인이 왔다. 힌시테인은 떠났다.", en="Khinshtein came. He left.", mt="")
    assert check_terms(pronoun, GLOSSARY)[:2] == ([], [])  # a pronoun for the second mention is fine
