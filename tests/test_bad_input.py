"""Bad input and misuse, as a user meets them on the command line: one `Error: ...` line naming the
file (and line), exit code 2, no output written, and nothing silently dropped or lost."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fault_support import assert_one_line_error, run_dari, without_dac_override
from corpora.records import PairRecord
from corpora.writers import open_corpus
from mt.cache import TranslationCache
from mt.cli import main
from mt.io.errors import DariError

FIXTURES = Path(__file__).parent / "fixtures"
KO = "서울시는 3일 새 버스 노선 12개를 발표했다.\n시민 1,200명이 설명회에 참석했다.\n"
EN = "Seoul announced 12 new bus routes on the 3rd.\n1,200 citizens attended the briefing.\n"


def dari(*args, **kwargs):
    return CliRunner().invoke(main, [str(arg) for arg in args], **kwargs)


@pytest.fixture
def files(tmp_path):
    for name, text in (("ko.txt", KO), ("en.txt", EN), ("mt.txt", EN)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def manifest(path, records):
    """A JSONL manifest written verbatim: the records are JSON text, so escapes stay escapes."""
    path.write_text("".join(line + "\n" for line in records), encoding="utf-8")
    return path


# --- TMX: nothing XML 1.0 cannot hold ------------------------------------------------------------


def test_a_control_character_in_a_document_id_is_refused_before_the_build(tmp_path):
    source = manifest(tmp_path / "pairs.jsonl", [
        json.dumps({"id": "fine", "ko": KO, "en": EN}),
        json.dumps({"id": "bad\u0001id", "ko": KO, "en": EN}),
    ])
    result = dari("corpus", "build", source, "-o", tmp_path / "out", "--format", "tmx", "--embed", "none")
    assert_one_line_error(result, f"{source} line 2", "U+0001")
    assert not (tmp_path / "out" / "corpus.tmx").exists()


def test_a_control_character_in_an_article_file_name_is_refused(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    for suffix, text in ((".ko.txt", KO), (".en.txt", EN)):
        (source / f"tab\x0bname{suffix}").write_text(text, encoding="utf-8")
    result = dari("corpus", "build", source, "-o", tmp_path / "out", "--format", "tmx", "--embed", "none")
    assert_one_line_error(result, "U+000B")


def test_a_tmx_with_markup_and_astral_characters_in_ids_reads_back(tmp_path):
    doc_id = "<a href=\"x\">&amp;</a> ]]> 😀 'q'"
    source = manifest(tmp_path / "pairs.jsonl", [json.dumps({"id": doc_id, "ko": KO, "en": EN})])
    out = tmp_path / "out"
    built = dari("corpus", "build", source, "-o", out, "--format", "tmx", "--embed", "none")
    assert built.exit_code == 0, built.output
    stats = dari("corpus", "stats", out / "corpus.tmx", "--json")
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["pairs"] == json.loads((out / "stats.json").read_text())["accepted"] > 0


@pytest.mark.parametrize("field, value", [("doc", "a\x0cb"), ("ko", "가\x1b나"), ("en", "lone \udc80"), ("en", "\uffff")])
def test_the_tmx_writer_refuses_what_xml_cannot_hold_and_writes_nothing(tmp_path, field, value):
    pair = PairRecord(**{"doc": "d", "ko": "가", "en": "a", field: value})
    with pytest.raises(DariError) as info, open_corpus(str(tmp_path), "tmx") as write:
        write(pair)
    assert "XML 1.0 cannot represent" in info.value.message and "corpus.tmx" in info.value.message
    assert os.listdir(tmp_path) == []


# --- the translation cache ----------------------------------------------------------------------


def filled_cache(path):
    cache = TranslationCache(str(path))
    cache.put_many([(TranslationCache.key("ctx", f"문장 {i}"), f"sentence {i} " * 20, []) for i in range(2000)])
    cache.close()
    return path


def corrupt(path):
    """Garbage in every page but the first (header and schema), so the cache opens and then fails."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        page_size = int.from_bytes(handle.read(18)[16:18], "big")
        handle.seek(page_size)
        handle.write(b"\xa5" * (size - page_size))
    return path


def test_a_corrupted_cache_page_is_one_line_naming_the_cache_and_the_ways_around_it(tmp_path):
    path = corrupt(filled_cache(tmp_path / "cache.sqlite3"))
    cache = TranslationCache(str(path))
    with pytest.raises(DariError) as info:
        cache.get_many([TranslationCache.key("ctx", f"문장 {i}") for i in range(2000)])
    assert str(path) in info.value.message and "--cache PATH" in info.value.message and "--no-cache" in info.value.message


READ_ONLY_CACHE = """
import sys
from mt.cache import TranslationCache
from mt.io.errors import DariError
cache = TranslationCache(sys.argv[1])
try:
    cache.put_many([("key", "text", [])])
except DariError as err:
    print(err.message)
"""


