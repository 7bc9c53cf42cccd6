import os
import sys

import pytest

from mt.backends.base import GenerationOptions
from mt.io.errors import DariError
from mt.models import resolve_model
from tiny_models import build_tiny_nllb, fixture_lines

ctranslate2 = pytest.importorskip("ctranslate2")

from mt.backends.ct2 import CT2Backend, available_cores, convert, converted_dir, cpu_workers, even_part_size  # noqa: E402


def short_sentences(backend, count=24):
    """Fixture sentences that fit the tiny model's 64 positions (the pipeline splits longer ones)."""
    lines = fixture_lines("ko")
    return [line for line, n in zip(lines, backend.count_tokens(lines)) if n <= 60][:count]


@pytest.fixture(scope="module")
def resolved(tiny_model_dir):
    return resolve_model(str(tiny_model_dir))


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("ct2-cache"))


@pytest.fixture(scope="module")
def ct2_float32(resolved, ct2_cache):
    return CT2Backend(resolved, "cpu", quantization="float32", threads=1, cache_dir=ct2_cache)


@pytest.fixture(scope="module")
def hf(resolved):
    import torch

    from mt.backends.hf import HFBackend

    torch.set_num_threads(1)
    return HFBackend(resolved, "cpu")


@pytest.mark.slow
@pytest.mark.parametrize(
    "options",
    [
        GenerationOptions(beams=1, max_length=24),
        GenerationOptions(beams=1, max_length=24, no_repeat_ngram_size=3, repetition_penalty=1.2),
    ],
    ids=["greedy", "greedy-anti-repetition"],
)
def test_greedy_float32_output_identical_to_transformers(hf, ct2_float32, options):
    sentences = short_sentences(hf)
    assert len(sentences) == 24
    expected = hf.translate_batch(sentences, options)
    assert len(set(expected)) > len(sentences) // 2  # the fixture model's output depends on its input
    assert ct2_float32.translate_batch(sentences, options) == expected


def test_same_source_tokens_and_limits_as_transformers(hf, ct2_float32):
    lines = fixture_lines("ko")
    assert ct2_float32.count_tokens(lines) == hf.count_tokens(lines)
    assert ct2_float32.max_input_tokens == hf.max_input_tokens
    assert ct2_float32.max_output_tokens == hf.max_output_tokens


def test_int8_default_translates_every_sentence_deterministically(resolved, ct2_cache):
    backend = CT2Backend(resolved, "cpu", threads=1, cache_dir=ct2_cache)
    assert backend.quantization == "int8"
    options = GenerationOptions(beams=2, max_length=16)
    sentences = short_sentences(backend, 6)
    first = backend.translate_batch(sentences, options)
    assert len(first) == 6 and all(isinstance(out.text, str) and out.text for out in first)
    assert backend.translate_batch(sentences, options) == first
    assert backend.translate_batch([], options) == []


def test_sentencepiece_tokens_translate_as_transformers_tokenizer_does(resolved, ct2_cache, monkeypatch):
    from mt.backends.hf import HFTokens
    from mt.backends.marian_tokens import MarianTokens

    backend = CT2Backend(resolved, "cpu", threads=1, cache_dir=ct2_cache)
    assert isinstance(backend.tokens, MarianTokens)
    monkeypatch.setattr("mt.backends.marian_tokens.load_marian_tokens", lambda model_dir: None)
    with_transformers = CT2Backend(resolved, "cpu", threads=1, cache_dir=ct2_cache)
    assert isinstance(with_transformers.tokens, HFTokens)
    sentences = short_sentences(backend, 12) + ["서울 ☃ 날씨는 맑다 🙂.", "龘 의 뜻은?"]
    assert backend.count_tokens(sentences) == with_transformers.count_tokens(sentences)
    options = GenerationOptions(beams=2, max_length=16)
    assert backend.translate_batch(sentences, options) == with_transformers.translate_batch(sentences, options)


def test_conversion_is_reused(resolved, ct2_float32, ct2_cache):
    model_bin = os.path.join(ct2_float32.model_path, "model.bin")
    stamp = os.stat(model_bin).st_mtime_ns
    again = CT2Backend(resolved, "cpu", quantization="float32", threads=1, cache_dir=ct2_cache)
    assert again.model_path == ct2_float32.model_path
    assert os.stat(model_bin).st_mtime_ns == stamp


