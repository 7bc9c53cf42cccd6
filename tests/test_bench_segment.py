"""The --audit scoring of scripts/bench_segment.py on a two-document toy set (no shared data)."""

import pytest

from scripts.bench_segment import holds_quoted_sentences, read_audit, score

DOCUMENTS = [["첫 문장이다. 둘째 문장이다.", "셋째 문장이다."], ["넷째다.", "다섯째다."]]
IDS = [("dev", 0), ("dev", 1)]
HEADER = "# comment\nlang\tsplit\tdoc\turl\toffset\tleft\tright\tverdict\treason\n"


def write_audit(tmp_path, rows):
    path = tmp_path / "audit.tsv"
    path.write_text(HEADER + "".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_audited_real_ends_join_the_reference(tmp_path):
    # "첫문장이다." is 6 non-space characters: the in-line end of document 0
    path = write_audit(tmp_path, [["ko", "dev", "0", "u", "6", "첫 문장이다.", " 둘째", "real", "two sentences"]])
    audit = read_audit(path, "ko", DOCUMENTS, IDS)
    assert audit == [({6}, {6}), (set(), set())]

    def by_sentence(text):
        return [s + "." for s in text.rstrip(".").split(". ")]

    result = score(by_sentence, DOCUMENTS, audit)
    assert (result["precision"], result["recall"]) == (0.6667, 1.0)  # the in-line end is wrong by protocol
    assert result["adjusted"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "reference_boundaries": 3,
                                  "inline_not_audited": 0}


def test_unaudited_inline_cuts_count_as_wrong(tmp_path):
    path = write_audit(tmp_path, [["ko", "dev", "0", "u", "6", "첫 문장이다.", " 둘째", "error", "not an end"]])
    audit = read_audit(path, "ko", DOCUMENTS, IDS)
    result = score(lambda text: text.split(" "), DOCUMENTS, audit)
    # cuts after 첫, 둘째, 셋째 are unaudited; the one after 문장이다. is audited (as an error)
    assert result["adjusted"]["inline_not_audited"] == 3
    assert result["adjusted"]["precision"] == round(2 / 6, 4)


def test_an_audit_of_other_text_or_language_is_refused(tmp_path):
    path = write_audit(tmp_path, [["ko", "dev", "0", "u", "6", "다른 문장이다.", " 둘째", "real", ""]])
    with pytest.raises(SystemExit, match="does not match"):
        read_audit(path, "ko", DOCUMENTS, IDS)
    with pytest.raises(SystemExit, match="no rows for --lang en"):
        read_audit(path, "en", DOCUMENTS, IDS)


def test_quote_heavy_documents_hold_a_quotation_of_several_sentences():
    assert holds_quoted_sentences("그는 “공장은 내년에 문을 연다. 일자리가 생긴다”고 말했다.", "ko")
    assert not holds_quoted_sentences("그는 “좋다”고 말했다. 다음 문장이다.", "ko")
    assert not holds_quoted_sentences("그는 “좋다.”고 말했다.", "ko")
    assert not holds_quoted_sentences("뇌가 있다(모든 동물이 그런 것은 아니다. 해파리는 없다).", "ko")