def test_a_read_only_cache_file_is_one_line(tmp_path):
    path = filled_cache(tmp_path / "cache.sqlite3")
    path.chmod(0o444)
    done = subprocess.run([sys.executable, "-c", READ_ONLY_CACHE, str(path)], capture_output=True, text=True,
                          preexec_fn=without_dac_override, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert done.stderr == "" and "readonly database" in done.stdout and "--no-cache" in done.stdout


def test_translate_with_a_corrupted_cache_is_one_line(tiny_model_dir, files, tmp_path):
    path = corrupt(filled_cache(tmp_path / "cache.sqlite3"))
    result = dari("translate", files / "ko.txt", "--model", tiny_model_dir, "--backend", "hf", "--cache", path,
                  "--beams", "1", "--max-length", "12", "-q", "-o", tmp_path / "out.txt")
    assert_one_line_error(result, f"{path}: unusable translation cache", "--no-cache")
    assert not (tmp_path / "out.txt").exists()


# --- JSONL manifests ------------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_translate_manifest_names_file_and_line(tmp_path):
    source = manifest(tmp_path / "docs.jsonl", ['{"id": "a", "text": "서울"}', r'{"id": "b", "text": "부산 \ud800"}'])
    result = dari("translate", source, "--model", tmp_path / "no-model", "-o", tmp_path / "out.jsonl", "--format", "jsonl")
    assert_one_line_error(result, f"{source}: line 2: lone surrogate \\ud800")


def test_a_lone_surrogate_in_a_corpus_manifest_names_file_and_line(tmp_path):
    source = manifest(tmp_path / "pairs.jsonl", [r'{"id": "a", "ko": "서울 \udfff", "en": "Seoul"}'])
    result = dari("corpus", "build", source, "-o", tmp_path / "out", "--embed", "none")
    assert_one_line_error(result, f"{source}: line 1: lone surrogate \\udfff")


def test_a_duplicate_document_id_names_the_manifest_and_both_lines(tmp_path):
    source = manifest(tmp_path / "docs.jsonl", ['{"id": "a", "text": "서울"}', '{"id": "b", "text": "부산"}',
                                                '{"id": "a", "text": "대구"}'])
    result = dari("translate", source, "--model", tmp_path / "no-model", "--format", "jsonl")
    assert_one_line_error(result, f"{source}: line 3: document id 'a' appears a second time (first in {source}: line 1)")


# --- HTML report ----------------------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_direction_controls_are_shown_not_obeyed_in_the_html_report(files, tmp_path):
    (files / "ko.txt").write_text("가격은 \u202e1.5\u202c배 올랐다.\n시민 1,200명이 참석했다.\n", encoding="utf-8")
    (files / "mt.txt").write_text(f"Prices rose {BIDI}1.5 times.\n1,200 citizens attended.\n", encoding="utf-8")
    html = tmp_path / "report.html"
    result = dari("qa", "--src", files / "ko.txt", "--ref", files / "en.txt", "--mt", files / "mt.txt",
                  "--embed", "none", "--confirm", "none", "-o", tmp_path / "r.json", "--html", html)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert not set(BIDI) & set(page)
    assert "가격은 [U+202E]1.5[U+202C]배" in page and "[U+061C]1.5 times" in page
    assert "shown as [U+…]" in page
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert any("\u202e" in bead["ko"] for bead in report["documents"][0]["beads"])  # JSON keeps the text as it is


# --- silently accepted input ----------------------------------------------------------------------


def test_empty_and_whitespace_only_articles_are_named_not_silently_built(tmp_path):
    source = tmp_path / "articles"
    shutil.copytree(FIXTURES / "corpus_articles", source)
    (source / "blank.ko.txt").write_text("  \n\n", encoding="utf-8")
    (source / "blank.en.txt").write_text("", encoding="utf-8")
    (source / "half.ko.txt").write_text(KO, encoding="utf-8")
    (source / "half.en.txt").write_text(" \n", encoding="utf-8")
    out = tmp_path / "out"
    result = dari("corpus", "build", source, "-o", out, "--embed", "none")
    assert result.exit_code == 0, result.output
    assert "warning: articles with an empty side: no Korean text in blank; no English text in blank, half" in result.stderr
    stats = json.loads((out / "stats.json").read_text())
    assert stats["empty_articles"] == {"ko": ["blank"], "en": ["blank", "half"]}


def test_align_eval_with_an_empty_gold_file_is_an_error(tmp_path):
    gold, pred = tmp_path / "gold.beads", tmp_path / "pred.beads"
    gold.write_text("\n")
    pred.write_text("[0]:[0]:0.9\n")
    result = dari("align-eval", "--gold", gold, "--pred", pred)
    assert_one_line_error(result, f"{gold}: no gold beads (empty file)")


@pytest.mark.parametrize("html", ["same", "-"])
def test_qa_with_one_path_for_both_reports_is_refused_before_any_work(files, tmp_path, html):
    out = tmp_path / "report.out"
    html = out if html == "same" else html
    result = dari("qa", "--src", files / "ko.txt", "--ref", files / "en.txt", "--model", tmp_path / "no-model",
                  "-o", out if html != "-" else "-", "--html", html)
    assert_one_line_error(result, "is given to both -o and --html")
    assert not out.exists()


@pytest.mark.parametrize("args", [["-r", "-", "-i", "-"], ["-r", "REF", "-i", "-", "-"]])
def test_score_with_stdin_twice_says_so(files, args):
    args = [str(files / "en.txt") if arg == "REF" else arg for arg in args]
    result = dari("score", *args, input="a line\n")
    assert_one_line_error(result, "stdin (-) is given 2 times to -r/-i, but can be read only once")


# --- file errors are dari's own one line, never click's usage block ------------------------------


@pytest.mark.parametrize("command", [
    ["segment", "{path}"],
    ["align", "{path}", "{en}", "--embed", "none"],
    ["align", "{ko}", "{en}", "--mt", "{path}", "--embed", "none"],
    ["align-eval", "--gold", "{path}", "--pred", "{path}"],
])
def test_a_directory_given_as_input_is_one_line(files, command):
    directory = files / "folder"
    directory.mkdir()
    args = [arg.format(path=directory, ko=files / "ko.txt", en=files / "en.txt") for arg in command]
    assert_one_line_error(dari(*args), f"{directory}: is a directory")


@pytest.mark.parametrize("command", [
    ["segment", "{path}"],
    ["align", "{path}", "{en}", "--embed", "none"],
    ["align-eval", "--gold", "{path}", "--pred", "{path}"],
])
def test_an_unreadable_input_is_one_line(files, command):
    locked = files / "locked.txt"
    locked.write_text(KO, encoding="utf-8")
    locked.chmod(0o000)
    args = [arg.format(path=locked, en=files / "en.txt") for arg in command]
    assert_one_line_error(run_dari(args, preexec=without_dac_override), f"{locked}: cannot read (Permission denied)")


def test_a_top_level_typo_gets_a_suggestion():
    result = dari("translte")
    assert result.exit_code == 2 and "No such command 'translte'. Did you mean 'translate'?" in result.stderr


# --- output directories and paths: created, or refused before any work ----------------------------


def test_translate_creates_the_output_directory_the_readme_names(tiny_model_dir, files, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(files / "ko.txt", articles / "a.txt")
    shutil.copy(files / "ko.txt", articles / "b.txt")
    for target, created in ((tmp_path / "drafts", ["a.en.txt", "b.en.txt"]), (tmp_path / "one" / "drafts", None)):
        args = [articles] if created else [articles / "a.txt"]
        result = dari("translate", *args, "-o", f"{target}/", "--model", tiny_model_dir, "--backend", "hf",
                      "--no-cache", "--beams", "1", "--max-length", "12", "-q")
        assert result.exit_code == 0, result.output
        assert sorted(os.listdir(target)) == (created or ["a.en.txt"])


@pytest.mark.parametrize("output", ["missing/out.txt", "taken/"])
def test_translate_checks_its_output_before_loading_anything(files, tmp_path, output):
    """The model does not exist: reaching it would be a different error, after the work would start."""
    (tmp_path / "taken").write_text("a file, not a directory\n")
    result = dari("translate", files / "ko.txt", "-o", f"{tmp_path}/{output}", "--model", tmp_path / "no-model")
    assert_one_line_error(result, str(tmp_path / output.rstrip("/")))
    assert "no-model" not in result.stderr


def test_qa_checks_its_html_path_before_translating(files, tmp_path):
    result = dari("qa", "--src", files / "ko.txt", "--ref", files / "en.txt", "--model", tmp_path / "no-model",
                  "-o", tmp_path / "r.json", "--html", tmp_path / "out" / "x.html")
    assert_one_line_error(result, f"{tmp_path / 'out' / 'x.html'}: output directory does not exist")


def test_align_batch_checks_every_output_before_reading_any_pair(files, tmp_path):
    batch = tmp_path / "list.tsv"
    batch.write_text(f"missing.ko\t{files / 'en.txt'}\tfirst.beads\n{files / 'ko.txt'}\t{files / 'en.txt'}\tnowhere/second.beads\n")
    assert_one_line_error(dari("align", "--batch", batch), f"{tmp_path / 'nowhere' / 'second.beads'}: output directory does not exist")
    batch.write_text(f"{files / 'ko.txt'}\t{files / 'en.txt'}\tsame.beads\n{files / 'ko.txt'}\t{files / 'en.txt'}\tsame.beads\n")
    assert_one_line_error(dari("align", "--batch", batch), f"{batch}: {tmp_path / 'same.beads'} is the output of two")
    assert not (tmp_path / "same.beads").exists()

