import json
import xml.etree.ElementTree as ET

import pytest

from corpora.documents import iter_documents
from corpora.readers import read_pairs, read_segments
from corpora.records import PairRecord
from corpora.writers import open_corpus, open_rejects, output_files
from mt.io.errors import DariError

PAIRS = [
    PairRecord("a/1", "서울 <시> & \"부산\"", "Seoul <city> & \"Busan\" 'quoted'", [0], [0], 0.91234),
    PairRecord("a/1", "두 문장을 합친다. 그리고 하나 더.", "Two sentences merged into one.", [1, 2], [1], 0.5),
    PairRecord("b", "]]> 문자열", "]]> string", [0], [0, 1], 1.0),
]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def write_all(out_dir, fmt, pairs=PAIRS):
    with open_corpus(str(out_dir), fmt) as write:
        for pair in pairs:
            write(pair)


@pytest.mark.parametrize("fmt", ["tsv", "moses", "jsonl", "tmx"])
def test_every_format_round_trips_text(tmp_path, fmt):
    write_all(tmp_path, fmt)
    first = tmp_path / output_files(fmt)[0]
    assert list(read_pairs(str(first))) == [(p.ko, p.en) for p in PAIRS]


def test_tsv_carries_provenance_columns(tmp_path):
    write_all(tmp_path, "tsv")
    rows = [line.split("\t") for line in (tmp_path / "corpus.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[1][2:] == ["a/1", "1,2", "1", "0.5000"]


def test_moses_files_are_line_aligned_with_metadata(tmp_path):
    write_all(tmp_path, "moses")
    ko = (tmp_path / "corpus.ko").read_text(encoding="utf-8").splitlines()
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").splitlines()
    meta = [json.loads(line) for line in (tmp_path / "corpus.meta.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ko) == len(en) == len(meta) == 3
    assert meta[2] == {"doc": "b", "ko_ids": [0], "en_ids": [0, 1], "score": 1.0}


def test_jsonl_fields_equal_python_names(tmp_path):
    write_all(tmp_path, "jsonl")
    first = json.loads((tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first == {"ko": PAIRS[0].ko, "en": PAIRS[0].en, "doc": "a/1", "ko_ids": [0], "en_ids": [0], "score": 0.9123}


def check_tmx14_structure(root):
    """The element/attribute rules of the TMX 1.4 DTD that a corpus file exercises."""
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert [child.tag for child in root] == ["header", "body"]
    header = root.find("header")
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attribute), attribute
    assert header.get("segtype") in {"block", "paragraph", "sentence", "phrase"}
    units = list(root.find("body"))
    for tu in units:
        assert tu.tag == "tu"
        tags = [child.tag for child in tu]
        first_tuv = tags.index("tuv")
        assert set(tags[:first_tuv]) <= {"note", "prop"} and set(tags[first_tuv:]) == {"tuv"}
        for prop in tu.findall("prop"):
            assert prop.get("type") and list(prop) == []
        for tuv in tu.findall("tuv"):
            assert tuv.get(XML_LANG)
            assert [child.tag for child in tuv] == ["seg"]
    return units


def test_tmx_is_well_formed_tmx14_with_provenance(tmp_path):
    write_all(tmp_path, "tmx")
    text = (tmp_path / "corpus.tmx").read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    units = check_tmx14_structure(ET.fromstring(text.encode("utf-8")))
    assert len(units) == 3
    props = {p.get("type"): p.text for p in units[1].findall("prop")}
    assert props == {"x-doc": "a/1", "x-ko-ids": "1,2", "x-en-ids": "1", "x-score": "0.5000"}
    assert units[0].find("tuv/seg").text == PAIRS[0].ko
    assert len({tu.get("tuid") for tu in units}) == 3


def test_structure_check_catches_a_broken_tmx():
    broken = ET.fromstring('<tmx version="1.4"><header/><body><tu><tuv><seg>x</seg></tuv></tu></body></tmx>')
    with pytest.raises(AssertionError):
        check_tmx14_structure(broken)


def test_empty_corpus_is_still_valid_tmx(tmp_path):
    write_all(tmp_path, "tmx", pairs=[])
    assert check_tmx14_structure(ET.parse(tmp_path / "corpus.tmx").getroot()) == []


def test_outputs_appear_only_when_complete(tmp_path):
    with pytest.raises(RuntimeError):
        with open_corpus(str(tmp_path), "moses") as write:
            write(PAIRS[0])
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_rejects_keep_reason_and_detail(tmp_path):
    pair = PairRecord("d", "네.", "Yes.", [0], [0], 0.9, "too_short", "ko has 1 letters/digits < 3")
    with open_rejects(str(tmp_path)) as write:
        write(pair)
    assert json.loads((tmp_path / "rejects.jsonl").read_text(encoding="utf-8")) == pair.to_json()


def test_moses_line_count_mismatch_is_an_input_error(tmp_path):
    (tmp_path / "x.ko").write_text("하나\n둘\n", encoding="utf-8")
    (tmp_path / "x.en").write_text("one\n", encoding="utf-8")
    with pytest.raises(DariError, match="different line counts"):
        list(read_pairs(str(tmp_path / "x.en")))


def test_bad_lines_name_the_file_and_line(tmp_path):
    bad_json = tmp_path / "c.jsonl"
    bad_json.write_text('{"ko": "가", "en": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(DariError, match=r"c\.jsonl: line 2: not valid JSON"):
        list(read_pairs(str(bad_json)))
    bad_utf8 = tmp_path / "c.tsv"
    bad_utf8.write_bytes("가\ta\n".encode() + "나\tb\n".encode("cp949"))
    with pytest.raises(DariError, match=r"c\.tsv: line 2: not valid UTF-8"):
        list(read_pairs(str(bad_utf8)))
    bad_tmx = tmp_path / "c.tmx"
    bad_tmx.write_text("<tmx><body><tu>", encoding="utf-8")
    with pytest.raises(DariError, match="not well-formed TMX"):
        list(read_pairs(str(bad_tmx)))


def test_test_set_segments_from_plain_and_parallel_files(tmp_path):
    plain = tmp_path / "kor_Hang.devtest"
    plain.write_text("첫 문장.\n\n둘째 문장.\n", encoding="utf-8")
    assert list(read_segments(str(plain))) == ["첫 문장.", "둘째 문장."]
    write_all(tmp_path, "tsv", pairs=PAIRS[:1])
    assert list(read_segments(str(tmp_path / "corpus.tsv"))) == [PAIRS[0].ko, PAIRS[0].en]


def test_build_manifest_with_binary_line_names_the_line(tmp_path):
    manifest = tmp_path / "m.jsonl"
    manifest.write_bytes(b'{"id": "a", "ko": "\xea\xb0\x80", "en": "a"}\n\x00\x01\x02\n')
    with pytest.raises(DariError, match=r"m\.jsonl: line 2: binary data"):
        list(iter_documents(str(manifest)))
    manifest.write_bytes(b'["id", "ko", "en"]\n')
    with pytest.raises(DariError, match=r"m\.jsonl: line 1: expected a JSON object"):
        list(iter_documents(str(manifest)))
