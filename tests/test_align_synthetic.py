"""The FLORES news-alignment builder, run on a FLORES-shaped folder made from the 11-row fixture."""

import os

import pytest

from flores_rows import flores_rows, write_flores_folder
from aligners.synthetic import MT_FILE, Perturbation, documents, news_benchmark



@pytest.fixture
def data_dir(tmp_path):
    data = write_flores_folder(tmp_path)
    (tmp_path / os.path.dirname(MT_FILE)).mkdir()
    (tmp_path / MT_FILE).write_text("\n".join(flores_rows("mt")) + "\n", encoding="utf-8")
    return data


def test_documents_are_runs_of_one_url():
    assert documents(["a", "a", "b", "a"]) == [range(2), range(2, 3), range(3, 4)]


def test_same_seed_same_benchmark_and_gold_covers_every_line(data_dir):
    first = news_benchmark(data_dir, "devtest", seed=3)
    assert [d.src for d in first] == [d.src for d in news_benchmark(data_dir, "devtest", seed=3)]
    assert len(first) == 4
    for doc in first:
        assert len(doc.mt) == len(doc.src)
        assert sorted(i for b in doc.gold for i in b.src) == list(range(len(doc.src)))
        assert sorted(j for b in doc.gold for j in b.tgt) == list(range(len(doc.tgt)))


def test_every_edit_appears_when_forced(data_dir):
    heavy = Perturbation(merge_src2=0.2, merge_tgt2=0.2, merge_tgt3=0.2, drop_tgt=0.15, drop_src=0.15, boilerplate_src=1.0, boilerplate_tgt=1.0)
    kinds = set()
    for seed in range(10):
        kinds |= {b.kind for d in news_benchmark(data_dir, "devtest", seed, heavy) for b in d.gold}
    assert {"1-1", "1-2", "2-1", "3-1", "1-0", "0-1"} <= kinds


def test_merged_lines_join_their_sentences(data_dir):
    only_merges = Perturbation(merge_src2=1.0, merge_tgt2=0, merge_tgt3=0, drop_tgt=0, drop_src=0, boilerplate_src=0, boilerplate_tgt=0)
    doc = news_benchmark(data_dir, "devtest", 0, only_merges)[2]  # rows 5-9: the Ring article

    ko, en, mt = flores_rows("ko"), flores_rows("en"), flores_rows("mt")
    assert doc.gold[0].kind == "1-2"
    assert doc.src[0] == ko[5] + " " + ko[6]
    assert doc.mt[0] == mt[5] + " " + mt[6]
    assert doc.tgt[:2] == en[5:7]


def test_unknown_split_fails(data_dir):
    with pytest.raises(ValueError):
        news_benchmark(data_dir, "test")
