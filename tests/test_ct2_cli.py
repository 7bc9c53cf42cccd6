import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mt.cli import main
from mt.translate import load_backend

pytest.importorskip("ctranslate2")

ARTICLE = "서울에서 기자회견이 열렸다. 정부는 새 정책을 발표했다.\n\n경제 전문가들은 신중한 반응을 보였다.\n"


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run_translate(model_dir, article, cache_dir, *extra):
    env = {"DARI_CACHE_DIR": str(cache_dir)}
    args = ["translate", str(article), "--model", str(model_dir), "--no-cache", "--beams", "1", "--max-length", "16", "-q", *extra]
    return CliRunner().invoke(main, args, env=env)


def test_auto_prefers_ct2_when_installed(monkeypatch):
    assert load_backend("auto").backend_name == "ct2"
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None if name == "ctranslate2" else True)
    assert load_backend("auto").backend_name == "hf"


def test_unknown_backend_name_is_rejected():
    with pytest.raises(ValueError, match="unknown backend"):
        load_backend("onnx")


@pytest.mark.slow
def test_translate_with_ct2_backend_writes_one_record_per_sentence(tiny_model_dir, article, tmp_path):
    result = run_translate(tiny_model_dir, article, tmp_path / "cache", "--backend", "ct2", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["src"] for r in records] == ["서울에서 기자회견이 열렸다.", "정부는 새 정책을 발표했다.", "경제 전문가들은 신중한 반응을 보였다."]
    assert all(r["mt"] for r in records)
    converted = os.listdir(tmp_path / "cache" / "ct2")
    assert len(converted) == 1 and converted[0].endswith("-int8-ct2v4")


@pytest.mark.slow
def test_converted_model_runs_without_importing_torch_or_transformers(tiny_model_dir, article, tmp_path):
    """Start-up time and peak memory of the default path depend on loading neither once the model is converted."""
    cache = tmp_path / "cache"
    assert run_translate(tiny_model_dir, article, cache, "--backend", "ct2").exit_code == 0
    script = (
        "import sys\n"
        "from mt.cli import main\n"
        "try:\n"
        f"    main([{', '.join(repr(a) for a in ['translate', str(article), '--model', str(tiny_model_dir), '--no-cache', '--beams', '1', '--max-length', '16', '-q', '--backend', 'ct2'])}])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print(sorted({'torch', 'transformers'} & set(sys.modules)), file=sys.stderr)\n"
    )
    env = dict(os.environ, DARI_CACHE_DIR=str(cache), OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"  # the Marian tokenizer needs sentencepiece alone
    assert len(done.stdout.splitlines()) == 3  # the article's three lines, translated