def test_cache_is_keyed_by_model_revision_and_quantization(tmp_path):
    base = converted_dir("Helsinki-NLP/opus-mt-ko-en", "abc123", "int8", str(tmp_path))
    assert base.startswith(str(tmp_path))
    assert "opus-mt-ko-en" in os.path.basename(base)
    others = {
        converted_dir("Helsinki-NLP/opus-mt-tc-big-ko-en", "abc123", "int8", str(tmp_path)),
        converted_dir("Helsinki-NLP/opus-mt-ko-en", "def456", "int8", str(tmp_path)),
        converted_dir("Helsinki-NLP/opus-mt-ko-en", "abc123", "float16", str(tmp_path)),
    }
    assert base not in others and len(others) == 3


def test_failed_conversion_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    target = tmp_path / "cache" / "ct2" / "broken"
    with pytest.raises(DariError, match="cannot convert to CTranslate2"):
        convert(str(broken), str(target), "int8")
    assert os.listdir(target.parent) == []


def test_threads_fit_the_cores_this_process_may_use(ct2_float32, resolved, ct2_cache):
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert available_cores() == expected
    assert CT2Backend(resolved, "cpu", quantization="float32", cache_dir=ct2_cache).threads == expected


def test_two_workers_share_the_cores():
    assert cpu_workers(1) == (1, 1)
    assert cpu_workers(2) == (2, 1)
    assert cpu_workers(8) == (2, 4)


@pytest.mark.parametrize("sentences", [1, 2, 7, 16, 17, 20, 32, 33, 48])
def test_batches_are_cut_into_equal_parts_for_every_worker(sentences):
    size = even_part_size(sentences, largest=8, workers=2)
    parts = -(-sentences // size)
    assert size <= 8
    assert parts % 2 == 0 or parts == 1  # one part only when a single sentence cannot be shared
    assert parts * size - sentences < parts  # equal parts: no more than one sentence short each


def test_cpu_backend_decodes_two_batches_at_once(resolved, ct2_cache):
    backend = CT2Backend(resolved, "cpu", quantization="float32", threads=2, cache_dir=ct2_cache)
    assert backend.translator.num_translators == 2
    options = GenerationOptions(beams=2, max_length=16)
    sentences = short_sentences(backend, 12)
    one_worker = CT2Backend(resolved, "cpu", quantization="float32", threads=1, cache_dir=ct2_cache)
    assert backend.translate_batch(sentences, options) == one_worker.translate_batch(sentences, options)


def test_missing_ctranslate2_is_a_one_line_error(resolved, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # makes `import ctranslate2` fail
    with pytest.raises(DariError, match="pip install"):
        CT2Backend(resolved, "cpu")


def test_cuda_requested_without_a_gpu_is_an_input_error(resolved, ct2_cache):
    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("a GPU is present")
    with pytest.raises(DariError, match="no CUDA GPU"):
        CT2Backend(resolved, "cuda", cache_dir=ct2_cache)


def test_partial_conversions_left_by_killed_runs_are_removed_once_abandoned(resolved, tmp_path):
    target = converted_dir(resolved.model_id, resolved.revision, "float32", str(tmp_path))
    parent = os.path.dirname(target)
    os.makedirs(parent)
    stale = os.path.join(parent, f".{os.path.basename(target)}.old.partial")
    young = os.path.join(parent, f".{os.path.basename(target)}.new.partial")
    for path in (stale, young):
        os.makedirs(path)
        open(os.path.join(path, "model.bin"), "wb").close()
    os.utime(stale, (0, 0))
    convert(resolved.path, target, "float32")
    assert sorted(os.listdir(parent)) == sorted([os.path.basename(target), os.path.basename(young)])
    assert os.path.getsize(os.path.join(target, "model.bin")) > 0


@pytest.mark.slow
def test_nllb_gets_language_codes_and_matches_transformers(tmp_path):
    from mt.backends.hf import HFBackend

    resolved = resolve_model(str(build_tiny_nllb(tmp_path / "nllb")))
    ct2 = CT2Backend(resolved, "cpu", quantization="float32", threads=1, cache_dir=str(tmp_path / "cache"))
    assert ct2.tokens.encode(["서울 날씨"])[0][0] == "kor_Hang"
    assert ct2.tokens.target_prefix == ["eng_Latn"]
    options = GenerationOptions(beams=1, max_length=8)
    sentences = ["서울 날씨는 맑다.", "비가 온다."]
    source = ct2.tokens.encode(sentences)
    raw = ct2.translator.translate_batch(source, target_prefix=[ct2.tokens.target_prefix] * 2, beam_size=1, max_decoding_length=8)
    assert all(result.hypotheses[0][0] == "eng_Latn" for result in raw)
    # The random model may end right after the language code; the texts must agree either way.
    assert ct2.translate_batch(sentences, options) == HFBackend(resolved, "cpu").translate_batch(sentences, options)
