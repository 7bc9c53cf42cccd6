"""`dari translate` end to end with a real (tiny, random-weight) Marian model loaded from disk."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import main
from mt.text.article import Article

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "news-ko.txt"
FAST = ["--beams", "1", "--max-length", "12"]


def run(args, **kwargs):
    return CliRunner().invoke(main, ["translate", *args], catch_exceptions=False, **kwargs)


def run_process(args, extra_env=None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO), **(extra_env or {})}
    return subprocess.run([sys.executable, "-m", "mt", "translate", *args], capture_output=True, text=True, env=env, cwd=REPO)


@pytest.fixture
def cache(tmp_path):
    return ["--cache", str(tmp_path / "cache.sqlite3")]


def test_text_output_keeps_paragraphs_and_blank_lines(tiny_model_dir, cache, tmp_path):
    out = tmp_path / "out.txt"
    result = run([str(EXAMPLE), "--model", str(tiny_model_dir), "-o", str(out), *FAST, *cache])
    assert result.exit_code == 0, result.output
    source_lines = EXAMPLE.read_text(encoding="utf-8").split("\n")
    output_lines = out.read_text(encoding="utf-8").split("\n")
    assert len(output_lines) == len(source_lines)
    assert [line == "" for line in output_lines] == [line == "" for line in source_lines]


def test_jsonl_has_one_record_per_sentence_in_order(tiny_model_dir, cache, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run([str(EXAMPLE), "--model", str(tiny_model_dir), "--format", "jsonl", "-o", str(out), *FAST, *cache])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = EXAMPLE.read_text(encoding="utf-8")
    article = Article.segment(text, "ko")
    assert [r["src"] for r in records] == [text[s:e] for s, e in article.spans]
    assert [r["sent"] for r in records] == list(range(len(article)))
    assert [r["para"] for r in records] == list(article.paragraphs)
    assert all(set(r) == {"doc", "para", "sent", "src", "mt", "flags"} and r["doc"] == str(EXAMPLE) for r in records)
    assert all(isinstance(r["mt"], str) and r["mt"] and isinstance(r["flags"], list) for r in records)


def test_many_inputs_keep_input_order(tiny_model_dir, cache, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "b.txt").write_text("둘째 기사다.", encoding="utf-8")
    (folder / "a.txt").write_text("첫 기사다.", encoding="utf-8")
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text('{"id": "m1", "text": "목록 기사다."}\n\n{"id": 7, "text": "숫자 아이디 기사다."}\n', encoding="utf-8")
    result = run([str(folder), str(manifest), "-", "--model", str(tiny_model_dir), "--format", "jsonl", *FAST, *cache], input="표준 입력 기사다.")
    assert result.exit_code == 0, result.output
    docs = [json.loads(line)["doc"] for line in result.stdout.splitlines()]
    assert docs == [str(folder / "a.txt"), str(folder / "b.txt"), "m1", "7", "stdin"]


def test_several_documents_in_text_format_go_to_a_directory(tiny_model_dir, cache, tmp_path):
    manifest = tmp_path / "jobs.jsonl"
    manifest.write_text('{"id": "one", "text": "첫 기사다."}\n{"id": "two", "text": "둘째 기사다."}\n', encoding="utf-8")
    result = run([str(manifest), "--model", str(tiny_model_dir), *FAST, *cache])
    assert result.exit_code == 2 and "need -o DIRECTORY" in result.output
    out = tmp_path / "out"
    out.mkdir()
    result = run([str(manifest), "--model", str(tiny_model_dir), "-o", str(out), *FAST, *cache])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == ["one.en.txt", "two.en.txt"]


def test_sentence_longer_than_the_model_limit_is_split_not_truncated(tiny_model_dir, cache):
    long_sentence = ", ".join(f"{i}번째 항목은 서울과 부산에서 확인됐다" for i in range(30)) + "."
    result = run(["--model", str(tiny_model_dir), "--format", "jsonl", *FAST, *cache], input=long_sentence)
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["src"] == long_sentence and "split" in record["flags"] and record["mt"]


def test_rerun_of_an_edited_article_translates_only_changed_sentences(tiny_model_dir, cache, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("첫 문장이다. 둘째 문장이다.\n셋째 문장이다.", encoding="utf-8")
    first = run([str(article), "--model", str(tiny_model_dir), *FAST, *cache])
    assert "3 translated, 0 from cache" in first.stderr
    article.write_text("첫 문장이다. 바뀐 문장이다.\n셋째 문장이다.", encoding="utf-8")
    second = run([str(article), "--model", str(tiny_model_dir), *FAST, *cache])
    assert "1 translated, 2 from cache" in second.stderr
    assert first.stdout.split(" ")[0] == second.stdout.split(" ")[0]


def test_output_is_deterministic(tiny_model_dir):
    args = [str(EXAMPLE), "--model", str(tiny_model_dir), "--no-cache", "--format", "jsonl", *FAST]
    assert run(args).stdout == run(args).stdout


@pytest.mark.slow
def test_killed_batch_job_resumes_without_redoing_or_duplicating(tiny_model_dir, tmp_path):
    manifest = tmp_path / "jobs.jsonl"
    with manifest.open("w", encoding="utf-8") as handle:
        for i in range(40):
            handle.write(json.dumps({"id": f"doc{i}", "text": f"{i}번 기사의 첫 문장이다. {i}번 기사는 끝났다."}, ensure_ascii=False) + "\n")
    cache_file = tmp_path / "cache.sqlite3"
    out = tmp_path / "out.jsonl"
    args = [str(manifest), "--model", str(tiny_model_dir), "--format", "jsonl", "-o", str(out), "--cache", str(cache_file), "--batch-size", "1", "--beams", "1", "--max-length", "64"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "mt", "translate", *args], env=env, cwd=REPO, stderr=subprocess.DEVNULL)
    done_before_kill = 0
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if cache_file.exists():
            try:
                with sqlite3.connect(cache_file) as db:
                    done_before_kill = db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
            except sqlite3.OperationalError:
                pass
        if done_before_kill >= 5:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "job finished before it could be killed"
    assert not out.exists(), "a killed job must not leave a partial output file"
    assert [name for name in os.listdir(tmp_path) if name.startswith(".out")] == []

    resumed = run_process(args)
    assert resumed.returncode == 0, resumed.stderr
    total = 80
    translated = int(resumed.stderr.split(" translated")[0].rsplit(" ", 1)[1])
    assert translated <= total - done_before_kill
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == total
    assert len({(r["doc"], r["sent"]) for r in records}) == total


def test_offline_model_gives_one_line_and_exit_2(tmp_path):
    result = run_process([str(EXAMPLE), "--model", "opus-mt-tc-big", "-o", str(tmp_path / "o.txt")], {"HF_HOME": str(tmp_path / "hf")})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Helsinki-NLP/opus-mt-tc-big-ko-en" in result.stderr and "--model DIR" in result.stderr
    assert not (tmp_path / "o.txt").exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty input"),
        ("latin1.txt", "café".encode("latin-1"), "not valid UTF-8"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("bad.jsonl", b'{"id": 1, "text": "\xea\xb0\x80"}\n{"id": 2\n', "bad.jsonl: line 2: not valid JSON"),
        ("blank.jsonl", b'{"id": 1, "text": "  "}\n', "bad.jsonl: line 1: empty text"),
    ],
)
def test_bad_input_one_line_exit_2_no_output(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.txt"
    result = run_process([str(path), "--model", str(tmp_path), "-o", str(out)])
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message.replace("bad.jsonl", name) in result.stderr and str(path) in result.stderr
    assert not out.exists()


def test_missing_input_and_missing_model_directory(tmp_path):
    result = run_process([str(tmp_path / "nope.txt")])
    assert result.returncode == 2 and "nope.txt: no such file" in result.stderr
    result = run_process([str(EXAMPLE), "--model", "./no-such-model"])
    assert result.returncode == 2 and "no-such-model: no such model directory" in result.stderr


def test_mostly_english_input_warns_and_is_still_translated(tiny_model_dir, cache):
    result = run(["--model", str(tiny_model_dir), "--format", "jsonl", *FAST, *cache], input="This is an English note. 한국어 한 문장.")
    assert result.exit_code == 0
    assert "mostly not Korean" in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_fully_cached_cpu_run_on_the_hf_backend_never_imports_torch(tiny_model_dir, cache, tmp_path):
    args = [str(EXAMPLE), "--model", str(tiny_model_dir), "--backend", "hf", "--device", "cpu", *FAST, *cache, "-q"]
    assert run([*args, "-o", str(tmp_path / "first.txt")]).exit_code == 0
    script = (
        "import sys\nfrom mt.cli import main\n"
        f"try:\n    main({['translate', *args, '-o', str(tmp_path / 'second.txt')]!r})\n"
        "except SystemExit as done:\n    assert done.code == 0, done.code\n"
        "print(sorted({'torch', 'transformers'} & set(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "second.txt").read_text(encoding="utf-8") == (tmp_path / "first.txt").read_text(encoding="utf-8")
