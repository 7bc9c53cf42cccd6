import gc
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpora.documents import Document
from corpora.job import WORK_DIR, BuildSettings, build
from corpora.filters import FilterSettings
from corpora.readers import read_pairs
from mt.cli import main
from mt.io.errors import DariError
from tests.corpus_support import positional_aligner

ARTICLES = Path(__file__).parent / "fixtures" / "corpus_articles"
REPO = Path(__file__).resolve().parent.parent


def article_dir(tmp_path, extra=()):
    """The fixture articles plus `extra` (name, ko lines, en lines) documents."""
    source = tmp_path / "articles"
    shutil.copytree(ARTICLES, source)
    for name, ko, en in extra:
        (source / f"{name}.ko.txt").write_text("\n".join(ko) + "\n", encoding="utf-8")
        (source / f"{name}.en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    return source


def run(source, out, **kwargs):
    return build(str(source), str(out), aligner=positional_aligner, **kwargs)


def lines(path):
    return Path(path).read_text(encoding="utf-8").splitlines()


def rejects(out):
    return [json.loads(line) for line in lines(out / "rejects.jsonl")]


FIXTURE_SENTENCES = 15  # 3 + 4 + 4 + 4 one-sentence lines in tests/fixtures/corpus_articles

NOISY = (
    "zz_noisy",
    ["태국 공군 전투기 사고로 조종사 2명이 다쳤다.", "Reuters reported this on Monday.", "사진=연합뉴스",
     "남는 한국어 문장 하나가 더 있다."],
    ["The crash injured five pilots of the Thai air force.", "Reuters reported this on Monday."],
)


def test_clean_articles_all_become_pairs_with_provenance(tmp_path):
    stats = run(article_dir(tmp_path), tmp_path / "out")
    rows = [line.split("\t") for line in lines(tmp_path / "out" / "corpus.tsv")]
    assert stats["documents"] == 4 and stats["candidates"] == stats["accepted"] == FIXTURE_SENTENCES
    assert stats["yield"] == 1.0 and stats["rejected"] == 0
    first_ko = lines(ARTICLES / "flores_dev_002.ko.txt")[0]
    assert rows[0][:5] == [first_ko, lines(ARTICLES / "flores_dev_002.en.txt")[0], "flores_dev_002", "0", "0"]
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)  # input order
    assert json.loads((tmp_path / "out" / "stats.json").read_text()) == stats


def test_every_candidate_is_either_accepted_or_rejected_with_a_reason(tmp_path):
    source = article_dir(tmp_path, [NOISY])
    stats = run(source, tmp_path / "out")
    found = {(r["doc"], r["reason"]) for r in rejects(tmp_path / "out")}
    assert found == {("zz_noisy", "numbers"), ("zz_noisy", "ko_script"), ("zz_noisy", "boilerplate"),
                     ("zz_noisy", "unaligned")}
    assert stats["accepted"] + stats["rejected"] == stats["candidates"] == FIXTURE_SENTENCES + 4
    assert sum(stats["rejected_by_reason"].values()) == stats["rejected"] == 4
    assert all(r["detail"] for r in rejects(tmp_path / "out"))


def test_exact_and_near_duplicates_across_documents(tmp_path):
    ko = lines(ARTICLES / "flores_dev_002.ko.txt")[0]
    en = lines(ARTICLES / "flores_dev_002.en.txt")[0]
    copies = [("zz_copy", [ko], [en]), ("zz_near", [ko.replace(" ", "  ").rstrip(".")], [en.upper()])]
    stats = run(article_dir(tmp_path, copies), tmp_path / "out")
    assert [(r["doc"], r["reason"]) for r in rejects(tmp_path / "out")] == [
        ("zz_copy", "duplicate"), ("zz_near", "near_duplicate")]
    assert stats["accepted"] == FIXTURE_SENTENCES


