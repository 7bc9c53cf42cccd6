"""Glossary files and term matching: Korean terms with their particles, English renderings as words."""

import pytest
from click.testing import CliRunner

from mt.cli import main
from mt.glossary import find_rendering, find_variant, load_glossary, parse_glossary
from mt.io.errors import DariError
from mt.text.korean_terms import is_particle_chain

GLOSSARY = parse_glossary(
    "korean\tenglish\tvariants to avoid\tnote\n"
    "# a comment\n"
    "\n"
    "힌시테인\tKhinshtein\tHinshtein|Khinstein\tRussian MP\n"
    "=개성\tKaesong\tGaeseong\tambiguous: individuality\n"
    "개성공단\tKaesong Industrial Complex\n"
    "대동강\tTaedong River\tTaedong\n"
    "조선중앙통신\tKorean Central News Agency|KCNA\n"
    "밥 딜런\tBob Dylan\n"
    "딜런\tDillon\tDylan\n"
    "링\tRing\n"
)


def found(text):
    return [(m.entry.korean, text[m.start : m.end]) for m in GLOSSARY.find(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("힌시테인은 말했다.", [("힌시테인", "힌시테인")]),
        ("힌시테인에게서도 연락이 없었다.", [("힌시테인", "힌시테인")]),  # three particles stacked
        ("대동강으로부터 물을 끌어왔다.", [("대동강", "대동강")]),
        ("조선중앙통신이라고 밝혔다.", [("조선중앙통신", "조선중앙통신")]),  # copula + quotative
        ("“힌시테인”은 말했다.", [("힌시테인", "힌시테인")]),  # punctuation between term and particle
        ("대동강변을 걸었다.", []),  # 변 makes another word
        ("힌시테인스키 씨가 왔다.", []),
        ("서힌시테인은 말했다.", []),  # the term inside a longer word
        ("개성공단에서 일한다.", [("개성공단", "개성공단")]),  # the longer entry, not =개성
        ("개성 시내에 갔다.", [("개성", "개성")]),  # the exact entry as a word of its own
        ("그는 개성이 강하다.", []),  # exact: 개성이 is also "individuality is"
        ("개성2공단", []),  # the word goes on in digits
        ("밥 딜런에게 상을 줬다.", [("밥 딜런", "밥 딜런")]),  # not 딜런 inside the longer name
        ("밥딜런은 노래했다.", [("밥 딜런", "밥딜런")]),  # spacing of a name varies
        ("딜런은 말했다.", [("딜런", "딜런")]),
        ("링의 최고경영자", [("링", "링")]),  # one syllable, with its particle
        ("링크를 눌렀다.", []),
        ("힌시테인과 딜런이 만났다.", [("힌시테인", "힌시테인"), ("딜런", "딜런")]),
    ],
)
def test_korean_terms_match_with_particles_only_as_words_of_their_own(text, expected):
    assert found(text) == expected


def test_particle_chains():
    assert is_particle_chain("") and is_particle_chain("에서는") and is_particle_chain("에게서도")
    assert is_particle_chain("이라고") and is_particle_chain("씨는")
    assert not is_particle_chain("인")  # 미국인 is "American", not 미국 + a particle
    assert not is_particle_chain("변") and not is_particle_chain("적인")
    assert not is_particle_chain("에서는도만")  # more than three stacked


def test_english_renderings_are_whole_words_in_any_case_with_flexible_spacing():
    entries = {e.korean: e for e in GLOSSARY.entries}
    river, agency, dylan = entries["대동강"], entries["조선중앙통신"], entries["딜런"]
    assert find_rendering("On the TAEDONG river bank", river) == "TAEDONG river"
    assert find_rendering("the Taedong-River", river) == "Taedong-River"
    assert find_rendering("the Taedongriver", river) is None
    assert find_rendering("KCNA reported", agency) == "KCNA"  # an accepted alternative
    assert find_rendering("Dillon's song", dylan) == "Dillon"
    assert find_rendering("Dillonne", dylan) is None
    assert find_variant("Bob Dylan sang", dylan) == "Dylan"
    assert find_variant("the Taedong River", river) is None  # the variant inside the rendering does not count
    assert find_variant("the Taedong, a river", river) == "Taedong"


def test_digest_ignores_order_comments_and_notes_and_key_covers_only_the_entries_that_apply():
    a = parse_glossary("힌시테인\tKhinshtein\tHinshtein\tnote one\n대동강\tTaedong River\n")
    b = parse_glossary("# reordered\n대동강\tTaedong River\n힌시테인\tKhinshtein\tHinshtein\tanother note\n")
    c = parse_glossary("힌시테인\tKhinshtein\n대동강\tTaedong River\n")
    assert a.digest == b.digest != c.digest
    assert a.key("오늘은 비가 온다.") == ""
    assert a.key("대동강에서") == c.key("대동강에서")  # the edited entry does not apply
    assert a.key("힌시테인은") != c.key("힌시테인은")


@pytest.mark.parametrize(
    "text,message",
    [
        ("힌시테인\tKhinshtein\n개성\n", "line 2: expected korean<TAB>english[<TAB>variants to avoid][<TAB>note], found 1 column(s)"),
        ("힌시테인\tKhinshtein\ta\tb\tc\n", "line 1: expected korean<TAB>english"),
        ("Khinshtein\tKhinshtein\n", "line 1: the Korean term 'Khinshtein' has no Hangul"),
        ("힌시테인\t \n", "line 1: no English rendering for 힌시테인"),
        ("개성\tKaesong\tkaesong\n", "line 1: 'kaesong' is both a rendering and a variant to avoid"),
        ("# c\n개성\tKaesong\n=개성\tKaesong\n", "line 3: 개성 is already in the glossary (line 2)"),
        ("# only comments\n\n", "the glossary has no entries"),
    ],
)
def test_bad_rows_are_one_line_errors_naming_the_line(text, message):
    with pytest.raises(DariError) as caught:
        parse_glossary(text, "names.tsv")
    assert caught.value.message.startswith(f"names.tsv: {message}")
    assert "\n" not in caught.value.message


def test_load_glossary_reads_strict_utf8(tmp_path):
    path = tmp_path / "names.tsv"
    path.write_bytes("힌시테인\tKhinshtein\n".encode("cp949"))
    with pytest.raises(DariError, match="not valid UTF-8"):
        load_glossary(str(path))
    path.write_text("\ufeff힌시테인\tKhinshtein\r\n", encoding="utf-8")
    assert [e.korean for e in load_glossary(str(path)).entries] == ["힌시테인"]


def test_translate_cli_rejects_a_bad_glossary_before_loading_any_model(tmp_path):
    article, bad = tmp_path / "a.txt", tmp_path / "bad.tsv"
    article.write_text("힌시테인은 말했다.\n", encoding="utf-8")
    bad.write_text("힌시테인\tKhinshtein\nbad row\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(article), "--model", str(tmp_path / "no-model"), "--glossary", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: {bad}: line 2: expected korean<TAB>english[<TAB>variants to avoid][<TAB>note], found 1 column(s)"]