def test_test_set_sentences_never_reach_the_corpus(tmp_path):
    ko_lines = lines(ARTICLES / "flores_dev_007.ko.txt")
    en_lines = lines(ARTICLES / "flores_dev_015.en.txt")
    test_ko = tmp_path / "kor_Hang.devtest"
    test_ko.write_text(ko_lines[1] + "\n", encoding="utf-8")
    test_en = tmp_path / "test.tsv"
    test_en.write_text(f"무관한 문장\t{en_lines[2].lower()}\n", encoding="utf-8")
    stats = run(article_dir(tmp_path), tmp_path / "out", exclude=[str(test_ko), str(test_en)])
    assert [(r["doc"], r["ko_ids"], r["reason"]) for r in rejects(tmp_path / "out")] == [
        ("flores_dev_007", [1], "test_overlap"), ("flores_dev_015", [2], "test_overlap")]
    assert stats["accepted"] == FIXTURE_SENTENCES - 2
    corpus_text = (tmp_path / "out" / "corpus.tsv").read_text(encoding="utf-8")
    assert ko_lines[1] not in corpus_text


def test_test_sentence_inside_a_merged_bead_is_caught(tmp_path):
    from aligners.beads import Bead
    from corpora.dedup import CorpusGate, load_exclusions
    from corpora.records import PairRecord

    test_set = tmp_path / "test.txt"
    test_set.write_text("Second sentence here. Another test sentence.\n", encoding="utf-8")
    gate = CorpusGate(load_exclusions([str(test_set)]))
    en = ["First sentence here.", "Second sentence here."]
    pair = PairRecord("d", "첫 문장과 둘째 문장.", " ".join(en), [0], [0, 1], 0.9)
    assert gate.check(pair, ["첫 문장과 둘째 문장."], en)[0] == "test_overlap"
    assert Bead([0], [0, 1]).kind == "1-2"


def test_adding_articles_reuses_finished_ones_and_output_matches_a_fresh_build(tmp_path):
    source = article_dir(tmp_path)
    first = run(source, tmp_path / "out")
    assert (first["documents_processed"], first["documents_reused"]) == (4, 0)
    shutil.copy(ARTICLES / "flores_dev_002.ko.txt", source / "new.ko.txt")
    (source / "new.en.txt").write_text("\n".join(l.upper() for l in lines(ARTICLES / "flores_dev_002.en.txt")) + "\n")
    second = run(source, tmp_path / "out")
    assert (second["documents_processed"], second["documents_reused"]) == (1, 4)
    fresh = run(source, tmp_path / "fresh")
    assert lines(tmp_path / "out" / "corpus.tsv") == lines(tmp_path / "fresh" / "corpus.tsv")
    assert lines(tmp_path / "out" / "rejects.jsonl") == lines(tmp_path / "fresh" / "rejects.jsonl")
    assert fresh["documents_processed"] == 5


def test_shards_of_edited_or_removed_articles_are_pruned_after_a_complete_build(tmp_path):
    source = article_dir(tmp_path)
    run(source, tmp_path / "out")
    shards = lambda: sorted(glob.glob(str(tmp_path / "out" / WORK_DIR / "shards" / "*" / "*.jsonl")))
    before = shards()
    assert len(before) == 4
    removed_ko = sorted(source.glob("*.ko.txt"))[0]
    removed_ko.unlink()
    removed_ko.with_name(removed_ko.name.replace(".ko.txt", ".en.txt")).unlink()
    stats = run(source, tmp_path / "out")
    after = shards()
    assert stats["shards_removed"] == 1 and len(after) == 3 and set(after) < set(before)
    assert run(source, tmp_path / "out")["shards_removed"] == 0


def test_changed_article_or_filter_settings_redo_the_work(tmp_path):
    source = article_dir(tmp_path)
    run(source, tmp_path / "out")
    (source / "flores_dev_019.en.txt").write_text("Changed.\nText.\nHere.\nNow.\n", encoding="utf-8")
    assert run(source, tmp_path / "out")["documents_processed"] == 1
    stricter = BuildSettings(filters=FilterSettings(min_score=0.95))
    stats = run(source, tmp_path / "out", settings=stricter)
    assert stats["documents_processed"] == 4
    # the stand-in scores every pair 0.9; the changed article's 4 pairs already fail on length
    assert stats["rejected_by_reason"]["low_score"] == FIXTURE_SENTENCES - 4 and stats["accepted"] == 0


def test_parallel_build_gives_identical_output(tmp_path):
    source = article_dir(tmp_path, [NOISY])
    run(source, tmp_path / "serial")
    stats = run(source, tmp_path / "parallel", jobs=2)
    assert stats["documents_processed"] == 5
    for name in ("corpus.tsv", "rejects.jsonl"):
        assert lines(tmp_path / "serial" / name) == lines(tmp_path / "parallel" / name)


def write_manifest(path):
    """The two bundled articles as a JSONL manifest."""
    with open(path, "w", encoding="utf-8") as handle:
        for name in ("flores_dev_002", "flores_dev_007"):
            doc = {"id": name, "ko": (ARTICLES / f"{name}.ko.txt").read_text(encoding="utf-8"),
                   "en": (ARTICLES / f"{name}.en.txt").read_text(encoding="utf-8")}
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


def test_manifest_input_and_tmx_output(tmp_path):
    manifest = write_manifest(tmp_path / "manifest.jsonl")
    stats = run(manifest, tmp_path / "out", settings=BuildSettings(format="tmx"))
    pairs = list(read_pairs(str(tmp_path / "out")))
    assert len(pairs) == stats["accepted"] == 7
    assert pairs[0][0] == lines(ARTICLES / "flores_dev_002.ko.txt")[0]


def test_no_document_text_is_held_while_it_is_aligned(tmp_path):
    """A 200,000-line article's texts are ~110 MB: the build lets them go once they are segmented."""
    held = []

    def aligner(src, tgt, **options):
        held.append(sum(isinstance(obj, Document) for obj in gc.get_objects()))
        return positional_aligner(src, tgt, **options)

    manifest = write_manifest(tmp_path / "manifest.jsonl")
    for source in (article_dir(tmp_path), manifest):
        build(str(source), str(tmp_path / f"out-{source.name}"), aligner=aligner)
    assert held == [0] * 6


def test_mt_file_with_one_line_per_korean_sentence_is_passed_to_the_aligner(tmp_path):
    source = article_dir(tmp_path)
    (source / "flores_dev_002.ko.mt.txt").write_text("A.\nB.\nC.\n", encoding="utf-8")
    (source / "flores_dev_007.ko.mt.txt").write_text("only one line\n", encoding="utf-8")
    assert run(source, tmp_path / "out")["documents_mt_used"] == 1


KILLED_BUILD = """
import sys
from corpora.job import build
from tests.corpus_support import positional_aligner
build(sys.argv[1], sys.argv[2], aligner=positional_aligner)
"""


@pytest.mark.slow
def test_a_build_killed_midway_resumes_without_redoing_or_duplicating(tmp_path):
    extra = [(f"doc_{i:02d}", [f"{i}번째 기사의 한국어 문장이다.", "두 번째 한국어 문장도 있다."],
              [f"This is the English sentence of article {i}.", "There is a second English sentence too."])
             for i in range(30)]
    source = article_dir(tmp_path, extra)
    out = tmp_path / "out"
    env = {**os.environ, "DARI_TEST_ALIGN_DELAY": "0.1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(source), str(out)], cwd=REPO, env=env)
    shards = out / WORK_DIR / "shards"
    deadline = time.time() + 60
    while len(list(shards.glob("*/*.jsonl"))) < 5 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(list(shards.glob("*/*.jsonl")))
    assert 5 <= finished < 34
    assert not (out / "corpus.tsv").exists() and not (out / "stats.json").exists()

    resumed = run(source, out)
    assert resumed["documents_reused"] == finished
    assert resumed["documents_processed"] == 34 - finished
    assert not [p for p in out.rglob(".*.tmp")]
    fresh = run(source, tmp_path / "fresh")
    assert lines(out / "corpus.tsv") == lines(tmp_path / "fresh" / "corpus.tsv")
    assert fresh["accepted"] == resumed["accepted"] == FIXTURE_SENTENCES + 31
    assert resumed["rejected_by_reason"]["duplicate"] == 29  # the shared second sentence, across the kill


def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path):
    source = article_dir(tmp_path)
    (source / "orphan.ko.txt").write_text("혼자 남은 기사.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["corpus", "build", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "orphan.ko.txt: has no English partner orphan.en.txt" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()

    (source / "orphan.ko.txt").rename(source / "a_broken.ko.txt")
    (source / "a_broken.en.txt").write_bytes("깨진 인코딩\n".encode("cp949"))
    result = CliRunner().invoke(main, ["corpus", "build", str(source), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "a_broken.en.txt: not valid UTF-8" in result.output

    for manifest_text in ("", '{"id": "a", "ko": 1}\n'):  # a manifest bad from its first line creates nothing
        manifest = tmp_path / "articles.jsonl"
        manifest.write_text(manifest_text, encoding="utf-8")
        result = CliRunner().invoke(main, ["corpus", "build", str(manifest), "-o", str(tmp_path / "out2")])
        assert result.exit_code == 2 and "articles.jsonl" in result.output
        assert not (tmp_path / "out2").exists()


def test_bad_article_midway_keeps_finished_work_but_writes_no_corpus(tmp_path):
    source = article_dir(tmp_path)
    (source / "zz_broken.ko.txt").write_text("기사.\n", encoding="utf-8")
    (source / "zz_broken.en.txt").write_bytes(b"\x00\x01binary")
    with pytest.raises(DariError, match="zz_broken.en.txt: binary file"):
        run(source, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [WORK_DIR]
    (source / "zz_broken.en.txt").write_text("An article.\n", encoding="utf-8")
    assert run(source, tmp_path / "out")["documents_reused"] == 4


def test_cli_stats_summarizes_a_built_corpus(tmp_path):
    source = article_dir(tmp_path, [NOISY])
    run(source, tmp_path / "out", settings=BuildSettings(format="moses"))
    result = CliRunner().invoke(main, ["corpus", "stats", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["pairs"] == summary["distinct_pairs"] == FIXTURE_SENTENCES
    assert summary["build"]["rejected_by_reason"]["numbers"] == 1
    table = CliRunner().invoke(main, ["corpus", "stats", str(tmp_path / "out" / "corpus.ko")]).output
    assert f"pairs              {FIXTURE_SENTENCES:>10,}" in table


def test_corpus_stats_does_not_import_torch(tmp_path):
    code = ("import sys; from mt.cli import main; sys.argv = ['dari', 'corpus', 'stats', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nassert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True)


def test_cli_build_with_the_real_aligner_pairs_parallel_articles_line_for_line(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["corpus", "build", str(ARTICLES), "-o", str(out), "--embed", "none",
                                       "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    pairs = [json.loads(line) for line in lines(out / "corpus.jsonl")]
    assert all(p["ko_ids"] == p["en_ids"] for p in pairs)  # the fixture articles are parallel sentence by sentence
    assert sum(len(p["ko_ids"]) for p in pairs) >= FIXTURE_SENTENCES - 2
    assert "pairs accepted" in result.output


def test_an_article_with_an_empty_side_reports_its_sentences_as_unaligned(tmp_path):
    source = article_dir(tmp_path, [("zz_untranslated", ["번역되지 않은 기사의 첫 문장이다.", "둘째 문장이다."], [])])
    (source / "zz_untranslated.en.txt").write_text("\n", encoding="utf-8")
    stats = run(source, tmp_path / "out")
    assert [(r["doc"], r["ko_ids"], r["reason"]) for r in rejects(tmp_path / "out")] == [
        ("zz_untranslated", [0], "unaligned"), ("zz_untranslated", [1], "unaligned")]
    assert stats["documents"] == 5


def test_changed_filter_code_redoes_old_documents(tmp_path, monkeypatch):
    from corpora import job

    source = article_dir(tmp_path)
    run(source, tmp_path / "out")
    monkeypatch.setattr(job, "_code_fingerprint", lambda aligner: "upgraded")
    assert run(source, tmp_path / "out")["documents_processed"] == 4


def test_cli_stats_on_a_missing_or_unbuilt_path_is_a_one_line_error(tmp_path):
    missing = CliRunner().invoke(main, ["corpus", "stats", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "nowhere: no such file or directory" in missing.output
    unbuilt = CliRunner().invoke(main, ["corpus", "stats", str(tmp_path)])
    assert unbuilt.exit_code == 2 and "has no stats.json" in unbuilt.output


def test_a_second_build_on_the_same_output_is_refused_while_one_runs(tmp_path):
    import fcntl

    source = article_dir(tmp_path)
    (tmp_path / "out" / WORK_DIR).mkdir(parents=True)
    with open(tmp_path / "out" / WORK_DIR / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(DariError, match="another `dari corpus build` is writing"):
            run(source, tmp_path / "out")
    assert run(source, tmp_path / "out")["documents_processed"] == 4
